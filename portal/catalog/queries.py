"""Named read queries for guides and categories."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from portal.catalog.models import Category, Guide, GuideVersion
from portal.extensions import db

# Filter choices for the promised time limit: (value, label, maximum days or None).
LIMIT_FILTERS = (
    ("same-day", "当场办结", 0),
    ("5", "5日以内", 5),
    ("20", "20日以内", 20),
)


@dataclass(frozen=True)
class GuideFilter:
    """What a citizen filters the guide list by; empty fields mean "any"."""

    category: str = ""
    fee: str = ""  # "free" | "paid"
    online: str = ""  # "yes" | "no"
    limit: str = ""  # a value of LIMIT_FILTERS

    @classmethod
    def from_args(cls, args: Mapping[str, str], category: str = "") -> GuideFilter:
        """Read a filter from query-string ``args``, dropping values that are not choices."""

        def pick(name: str, allowed) -> str:
            value = args.get(name, "")
            return value if value in allowed else ""

        return cls(
            category=category or args.get("category", "")[:32],
            fee=pick("fee", ("free", "paid")),
            online=pick("online", ("yes", "no")),
            limit=pick("limit", {value for value, _label, _days in LIMIT_FILTERS}),
        )


def categories_with_counts() -> list[tuple[Category, int]]:
    """Every category in display order with the number of guides in it."""
    rows = db.session.execute(
        select(Category, func.count(Guide.id))
        .outerjoin(Guide, Guide.category_id == Category.id)
        .group_by(Category.id)
        .order_by(Category.position)
    )
    return [(category, count) for category, count in rows]


def category_by_code(code: str) -> Category | None:
    """One category by its code."""
    return db.session.scalar(select(Category).where(Category.code == code))


def filtered_guides(flt: GuideFilter) -> list[Guide]:
    """Guides matching ``flt``, grouped by category order then title."""
    query = select(Guide).join(Guide.category).order_by(Category.position, Guide.title)
    if flt.category:
        query = query.where(Category.code == flt.category)
    if flt.fee in ("free", "paid"):
        query = query.where(Guide.is_free.is_(flt.fee == "free"))
    if flt.online in ("yes", "no"):
        query = query.where(Guide.online.is_(flt.online == "yes"))
    maximum = {value: days for value, _label, days in LIMIT_FILTERS}.get(flt.limit)
    if maximum is not None:
        query = query.where(Guide.promised_days <= maximum)
    return list(db.session.scalars(query))


def guide_by_slug(slug: str) -> Guide | None:
    """One guide by its slug."""
    return db.session.scalar(select(Guide).where(Guide.slug == slug))


def guide_count() -> int:
    """How many guides are published."""
    return db.session.scalar(select(func.count(Guide.id))) or 0


def guides_overdue_for_review(today: date, department_id: int | None = None) -> list[Guide]:
    """Guides whose review-due date has passed, optionally for one department."""
    query = select(Guide).where(Guide.review_due_on < today).order_by(Guide.review_due_on)
    if department_id is not None:
        query = query.where(Guide.department_id == department_id)
    return list(db.session.scalars(query))


def guide_versions(guide: Guide) -> list[GuideVersion]:
    """A guide's versions, newest first."""
    return list(db.session.scalars(
        select(GuideVersion).where(GuideVersion.guide_id == guide.id)
        .order_by(GuideVersion.version.desc())
    ))
