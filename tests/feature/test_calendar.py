"""Provisional deadlines when the calendar runs out, and recomputation when it is entered."""

from datetime import date

from sqlalchemy import select

from portal.disclosure.services import file_request
from portal.extensions import db
from portal.matters.models import Matter
from portal.matters.services import new_submission_key
from tests.feature.test_requests import form_data
from tests.helpers import login, post_form

# The 2027 list as an administrator would type it (an example, not the State Council's).
YEAR_2027 = "2027-01-01 holiday\n2027-01-02 holiday\n2027-01-03 holiday  # 元旦\n"


def file_on(app, day: date) -> str:
    with app.app_context():
        fields = {k: v for k, v in form_data().items() if k != "consent"} | {"org_kind": None}
        filed = file_request(fields, submission_key=new_submission_key(), attachment=None,
                             received_on=day)
        db.session.commit()
        return filed.request.matter.tracking_no


def matter(app, number) -> Matter:
    with app.app_context():
        found = db.session.scalar(select(Matter).where(Matter.tracking_no == number))
        db.session.expunge(found)
        return found


def test_deadline_in_an_uncovered_year_is_provisional_and_said_loudly(client, app, users):
    number = file_on(app, date(2026, 12, 15))
    found = matter(app, number)
    assert found.due_provisional and found.due_on == date(2027, 1, 12)
    assert any("暂定" in step for step in found.clock_steps)
    login(client, users["supervisor"])
    assert "答复期限是暂定的" in client.get("/staff/").get_data(as_text=True)
    assert "暂定" in client.get("/staff/requests/").get_data(as_text=True)


def test_entering_the_year_recomputes_open_deadlines(client, app, users):
    number = file_on(app, date(2026, 12, 15))
    login(client, users["admin"])
    response = post_form(client, "/staff/calendar/year",
                         {"year-year": "2027", "year-listing": YEAR_2027}, form_url="/staff/calendar/")
    assert response.status_code == 302
    found = matter(app, number)
    assert not found.due_provisional and found.due_on == date(2027, 1, 13)


def test_bad_year_list_is_refused_and_changes_nothing(client, app, users):
    login(client, users["admin"])
    response = post_form(client, "/staff/calendar/year",
                         {"year-year": "2027", "year-listing": "2027-01-01 maybe"},
                         form_url="/staff/calendar/")
    assert response.status_code == 422 and "请注明 holiday" in response.get_data(as_text=True)
    from portal.calendar.models import CalendarYear

    with app.app_context():
        assert db.session.scalar(select(CalendarYear)) is None


def test_staff_cannot_change_the_calendar(client, users):
    login(client, users["staff"])
    assert client.get("/staff/calendar/").status_code == 403


def test_cli_marks_a_day_and_moves_an_open_deadline(app):
    number = file_on(app, date(2026, 9, 25))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["calendar", "set", "2026-10-12", "--holiday", "--note", "测试"])
    assert result.exit_code == 0, result.output
    assert matter(app, number).due_on == date(2026, 10, 30)
    result = runner.invoke(args=["calendar", "check", "2027-03-01"])
    assert result.exit_code != 0 and "2027 年的节假日安排尚未录入" in result.output


def test_cli_imports_a_year_from_a_file(app, tmp_path):
    listing = tmp_path / "2027.txt"
    listing.write_text(YEAR_2027, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["calendar", "import", "2027", str(listing)])
    assert result.exit_code == 0 and "节假日 3 天" in result.output
    result = app.test_cli_runner().invoke(args=["calendar", "check", "2027-01-01"])
    assert "休息日" in result.output
