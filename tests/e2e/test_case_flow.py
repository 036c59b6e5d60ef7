"""案件办理进度查询 end to end in the browser, on SQLite and on PostgreSQL.

户政 staff record a criminal case with its reporter and print the 受案回执 with the query code;
an anonymous visitor opens the lookup from the home page, enters the case number, the code
and the last four ID characters, and sees the handling unit, its phone and the 受案 stage (not
the officer in charge); staff record 立案 and the visitor, reloading, sees it too.
"""

from __future__ import annotations

import re
import secrets

import pytest

from tests.e2e.support import login

pytestmark = pytest.mark.e2e
OFFICER = "端到端测试主办民警"
PHONE = "0571-87001234"


def record_case(page, case_no: str) -> str:
    """Fill the new-case form with one reporter; return the query code from the receipt."""
    page.goto("/staff/cases/")
    page.get_by_role("link", name="登记案件").click()
    page.get_by_label("案件编号").fill(case_no)
    page.get_by_label("案件类型").select_option(label="刑事")
    page.get_by_label("主办民警").fill(OFFICER)
    page.get_by_label("办案单位联系电话").fill(PHONE)
    page.get_by_label("身份").select_option(label="报案人")
    page.get_by_label("姓名").fill("端到端报案人")
    page.get_by_label("证件号码后四位").fill("123X")
    page.get_by_role("button", name="登记并打印受案回执").click()
    page.get_by_role("heading", name="受案回执").wait_for()
    receipt = page.locator("main").inner_text()
    assert case_no in receipt and PHONE in receipt and "户政管理" in receipt
    assert OFFICER not in receipt and "端到端报案人" not in receipt
    return re.search(r"查询码\s*([2-9A-Z]{8})", receipt).group(1)


def look_up(page, case_no: str, code: str) -> str:
    """Open the lookup from the home page as a visitor would; return the result's text."""
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="案件进度查询").click()
    page.get_by_role("heading", name="案件办理进度查询").wait_for()
    page.get_by_label("案件编号").fill(case_no)
    page.get_by_label("查询码").fill(code.lower())  # codes are not case-sensitive
    page.get_by_label("本人证件号码后四位").fill("123x")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", name="案件办理进度", exact=True).wait_for()
    return page.locator("main").inner_text()


def test_a_party_follows_a_case_recorded_by_staff(any_portal, browser):
    def context():
        made = browser.new_context(base_url=any_portal.base_url, locale="zh-CN",
                                   timezone_id="Asia/Shanghai")
        made.set_default_timeout(15_000)
        return made

    case_no = f"示例公(刑)受字〔2026〕{secrets.randbelow(90_000) + 10_000}号"
    office = context().new_page()
    login(office, "staff", any_portal.passwords["staff"])
    code = record_case(office, case_no)

    citizen = context().new_page()
    shown = look_up(citizen, case_no, code)
    assert case_no in shown and "刑事案件" in shown and "户政管理" in shown and PHONE in shown
    assert "受案" in shown and "立案" not in shown
    assert OFFICER not in shown and "端到端报案人" not in shown and code not in shown

    office.get_by_role("link", name="返回案件详情").click()
    office.get_by_role("combobox", name="办理环节", exact=True).select_option(label="立案")
    office.get_by_label("内部备注（不对当事人公开）").fill("端到端内部备注")
    office.get_by_role("button", name="记录", exact=True).click()
    office.get_by_text("已记录。").wait_for()

    citizen.reload()
    citizen.get_by_role("heading", name="案件办理进度", exact=True).wait_for()
    shown = citizen.locator("main").inner_text()
    assert "立案" in shown and "端到端内部备注" not in shown

    wrong = context().new_page()
    wrong.goto("/progress")
    wrong.get_by_label("案件编号").fill(case_no)
    wrong.get_by_label("查询码").fill("ZZZZZZZZ")
    wrong.get_by_label("本人证件号码后四位").fill("123X")
    wrong.get_by_role("button", name="查询").click()
    wrong.get_by_text("案件编号、查询码或证件号码后四位不正确").wait_for()

    for made in (office.context, citizen.context, wrong.context):
        made.close()
