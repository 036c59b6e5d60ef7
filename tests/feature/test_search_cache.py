"""The per-process result cache of search: popular queries are answered from it, and no cached
page ever hides a publish, an edit, a withdrawal, another worker's commit or a scheduled
notice whose time has come."""

from __future__ import annotations

import multiprocessing
import os
import re
from datetime import timedelta

from sqlalchemy import select

from portal.catalog.models import Category
from portal.extensions import db
from portal.notices.models import Notice
from portal.notices.services import publish_notice, save_notice, withdraw_notice
from tests.feature.test_search import _new_notice, _titles


def _reader(app):
    return app.extensions["search_index"].reader


def test_repeated_query_is_served_from_the_cache(app, client):
    reader = _reader(app)
    first = client.get("/api/v1/search", query_string={"q": "护照"}).get_json()
    hits = reader.hits
    again = client.get("/api/v1/search", query_string={"q": "护照"}).get_json()
    assert reader.hits == hits + 1
    assert again == first


def test_cached_results_never_hide_a_publish_an_edit_or_a_withdrawal(app, client):
    assert _titles(client, "麒麟卡") == []
    assert _titles(client, "麒麟卡") == []  # now cached as "nothing found"
    notice_id = _new_notice(app, "麒麟卡办理提示", "持麒麟卡的群众请到窗口核验。")
    assert _titles(client, "麒麟卡") == ["麒麟卡办理提示"]

    with app.app_context():
        db.session.get(Notice, notice_id).title = "麒麟卡核验安排"
        db.session.commit()
    assert _titles(client, "麒麟卡") == ["麒麟卡核验安排"]

    with app.app_context():
        withdraw_notice(db.session.get(Notice, notice_id), author_id=None)
        db.session.commit()
    assert _titles(client, "麒麟卡") == []


def _publish_elsewhere(config: dict, instance: str) -> None:
    """Another worker process: publish one notice and exit."""
    os.environ["PORTAL_INSTANCE_PATH"] = instance
    from portal import create_app

    other = create_app(config)
    _new_notice(other, "白泽证换发通知", "白泽证即日起换发，编号 bzqx7 。")
    with other.app_context():
        db.engine.dispose()


def test_a_publish_by_another_worker_is_found_at_once_despite_the_cache(app, client):
    assert _titles(client, "bzqx7") == []
    config = {key: app.config[key] for key in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "CONTENT_DIR", "SEARCH_INDEX_DIR")}
    worker = multiprocessing.get_context("spawn").Process(
        target=_publish_elsewhere, args=(config, app.instance_path))
    worker.start()
    worker.join(timeout=180)
    assert worker.exitcode == 0
    # No waiting for this process's periodic catch-up: the index changed on disk, so the
    # cached "nothing found" is not used.
    assert _titles(client, "bzqx7") == ["白泽证换发通知"]


def test_a_scheduled_notice_appears_at_its_time_though_the_query_was_cached(app):
    from portal.core.timefmt import utcnow
    from portal.search.analysis import query_terms, vocabulary

    publish_at = utcnow() + timedelta(days=1)
    with app.app_context():
        department = db.session.scalar(select(Notice.department_id).limit(1))
        notice = save_notice(None, title="獬豸卡启用公告", kind="通知公告", body_md="獬豸卡明日启用。",
                             department_id=department, review_due_on=None, author_id=None)
        publish_notice(notice, author_id=None, publish_at=publish_at)
        db.session.commit()
        index = app.extensions["search_index"]
        terms = query_terms("獬豸卡", vocabulary(app.config["CONTENT_DIR"]))
        before = publish_at - timedelta(minutes=1)
        assert index.search(terms, now=before).hits == []
        assert index.search(terms, now=before).hits == []
        after = publish_at + timedelta(seconds=1)
        assert [hit.title.striptags() for hit in index.search(terms, now=after).hits] == ["獬豸卡启用公告"]


def test_a_cached_results_page_never_hides_a_publish(app, client):
    def page():
        response = client.get("/search", query_string={"q": "貔貅卡"})
        return response.headers.get("X-Search-Cache"), re.sub(r"<[^>]+>", "", response.get_data(as_text=True))

    assert "没有找到" in page()[1]
    cached, html = page()
    assert cached == "hit" and "没有找到" in html
    _new_notice(app, "貔貅卡换发公告", "貔貅卡即日起换发。")
    cached, html = page()
    assert cached == "miss" and "貔貅卡换发公告" in html


def test_the_empty_results_page_shows_guide_categories_as_they_are_now(app, client):
    def listed() -> str:
        page = client.get("/search", query_string={"q": "獬豸卡"}).get_data(as_text=True)
        return re.sub(r"<[^>]+>", "", page)

    assert "没有找到" in listed() and "档案查询（" not in listed()
    with app.app_context():
        db.session.add(Category(code="dangan", name="档案查询", position=99))
        db.session.commit()
    assert "档案查询（0项）" in listed()
