"""What a citizen sees: home, guide list and filters, guide detail and print view, errors."""

import pytest
from sqlalchemy import select

from portal.catalog.models import Guide
from portal.extensions import db


def html(response) -> str:
    return response.get_data(as_text=True)


def first_guide(app, **where) -> Guide:
    with app.app_context():
        query = select(Guide)
        for name, value in where.items():
            query = query.where(getattr(Guide, name) == value)
        guide = db.session.scalars(query.order_by(Guide.slug)).first()
        db.session.expunge_all()
        return guide


def test_home_shows_notices_categories_and_entry_points(client):
    page = html(client.get("/"))
    assert '<html lang="zh-CN">' in page
    for text in ("办事指南", "申请信息公开", "投诉", "案件进度查询", "通知公告", "户政", "出入境",
                 "交通管理", "治安", "证明"):
        assert text in page
    assert "/notices/" in page


def test_guide_list_shows_every_guide(client, app):
    page = html(client.get("/guides/"))
    with app.app_context():
        titles = db.session.scalars(select(Guide.title)).all()
    assert len(titles) >= 15
    for title in titles:
        assert title in page


@pytest.mark.parametrize(
    ("query", "predicate"),
    [
        ("fee=free", lambda g: g.is_free),
        ("fee=paid", lambda g: not g.is_free),
        ("online=yes", lambda g: g.online),
        ("online=no", lambda g: not g.online),
        ("limit=5", lambda g: g.promised_days <= 5),
        ("limit=same-day", lambda g: g.promised_days == 0),
    ],
)
def test_filters_keep_exactly_the_matching_guides(client, app, query, predicate):
    page = html(client.get(f"/guides/?{query}"))
    with app.app_context():
        guides = db.session.scalars(select(Guide)).all()
        for guide in guides:
            shown = f'href="/guides/{guide.slug}"' in page
            assert shown == predicate(guide), f"{guide.slug} wrongly {'shown' if shown else 'hidden'}"


def test_category_page_lists_only_its_guides(client, app):
    page = html(client.get("/guides/category/churujing"))
    with app.app_context():
        for guide in db.session.scalars(select(Guide)):
            assert (f'href="/guides/{guide.slug}"' in page) == (guide.category.code == "churujing")


def test_unknown_category_is_404(client):
    assert client.get("/guides/category/nope").status_code == 404
    assert client.get("/guides/?category=nope").status_code == 404


def test_detail_shows_every_element(client, app):
    guide = first_guide(app, is_free=False)
    page = html(client.get(f"/guides/{guide.slug}"))
    for label in ("事项类型", "实施主体", "设定依据", "受理条件", "申请材料", "办理流程",
                  "法定办结时限", "承诺办结时限", "收费标准及依据", "办理地点", "办理时间",
                  "咨询电话", "监督投诉电话", "是否可网上办理", "到现场次数", "最后审核日期"):
        assert label in page, label
    assert guide.title in page
    assert guide.reviewed_on.isoformat() in page
    assert f"{guide.fees[0].amount_yuan:.2f} 元" in page or "免费" in page
    assert guide.materials[0] in page and guide.steps[-1] in page


def test_free_fee_is_shown_as_free_with_its_basis(client, app):
    guide = first_guide(app, is_free=True)
    page = html(client.get(f"/guides/{guide.slug}"))
    assert "免费" in page and guide.fees[0].basis in page


def test_print_view_has_no_navigation(client, app):
    guide = first_guide(app)
    page = html(client.get(f"/guides/{guide.slug}/print"))
    assert "print-mode" in page and 'data-action="print"' in page and guide.title in page


def test_missing_guide_is_a_chinese_404(client):
    response = client.get("/guides/no-such-guide")
    assert response.status_code == 404
    assert "页面不存在" in html(response) and "返回首页" in html(response)


def test_server_error_page_never_shows_a_traceback(app):
    @app.route("/boom-for-test")
    def boom():
        raise RuntimeError("secret internal detail")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    body = html(response)
    assert "服务暂时不可用" in body
    assert "Traceback" not in body and "secret internal detail" not in body


def test_every_home_entry_point_leads_somewhere_useful(client):
    from portal.public.views import ENTRY_POINTS

    for key, label, _text, endpoint in ENTRY_POINTS:
        if endpoint is None:  # not online yet: the page says so and gives the offline route
            assert "尚未开通" in html(client.get(f"/services/{key}")), label
        else:
            assert client.get(f"/services/{key}").status_code == 404, label
    assert client.get("/services/nothing").status_code == 404
    home = html(client.get("/"))
    for path in ("/apply", "/track", "/complain", "/complaints/statistics"):
        assert f'href="{path}"' in home


def test_atom_feed_lists_public_notices_only(client, app):
    from xml.etree import ElementTree

    from portal.notices.models import Notice, NoticeStatus

    response = client.get("/notices/feed.xml")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = {e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)}
    with app.app_context():
        public = set(db.session.scalars(select(Notice.title).where(
            Notice.status == NoticeStatus.PUBLISHED.value)))
    assert titles == public and titles


def test_sitemap_lists_every_guide(client, app):
    from xml.etree import ElementTree

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locs = [e.text for e in ElementTree.fromstring(response.data).iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    with app.app_context():
        for slug in db.session.scalars(select(Guide.slug)):
            assert f"http://localhost/guides/{slug}" in locs


def test_header_links_every_citizen_service_and_footer_the_privacy_notice(client):
    page = client.get("/guides/").get_data(as_text=True)
    header = page[page.index('<nav aria-label="主导航">'):page.index("</nav>")]
    for href, label in (("/apply", "申请公开"), ("/complain", "投诉"), ("/track", "进度查询")):
        assert f'href="{href}">{label}</a>' in header
    assert 'href="/privacy">个人信息保护说明</a>' in page and 'rel="icon"' in page
    privacy = client.get("/privacy").get_data(as_text=True)
    for part in ("收集哪些信息", "谁能看到", "保存多久", "您的权利", "更正"):
        assert part in privacy
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301
    with client.get(icon.headers["Location"]) as svg:
        assert svg.mimetype == "image/svg+xml"


def test_a_guides_conditions_written_as_a_list_show_as_a_list(client, app):
    page = client.get("/guides/birth-registration").get_data(as_text=True)
    conditions = page[page.index('id="conditions-heading"'):]
    conditions = conditions[:conditions.index("</section>")]
    assert "<li>新生儿可以随父亲或者随母亲登记常住户口。</li>" in conditions and "- " not in conditions
