"""The open-data API (/api/v1/): what a polling client gets, checked against the OpenAPI file.

The document itself is validated, every /api/v1/ rule of the URL map is in it (and back), and
real responses of every route with demo data (guides, notices, statistics, an approved annual
report, search) are validated against the schemas it declares, so a response that drifts from
the document fails here. The clock is pinned, so the demo requests (dated from today) are received
in :data:`YEAR` whatever the real date.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select, update

from portal.annual.services import approve_and_publish, build, report_for
from portal.api.spec import openapi_document
from portal.catalog.models import Guide
from portal.catalog.queries import GuideFilter, filtered_guides
from portal.core.timefmt import local_today, utcnow
from portal.extensions import db
from portal.notices.models import Notice, NoticeStatus
from portal.notices.services import publish_notice, save_notice
from tests.conftest import PINNED_TODAY
from tests.feature.test_leaks import MOBILE, PII_SENTENCE, PRIVATE_NAME, RAW_PII, plant

SPEC_URI = "urn:portal:openapi"
YEAR = PINNED_TODAY.year  # the demo requests are received this year (14 and 40 days before today)

pytestmark = pytest.mark.usefixtures("pinned_today")


@pytest.fixture
def api_app(app, users):
    """Demo matters, notices in every state (one with personal data and a withheld span), and
    this year's annual report approved and published by the supervisor."""
    from portal.accounts.models import User
    from portal.penalties.models import PenaltyDecision
    from portal.seed.demo import create_demo_matters
    from portal.seed.demo_penalties import create_demo_penalties

    with app.app_context():
        create_demo_matters()
        # 网上咨询: one question answered and published, one waiting (portal/seed/questions.py).
        from portal.questions.models import Question
        from portal.seed.questions import create_demo_questions

        create_demo_questions()
        department = db.session.scalar(select(Notice.department_id))
        ids = {}
        for key, number in zip(("penalty", "penalty_company", "penalty_withdrawn", "penalty_minor"),
                               create_demo_penalties(), strict=True):
            ids[key] = db.session.scalar(select(PenaltyDecision.id).where(PenaltyDecision.decision_no == number))
        for title, state in (("公开测试公告", "publish"), ("草稿测试公告", "draft"),
                             ("撤回测试公告", "withdraw"), ("定时测试公告", "scheduled")):
            notice = save_notice(None, title=title, kind="通知公告",
                                 body_md=f"正文 [[姓名]]{PRIVATE_NAME}[[/姓名]] 来访。{PII_SENTENCE}"
                                         "[[不予公开:third-party]]不应出现的内容[[/不予公开]]",
                                 department_id=department, review_due_on=None, author_id=None)
            if state != "draft":
                publish_notice(notice, author_id=None)
            if state == "withdraw":
                notice.status = NoticeStatus.WITHDRAWN.value
            if state == "scheduled":
                notice.publish_at = utcnow() + timedelta(days=2)
            ids[state] = notice.id
        for question in db.session.scalars(select(Question)):
            ids["question-published" if question.published_on else "question-waiting"] = question.matter_id
        report = report_for(YEAR)
        report.overview = f"本年度共收到申请。{PII_SENTENCE}"
        report.proactive = {"licences": 1200, "penalties": 35}
        report.review_litigation = {"review.upheld": 2, "review.total": 2}
        supervisor = db.session.scalar(select(User.id).where(User.username == users["supervisor"]))
        # A report is published once its year has ended: approve it on the next 4 January, then
        # date its notice back to now, where the rest of this module's clock stands.
        with time_machine.travel(datetime(YEAR + 1, 1, 4, 9, 0), tick=False):
            notice_id = approve_and_publish(YEAR, supervisor)
        db.session.get(Notice, notice_id).publish_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    return app, ids


# --- the document ---------------------------------------------------------------------------


def spec_path(rule: str) -> str:
    """/api/v1/guides/<slug> → /api/v1/guides/{slug} (converters dropped)."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_the_document_is_valid_openapi_3_1_and_is_served_as_json(client):
    document = openapi_document()
    assert document["openapi"].startswith("3.1")
    validate_spec(document)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    assert response.get_json() == document


def test_every_api_rule_is_in_the_document_and_every_documented_path_exists(app):
    rules = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            rules[spec_path(rule.rule)] = rule.methods - {"HEAD", "OPTIONS"}
    paths = openapi_document()["paths"]
    assert set(rules) == set(paths)
    for path, methods in rules.items():
        assert {m.lower() for m in methods} == set(paths[path]), path
        rule_arguments = set(re.findall(r"{([a-z_]+)}", path))
        declared = {p["name"] for p in paths[path]["get"].get("parameters", []) if "in" in p
                    and p["in"] == "path"}
        assert rule_arguments == declared, f"{path}: path parameters differ"


def _validator(schema: dict) -> Draft202012Validator:
    registry = Registry().with_resource(SPEC_URI, Resource.from_contents(
        openapi_document(), default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"{SPEC_URI}#{schema}"}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def response_schema_pointer(path: str, status: int) -> str:
    """The JSON pointer (within the document) of the schema for ``path`` answering ``status``."""
    document = openapi_document()
    answer = document["paths"][path]["get"]["responses"][str(status)]
    pointer = f"/paths/{path.replace('/', '~1')}/get/responses/{status}"
    if "$ref" in answer:
        pointer = answer["$ref"].removeprefix("#")
        answer = document["components"]["responses"][pointer.rsplit("/", 1)[1]]
    assert "application/json" in answer.get("content", {}), f"{path} {status} declares no JSON body"
    return f"{pointer}/content/application~1json/schema"


def sample_requests(ids: dict, guide: str) -> list[tuple[str, str, int]]:
    """(documented path, URL, expected status) covering every route and documented error."""
    return [
        ("/api/v1/guides", "/api/v1/guides", 200),
        ("/api/v1/guides", "/api/v1/guides?fee=free&online=yes&per_page=3&page=2", 200),
        ("/api/v1/guides", "/api/v1/guides?category=huzheng&limit=20", 200),
        ("/api/v1/guides", "/api/v1/guides?page=0", 400),
        ("/api/v1/guides/{slug}", f"/api/v1/guides/{guide}", 200),
        ("/api/v1/guides/{slug}", "/api/v1/guides/government-information-request", 200),
        ("/api/v1/guides/{slug}", "/api/v1/guides/police-complaint", 200),
        ("/api/v1/guides/{slug}", "/api/v1/guides/no-such-guide", 404),
        ("/api/v1/notices", "/api/v1/notices", 200),
        ("/api/v1/notices", "/api/v1/notices?kind=通知公告&per_page=2", 200),
        ("/api/v1/notices", "/api/v1/notices?kind=其他", 400),
        ("/api/v1/notices/{notice_id}", f"/api/v1/notices/{ids['publish']}", 200),
        ("/api/v1/notices/{notice_id}", f"/api/v1/notices/{ids['draft']}", 404),
        ("/api/v1/questions", "/api/v1/questions", 200),
        ("/api/v1/questions", "/api/v1/questions?per_page=1&page=2", 200),
        ("/api/v1/questions", "/api/v1/questions?page=0", 400),
        ("/api/v1/questions/{question_id}", f"/api/v1/questions/{ids['question-published']}", 200),
        ("/api/v1/questions/{question_id}", f"/api/v1/questions/{ids['question-waiting']}", 404),
        ("/api/v1/questions/statistics", "/api/v1/questions/statistics", 200),

        ("/api/v1/penalties", "/api/v1/penalties", 200),
        ("/api/v1/penalties", "/api/v1/penalties?per_page=1&page=2", 200),
        ("/api/v1/penalties", "/api/v1/penalties?page=0", 400),
        ("/api/v1/penalties/{penalty_id}", f"/api/v1/penalties/{ids['penalty']}", 200),
        ("/api/v1/penalties/{penalty_id}", f"/api/v1/penalties/{ids['penalty_company']}", 200),
        ("/api/v1/penalties/{penalty_id}", f"/api/v1/penalties/{ids['penalty_withdrawn']}", 200),
        ("/api/v1/penalties/{penalty_id}", f"/api/v1/penalties/{ids['penalty_minor']}", 404),
        ("/api/v1/statistics", "/api/v1/statistics", 200),
        ("/api/v1/annual-reports", "/api/v1/annual-reports", 200),
        ("/api/v1/annual-reports/{year}", f"/api/v1/annual-reports/{YEAR}", 200),
        ("/api/v1/annual-reports/{year}", f"/api/v1/annual-reports/{YEAR - 1}", 404),
        ("/api/v1/search", "/api/v1/search?q=身份证", 200),
        ("/api/v1/search", "/api/v1/search?q=公开&type=notice", 200),
        ("/api/v1/search", "/api/v1/search", 200),
        ("/api/v1/openapi.json", "/api/v1/openapi.json", 200),
    ]


def test_every_route_answers_exactly_as_the_document_declares(api_app):
    app, ids = api_app
    client = app.test_client()
    samples = sample_requests(ids, "resident-id-card-first")
    assert {path for path, _url, _status in samples} == set(openapi_document()["paths"])
    for path, url, status in samples:
        response = client.get(url)
        assert response.status_code == status, url
        assert response.mimetype == "application/json", url
        errors = sorted(_validator(response_schema_pointer(path, status)).iter_errors(
            response.get_json()), key=str)
        assert not errors, f"{url}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_a_drifted_response_fails_validation(api_app):
    app, _ids = api_app
    body = app.test_client().get("/api/v1/guides/resident-id-card-first").get_json()
    validator = _validator(response_schema_pointer("/api/v1/guides/{slug}", 200))
    assert validator.is_valid(body)
    assert not validator.is_valid({**body, "review_due_on": "2027-01-01"})  # an undocumented field
    assert not validator.is_valid({k: v for k, v in body.items() if k != "fees"})  # a missing one
    assert not validator.is_valid({**body, "fees": [{**body["fees"][0], "amount_yuan": 20}]})


# --- guides -----------------------------------------------------------------------------------


def test_guide_json_carries_every_public_element_with_fees_and_their_basis(client):
    body = client.get("/api/v1/guides/resident-id-card-replacement").get_json()
    assert body["title"] and body["agency"] and body["conditions"] and body["materials"]
    assert body["steps"] and body["basis"] and body["location"] and body["complaint_phone"]
    fees = {fee["amount_yuan"]: fee for fee in body["fees"]}
    assert "40.00" in fees and "2322" in fees["40.00"]["basis"] and fees["40.00"]["free"] is False
    assert body["statutory_limit"]["days"] == 60 and body["statutory_limit"]["unit"] == "calendar_days"
    assert body["promised_limit"]["label"] and isinstance(body["promised_limit"]["example"], bool)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", body["reviewed_on"])
    assert body["measured"] is None  # issued at the counter: the portal does not measure it
    assert body["url"].endswith("/guides/resident-id-card-replacement")
    assert "review_due_on" not in body  # the staff reminder is internal


def test_guide_list_filters_and_pages_like_the_guide_pages(client, app):
    with app.app_context():
        free_online = [g.slug for g in filtered_guides(GuideFilter(fee="free", online="yes"))]
    first = client.get("/api/v1/guides?fee=free&online=yes&per_page=2").get_json()
    second = client.get("/api/v1/guides?fee=free&online=yes&per_page=2&page=2").get_json()
    assert first["total"] == len(free_online) and first["pages"] == -(-len(free_online) // 2)
    assert [g["slug"] for g in first["items"] + second["items"]] == free_online[:4]
    assert all(g["is_free"] and g["online"] for g in first["items"])
    beyond = client.get(f"/api/v1/guides?per_page=100&page={first['total'] + 1}").get_json()
    assert beyond["items"] == []


@pytest.mark.parametrize("query", ["page=0", "page=abc", "per_page=101", "per_page=-1", "fee=cheap",
                                   "online=maybe", "limit=3", "category=nope", "page=１"])
def test_bad_parameters_are_a_400_in_json_with_a_chinese_message(client, query):
    response = client.get(f"/api/v1/guides?{query}")
    assert response.status_code == 400 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == "bad_request" and re.search(r"[\u4e00-\u9fff]", body["message"])
    assert query.split("=")[0] in body["message"]


def test_unknown_ids_paths_and_methods_answer_in_json_not_html(client):
    for url in ("/api/v1/guides/no-such-guide", "/api/v1/notices/999999", "/api/v1/no-such-thing",
                "/api/v1/annual-reports/1999", "/api/v1/guides/"):
        response = client.get(url)
        assert response.status_code == 404 and response.mimetype == "application/json", url
        assert "<html" not in response.get_data(as_text=True)
    # GET only: a POST is refused as a method, never reaches CSRF or a view
    response = client.post("/api/v1/guides", data={"title": "x"})
    assert response.status_code == 405 and response.get_json()["error"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_a_failure_inside_the_api_is_a_json_500_without_details(client, monkeypatch):
    import portal.api.figures as figures

    def broken(_today):
        raise RuntimeError("secret stack detail")

    monkeypatch.setattr(figures, "statistics", broken)
    response = client.get("/api/v1/statistics")
    assert response.status_code == 500 and response.get_json()["error"] == "server_error"
    assert "secret stack detail" not in response.get_data(as_text=True)


# --- notices ----------------------------------------------------------------------------------


def test_only_published_notices_and_scheduled_ones_from_their_time(api_app):
    app, ids = api_app
    client = app.test_client()
    listed = {n["id"] for n in client.get("/api/v1/notices?per_page=100").get_json()["items"]}
    assert ids["publish"] in listed
    assert not listed & {ids["draft"], ids["withdraw"], ids["scheduled"]}
    for state in ("draft", "withdraw", "scheduled"):
        assert client.get(f"/api/v1/notices/{ids[state]}").status_code == 404
    with time_machine.travel(utcnow() + timedelta(days=3)):  # cached answers expire at publish time
        assert client.get(f"/api/v1/notices/{ids['scheduled']}").status_code == 200
        listed = {n["id"] for n in client.get("/api/v1/notices?per_page=100").get_json()["items"]}
    assert ids["scheduled"] in listed


def test_personal_data_stays_masked_and_withheld_spans_withheld_in_json(api_app):
    app, ids = api_app
    response = app.test_client().get(f"/api/v1/notices/{ids['publish']}")
    text = response.get_data(as_text=True)  # UTF-8 as is, so a Chinese name cannot hide in \u escapes
    for datum in [*RAW_PII, PRIVATE_NAME, "不应出现的内容"]:
        assert datum not in text
    body = response.get_json()
    assert MOBILE[:3] + "****" + MOBILE[-4:] in body["body_markdown"]
    assert "欧阳某某" in body["body_html"]  # a private name, published as 某某
    assert "【此处依据《政府信息公开条例》第十五条不予公开】" in body["body_markdown"]
    assert {"article": "第十五条", "label": "保护第三方合法权益（个人隐私、商业秘密）"} in body["withheld_reasons"]


def test_no_api_route_returns_a_planted_marker_or_raw_personal_data(api_app):
    app, _ids = api_app
    planted = plant(app)
    client = app.test_client()
    with app.app_context():
        slugs = list(db.session.scalars(select(Guide.slug)))
        notices = list(db.session.scalars(select(Notice.id)))
    urls = ["/api/v1/guides?per_page=100", "/api/v1/notices?per_page=100", "/api/v1/statistics",
            "/api/v1/annual-reports", f"/api/v1/annual-reports/{YEAR}", "/api/v1/search?q=公开",
            *(f"/api/v1/guides/{slug}" for slug in slugs), *(f"/api/v1/notices/{n}" for n in notices)]
    assert client.get(f"/api/v1/annual-reports/{YEAR}").status_code == 200
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        text = response.get_data(as_text=True)
        for marker in planted:
            assert marker not in text, f"{url} leaks {marker}"
        for datum in [*RAW_PII, PRIVATE_NAME]:
            assert datum not in text, f"{url} leaks {datum}"


# --- statistics and annual reports ------------------------------------------------------------


def test_statistics_are_the_figures_of_the_performance_page(api_app):
    app, _ids = api_app
    from portal.oversight.performance import accountability

    body = app.test_client().get("/api/v1/statistics").get_json()
    with app.app_context():
        figures = accountability(local_today())
    rows = {(r["kind"], r["department"]): r for r in body["accountability"]}
    assert set(rows) == {(kind, dep) for kind, by_dep in figures.items() for dep in by_dep}
    for (kind, department), row in rows.items():
        expected = figures[kind][department]
        assert (row["received"], row["closed"], row["on_time"]) == (
            expected.received, expected.closed, expected.on_time)
        assert row["average_workdays"] == (float(expected.average_workdays)
                                           if expected.closed else None)
    assert rows[("request", "政务公开办公室")]["received"] == 2  # the two demo requests
    assert body["complaints_by_month"][0]["received"] >= 1


def test_only_approved_reports_are_served_with_section_three_and_its_check(api_app):
    app, _ids = api_app
    client = app.test_client()
    listed = client.get("/api/v1/annual-reports").get_json()["items"]
    assert [item["year"] for item in listed] == [YEAR]
    body = client.get(f"/api/v1/annual-reports/{YEAR}").get_json()
    with app.app_context():
        table = build(YEAR)
    for row in body["section_three"]["rows"]:
        assert row["cells"] == table.cells[row["key"]]
    cells = {row["key"]: row["cells"] for row in body["section_three"]["rows"]}
    assert cells["new"]["person"] == 3 and cells["partly"]["total"] == 1 and cells["carried_out"]["total"] == 2
    check = body["section_three"]["check"]
    assert check["balanced"] is True and check["rule"] == "一 + 二 = (七) + 四"
    assert all(c["new"] + c["carried_in"] == c["results_total"] + c["carried_out"] for c in check["columns"])
    assert {"key": "licences", "label": "行政许可处理决定数量", "value": 1200} in body["section_two"]
    review = next(row for row in body["section_four"]["rows"] if row["key"] == "review")
    assert review["cells"]["upheld"] == 2 and review["cells"]["total"] == 2
    assert MOBILE not in body["overview"] and MOBILE[:3] + "****" in body["overview"]
    # an unapproved year is not served; withdrawing the published notice withdraws the report
    with app.app_context():
        report_for(YEAR - 1)
        db.session.execute(update(Notice).where(Notice.id == body["notice_id"])
                           .values(status=NoticeStatus.WITHDRAWN.value))
        db.session.commit()
    assert client.get(f"/api/v1/annual-reports/{YEAR - 1}").status_code == 404
    assert client.get(f"/api/v1/annual-reports/{YEAR}").status_code == 404
    assert client.get("/api/v1/annual-reports").get_json()["items"] == []


# --- caching ----------------------------------------------------------------------------------


def test_answers_carry_cache_headers_and_revalidate_with_304(client):
    first = client.get("/api/v1/guides")
    assert first.headers["ETag"] and "public" in first.headers["Cache-Control"]
    assert "max-age=60" in first.headers["Cache-Control"]
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    again = client.get("/api/v1/guides", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get("/api/v1/guides/nope").headers["Cache-Control"] == "no-store"


def test_no_stale_json_after_a_write_even_with_the_page_cache_on(app):
    assert app.config["PAGE_CACHE_SECONDS"] > 0  # the page cache is active in this app
    client = app.test_client()
    before = client.get("/api/v1/notices")
    guide_before = client.get("/api/v1/guides/resident-id-card-first")
    with app.app_context():
        department = db.session.scalar(select(Notice.department_id))
        notice = save_notice(None, title="写入后的新公告", kind="警务动态", body_md="新内容",
                             department_id=department, review_due_on=None, author_id=None)
        publish_notice(notice, author_id=None)
        db.session.commit()
    after = client.get("/api/v1/notices", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert after.get_json()["items"][0]["title"] == "写入后的新公告"
    # even a write the portal never saw (another machine, no commit hook) shows at once:
    # the API is not kept in the page cache at all
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(update(Guide).where(Guide.slug == "resident-id-card-first").values(title="改过的标题"))
    guide_after = client.get("/api/v1/guides/resident-id-card-first")
    assert guide_after.get_json()["title"] == "改过的标题"
    assert guide_after.headers["ETag"] != guide_before.headers["ETag"]


def test_a_published_report_keeps_the_section_three_it_was_approved_with(api_app):
    """A request filed after approval changes the live table, never the published one."""
    from portal.disclosure.services import file_request
    from portal.seed.demo import _fields

    app, _ids = api_app
    client = app.test_client()
    before = client.get(f"/api/v1/annual-reports/{YEAR}").get_json()["section_three"]
    with app.app_context():
        file_request(_fields("示例申请人丙", "请公开本局办理护照的平均用时。"), submission_key="after-approval",
                     attachment=None, received_on=local_today())
        db.session.commit()
        live = build(YEAR).cells
    after = client.get(f"/api/v1/annual-reports/{YEAR}").get_json()["section_three"]
    assert live["new"]["person"] == 4
    assert after == before
    assert {row["key"]: row["cells"] for row in after["rows"]}["new"]["person"] == 3
