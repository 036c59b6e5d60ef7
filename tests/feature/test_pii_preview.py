"""Names and home addresses of private persons never reach the public, and staff see before
publishing exactly what will be masked, and can keep or add spans with a reason."""

from datetime import date

from portal.core.pii_address import ADDRESS_MASK
from tests.feature.test_complaints import file_on, reply_and_track
from tests.helpers import csrf_token, login, post_form

SUMMARY = "投诉人王五反映，其住北京市朝阳区幸福路88号，邻居赵六深夜施工扰民，民警张三（警号012345）到场处置。"


def publish_summary(client, app, users, text):
    number, code = file_on(app, received=date(2026, 10, 30))
    reply_and_track(client, app, users, number, code, outcome="upheld")
    url = f"/staff/complaints/{number}"
    return number, post_form(client, f"{url}/summary", {"summary-summary_md": text}, form_url=url)


def test_a_published_summary_shows_neither_name_nor_address_anywhere_public(client, app, users):
    _number, response = publish_summary(client, app, users, SUMMARY)
    assert response.status_code == 302
    public = app.test_client()
    outcomes = public.get("/complaints/outcomes").get_data(as_text=True)
    found = public.get("/search?q=施工扰民").get_data(as_text=True)
    api = public.get("/api/v1/search?q=施工扰民").get_data(as_text=True)
    for page in (outcomes, found, api):
        assert "王五" not in page and "赵六" not in page and "幸福路" not in page
    assert "王某" in outcomes and "赵某" in outcomes and "北京市朝阳区" + ADDRESS_MASK in outcomes
    assert "民警张三（警号012345）" in outcomes  # an officer acting in role stays named


def test_the_preview_shows_every_masked_span_before_publishing(client, app, users):
    number, code = file_on(app, received=date(2026, 10, 30))
    reply_and_track(client, app, users, number, code, outcome="upheld")
    url = f"/staff/complaints/{number}"
    staff_page = client.get(url).get_data(as_text=True)
    assert "预览公开效果" in staff_page
    response = client.post("/staff/preview/?field=summary-summary_md",
                           data={"csrf_token": csrf_token(client, url), "summary-summary_md": SUMMARY})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "将被隐去的个人信息（3 处）" in page
    assert "王某" in page and "北京市朝阳区***" in page and "住址" in page and "姓名" in page
    assert "<mark" in page and "[[公开:理由代码]]赵六[[/公开]]" in page


def test_staff_keep_a_span_public_with_a_reason_and_add_one(client, app, users):
    text = ("投诉人王五反映，[[公开:not-personal]]黄山路[[/公开]]夜间噪音扰民，"
            "同行的[[姓名]]钱多[[/姓名]]也在场。")
    _number, published = publish_summary(client, app, users, text)
    assert published.status_code == 302
    response = post_form(client, "/staff/preview/", {"text": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "不是个人信息" in page and "钱某" in page and "钱多" in page
    outcomes = app.test_client().get("/complaints/outcomes").get_data(as_text=True)
    assert "黄山路夜间噪音扰民" in outcomes and "钱某" in outcomes and "钱多" not in outcomes
    assert "王五" not in outcomes and "[[公开" not in outcomes


def test_a_keep_mark_without_a_known_reason_is_refused_and_nothing_is_published(client, app, users):
    _number, published = publish_summary(client, app, users, "投诉人[[公开:because]]王五[[/公开]]反映噪音。")
    response = post_form(client, "/staff/preview/", {"text": "投诉人[[公开:]]王五[[/公开]]反映噪音。"})
    assert response.status_code == 422 and "保留公开的内容必须注明理由" in response.get_data(as_text=True)
    assert published.status_code == 422
    assert "保留公开理由“because”不存在" in published.get_data(as_text=True)
    assert "王五" not in app.test_client().get("/complaints/outcomes").get_data(as_text=True)


def test_the_preview_is_for_staff_only_and_needs_a_text(client, app, users):
    assert client.get("/staff/preview/").status_code in (302, 401, 403)
    login(client, users["staff"])
    assert "待公开的文字" in client.get("/staff/preview/").get_data(as_text=True)
    response = post_form(client, "/staff/preview/", {"text": ""})
    assert response.status_code == 422 and "请填写要预览的文字" in response.get_data(as_text=True)
