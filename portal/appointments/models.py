"""Service halls, the daily slot plans of a hall for a guide, the slots of a day, and bookings.

A guide is referred to by its id (and its slug and title copied when the plan is made), never
through the catalog's model, so this feature stands on its own.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.classification import (
    INTERNAL_FIELD,
    NEVER,
    PUBLIC_FIELD,
    Level,
    classified,
    disclosed_property,
)
from portal.core.pii_names import mask_name
from portal.core.timefmt import utcnow
from portal.extensions import Model
from portal.public_content import public_content

PRIVATE = classified(Level.PRIVATE)
PUBLIC_TEXT = classified(Level.PUBLIC, free_text=True)
# What a booking goes through; only 已预约 and 已到场 hold a place against the per-guide rule.
STATUSES = {"booked": "已预约", "cancelled": "已取消", "arrived": "已到场", "served": "已办结",
            "no_show": "未到场"}
ACTIVE_STATUSES = ("booked", "arrived")


@public_content
class ServiceHall(Model):
    """A place citizens visit (办事大厅), with its address and opening hours."""

    __tablename__ = "service_halls"

    id: Mapped[int] = mapped_column(primary_key=True, info=PUBLIC_FIELD)
    name: Mapped[str] = mapped_column(String(100), info=PUBLIC_TEXT)
    address: Mapped[str] = mapped_column(String(200), info=PUBLIC_TEXT)
    hours: Mapped[str] = mapped_column(String(200), info=PUBLIC_TEXT)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True,
                                               info=INTERNAL_FIELD)
    active: Mapped[bool] = mapped_column(default=True, info=PUBLIC_FIELD)


@public_content
class SlotPlan(Model):
    """The slots one hall offers for one guide on every working day: first start, last end,
    length and places per slot."""

    __tablename__ = "slot_plans"
    __table_args__ = (UniqueConstraint("hall_id", "guide_id", "opens_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=PUBLIC_FIELD)
    hall_id: Mapped[int] = mapped_column(ForeignKey("service_halls.id"), index=True, info=PUBLIC_FIELD)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True,
                                          info=PUBLIC_FIELD)
    guide_slug: Mapped[str] = mapped_column(String(80), info=PUBLIC_FIELD)
    guide_title: Mapped[str] = mapped_column(String(120), info=PUBLIC_TEXT)
    opens_at: Mapped[time] = mapped_column(info=PUBLIC_FIELD)
    closes_at: Mapped[time] = mapped_column(info=PUBLIC_FIELD)
    slot_minutes: Mapped[int] = mapped_column(info=PUBLIC_FIELD)
    capacity: Mapped[int] = mapped_column(info=PUBLIC_FIELD)
    active: Mapped[bool] = mapped_column(default=True, info=PUBLIC_FIELD)

    hall: Mapped[ServiceHall] = relationship(lazy="joined", info=PUBLIC_FIELD)


class Slot(Model):
    """One slot of one day, made when first booked; ``booked`` counts the places taken.

    ``booked`` only ever moves by a conditional UPDATE (``booked < capacity``), so two bookings
    can never take the same last place, whichever process or machine makes them.
    """

    __tablename__ = "appointment_slots"
    __table_args__ = (UniqueConstraint("plan_id", "day", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=PUBLIC_FIELD)
    plan_id: Mapped[int] = mapped_column(ForeignKey("slot_plans.id"), info=PUBLIC_FIELD)
    day: Mapped[date] = mapped_column(info=PUBLIC_FIELD)
    starts_at: Mapped[time] = mapped_column(info=PUBLIC_FIELD)
    ends_at: Mapped[time] = mapped_column(info=PUBLIC_FIELD)
    capacity: Mapped[int] = mapped_column(info=PUBLIC_FIELD)
    booked: Mapped[int] = mapped_column(default=0, info=PUBLIC_FIELD)

    plan: Mapped[SlotPlan] = relationship(lazy="joined", info=PUBLIC_FIELD)


class Holder(Model):
    """One row per ID number that ever booked, locked by every booking of that ID number.

    Booking takes this row's lock before it counts the week's bookings and inserts, so two
    bookings by one ID number (for different guides or slots) never both see room under the
    weekly limit. The ID number is kept only as a keyed HMAC (see
    :func:`portal.appointments.services.holder_key`); the row holds nothing else personal.
    """

    __tablename__ = "appointment_holders"

    id_key: Mapped[str] = mapped_column(String(64), primary_key=True, info=NEVER)
    last_booked_at: Mapped[datetime] = mapped_column(default=utcnow, index=True, info=INTERNAL_FIELD)


class Booking(Model):
    """A citizen's booking of one place in one slot. Personal fields are erased after the
    retention period; the rest stays for the statistics."""

    __tablename__ = "appointment_bookings"
    __table_args__ = (
        # One active booking per ID number per guide, enforced by the database.
        Index("uq_booking_active_per_guide", "guide_id", "id_number", unique=True,
              sqlite_where=text("status IN ('booked', 'arrived') AND erased_at IS NULL"),
              postgresql_where=text("status IN ('booked', 'arrived') AND erased_at IS NULL")),
        Index("ix_booking_id_number_day", "id_number", "slot_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=INTERNAL_FIELD)
    # Like a tracking number: shown to the holder, and alone it opens nothing (the last four
    # characters of the ID number are asked for too).
    code: Mapped[str] = mapped_column(String(12), unique=True, info=PUBLIC_FIELD)
    slot_id: Mapped[int] = mapped_column(ForeignKey("appointment_slots.id"), index=True,
                                         info=INTERNAL_FIELD)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True,
                                          info=INTERNAL_FIELD)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), info=INTERNAL_FIELD)
    slot_day: Mapped[date] = mapped_column(index=True, info=INTERNAL_FIELD)
    status: Mapped[str] = mapped_column(String(16), default="booked", info=INTERNAL_FIELD)
    name: Mapped[str] = mapped_column(String(50), info=classified(Level.PRIVATE, person_name=True))
    id_number: Mapped[str] = mapped_column(String(18), info=PRIVATE)
    mobile: Mapped[str] = mapped_column(String(11), info=PRIVATE)
    email: Mapped[str] = mapped_column(String(254), default="", info=PRIVATE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=INTERNAL_FIELD)
    status_changed_at: Mapped[datetime | None] = mapped_column(info=INTERNAL_FIELD)
    reminded_at: Mapped[datetime | None] = mapped_column(info=INTERNAL_FIELD)
    erased_at: Mapped[datetime | None] = mapped_column(index=True, info=INTERNAL_FIELD)

    slot: Mapped[Slot] = relationship(lazy="joined", info=PUBLIC_FIELD)

    @disclosed_property(Level.PUBLIC)
    def status_label(self) -> str:
        """The status in Chinese."""
        return STATUSES.get(self.status, "—")

    @disclosed_property(Level.PUBLIC)
    def masked_name(self) -> str:
        """The name as published: surname and 某."""
        return mask_name(self.name or "") if self.name else ""

    @disclosed_property(Level.PUBLIC)
    def masked_id(self) -> str:
        """The ID number with all but its first three and last four characters hidden."""
        value = self.id_number or ""
        return value[:3] + "*" * max(len(value) - 7, 0) + value[-4:] if len(value) > 7 else "****"

    @disclosed_property(Level.PUBLIC)
    def masked_mobile(self) -> str:
        """The mobile number with its middle four digits hidden."""
        value = self.mobile or ""
        return value[:3] + "****" + value[-4:] if len(value) == 11 else "****"
