"""Tables shared by every kind of matter: the matter itself, its events, its attachments,
and the per-year counters behind gap-free tracking numbers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Department, User
from portal.core.classification import INTERNAL_FIELD, NEVER, PUBLIC_FIELD, Level, classified
from portal.core.timefmt import utcnow
from portal.extensions import Model
from portal.public_content import public_content

SUBMISSION_KEY_LENGTH = 64  # the hidden key a form carries; a longer one is no form's


class TrackingCounter(Model):
    """The last number issued for a prefix and year (GK-2026-000123 → prefix GK, 2026, 123)."""

    __tablename__ = "tracking_counters"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(default=0)


@public_content
class Matter(Model):
    """A request or complaint: who handles it, where it stands, and when it is due."""

    __tablename__ = "matters"
    __table_args__ = (
        # Open matters only (a few percent of all): the dashboard's sections and counts, the sweep.
        Index("ix_matters_open", "due_on", "status", "due_provisional", "department_id", "assignee_id",
              postgresql_where=text("closed_on IS NULL"), sqlite_where=text("closed_on IS NULL")),
        # Per-kind date ranges, index-only: trends (received, closed) and the /performance figures
        # (with the id, its joins to events and ratings stay index-only too).
        Index("ix_matters_kind_received", "kind", "received_on", "department_id", "closed_on", "due_on", "id"),
        Index("ix_matters_kind_closed", "kind", "closed_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=INTERNAL_FIELD)
    kind: Mapped[str] = mapped_column(String(16), info=PUBLIC_FIELD)  # "request" | "complaint"
    tracking_no: Mapped[str] = mapped_column(String(20), unique=True, info=PUBLIC_FIELD)
    access_code_hash: Mapped[str] = mapped_column(String(255), info=NEVER)
    submission_key: Mapped[str] = mapped_column(String(SUBMISSION_KEY_LENGTH), unique=True, info=NEVER)
    received_on: Mapped[date] = mapped_column(info=PUBLIC_FIELD)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True,
                                               info=PUBLIC_FIELD)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                    info=INTERNAL_FIELD)
    status: Mapped[str] = mapped_column(String(32), index=True, info=PUBLIC_FIELD)
    # While an approval is pending: the state the matter returns to (see portal/matters/workflow.py).
    resume_status: Mapped[str | None] = mapped_column(String(32), info=INTERNAL_FIELD)
    due_on: Mapped[date | None] = mapped_column(info=PUBLIC_FIELD)
    due_provisional: Mapped[bool] = mapped_column(default=False, info=PUBLIC_FIELD)
    clock_steps: Mapped[list[str]] = mapped_column(JSON, default=list, info=PUBLIC_FIELD)
    clock_state: Mapped[str] = mapped_column(String(32), default="running", info=PUBLIC_FIELD)
    involves_minor: Mapped[bool] = mapped_column(default=False, info=INTERNAL_FIELD)
    closed_on: Mapped[date | None] = mapped_column(info=PUBLIC_FIELD)
    overdue_since: Mapped[date | None] = mapped_column(info=INTERNAL_FIELD)  # set by the sweep
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=INTERNAL_FIELD)

    department: Mapped[Department] = relationship(lazy="joined", info=PUBLIC_FIELD)
    assignee: Mapped[User | None] = relationship(lazy="joined")
    events: Mapped[list[MatterEvent]] = relationship(
        order_by="MatterEvent.id", cascade="all, delete-orphan", back_populates="matter")
    attachments: Mapped[list[Attachment]] = relationship(
        order_by="Attachment.id", cascade="all, delete-orphan")


RATED = "rating IS NOT NULL AND rating <> ''"


def rated_index(table: str) -> Index:
    """The rated rows of a kind's own table, (matter, rating): /performance and the trends count
    ratings through it without reading the wide table."""
    return Index(f"ix_{table}_rated", "matter_id", "rating", postgresql_where=text(RATED), sqlite_where=text(RATED))


class MatterDetails:
    """Mixin for a kind's own table keyed by ``matter_id``: the clearance rules read the
    handling department and the minor flag from the shared matter."""

    matter: Matter

    @property
    def department_id(self) -> int:
        """The handling department (staff see 个人隐私 only of their own department's matters)."""
        return self.matter.department_id

    @property
    def involves_minor(self) -> bool:
        """Whether the matter is flagged as involving a minor."""
        return self.matter.involves_minor


@public_content
class MatterEvent(Model):
    """One step in a matter's life: received, clarification asked, paused, extended, replied ...

    ``message`` is what the applicant is told (public to them, after the filter); ``note`` is
    the internal note staff keep (内部, never public).
    """

    __tablename__ = "matter_events"
    __table_args__ = (
        # Granted extensions, counted per department on /performance.
        Index("ix_matter_events_extension", "matter_id",
              postgresql_where=text("kind = 'extension_granted'"),
              sqlite_where=text("kind = 'extension_granted'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=PUBLIC_FIELD)  # letter links
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"),
                                           index=True, info=INTERNAL_FIELD)
    kind: Mapped[str] = mapped_column(String(32), info=PUBLIC_FIELD)
    day: Mapped[date] = mapped_column(info=PUBLIC_FIELD)
    days: Mapped[int | None] = mapped_column(info=PUBLIC_FIELD)
    deadline: Mapped[date | None] = mapped_column(info=PUBLIC_FIELD)
    message: Mapped[str] = mapped_column(Text, default="",
                                         info=classified(Level.PUBLIC, free_text=True))
    note: Mapped[str] = mapped_column(Text, default="")  # internal
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=INTERNAL_FIELD)
    approved: Mapped[bool | None] = mapped_column(info=INTERNAL_FIELD)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=PUBLIC_FIELD)

    matter: Mapped[Matter] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")


class Attachment(Model):
    """A file a citizen uploaded, checked by content; personal data (个人隐私)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True, info=INTERNAL_FIELD)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"),
                                           index=True, info=INTERNAL_FIELD)
    filename: Mapped[str] = mapped_column(String(200), info=classified(Level.PRIVATE))
    content_type: Mapped[str] = mapped_column(String(64), info=INTERNAL_FIELD)
    size: Mapped[int] = mapped_column(info=INTERNAL_FIELD)
    sha256: Mapped[str] = mapped_column(String(64), info=INTERNAL_FIELD)
    data: Mapped[bytes] = mapped_column(LargeBinary, info=classified(Level.PRIVATE))
    from_office: Mapped[bool] = mapped_column(default=False, info=INTERNAL_FIELD)  # reply files
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=INTERNAL_FIELD)
