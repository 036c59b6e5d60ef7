"""Staff edit guides of their department; every edit keeps the previous version."""

import re

from sqlalchemy import select

from portal.catalog.models import Guide, GuideVersion
from portal.extensions import db
from tests.helpers import csrf_token, login


def guide_in(app, department: str) -> str:
    from portal.accounts.models import Department

    with app.app_context():
        return db.session.scalars(
            select(Guide.slug).join(Department).where(Department.code == department)
            .order_by(Guide.slug)
        ).first()


def current_form(client, slug: str) -> dict:
    """The edit form's values as the browser would submit them."""
    from html import unescape

    page = client.get(f"/staff/guides/{slug}/edit").get_data(as_text=True)
    data = {}
    for match in re.finditer(r'<input([^>]*)>', page):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', match.group(1)))
        if attrs.get("type") == "checkbox":
            if "checked" in match.group(1):
                data[attrs["name"]] = "y"
        elif "name" in attrs and attrs.get("type") != "submit":
            data[attrs["name"]] = unescape(attrs.get("value", ""))
    for match in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[match.group(1)] = unescape(match.group(2)).lstrip("\n")
    for match in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                           match.group(2))
        if chosen:
            data[match.group(1)] = chosen.group(1) or chosen.group(2)
    return data


def test_edit_creates_a_version_and_updates_the_public_page(client, app, users):
    slug = guide_in(app, "huzheng")
    login(client, users["staff"])
    data = current_form(client, slug)
    data["hours"] = "周一至周六 8:30-17:30（测试修改）"
    data["reviewed_on"] = "2026-11-22"
    response = client.post(f"/staff/guides/{slug}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    public = app.test_client().get(f"/guides/{slug}").get_data(as_text=True)
    assert "周一至周六 8:30-17:30（测试修改）" in public and "2026-11-22" in public
    history = client.get(f"/staff/guides/{slug}/history").get_data(as_text=True)
    assert "户政民警" in history and "修改的字段：办理时间、最后审核日期" in history
    assert "办理时间" in history and "最后审核日期" in history and "hours" not in history
    assert "＋</span> 周一至周六 8:30-17:30（测试修改）" in history
    with app.app_context():
        guide = db.session.scalar(select(Guide).where(Guide.slug == slug))
        versions = db.session.scalars(select(GuideVersion).where(GuideVersion.guide_id == guide.id)
                                      .order_by(GuideVersion.version)).all()
        assert [v.version for v in versions] == [1, 2]
        assert versions[0].snapshot["hours"] != data["hours"]  # the previous version is kept
        assert sorted(versions[1].changed_fields) == ["hours", "reviewed_on"]


def test_unchanged_save_makes_no_version(client, app, users):
    slug = guide_in(app, "huzheng")
    login(client, users["staff"])
    client.post(f"/staff/guides/{slug}/edit", data=current_form(client, slug))
    with app.app_context():
        assert db.session.scalar(select(Guide.version).where(Guide.slug == slug)) == 1


def test_bad_fee_is_reported_on_the_field_and_nothing_is_saved(client, app, users):
    slug = guide_in(app, "huzheng")
    login(client, users["staff"])
    data = current_form(client, slug)
    data["fees"] = "工本费 | 二十元 | 发改价格〔2003〕2322号"
    data["hours"] = "这段修改不应被保存"
    response = client.post(f"/staff/guides/{slug}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "金额应为数字" in page and "这段修改不应被保存" in page  # what was typed is kept
    with app.app_context():
        guide = db.session.scalar(select(Guide).where(Guide.slug == slug))
        assert guide.version == 1 and guide.hours != "这段修改不应被保存"


def test_staff_cannot_edit_another_departments_guide(client, app, users):
    slug = guide_in(app, "jiaoguan")
    login(client, users["staff"])
    assert client.get(f"/staff/guides/{slug}/edit").status_code == 403
    token = csrf_token(client, "/staff/")
    assert client.post(f"/staff/guides/{slug}/edit", data={"csrf_token": token}).status_code == 403


def test_supervisor_may_edit_any_guide(client, app, users):
    slug = guide_in(app, "jiaoguan")
    login(client, users["supervisor"])
    assert client.get(f"/staff/guides/{slug}/edit").status_code == 200


def test_browser_line_endings_and_trailing_spaces_are_not_a_change(client, app, users):
    slug = guide_in(app, "huzheng")
    login(client, users["staff"])
    data = current_form(client, slug)
    data["conditions"] = data["conditions"].replace("\n", "\r\n") + "  \r\n"
    data["materials"] = "\r\n".join(line + " " for line in data["materials"].splitlines())
    client.post(f"/staff/guides/{slug}/edit", data=data)
    with app.app_context():
        assert db.session.scalar(select(Guide.version).where(Guide.slug == slug)) == 1
    data["conditions"] += "\r\n新增的一行条件"
    assert client.post(f"/staff/guides/{slug}/edit", data=data).status_code == 302
    history = client.get(f"/staff/guides/{slug}/history").get_data(as_text=True)
    assert "修改的字段：受理条件</p>" in history
    assert "＋</span> 新增的一行条件" in history and "−</span>" not in history
