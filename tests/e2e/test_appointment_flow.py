"""预约办理 end to end in the browser, on SQLite and on PostgreSQL.

A citizen goes from the guide's page to the booking form, picks a hall, a day and a slot,
gives name, ID number and mobile, and gets the slip with the booking code and the personal
data masked. Booking the same guide again is refused in plain Chinese. In another browser the
booking is found with its code and the last four ID characters, and cancelled.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.citizen_pages import BOOKING_CODE, GUIDE, citizen_id, fill_booking_form, open_booking_form

pytestmark = pytest.mark.e2e


def test_a_citizen_books_through_the_form_and_keeps_the_slip(any_portal, browser):
    def context():
        made = browser.new_context(base_url=any_portal.base_url, locale="zh-CN", timezone_id="Asia/Shanghai")
        made.set_default_timeout(15_000)
        return made

    id_number = citizen_id(300)
    citizen = context().new_page()
    citizen.goto(f"/guides/{GUIDE}")
    citizen.get_by_role("link", name="预约办理").click()
    citizen.wait_for_url(f"**/appointments/guide/{GUIDE}")
    open_booking_form(citizen)
    form_url = citizen.url
    fill_booking_form(citizen, "赵六", id_number)
    citizen.get_by_role("button", name="确认预约").click()

    citizen.get_by_role("heading", name="预约凭证").wait_for()
    slip = citizen.locator("main").inner_text()
    code = BOOKING_CODE.search(slip)
    assert code, slip
    assert "预约成功。请保存预约码" in slip and "居民身份证换领" in slip and "已预约" in slip
    assert id_number not in slip and "赵六" not in slip and "13912345678" not in slip
    assert id_number[:3] + "*" * 11 + id_number[-4:] in slip and "赵某" in slip and "139****5678" in slip
    assert re.search(r"/appointments/booking/YY[A-Z0-9]{8}$", citizen.url)

    citizen.goto(form_url)
    fill_booking_form(citizen, "赵六", id_number)
    citizen.get_by_role("button", name="确认预约").click()
    citizen.get_by_text("同一证件号码对同一事项只能有一个有效预约；如需改期，请用预约码修改原预约。").wait_for()

    elsewhere = context().new_page()
    elsewhere.goto("/appointments/manage")
    elsewhere.get_by_label("预约码").fill(code.group(0).lower())
    elsewhere.get_by_label("身份证号码后四位").fill(id_number[-4:])
    elsewhere.get_by_role("button", name="查询").click()
    elsewhere.get_by_role("heading", name="预约凭证").wait_for()
    assert code.group(0) in elsewhere.locator("main").inner_text()
    elsewhere.get_by_role("button", name="取消预约").click()
    elsewhere.get_by_text("预约已取消。").wait_for()
    assert "已取消" in elsewhere.locator("main").inner_text()
    assert elsewhere.get_by_role("button", name="取消预约").count() == 0
    for page in (citizen, elsewhere):
        page.context.close()
