"""Provisional deadlines when the calendar runs out, and recomputation when it is entered."""

from datetime import date

from sqlalchemy import select

from portal.disclosure.services import file_request
from portal.extensions import db
from portal.matters.models import Matter
from portal.matters.services import new_submission_key
from tests.feature.test_requests import form_data
from tests.helpers import login, post_form

# A 2027 list as an administrator would type it (a plausible one, not the State Council's):
# every statutory holiday of the holiday law, bridging days, and weekend make-up working days.
YEAR_2027 = """# 2027 年节假日安排
2027-01-01 holiday  # 元旦
2027-01-02 holiday
2027-01-03 holiday
""" + "".join(f"2027-02-{day:02d} holiday  # 春节\n" for day in range(5, 12)) + """2027-02-13 workday
2027-04-03 休
2027-04-04 休
2027-04-05 休  # 清明
""" + "".join(f"2027-05-0{day} holiday  # 劳动节\n" for day in range(1, 6)) + """2027-06-09 holiday  # 端午
2027-09-15 holiday  # 中秋
""" + "".join(f"2027-10-0{day} holiday  # 国庆\n" for day in range(1, 8)) + "2027-10-09 上班\n"


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
    assert found.due_provisional and found.due_on == date(2027, 1, 13)  # 元旦 is off even provisionally
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
    assert result.exit_code == 0, result.output
    assert "节假日 27 天，调休上班 2 天" in result.output
    result = app.test_cli_runner().invoke(args=["calendar", "check", "2027-01-01"])
    assert "休息日" in result.output


def _import(app, tmp_path, text: str):
    listing = tmp_path / "year.txt"
    listing.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["calendar", "import", "2027", str(listing)])


def _nothing_entered(app) -> bool:
    from portal.calendar.models import CalendarOverride, CalendarYear

    with app.app_context():
        return db.session.scalar(select(CalendarYear)) is None and db.session.scalar(select(CalendarOverride)) is None


def test_a_year_without_its_statutory_holidays_is_refused_naming_them(app, tmp_path):
    partial = "\n".join(line for line in YEAR_2027.splitlines()
                        if not line.startswith(("2027-02-05", "2027-09-15", "2027-10-03")))
    result = _import(app, tmp_path, partial)
    assert result.exit_code == 1
    assert "缺少《全国年节及纪念日放假办法》规定的法定节假日" in result.output
    assert "春节（2027-02-05）" in result.output  # New Year's Eve (除夕), a holiday since 2025
    assert "中秋（2027-09-15）" in result.output and "国庆（2027-10-03）" in result.output
    assert "清明" not in result.output and "端午" not in result.output
    assert _nothing_entered(app)
    only_new_year = "2027-01-01 holiday\n2027-01-02 holiday\n2027-01-03 holiday\n"
    result = _import(app, tmp_path, only_new_year)
    assert result.exit_code == 1
    for name in ("春节", "清明（2027-04-05）", "劳动节（2027-05-01、2027-05-02）", "端午（2027-06-09）", "国庆"):
        assert name in result.output
    assert "元旦" not in result.output and _nothing_entered(app)


def test_contradictory_lines_for_one_day_are_refused(app, tmp_path):
    result = _import(app, tmp_path, YEAR_2027 + "2027-02-13 holiday\n")
    assert result.exit_code == 1
    assert "2027-02-13 不能既是节假日又是调休上班日" in result.output and "矛盾" in result.output
    assert _nothing_entered(app)


def test_a_date_outside_the_year_is_refused(app, tmp_path):
    result = _import(app, tmp_path, YEAR_2027 + "2028-01-01 holiday\n")
    assert result.exit_code == 1 and "2028-01-01 不在 2027 年" in result.output
    assert _nothing_entered(app)


def test_a_make_up_working_day_on_a_weekday_is_refused(app, tmp_path):
    result = _import(app, tmp_path, YEAR_2027 + "2027-03-03 workday\n")
    assert result.exit_code == 1
    assert "2027-03-03 是星期三" in result.output and "调休上班日只能是周六或周日" in result.output
    assert _nothing_entered(app)


def test_the_web_form_refuses_a_list_missing_a_statutory_holiday(client, app, users):
    login(client, users["admin"])
    listing = YEAR_2027.replace("2027-06-09 holiday", "")
    response = post_form(client, "/staff/calendar/year", {"year-year": "2027", "year-listing": listing},
                         form_url="/staff/calendar/")
    assert response.status_code == 422 and "端午（2027-06-09）" in response.get_data(as_text=True)
    assert _nothing_entered(app)


def test_setting_a_day_in_a_year_without_a_calendar_says_what_it_did(app):
    result = app.test_cli_runner().invoke(args=["calendar", "set", "2027-03-01", "holiday", "--note", "测试"])
    assert result.exit_code == 0, result.output
    assert "2027-03-01 已设为节假日，已保存" in result.output
    assert "警告：2027 年没有官方节假日安排" in result.output and "仍标为暂定" in result.output
    from portal.calendar.models import CalendarOverride

    with app.app_context():
        assert db.session.get(CalendarOverride, date(2027, 3, 1)).is_workday is False
    check = app.test_cli_runner().invoke(args=["calendar", "check", "2027-03-01"])
    assert check.exit_code != 0 and "2027 年的节假日安排尚未录入" in check.output  # the year is still not covered
    covered = app.test_cli_runner().invoke(args=["calendar", "set", "2026-10-12", "workday"])
    assert covered.exit_code == 0 and "警告" not in covered.output
    both = app.test_cli_runner().invoke(args=["calendar", "set", "2026-10-12", "workday", "--holiday"])
    assert both.exit_code == 2 and "二者选一" in both.output
