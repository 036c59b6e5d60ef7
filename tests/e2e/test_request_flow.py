"""依申请公开 end to end in the browser, on SQLite and on PostgreSQL.

A citizen files a request and keeps the receipt; the 公开办 supervisor asks for a
clarification, records it, consults a third party, asks for and approves an extension, writes
a partly withheld reply and approves it; the citizen looks the request up, reads the reply
with its placeholder and reasons, opens the letter addressed to them and rates it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from portal.core.pii import id_check_digit
from tests.e2e.support import login

pytestmark = pytest.mark.e2e
ID17 = "11010519850412123"


def file_request(page) -> tuple[str, str]:
    """Fill the form as a citizen would; return (tracking number, access code) from the receipt."""
    page.goto("/")
    page.get_by_role("link", name="申请信息公开").click()
    page.get_by_label("姓名或组织名称").fill("王小二")
    page.get_by_label("证件号码").fill(ID17 + id_check_digit(ID17))
    page.get_by_label("联系电话").fill("13900001234")
    page.get_by_label("电子邮箱（选填）").fill("wxe@example.com")
    page.get_by_label("通讯地址").fill("示例市示例区幸福路 8 号")
    page.get_by_label("所需政府信息的名称").fill("请公开本局2025年办理居民身份证的数量和平均办理时间。")
    page.get_by_label("电子邮件", exact=True).check()
    page.get_by_label("我已阅读并同意").check()
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("heading", name="政府信息公开申请回执").wait_for()
    text = page.locator("main").inner_text()
    number = re.search(r"GK-\d{4}-\d{6}", text).group(0)
    code = re.search(r"查询码\s*([A-Z0-9]{8})", text).group(1)
    assert "答复期限" in text and "20 个工作日" in text
    return number, code


def act(page, number: str, action: str, **fields) -> None:
    """Record one action on the request's staff page."""
    page.goto(f"/staff/requests/{number}")
    page.get_by_label("操作", exact=True).select_option(label=action)
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="记录").click()
    page.get_by_text("已记录。").wait_for()


def approve(page, number: str, heading: str) -> None:
    """Approve what waits under ``heading`` (延期审批 or 答复审批)."""
    page.goto(f"/staff/requests/{number}")
    section = page.locator("section", has=page.get_by_role("heading", name=heading))
    section.get_by_label("决定").select_option(label="批准")
    section.get_by_role("button", name="提交").click()
    page.get_by_text("已批准。").wait_for()


def test_a_request_from_filing_to_rating(any_portal, browser):
    def context():
        made = browser.new_context(base_url=any_portal.base_url, locale="zh-CN",
                                   timezone_id="Asia/Shanghai")
        made.set_default_timeout(15_000)
        return made

    citizen = context().new_page()
    number, code = file_request(citizen)

    office = context().new_page()
    login(office, "supervisor", any_portal.passwords["supervisor"])
    deadline = (date.today() + timedelta(days=15)).isoformat()
    act(office, number, "发出补正通知", **{"申请人补正期限（发出补正通知时填写）": deadline})
    assert "待申请人补正" in office.locator("main").inner_text()
    act(office, number, "收到补正材料")
    act(office, number, "开始征求第三方（或其他机关）意见")
    act(office, number, "征求意见结束")
    act(office, number, "申请延长答复期限", **{"延长工作日数（申请延期时填写，最多 20）": "10",
                                              "内部备注": "需要调取多个派出所数据"})
    approve(office, number, "延期审批")
    assert "延长答复期限 10 个工作日" in office.locator("main").inner_text()

    office.get_by_label("答复类型").select_option(label="部分公开（区分处理）")
    office.get_by_label("答复内容").fill(
        "2025年本局办理居民身份证 52,340 张，平均 7 个工作日。"
        "[[不予公开:process-info]]各窗口内部考核意见[[/不予公开]]")
    office.get_by_role("button", name="提交答复").click()
    office.get_by_text("答复已提交审批。").wait_for()
    approve(office, number, "答复审批")
    assert "已答复" in office.locator("main").inner_text()

    citizen.goto("/track")
    citizen.get_by_label("受理编号").fill(number)
    citizen.get_by_label("查询码").fill(code)
    citizen.get_by_role("button", name="查询").click()
    citizen.get_by_role("heading", name=f"办理进度：{number}").wait_for()
    status = citizen.locator("main").inner_text()
    assert "已答复" in status and "52,340 张" in status
    assert "各窗口内部考核意见" not in status
    assert "此处依据《政府信息公开条例》第十六条第二款不予公开" in status
    assert "延长答复期限 10 个工作日" in status and "补正" in status
    citizen.get_by_role("link", name="查看并打印答复书").click()
    citizen.get_by_role("heading", name="政府信息公开申请答复书").wait_for()
    letter = citizen.locator("main").inner_text()
    assert "王小二：" in letter and "示例市人民政府" in letter and "示例市某区人民法院" in letter
    assert citizen.get_by_role("link", name="下载 PDF").get_attribute("href").endswith("/letter.pdf")
    citizen.go_back()
    citizen.get_by_label("满意", exact=True).check()
    citizen.get_by_role("button", name="提交评价").click()
    citizen.get_by_text("感谢您的评价。").wait_for()

    for made in (citizen.context, office.context):
        made.close()
