"""投诉 end to end in the browser, on SQLite and on PostgreSQL.

A citizen complains and keeps the receipt; the supervisor accepts it, asks for and approves an
extension, and replies; the citizen rates the reply 不满意 and asks for 复查.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.e2e.support import login

pytestmark = pytest.mark.e2e


def test_a_complaint_from_filing_to_review(any_portal, browser):
    def page():
        made = browser.new_context(base_url=any_portal.base_url, locale="zh-CN",
                                   timezone_id="Asia/Shanghai")
        made.set_default_timeout(15_000)
        return made.new_page()

    citizen = page()
    citizen.goto("/")
    citizen.get_by_role("link", name="对民警执法和服务提出投诉").click()
    citizen.get_by_label("投诉类型").select_option(label="态度作风")
    citizen.get_by_label("被投诉单位").select_option(label="交通管理")
    citizen.get_by_label("发生日期").fill(date.today().isoformat())
    citizen.get_by_label("事情经过").fill("在车管所窗口换领驾驶证时，工作人员拒绝说明缺少什么材料。")
    citizen.get_by_label("您的诉求").fill("请说明情况并改进")
    citizen.get_by_label("姓名", exact=True).fill("赵六")
    citizen.get_by_label("联系电话").fill("13900005678")
    citizen.get_by_role("button", name="提交投诉").click()
    citizen.get_by_role("heading", name="投诉回执").wait_for()
    receipt = citizen.locator("main").inner_text()
    number = re.search(r"TS-\d{4}-\d{6}", receipt).group(0)
    code = re.search(r"查询码\s*([A-Z0-9]{8})", receipt).group(1)

    office = page()
    login(office, "supervisor", any_portal.passwords["supervisor"])
    office.goto(f"/staff/complaints/{number}")
    office.get_by_role("combobox", name="受理决定").select_option(label="受理")
    office.get_by_role("button", name="记录决定").click()
    office.get_by_text("已记录受理决定").wait_for()
    office.get_by_label("延长天数").fill("20")
    office.get_by_label("理由（将告知投诉人）").fill("需要调取窗口录像")
    office.get_by_role("button", name="提交审批").click()
    office.get_by_text("延期申请已提交").wait_for()
    office.get_by_role("button", name="批准", exact=True).click()
    office.get_by_text("已批准延期。").wait_for()
    office.get_by_role("combobox", name="处理结果").select_option(label="部分属实")
    office.get_by_label("答复内容").fill("经调取录像，窗口民警解释不够耐心，已批评教育。")
    office.get_by_role("button", name="答复投诉人").click()
    office.get_by_text("已答复投诉人。").wait_for()

    citizen.goto("/track")
    citizen.get_by_label("受理编号").fill(number)
    citizen.get_by_label("查询码").fill(code)
    citizen.get_by_role("button", name="查询").click()
    citizen.get_by_role("heading", name=f"投诉进度：{number}").wait_for()
    status = citizen.locator("main").inner_text()
    assert "部分属实" in status and "经批准，办理期限延长 20 日" in status
    citizen.get_by_label("不满意").check()
    citizen.get_by_role("button", name="提交评价").click()
    citizen.get_by_text("可以在下方申请复查").wait_for()
    citizen.get_by_label("申请复查的理由").fill("只是批评教育，处理太轻")
    citizen.get_by_role("button", name="申请复查").click()
    citizen.get_by_text("已收到您的复查申请。").wait_for()
    assert "复查中" in citizen.locator("main").inner_text()
    for made in (citizen, office):
        made.context.close()
