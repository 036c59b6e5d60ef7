"""Imports every feature's tables so the metadata (and Alembic) sees the whole schema."""

from portal.accounts.models import Department, LoginThrottle, User
from portal.audit.models import AuditEvent
from portal.catalog.models import Category, Guide, GuideFee, GuideVersion
from portal.notices.models import Notice, NoticeVersion
from portal.redaction.models import WithheldMark

__all__ = [
    "AuditEvent",
    "Category",
    "Department",
    "Guide",
    "GuideFee",
    "GuideVersion",
    "LoginThrottle",
    "Notice",
    "NoticeVersion",
    "User",
    "WithheldMark",
]
