"""What citizens and staff do, in a real browser against the real server.

A citizen finds a guide from the home page and prints it; staff write and publish a notice
that the public then sees; a form mistake is explained in Chinese without losing work; a
wrong address gets a Chinese error page.
"""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.support import login, notice_ids_on, publish_shown_notice, write_notice

pytestmark = pytest.mark.e2e


def test_citizen_finds_a_guide_and_prints_it(page):
    """Home → 户政 category → a guide → its print view; the print stylesheet drops the header."""
    page.goto("/")
    page.get_by_role("region", name="服务分类").get_by_role("link", name="户政", exact=True).click()
    page.wait_for_url("**/guides/category/huzheng")
    assert page.get_by_role("heading", level=1).inner_text() == "户政办事指南"

    first_guide = page.locator("table.guide-table tbody th a").first
    title = first_guide.inner_text()
    first_guide.click()
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == title
    for section in ("办理时限", "设定依据", "申请材料", "办理流程", "收费标准及依据"):
        assert page.get_by_role("heading", name=section, level=2).is_visible(), section

    header = page.locator("header.site-header")
    assert header.is_visible()
    page.emulate_media(media="print")
    assert not header.is_visible(), "the print stylesheet must hide the site header"
    assert not page.get_by_role("link", name="打印版").is_visible(), "on paper the buttons are noise"
    assert heading.is_visible()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="打印版").click()
    page.wait_for_url("**/print")
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert page.get_by_role("button", name="打印本页").is_visible()
    assert page.get_by_role("link", name="打印版").count() == 0, "the print view does not link to itself"
    assert page.get_by_role("link", name="返回网页版").is_visible(), "without the header, a way back"
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("footer.site-footer").is_visible()
    assert not page.get_by_role("button", name="打印本页").is_visible()
    assert page.get_by_role("heading", name="申请材料").is_visible()


def test_staff_publish_a_notice_the_public_then_sees(new_context, portal_server):
    """Log in as demo staff, write a notice, publish it; a new anonymous visitor sees it."""
    title = f"关于调整户籍窗口办公时间的通知 {uuid.uuid4().hex[:6]}"
    staff = new_context().new_page()
    login(staff, "staff", portal_server.passwords["staff"])
    notice_id = write_notice(staff, title, "自下周一起，户籍窗口**周六上午**照常办公。\n\n- 地点：政务服务中心")
    assert staff.get_by_text("草稿", exact=True).is_visible()
    assert staff.locator(".preview strong").first.inner_text() == "周六上午", "the preview renders the Markdown"

    visitor = new_context().new_page()
    visitor.goto("/")
    assert notice_id not in notice_ids_on(visitor), "a draft must not be public"

    publish_shown_notice(staff)
    assert staff.get_by_text("已发布", exact=True).is_visible()

    visitor = new_context().new_page()
    visitor.goto("/")
    link = visitor.get_by_role("link", name=title)
    assert link.is_visible()
    link.click()
    assert visitor.get_by_role("heading", level=1).inner_text() == title
    assert visitor.locator(".prose strong").inner_text() == "周六上午"


def test_empty_title_is_explained_in_chinese_and_keeps_the_body(staff_page):
    """Submitting without a title shows 请填写标题 next to the field and keeps what was typed."""
    body = "这段正文是工作人员辛苦写好的，不能因为漏填标题而丢失。"
    staff_page.goto("/staff/notices/new")
    staff_page.get_by_label("正文（Markdown）").fill(body)
    staff_page.get_by_role("button", name="保存草稿").click()

    title_field = staff_page.get_by_label("标题", exact=True)
    error = staff_page.locator(".field.has-error .error")
    assert "请填写标题" in error.inner_text()
    assert title_field.get_attribute("aria-invalid") == "true"
    assert error.get_attribute("id") in (title_field.get_attribute("aria-describedby") or "").split()
    assert staff_page.get_by_text("保存失败，请检查标出的字段。").is_visible()
    assert staff_page.get_by_label("正文（Markdown）").input_value() == body


def test_unknown_address_gets_a_chinese_404_page(page):
    """A mistyped address answers 404 with a page in Chinese and a way back."""
    response = page.goto("/no-such-page")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "页面不存在"
    assert page.title().startswith("页面不存在")
    page.get_by_role("link", name="返回首页").click()
    page.wait_for_url(lambda url: url.endswith("/"))
