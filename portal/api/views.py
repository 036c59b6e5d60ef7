"""Routes of the open-data API (``/api/v1/``): guides, notices, questions, penalty decisions,
statistics, annual reports.

Thin: read the query parameters, run a named query, pass each record through
``disclose(record, PUBLIC)``, shape it (``records.py``, ``figures.py``) and answer with
:func:`portal.api.http.json_response`. ``GET /api/v1/search`` lives with the search feature
(``portal/search/views.py``); ``openapi.yaml`` describes both.
"""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.exceptions import HTTPException

from portal.api import figures
from portal.api.http import (
    ApiError,
    Paging,
    choice,
    error_response,
    from_http_exception,
    json_response,
    log,
)
from portal.api.penalty_records import penalty_detail, penalty_summary
from portal.api.questions import question_detail, question_summary, statistics_row
from portal.api.records import guide_detail, guide_summary, notice_detail, notice_summary
from portal.api.spec import openapi_document
from portal.catalog.measured import measured_for_guide
from portal.catalog.queries import LIMIT_FILTERS, GuideFilter, category_by_code, filtered_guides, guide_by_slug
from portal.core.classification import PUBLIC
from portal.core.timefmt import local_today
from portal.disclose import disclose, disclose_all
from portal.extensions import db
from portal.notices.models import NOTICE_KINDS
from portal.notices.queries import public_notice, public_notices
from portal.penalties.queries import public_decision, public_decisions
from portal.penalties.record import public_record
from portal.questions.queries import monthly_statistics, published_question, published_questions

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PREFIX = "/api/"


@bp.errorhandler(ApiError)
def api_error(exc: ApiError):
    """A refused request: JSON with the Chinese message."""
    return error_response(exc.status, exc.message)


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    """Werkzeug errors raised inside the API's views, as JSON."""
    return from_http_exception(exc)


@bp.errorhandler(Exception)
def server_error(exc: Exception):
    """An unexpected failure: logged, rolled back, a JSON 500 without details."""
    db.session.rollback()
    log.exception("API error on %s", request.path)
    return error_response(500)


@bp.before_app_request
def unknown_api_route():
    """Unknown paths and methods under /api/ answer in JSON too (the app's pages are HTML)."""
    if request.routing_exception is not None and request.path.startswith(PREFIX):
        return from_http_exception(request.routing_exception)
    return None


@bp.route("/guides")
def guides():
    """Service guides, filterable like the guide list page, paginated."""
    paging = Paging.from_args()
    category = request.args.get("category", "")
    if category and category_by_code(category) is None:
        raise ApiError(400, "参数 category 不是已有的分类代码。")
    flt = GuideFilter(category=category, fee=choice("fee", ("free", "paid")),
                      online=choice("online", ("yes", "no")),
                      limit=choice("limit", [value for value, _label, _days in LIMIT_FILTERS]))
    rows = filtered_guides(flt)
    items = [guide_summary(g) for g in disclose_all(paging.slice(rows), PUBLIC)]
    return json_response(paging.envelope(len(rows), items))


@bp.route("/guides/<slug>")
def guide(slug: str):
    """One guide with every public element, fees with their basis and the measured time."""
    record = guide_by_slug(slug)
    if record is None:
        raise ApiError(404, "没有这个办事指南。")
    measured = measured_for_guide(record.slug, record.statutory_unit, local_today())
    return json_response(guide_detail(disclose(record, PUBLIC), measured))


@bp.route("/notices")
def notices():
    """Published notices (a scheduled one only from its publish time), newest first."""
    paging = Paging.from_args()
    query = public_notices()
    kind = choice("kind", NOTICE_KINDS)
    if kind:
        query = query.filter_by(kind=kind)
    page = db.paginate(query, page=paging.page, per_page=paging.per_page, error_out=False,
                       count=True)
    items = [notice_summary(n) for n in disclose_all(page.items, PUBLIC)]
    return json_response(paging.envelope(page.total or 0, items))


@bp.route("/notices/<int:notice_id>")
def notice(notice_id: int):
    """One public notice; drafts, withdrawn and not-yet-published notices are 404."""
    record = public_notice(notice_id)
    if record is None:
        raise ApiError(404, "没有这条公告，或者它尚未发布、已撤回。")
    return json_response(notice_detail(disclose(record, PUBLIC)))


@bp.route("/questions")
def questions():
    """Published questions and answers (the asker consented), newest first."""
    paging = Paging.from_args()
    page = db.paginate(published_questions(), page=paging.page, per_page=paging.per_page, error_out=False,
                       count=True)
    items = [question_summary(q) for q in disclose_all(list(page.items), PUBLIC)]
    return json_response(paging.envelope(page.total or 0, items))


@bp.route("/questions/<int:question_id>")
def question(question_id: int):
    """One published question with its answer; unanswered or unpublished ones are 404."""
    record = published_question(question_id)
    if record is None:
        raise ApiError(404, "没有这条公开的咨询。")
    return json_response(question_detail(disclose(record, PUBLIC)))


@bp.route("/questions/statistics")
def question_statistics():
    """Per month and department: received, answered, answered on time, median working days."""
    return json_response({"items": [statistics_row(row) for row in monthly_statistics()]})

@bp.route("/penalties")
def penalties():
    """Public penalty decisions within the retention period (withdrawn ones flagged), newest first."""
    paging = Paging.from_args()
    page = db.paginate(public_decisions(local_today()), page=paging.page, per_page=paging.per_page,
                       error_out=False, count=True)
    items = [penalty_summary(public_record(d)) for d in page.items]
    return json_response(paging.envelope(page.total or 0, items))


@bp.route("/penalties/<int:penalty_id>")
def penalty(penalty_id: int):
    """One public penalty decision; unpublished, minors' and expired decisions are 404."""
    record = public_decision(penalty_id, local_today())
    if record is None:
        raise ApiError(404, "没有这条行政处罚决定，或者它尚未公开、已超过公开期限。")
    return json_response(penalty_detail(public_record(record)))


@bp.route("/statistics")
def statistics():
    """On-time figures of the last 12 months per kind and department; complaints by month."""
    return json_response(figures.statistics(local_today()))


@bp.route("/annual-reports")
def annual_reports():
    """The annual reports supervisors have approved and published."""
    return json_response({"items": figures.report_list()})


@bp.route("/annual-reports/<int:year>")
def annual_report(year: int):
    """One published report: section 三 with its check, sections 二 and 四, the texts."""
    report = figures.report_detail(year)
    if report is None:
        raise ApiError(404, f"{year} 年度的政府信息公开工作年度报告尚未发布。")
    return json_response(report)


@bp.route("/openapi.json")
def openapi():
    """This API's OpenAPI 3.1 document."""
    return json_response(openapi_document(), max_age=300)
