"""Site search: the index follows the database after commits, finds what citizens mean,
never shows non-public text, survives a broken index, and answers as JSON."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.accounts.models import Department
from portal.extensions import db
from portal.notices.models import Notice
from portal.notices.services import publish_notice, save_notice, withdraw_notice


def _titles(client, q: str, **params) -> list[str]:
    data = client.get("/api/v1/search", query_string={"q": q, **params}).get_json()
    return [result["title"] for result in data["results"]]


def _new_notice(app, title: str, body: str, publish: bool = True) -> int:
    with app.app_context():
        department = db.session.scalar(select(Department.id).where(Department.code == "huzheng"))
        notice = save_notice(None, title=title, kind="通知公告", body_md=body, department_id=department,
                             review_due_on=None, author_id=None)
        if publish:
            publish_notice(notice, author_id=None)
        db.session.commit()
        return notice.id


def test_published_notice_is_found_then_gone_when_withdrawn_or_deleted(app, client):
    notice_id = _new_notice(app, "冬季防范电信诈骗提示", "谨防冒充客服的骗局，守护钱袋子。")
    assert "冬季防范电信诈骗提示" in _titles(client, "钱袋子")

    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        notice.title = "春节期间防范诈骗提示"
        db.session.commit()
    assert "春节期间防范诈骗提示" in _titles(client, "钱袋子")
    assert "冬季防范电信诈骗提示" not in _titles(client, "钱袋子")

    with app.app_context():
        withdraw_notice(db.session.get(Notice, notice_id), author_id=None)
        db.session.commit()
    assert _titles(client, "钱袋子") == []

    with app.app_context():
        publish_notice(db.session.get(Notice, notice_id), author_id=None)
        db.session.commit()
    assert _titles(client, "钱袋子") == ["春节期间防范诈骗提示"]
    with app.app_context():
        db.session.delete(db.session.get(Notice, notice_id))
        db.session.commit()
    assert _titles(client, "钱袋子") == []


def test_drafts_rollbacks_and_scheduled_notices_are_not_found(app, client):
    from datetime import timedelta

    from portal.core.timefmt import utcnow

    _new_notice(app, "草稿不应出现", "独角兽草稿内容。", publish=False)
    with app.app_context():
        department = db.session.scalar(select(Department.id).where(Department.code == "huzheng"))
        notice = save_notice(None, title="回滚的公告", kind="通知公告", body_md="独角兽回滚内容。",
                             department_id=department, review_due_on=None, author_id=None)
        publish_notice(notice, author_id=None)
        db.session.flush()
        db.session.rollback()
        later = save_notice(None, title="定时发布的公告", kind="通知公告", body_md="独角兽定时内容。",
                            department_id=department, review_due_on=None, author_id=None)
        publish_notice(later, author_id=None, publish_at=utcnow() + timedelta(days=1))
        db.session.commit()
    assert _titles(client, "独角兽") == []


def test_colloquial_queries_find_the_guide(client):
    assert _titles(client, "身份证丢了怎么办")[0] == "居民身份证补领（丢失补办）"
    assert _titles(client, "开无犯罪证明")[0] == "无犯罪记录证明（个人查询）"
    assert _titles(client, "驾照到期换证")[0] == "机动车驾驶证期满换证"
    assert _titles(client, "护照多久能办好")[0].startswith("普通护照")
    assert "居民身份证补领（丢失补办）" in _titles(client, "sfz")[:3]


def test_synonym_list_is_read_from_content_and_edits_apply_without_reindex(make_app, tmp_path, client):
    from portal.search.analysis import query_terms, vocabulary

    content = tmp_path / "content"
    content.mkdir()
    (content / "search-synonyms.txt").write_text("丢了 => 遗失\n", encoding="utf-8")
    (content / "search-stopwords.txt").write_text("怎么办\n", encoding="utf-8")
    terms = query_terms("身份证丢了怎么办", vocabulary(content))
    assert "遗失" in terms.synonyms and "怎么办" not in terms.words
    synonyms = content / "search-synonyms.txt"
    synonyms.write_text("丢了 => 挂失\n", encoding="utf-8")
    import os

    os.utime(synonyms, (1, 1))  # a different mtime even within one clock tick
    assert "挂失" in query_terms("身份证丢了", vocabulary(content, every=0)).synonyms


def test_results_page_highlights_escapes_and_filters_by_type(app, client):
    _new_notice(app, "关于<script>alert(1)</script>补领身份证的提示", "补领身份证请带好<b>照片</b>。")
    page = client.get("/search", query_string={"q": "补领身份证"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<mark>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "办事指南（" in html and "通知公告（" in html
    only_notices = client.get("/search", query_string={"q": "补领身份证", "type": "notice"})
    assert "/guides/" not in only_notices.get_data(as_text=True).split('class="search-results"')[1]


def test_pagination_and_empty_states(client):
    first = client.get("/api/v1/search", query_string={"q": "证明 办理", "page": 1}).get_json()
    assert first["pages"] >= 2 and len(first["results"]) == 10
    second = client.get("/api/v1/search", query_string={"q": "证明 办理", "page": 2}).get_json()
    assert {r["url"] for r in first["results"]}.isdisjoint({r["url"] for r in second["results"]})
    empty = client.get("/search").get_data(as_text=True)
    assert "大家常搜" in empty and "按类别查看办事指南" in empty
    nothing = client.get("/search", query_string={"q": "的了吗"}).get_data(as_text=True)
    assert "没有找到" in nothing and "大家常搜" in nothing
    assert client.get("/search", query_string={"q": "x", "page": "abc"}).status_code == 200


def test_api_json_shape(client):
    data = client.get("/api/v1/search", query_string={"q": "护照", "type": "guide"}).get_json()
    assert set(data) == {"query", "type", "page", "total", "pages", "results"}
    assert data["type"] == "guide" and data["total"] >= 1
    result = data["results"][0]
    assert set(result) == {"title", "type", "type_label", "category", "url", "snippet", "score"}
    assert result["type"] == "guide" and result["url"].startswith("http://localhost/guides/")
    assert isinstance(result["score"], float) and "<mark>" in result["snippet"] + "<mark>"
    assert client.get("/api/v1/search").get_json()["results"] == []


def test_suggest_gives_guide_titles_by_text_and_initials(client):
    by_text = client.get("/search/suggest", query_string={"q": "护照"}).get_json()
    assert by_text and by_text[0]["url"].startswith("/guides/")
    by_initials = [item["title"] for item in client.get("/search/suggest?q=jsz").get_json()]
    assert any("驾驶证" in title for title in by_initials)
    assert client.get("/search/suggest?q=").get_json() == []


def test_every_page_has_the_search_box(client):
    for url in ("/", "/guides/", "/notices/", "/no-such-page"):
        assert 'role="search"' in client.get(url).get_data(as_text=True), url


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_broken_index_is_rebuilt_instead_of_crashing(app, client, damage):
    assert _titles(client, "护照")
    directory = Path(app.config["SEARCH_INDEX_DIR"])
    if damage == "missing":
        shutil.rmtree(directory)
    else:
        for path in directory.iterdir():
            path.write_bytes(b"garbage")
    from portal.search import services

    services._checked_at.clear()
    assert client.get("/search", query_string={"q": "护照"}).status_code == 200
    assert _titles(client, "护照")


def test_reindex_command_rebuilds_with_progress(app):
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "搜索索引已重建" in result.output


def test_non_public_text_is_never_indexed(app, client):
    """A marker in a withheld span, in an internal field and in a complaint's private fields
    must not be findable; the published (masked) summary is."""
    from datetime import date

    from portal.complaints import services as complaints
    from portal.matters.services import new_submission_key

    _new_notice(app, "公开的公告", "公开部分。[[不予公开:third-party]]SECRETMARKERA[[/不予公开]]")
    with app.app_context():
        about = db.session.scalar(select(Department.id).where(Department.code == "jiaoguan"))
        complaint = complaints.file_complaint(
            {"complaint_type": "conduct", "about_department_id": about, "officer_name": "钱警官",
             "officer_number": "654321", "happened_on": date(2026, 10, 1),
             "what_happened": "SECRETMARKERB 经过", "wants": "SECRETMARKERC", "anonymous": False,
             "complainant_name": "孙小明", "phone": "13800138000", "email": "a@example.com"},
            submission_key=new_submission_key(), attachment=None, received_on=date(2026, 10, 8)).complaint
        complaints.decide_acceptance(complaint, "accepted", day=date(2026, 10, 9), reason="",
                                     transferred_to="", actor_id=None)
        complaints.reply(complaint, outcome="upheld", day=date(2026, 10, 20), actor_id=None,
                         text="经查属实。SECRETMARKERD")
        complaints.publish_summary(complaint, "反映的窗口排队问题属实，已整改。手机13800138000", actor_id=None)
        notice = db.session.scalar(select(Notice).where(Notice.title == "公开的公告"))
        notice.review_due_on = date(2030, 1, 1)
        db.session.commit()
    for marker in ("secretmarkera", "SECRETMARKERB", "SECRETMARKERC", "SECRETMARKERD", "钱警官", "孙小明",
                   "654321", "13800138000"):
        data = client.get("/api/v1/search", query_string={"q": marker}).get_json()
        text = str(data["results"])
        assert "SECRETMARKER" not in text.upper() and "13800138000" not in text, marker
    found = client.get("/api/v1/search", query_string={"q": "窗口排队", "type": "complaint"}).get_json()
    assert found["results"] and found["results"][0]["url"].endswith("/complaints/outcomes")
