"""Rendered public pages are reused for anonymous visitors until what they show changes."""

from sqlalchemy import func, select, update

from portal.catalog.models import Guide
from portal.extensions import db
from tests.helpers import login


def first_slug(app) -> str:
    with app.app_context():
        return db.session.scalars(select(Guide.slug).order_by(Guide.slug)).first()


def write_behind_the_portals_back(app, slug: str, title: str) -> None:
    """Change a row without the ORM session (no commit hook), as another machine might."""
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(update(Guide).where(Guide.slug == slug).values(title=title))


def test_second_visit_is_served_from_the_cache_until_what_it_shows_changes(client, app):
    slug = first_slug(app)
    assert "缓存前标题" not in client.get(f"/guides/{slug}").get_data(as_text=True)
    write_behind_the_portals_back(app, slug, "缓存前标题")
    assert "缓存前标题" not in client.get(f"/guides/{slug}").get_data(as_text=True)  # cached
    with app.app_context():  # a write to what the page shows marks it stale on every machine
        guide = db.session.scalar(select(Guide).where(Guide.slug == slug))
        guide.hours = guide.hours + " "
        db.session.commit()
    assert "缓存前标题" in client.get(f"/guides/{slug}").get_data(as_text=True)


def test_cached_response_keeps_the_security_headers(client, app):
    client.get("/")
    again = client.get("/")
    assert "script-src 'self'" in again.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in again.headers


def test_logged_in_staff_never_get_a_cached_page(client, app, users):
    slug = first_slug(app)
    client.get(f"/guides/{slug}")
    write_behind_the_portals_back(app, slug, "只给登录用户看到的新标题")
    login(client, users["staff"])
    assert "只给登录用户看到的新标题" in client.get(f"/guides/{slug}").get_data(as_text=True)


def test_cache_can_be_switched_off(make_app):
    from portal.seed.content import load_content
    from tests.conftest import CONTENT_DIR

    app = make_app(PAGE_CACHE_SECONDS=0)
    with app.app_context():
        load_content(CONTENT_DIR)
        db.session.commit()
    client = app.test_client()
    slug = first_slug(app)
    client.get(f"/guides/{slug}")
    write_behind_the_portals_back(app, slug, "关闭缓存后的新标题")
    assert "关闭缓存后的新标题" in client.get(f"/guides/{slug}").get_data(as_text=True)


def test_a_page_holding_a_visitors_csrf_token_is_never_cached(app, monkeypatch):
    """Should a form ever appear on a cached page, each visitor still gets their own token."""
    import portal.web.pagecache as pagecache
    from tests.feature.test_signed_tokens import TOKEN

    monkeypatch.setattr(pagecache, "CACHED_BLUEPRINTS", pagecache.CACHED_BLUEPRINTS | {"accounts"})
    tokens = []
    for _visitor in range(2):
        visitor = app.test_client()
        visitor.get("/login")  # the visitor's session now holds a CSRF secret
        visitor.get("/login")  # and Flask-Login's session protection has marked it not fresh
        page = visitor.get("/login")  # no cookie to set, session unchanged: a candidate for the cache
        assert page.status_code == 200 and "Set-Cookie" not in page.headers
        tokens.append(TOKEN.search(page.get_data(as_text=True)).group(1))
    assert tokens[0] != tokens[1]


def failed_lookups(app, count: int) -> None:
    """``count`` wrong-code /progress look-ups: each writes throttle counters and an audit row."""
    from tests.helpers import post_form

    attacker = app.test_client()
    for number in range(count):
        answer = post_form(attacker, "/progress", {"case_no": f"A{number:05d}", "query_code": "WRONG123",
                                                    "id_last4": "0000"})
        assert answer.status_code in (404, 429)


def test_a_flood_of_failed_lookups_leaves_cached_pages_cached(app):
    from portal.audit.models import AuditEvent

    visitor = app.test_client(use_cookies=False)
    assert visitor.get("/guides/").headers["X-Page-Cache"] == "miss"
    assert visitor.get("/guides/").headers["X-Page-Cache"] == "hit"
    with app.app_context():
        audited = db.session.scalar(select(func.count()).select_from(AuditEvent))
    failed_lookups(app, 30)
    with app.app_context():  # the flood did write: audit rows (and throttle counters)
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) >= audited + 30
    for path in ("/guides/", "/guides/", "/"):
        visitor.get(path)
    assert all(visitor.get(path).headers["X-Page-Cache"] == "hit" for path in ("/guides/", "/"))


def test_a_change_to_what_a_page_shows_makes_the_next_visit_a_miss(client, app):
    slug = first_slug(app)
    client.get(f"/guides/{slug}")
    assert client.get(f"/guides/{slug}").headers["X-Page-Cache"] == "hit"
    with app.app_context():
        guide = db.session.scalar(select(Guide).where(Guide.slug == slug))
        guide.title = "新的指南标题"
        db.session.commit()
    page = client.get(f"/guides/{slug}")
    assert page.headers["X-Page-Cache"] == "miss" and "新的指南标题" in page.get_data(as_text=True)


def test_a_visitor_with_a_session_cookie_is_never_served_from_the_cache(client, app):
    slug = first_slug(app)
    client.get(f"/guides/{slug}")
    assert client.get(f"/guides/{slug}").headers["X-Page-Cache"] == "hit"
    write_behind_the_portals_back(app, slug, "带会话的访客看到的新标题")
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], "anything")
    page = client.get(f"/guides/{slug}")
    assert "X-Page-Cache" not in page.headers
    assert "带会话的访客看到的新标题" in page.get_data(as_text=True)
    client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    client.set_cookie("remember_token", "anything")
    assert "带会话的访客看到的新标题" in client.get(f"/guides/{slug}").get_data(as_text=True)


def test_a_bulk_update_statement_also_marks_the_page_stale(client, app):
    slug = first_slug(app)
    client.get(f"/guides/{slug}")
    with app.app_context():
        db.session.execute(update(Guide).where(Guide.slug == slug).values(title="批量更新后的标题"))
        db.session.commit()
    assert "批量更新后的标题" in client.get(f"/guides/{slug}").get_data(as_text=True)


def test_open_data_answers_are_cached_conditional_and_follow_changes(client, app):
    first = client.get("/api/v1/guides")
    assert first.status_code == 200 and first.headers["X-Page-Cache"] == "miss"
    again = client.get("/api/v1/guides")
    assert again.headers["X-Page-Cache"] == "hit" and again.get_data() == first.get_data()
    held = client.get("/api/v1/guides", headers={"If-None-Match": first.headers["ETag"]})
    assert held.status_code == 304 and held.get_data() == b""
    with app.app_context():
        guide = db.session.scalar(select(Guide).order_by(Guide.slug))
        guide.title = "开放数据新标题"
        db.session.commit()
    changed = client.get("/api/v1/guides", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "开放数据新标题" in changed.get_data(as_text=True)
