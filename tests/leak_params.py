"""How the leak test finds every value of each URL parameter (declare new parameters here).

Each entry maps a URL rule argument name to a function returning every value that exists,
read from the database inside an app context. A route whose argument is not declared here
makes the leak test fail, so no new route escapes it.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.appointments.models import Booking, ServiceHall
from portal.cases.models import Case
from portal.catalog.models import Category, Guide
from portal.disclosure.models import Consultation
from portal.error_reports.models import ErrorReport
from portal.extensions import db
from portal.matters.models import Attachment, Matter, MatterEvent
from portal.notices.models import Notice
from portal.penalties.models import PenaltyDecision
from portal.public.views import ENTRY_POINTS
from portal.questions.models import Question


def _all(column) -> list:
    return list(db.session.scalars(select(column)))


PARAM_SOURCES = {
    "slug": lambda: [*_all(Guide.slug), "no-such-guide"],
    "notice_id": lambda: [*_all(Notice.id), 999999],
    "code": lambda: [*_all(Category.code), "nope"],
    "name": lambda: [entry[0] for entry in ENTRY_POINTS] + ["nope"],
    "tracking_no": lambda: [*_all(Matter.tracking_no), "GK-2026-999999"],
    "case_id": lambda: [*_all(Case.id), 999999],
    "token": lambda: ["no-such-token"],  # /progress/<token>: a lookup remembered in the session
    "year": lambda: [2025, 2026],  # annual reports (staff only: anonymous visitors are redirected)
    "party_id": lambda: [1],
    "attachment_id": lambda: [*_all(Attachment.id), 999999],
    "event_id": lambda: [*_all(MatterEvent.id), 999999],
    "user_id": lambda: [*_all(User.id), 999999],  # account pages (administrators only)
    "consultation_id": lambda: [*_all(Consultation.id), 999999],  # internal consultations (staff only)

    # 网上咨询 and 我为网站找错
    "question_id": lambda: [*_all(Question.matter_id), 999999],
    "report_id": lambda: [*_all(ErrorReport.id), 999999],

    # Appointments: a booking's slip and pages (session-bound), and the staff's hall pages.
    "booking_code": lambda: [*_all(Booking.code), "YYNOSUCHCODE"],
    "hall_id": lambda: [*_all(ServiceHall.id), 999999],

    # 执法结果公开: every decision, whatever its state (a minor's included), and one that does not exist
    "penalty_id": lambda: [*_all(PenaltyDecision.id), 999999],
}

# Query strings worth trying on every parameterless page (filters, pagination, search).
QUERY_VARIANTS = ["", "?fee=free", "?online=no&limit=5", "?page=2", "?kind=通知公告",
                  "?q=公开", "?q=投诉处理", "?q=不予公开"]
