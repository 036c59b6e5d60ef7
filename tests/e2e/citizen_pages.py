"""Citizen pages that only exist after a citizen has done something: the booking form of a
chosen hall and day, the booking slip, moving a booking, a refused lookup, and the 网上咨询
pages (a published answer, the "already answered?" step, the receipt, the asker's own page).

Each page has an opener that reaches it the way a citizen does, through links, labels and
buttons, in the browser context that made the booking (its session proves the booking is
its own). The accessibility and reflow checks walk :data:`CITIZEN_PAGES`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from portal.core.pii import id_check_digit

GUIDE = "resident-id-card-renewal"  # the demo halls take bookings for it
BOOKING_CODE = re.compile(r"YY[A-Z0-9]{8}")
TRACKING_NO = re.compile(r"ZX-\d{4}-\d{6}")


def citizen_id(serial: int) -> str:
    """A valid ID number (Beijing, born 1985-06-15) numbered ``serial`` (below 1000)."""
    first17 = f"11010519850615{serial:03d}"
    return first17 + id_check_digit(first17)


def open_booking_form(page, guide: str = GUIDE) -> None:
    """From the guide's booking page, pick the first hall and the last offered day (today's
    slots may be over, and a booking far enough ahead may still be cancelled or moved)."""
    page.goto(f"/appointments/guide/{guide}")
    page.get_by_role("region", name="1. 选择办事大厅").get_by_role("link").first.click()
    page.get_by_role("region", name="2. 选择日期").get_by_role("link").last.click()
    page.get_by_role("button", name="确认预约").wait_for()


def book_appointment(page, name: str, id_number: str, guide: str = GUIDE) -> str:
    """Book the first free slot through the form; return the booking code on the slip."""
    open_booking_form(page, guide)
    fill_booking_form(page, name, id_number)
    page.get_by_role("button", name="确认预约").click()
    page.get_by_role("heading", name="预约凭证").wait_for()
    found = BOOKING_CODE.search(page.get_by_text(BOOKING_CODE).first.inner_text())
    assert found, f"no booking code on {page.url}"
    return found.group(0)


def fill_booking_form(page, name: str, id_number: str) -> None:
    """On the booking form: the first free slot, the name, ID number and a mobile number."""
    page.get_by_role("group", name="预约时段").get_by_role("radio").first.check()
    page.get_by_label("姓名").fill(name)
    page.get_by_label("居民身份证号码").fill(id_number)
    page.get_by_label("手机号码").fill("13912345678")


def ask_question(page, subject: str) -> None:
    """Ask a question through the two steps of the form, ending on the receipt."""
    page.goto("/questions/ask")
    page.get_by_label("咨询部门").select_option(label="户政管理")
    page.get_by_label("标题").fill(subject)
    page.get_by_label("咨询内容").fill("请问办理居民身份证换领需要准备哪些材料？大概多久可以领取？")
    page.get_by_role("button", name="下一步：查看相关内容").click()
    page.get_by_role("button", name="确认提交").click()
    page.get_by_role("heading", name="咨询回执").wait_for()


@dataclass
class CitizenState:
    """What one browser context did before the walk: its booking and its question."""

    booking_code: str
    tracking_no: str
    published_questions: list[int]


def _slot_form(page, state: CitizenState) -> None:
    open_booking_form(page)


def _slot_form_errors(page, state: CitizenState) -> None:
    open_booking_form(page)
    page.get_by_role("button", name="确认预约").click()
    page.get_by_text("请填写姓名。").wait_for()


def _slip(page, state: CitizenState) -> None:
    page.goto(f"/appointments/booking/{state.booking_code}")


def _move(page, state: CitizenState) -> None:
    page.goto(f"/appointments/booking/{state.booking_code}")
    page.get_by_role("link", name="改期").click()
    page.get_by_role("heading", name="选择新日期").wait_for()
    page.locator("main ul.choices a").last.click()
    page.get_by_role("button", name="确认改期").wait_for()


def _cancelled(page, state: CitizenState) -> None:
    book_appointment(page, "李四", citizen_id(200))
    page.get_by_role("button", name="取消预约").click()
    page.get_by_text("预约已取消。").wait_for()


def _manage_refused(page, state: CitizenState) -> None:
    page.goto("/appointments/manage")
    page.get_by_label("预约码").fill("YY00000000")
    page.get_by_label("身份证号码后四位").fill("0000")
    page.locator("main form button[type=submit]").click()
    page.get_by_text("预约码或身份证号码后四位不正确。").wait_for()


def _question_detail(page, state: CitizenState) -> None:
    page.goto(f"/questions/{state.published_questions[0]}")


def _question_matches(page, state: CitizenState) -> None:
    page.goto("/questions/ask")
    page.get_by_label("咨询部门").select_option(label="户政管理")
    page.get_by_label("标题").fill("身份证到期换领")
    page.get_by_label("咨询内容").fill("身份证快到期了，换领需要带什么？")
    page.get_by_role("button", name="下一步：查看相关内容").click()
    page.get_by_role("button", name="确认提交").wait_for()


def _question_receipt(page, state: CitizenState) -> None:
    ask_question(page, "换领身份证需要多久")


def _question_status(page, state: CitizenState) -> None:
    page.goto(f"/questions/my/{state.tracking_no}")


# (name, opener) of every page the walk reaches by acting as a citizen.
CITIZEN_PAGES: list[tuple[str, Callable]] = [
    ("appointment-slot-form", _slot_form),
    ("appointment-slot-form-errors", _slot_form_errors),
    ("appointment-slip", _slip),
    ("appointment-move", _move),
    ("appointment-cancelled", _cancelled),
    ("appointment-manage-refused", _manage_refused),
    ("question-detail", _question_detail),
    ("question-ask-matches", _question_matches),
    ("question-receipt", _question_receipt),
    ("question-status", _question_status),
]
