"""Staff write notices in Markdown: draft → published (or scheduled) → withdrawn, with versions."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal.core.timefmt import LOCAL_TZ
from portal.extensions import db
from portal.notices.models import Notice, NoticeVersion
from tests.helpers import login, post_form

BODY = "## 办理须知\n\n请携带**居民身份证**。\n\n<script>alert('x')</script>[诈骗](javascript:alert(1))"


def html(response) -> str:
    return response.get_data(as_text=True)


def department_id(app, code: str) -> int:
    from portal.accounts.models import Department

    with app.app_context():
        return db.session.scalar(select(Department.id).where(Department.code == code))


def write_draft(client, app, title="关于调整户政窗口时间的通知", code="huzheng", **extra):
    data = {"title": title, "kind": "通知公告", "department_id": department_id(app, code),
            "body_md": BODY, "review_due_on": "", **extra}
    return post_form(client, "/staff/notices/new", data)


def notice_id(app, title: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Notice.id).where(Notice.title == title))


def publish(client, nid: int, publish_at: str = ""):
    return post_form(client, f"/staff/notices/{nid}/publish", {"publish_at": publish_at},
                     form_url=f"/staff/notices/{nid}")


def test_draft_is_invisible_until_published_then_on_the_home_page(client, app, users):
    login(client, users["staff"])
    assert write_draft(client, app).status_code == 302
    nid = notice_id(app, "关于调整户政窗口时间的通知")
    client.post("/logout", data={"csrf_token": ""})  # ignored; use a second client for public
    public = app.test_client()
    assert "关于调整户政窗口时间的通知" not in html(public.get("/"))
    assert public.get(f"/notices/{nid}").status_code == 404
    assert publish(client, nid).status_code == 302
    assert "关于调整户政窗口时间的通知" in html(public.get("/"))
    page = html(public.get(f"/notices/{nid}"))
    assert "<strong>居民身份证</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page


def test_scheduled_notice_appears_only_when_its_time_comes(client, app, users):
    login(client, users["staff"])
    write_draft(client, app, title="定时发布的公告")
    nid = notice_id(app, "定时发布的公告")
    tomorrow = (datetime.now(LOCAL_TZ) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert publish(client, nid, tomorrow).status_code == 302
    public = app.test_client()
    assert public.get(f"/notices/{nid}").status_code == 404
    assert "定时发布的公告" not in html(public.get("/notices/"))
    with app.app_context():  # time passes
        notice = db.session.get(Notice, nid)
        notice.publish_at = notice.publish_at - timedelta(days=2)
        db.session.commit()
    assert public.get(f"/notices/{nid}").status_code == 200


def test_withdrawn_notice_disappears(client, app, users):
    login(client, users["staff"])
    write_draft(client, app, title="将被撤回的公告")
    nid = notice_id(app, "将被撤回的公告")
    publish(client, nid)
    public = app.test_client()
    assert public.get(f"/notices/{nid}").status_code == 200
    post_form(client, f"/staff/notices/{nid}/withdraw", {}, form_url=f"/staff/notices/{nid}")
    assert public.get(f"/notices/{nid}").status_code == 404
    assert "将被撤回的公告" not in html(public.get("/"))


def test_edits_keep_versions(client, app, users):
    login(client, users["staff"])
    write_draft(client, app, title="第一稿")
    nid = notice_id(app, "第一稿")
    data = {"title": "第二稿", "kind": "警务动态", "department_id": department_id(app, "huzheng"),
            "body_md": "新的正文", "review_due_on": "2027-01-31"}
    assert post_form(client, f"/staff/notices/{nid}/edit", data).status_code == 302
    with app.app_context():
        versions = db.session.scalars(select(NoticeVersion).where(NoticeVersion.notice_id == nid)
                                      .order_by(NoticeVersion.version)).all()
        assert [(v.version, v.title) for v in versions] == [(1, "第一稿"), (2, "第二稿")]
        assert db.session.get(Notice, nid).review_due_on == date(2027, 1, 31)
    page = html(client.get(f"/staff/notices/{nid}"))
    assert "第一稿" in page and "户政民警" in page


def test_bad_input_shows_chinese_errors_keeps_text_and_saves_nothing(client, app, users):
    login(client, users["staff"])
    with app.app_context():
        before = db.session.query(Notice).count()
    response = write_draft(client, app, title="", body_md="我写了很长的正文，不想丢", review_due_on="明天")
    page = html(response)
    assert response.status_code == 200
    assert "请填写标题" in page and "我写了很长的正文，不想丢" in page
    with app.app_context():
        assert db.session.query(Notice).count() == before


def test_staff_cannot_touch_another_departments_notice(client, app, users):
    login(client, users["traffic"])
    write_draft(client, app, title="交管的公告", code="jiaoguan")
    nid = notice_id(app, "交管的公告")
    other = app.test_client()
    login(other, users["staff"])
    assert other.get(f"/staff/notices/{nid}").status_code == 403
    assert other.get(f"/staff/notices/{nid}/edit").status_code == 403
    # Nor can staff file a notice under another department.
    response = write_draft(other, app, title="冒用部门", code="jiaoguan")
    assert response.status_code == 200 and notice_id(app, "冒用部门") is None


def test_supervisor_sees_all_departments(client, app, users):
    login(client, users["traffic"])
    write_draft(client, app, title="交管草稿", code="jiaoguan")
    supervisor = app.test_client()
    login(supervisor, users["supervisor"])
    assert "交管草稿" in html(supervisor.get("/staff/notices/"))


def test_overdue_review_is_listed_for_staff(client, app, users):
    login(client, users["staff"])
    write_draft(client, app, title="早该复核的公告", review_due_on="2020-01-01")
    publish(client, notice_id(app, "早该复核的公告"))
    page = html(client.get("/staff/"))
    assert "逾期未复核的内容" in page and "早该复核的公告" in page


def test_public_notice_list_paginates_and_filters_by_column(client, app):
    page = html(client.get("/notices/?kind=警务动态"))
    with app.app_context():
        for notice in db.session.scalars(select(Notice)):
            shown = f'href="/notices/{notice.id}"' in page
            assert shown == (notice.kind == "警务动态")
    assert client.get("/notices/?page=99").status_code == 200
