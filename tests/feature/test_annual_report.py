"""The annual report's section 三: a year of requests with known outcomes, every cell checked."""

from datetime import date

from sqlalchemy import select

from portal.annual.table import COLUMNS, ROWS, Application, section_three
from portal.disclosure.models import DisclosureRequest
from portal.disclosure.services import file_request, reply
from portal.extensions import db
from portal.matters.services import new_submission_key
from portal.notices.models import Notice
from tests.feature.test_requests import form_data
from tests.helpers import login, post_form

A = Application
YEAR_DATA = [
    # carried in from 2024, answered in 2025 (person, disclosed)
    A("person", None, date(2024, 12, 20), date(2025, 1, 10), "disclosed", "provided"),
    # carried in from 2024 and still open at the end of 2025 (business)
    A("org", "business", date(2024, 12, 30), None, None, None),
    # closed in 2024: not in 2025 at all
    A("person", None, date(2024, 6, 1), date(2024, 6, 20), "disclosed", "provided"),
    # new in 2025, answered in 2025
    A("person", None, date(2025, 3, 1), date(2025, 3, 20), "partly", None),
    A("org", "research", date(2025, 4, 1), date(2025, 4, 25), "withheld", "4"),
    A("org", "legal", date(2025, 5, 1), date(2025, 5, 10), "unavailable", "1"),
    A("org", "nonprofit", date(2025, 6, 1), date(2025, 6, 15), "not-processed", "2"),
    A("org", "other", date(2025, 7, 1), date(2025, 8, 1), "other", "1"),
    A("person", None, date(2025, 8, 1), date(2025, 8, 20), "withheld", "6"),
    # new in 2025, answered in 2026: carried out
    A("person", None, date(2025, 12, 29), date(2026, 1, 15), "disclosed", "provided"),
    # received in 2026: not in 2025
    A("person", None, date(2026, 1, 5), None, None, None),
]

EXPECTED = {  # row → {column: count}; every other cell is 0
    "new": {"person": 3, "research": 1, "legal": 1, "nonprofit": 1, "other": 1, "total": 7},
    "carried_in": {"person": 1, "business": 1, "total": 2},
    "disclosed": {"person": 1, "total": 1},
    "partly": {"person": 1, "total": 1},
    "withheld:4": {"research": 1, "total": 1},
    "withheld:6": {"person": 1, "total": 1},
    "unavailable:1": {"legal": 1, "total": 1},
    "not-processed:2": {"nonprofit": 1, "total": 1},
    "other:1": {"other": 1, "total": 1},
    "results_total": {"person": 3, "research": 1, "legal": 1, "nonprofit": 1, "other": 1, "total": 7},
    "carried_out": {"person": 1, "business": 1, "total": 2},
}


def test_every_cell_of_section_three():
    table = section_three(2025, YEAR_DATA)
    for key, _label in ROWS:
        for column, _name in COLUMNS:
            assert table.cells[key][column] == EXPECTED.get(key, {}).get(column, 0), (key, column)
    assert table.balanced  # 一 + 二 = (七) + 四 in every column


def test_an_unbalanced_table_is_detected():
    table = section_three(2025, YEAR_DATA)
    table.cells["new"]["person"] += 1
    assert not table.balanced


def _file(day, applicant="person", org=None):
    fields = {k: v for k, v in form_data().items() if k != "consent"} | {
        "applicant_type": applicant, "org_kind": org}
    return file_request(fields, submission_key=new_submission_key(), attachment=None,
                        received_on=day).request


def test_from_the_database_to_a_published_notice(client, app, users):
    with app.app_context():
        answered = _file(date(2025, 3, 3), "org", "business")
        reply(answered, type_code="withheld", sub_code="5", text="属于内部事务信息。", actor_id=None,
              supervisor_approved=True)
        answered.matter.closed_on = answered.reply_sent_on = date(2025, 3, 20)
        _file(date(2025, 12, 30))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["annual-report", "2025"])
    assert result.exit_code == 0 and "校验通过" in result.output
    login(client, users["supervisor"])
    page = client.get("/staff/annual-report/2025").get_data(as_text=True)
    assert "校验：一 + 二 = (七) + 四" in page
    csv_text = client.get("/staff/annual-report/2025/table3.csv").get_data(as_text=True)
    assert "（三）不予公开 5.属于三类内部事务信息,0,1,0,0,0,0,1" in csv_text
    assert "四、结转下年度继续办理,1,0,0,0,0,0,1" in csv_text
    refused = post_form(client, "/staff/annual-report/2025/publish", {}, form_url="/staff/annual-report/2025")
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Notice).where(Notice.title.contains("年度报告"))) is None
    post_form(client, "/staff/annual-report/2025", {"overview": "2025年本局认真贯彻条例。",
                                                   "problems": "答复质量有待提高。", "other_matters": "无。",
                                                   "review.upheld": "1", "review.total": "1"})
    published = post_form(client, "/staff/annual-report/2025/publish", {},
                          form_url="/staff/annual-report/2025")
    assert published.status_code == 302 and "/notices/" in published.headers["Location"]
    notice_page = app.test_client().get(published.headers["Location"]).get_data(as_text=True)
    assert "2025年政府信息公开工作年度报告" in notice_page and "属于三类内部事务信息" in notice_page
    with app.app_context():
        assert db.session.scalar(select(DisclosureRequest)) is not None


def test_a_year_that_has_not_ended_is_previewed_not_published(client, app, users, pinned_today):
    login(client, users["supervisor"])
    year = pinned_today.year
    post_form(client, f"/staff/annual-report/{year}", {"overview": "本年度工作概况。", "other_matters": "无。"})
    preview = client.get(f"/staff/annual-report/{year}").get_data(as_text=True)
    assert f"{year}年尚未结束" in preview and "批准并发布为通知公告" not in preview
    refused = post_form(client, f"/staff/annual-report/{year}/publish", {},
                        form_url=f"/staff/annual-report/{year - 1}")
    assert refused.status_code == 302
    assert f"{year + 1}年1月1日起方可发布" in client.get(refused.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Notice).where(Notice.title.contains("年度报告"))) is None
