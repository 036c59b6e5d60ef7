"""Writing notices: drafts, edits with versions, publishing, scheduling, withdrawal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from portal.accounts.models import Department
from portal.audit.services import record
from portal.core.errors import FieldError
from portal.core.timefmt import local_to_utc, utcnow
from portal.extensions import db
from portal.notices.models import NOTICE_KINDS, Notice, NoticeStatus, NoticeVersion
from portal.withholding.services import check_markup, sync_marks


@dataclass(frozen=True)
class NoticeSeed:
    """A notice shipped in ``content/notices`` (demo or standing notices)."""

    slug: str
    title: str
    kind: str
    department: str
    published_on: date
    review_due_on: date | None
    body_md: str


def parse_notice_seed(meta: dict, body: str) -> NoticeSeed:
    """Validate a notice file's front matter; raise :class:`FieldError` if invalid."""
    for name in ("slug", "title", "kind", "department", "published_on"):
        if not meta.get(name):
            raise FieldError(name, "缺少此字段")
    if meta["kind"] not in NOTICE_KINDS:
        raise FieldError("kind", "应为：" + "、".join(NOTICE_KINDS))
    dates = {}
    for name in ("published_on", "review_due_on"):
        value = meta.get(name)
        if value is None or isinstance(value, date):
            dates[name] = value
            continue
        try:
            dates[name] = date.fromisoformat(str(value))
        except ValueError:
            raise FieldError(name, "日期格式应为 YYYY-MM-DD") from None
    if not body.strip():
        raise FieldError("body", "正文不能为空")
    check_markup("body", body)
    published_on = dates["published_on"]
    if published_on is None:
        raise FieldError("published_on", "缺少此字段")
    return NoticeSeed(slug=str(meta["slug"]), title=str(meta["title"]).strip(), kind=meta["kind"],
                      department=str(meta["department"]), published_on=published_on,
                      review_due_on=dates["review_due_on"], body_md=body.strip())


def _department(code_or_id: str | int) -> Department:
    column = Department.code if isinstance(code_or_id, str) else Department.id
    department = db.session.scalar(select(Department).where(column == code_or_id))
    if department is None:
        raise FieldError("department", f"部门 {code_or_id} 不存在")
    return department


def _snapshot_version(notice: Notice, author_id: int | None) -> None:
    db.session.flush()
    db.session.add(NoticeVersion(notice_id=notice.id, version=notice.version, title=notice.title,
                                 body_md=notice.body_md, status=notice.status,
                                 author_id=author_id))


def seed_notice(seed: NoticeSeed) -> bool:
    """Create the shipped notice if missing, or bring it up to date; True if anything changed."""
    notice = db.session.scalar(select(Notice).where(Notice.slug == seed.slug))
    publish_at = local_to_utc(datetime.combine(seed.published_on, time(9, 0)))
    department = _department(seed.department)
    values = (seed.title, seed.kind, seed.body_md, department.id, publish_at, seed.review_due_on)
    if notice is not None and values == (notice.title, notice.kind, notice.body_md,
                                         notice.department_id, notice.publish_at,
                                         notice.review_due_on):
        return False
    if notice is None:
        notice = Notice(slug=seed.slug, version=0, status=NoticeStatus.PUBLISHED.value)
        db.session.add(notice)
    notice.title, notice.kind, notice.body_md = seed.title, seed.kind, seed.body_md
    notice.department_id, notice.publish_at = department.id, publish_at
    notice.review_due_on = seed.review_due_on
    notice.version += 1
    _snapshot_version(notice, None)
    record("notice.seed", user_id=None, target_type="notice", target_id=seed.slug)
    return True


def save_notice(
    notice: Notice | None,
    *,
    title: str,
    kind: str,
    body_md: str,
    department_id: int,
    review_due_on: date | None,
    author_id: int,
) -> Notice:
    """Create a draft (``notice`` None) or save an edit as a new version."""
    if kind not in NOTICE_KINDS:
        raise FieldError("kind", "请选择栏目")
    check_markup("body_md", body_md)
    department = _department(department_id)
    if notice is None:
        notice = Notice(version=0, status=NoticeStatus.DRAFT.value, author_id=author_id)
        db.session.add(notice)
    notice.title, notice.kind, notice.body_md = title.strip(), kind, body_md
    notice.department_id = department.id
    notice.review_due_on = review_due_on
    notice.version += 1
    _snapshot_version(notice, author_id)
    sync_marks("notice", notice.id, "body_md", body_md, author_id)
    record("notice.save", user_id=author_id, target_type="notice", target_id=notice.id,
           detail={"version": notice.version})
    return notice


def publish_notice(notice: Notice, *, author_id: int, publish_at: datetime | None = None) -> None:
    """Publish now, or at ``publish_at`` (naive UTC) when it lies in the future."""
    notice.status = NoticeStatus.PUBLISHED.value
    notice.publish_at = publish_at or utcnow()
    record("notice.publish", user_id=author_id, target_type="notice", target_id=notice.id,
           detail={"publish_at": notice.publish_at.isoformat()})


def withdraw_notice(notice: Notice, *, author_id: int) -> None:
    """Take a published notice off the public site (it stays in the back office)."""
    notice.status = NoticeStatus.WITHDRAWN.value
    record("notice.withdraw", user_id=author_id, target_type="notice", target_id=notice.id)
