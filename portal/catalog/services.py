"""Writing guides: create or update from validated data, keeping every version."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from portal.accounts.models import Department
from portal.audit.services import record
from portal.catalog.history import changed_fields
from portal.catalog.models import Category, Guide, GuideFee, GuideVersion
from portal.catalog.schema import GuideData
from portal.core.errors import FieldError
from portal.extensions import db

_SCALAR_FIELDS = (
    "title", "item_type", "agency", "basis", "conditions", "materials", "steps",
    "statutory_days", "statutory_unit", "promised_days", "promised_unit", "promised_is_example",
    "location", "hours", "phone", "complaint_phone", "online", "visits", "reviewed_on",
    "review_due_on", "local_note", "faq", "body_md",
)


def guide_snapshot(guide: Guide) -> dict:
    """The stored guide as the same JSON-ready dict :meth:`GuideData.snapshot` produces."""
    data = {name: getattr(guide, name) for name in _SCALAR_FIELDS}
    data["slug"] = guide.slug
    data["category"] = guide.category.code
    data["department"] = guide.department.code
    data["reviewed_on"] = guide.reviewed_on.isoformat()
    data["review_due_on"] = guide.review_due_on.isoformat()
    data["fees"] = [
        {"item": f.item, "amount_yuan": f"{f.amount_yuan:.2f}", "basis": f.basis} for f in guide.fees
    ]
    return data


def _lookup(model: Any, code: str, field_name: str, label: str):
    row = db.session.scalar(select(model).where(model.code == code))
    if row is None:
        raise FieldError(field_name, f"{label}代码 {code} 不存在")
    return row


def save_guide(data: GuideData, *, source: str, author_id: int | None) -> tuple[Guide, list[str]]:
    """Create or update the guide ``data.slug``; return it and the names of changed fields.

    Saving identical data changes nothing (no new version), so loading content twice is
    idempotent. Each real change stores a snapshot as a new version and an audit event.
    """
    category = _lookup(Category, data.category, "category", "分类")
    department = _lookup(Department, data.department, "department", "部门")
    new = data.snapshot()
    guide = db.session.scalar(select(Guide).where(Guide.slug == data.slug))
    if guide is None:
        guide = Guide(slug=data.slug, version=0)
        db.session.add(guide)
        changed = list(new)
    else:
        old = guide_snapshot(guide)
        changed = changed_fields(old, new)
        if not changed:
            return guide, []
    for name in _SCALAR_FIELDS:
        setattr(guide, name, getattr(data, name))
    guide.category, guide.department = category, department
    guide.is_free = all(fee.amount_yuan == 0 for fee in data.fees)
    guide.fees = [
        GuideFee(position=i, item=f.item, amount_yuan=f.amount_yuan, basis=f.basis)
        for i, f in enumerate(data.fees)
    ]
    guide.version += 1
    db.session.flush()
    db.session.add(
        GuideVersion(guide_id=guide.id, version=guide.version, snapshot=new,
                     changed_fields=changed, source=source, author_id=author_id)
    )
    record("guide.save", user_id=author_id, target_type="guide", target_id=guide.slug,
           detail={"version": guide.version, "changed": changed, "source": source})
    return guide, changed


def ensure_categories(categories: list[dict]) -> int:
    """Create or update categories from ``[{code, name, description}]``; return changes."""
    changed = 0
    for position, item in enumerate(categories):
        row = db.session.scalar(select(Category).where(Category.code == item["code"]))
        values = (item["name"], item.get("description", ""), position)
        if row is None:
            db.session.add(Category(code=item["code"], name=values[0], description=values[1],
                                    position=position))
            changed += 1
        elif (row.name, row.description, row.position) != values:
            row.name, row.description, row.position = values
            changed += 1
    db.session.flush()
    return changed
