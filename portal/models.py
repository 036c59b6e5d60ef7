"""Imports every feature's tables so the metadata (and Alembic) sees the whole schema."""

from portal.accounts.models import Department, LoginThrottle, User
from portal.annual.models import AnnualReport
from portal.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from portal.calendar.models import CalendarOverride, CalendarYear
from portal.cases.models import Case, CaseParty, CaseStage, CaseStagePolicy
from portal.catalog.models import Category, Guide, GuideFee, GuideVersion
from portal.complaints.models import Complaint, ComplaintPolicy
from portal.disclosure.models import DisclosureRequest
from portal.error_reports.models import ErrorReport
from portal.inspection.models import InspectionFinding, InspectionRun
from portal.matters.models import Attachment, Matter, MatterEvent, TrackingCounter
from portal.notices.models import Notice, NoticeVersion
from portal.outbox.models import OutboxMessage
from portal.penalties.models import PenaltyDecision
from portal.public_content import ContentGeneration
from portal.questions.models import Question
from portal.search.models import SearchChange
from portal.withholding.models import WithheldMark

__all__ = [
    "AnnualReport",
    "Attachment",
    "AuditChainHead",
    "AuditCheckpoint",
    "AuditEvent",
    "CalendarOverride",
    "CalendarYear",
    "Case",
    "CaseParty",
    "CaseStage",
    "CaseStagePolicy",
    "Category",
    "Complaint",
    "ComplaintPolicy",
    "ContentGeneration",
    "Department",
    "DisclosureRequest",
    "ErrorReport",
    "Guide",
    "GuideFee",
    "GuideVersion",
    "InspectionFinding",
    "InspectionRun",
    "LoginThrottle",
    "Matter",
    "MatterEvent",
    "Notice",
    "NoticeVersion",
    "OutboxMessage",
    "PenaltyDecision",
    "Question",
    "SearchChange",
    "TrackingCounter",
    "User",
    "WithheldMark",
]
