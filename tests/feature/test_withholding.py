"""Staff withhold parts of a notice with reasons; the public sees placeholders and reasons."""

from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal.audit.models import AuditEvent
from portal.core.classification import Level, Viewer, classified
from portal.disclose import disclose
from portal.extensions import db
from portal.notices.models import Notice
from tests.feature.test_notices import department_id, notice_id, publish
from tests.helpers import login, post_form

BODY = ("关于张某某反映问题的答复：经核查，[[不予公开:third-party]]其家庭住址为某小区3栋[[/不予公开]]，"
        "[[不予公开:process-info]]内部讨论稿意见[[/不予公开]]。来访人[[姓名]]王小明[[/姓名]]已知悉。"
        "联系人手机13912345678。")


def write(client, app, body, title="区分处理测试"):
    data = {"title": title, "kind": "通知公告", "department_id": department_id(app, "huzheng"),
            "body_md": body, "review_due_on": ""}
    return post_form(client, "/staff/notices/new", data)


def test_public_version_has_placeholders_reasons_and_masked_data(client, app, users):
    login(client, users["staff"])
    assert write(client, app, BODY).status_code == 302
    nid = notice_id(app, "区分处理测试")
    publish(client, nid)
    page = app.test_client().get(f"/notices/{nid}").get_data(as_text=True)
    assert "某小区3栋" not in page and "内部讨论稿意见" not in page and "王小明" not in page
    assert "【此处依据《政府信息公开条例》第十五条不予公开】" in page
    assert "【此处依据《政府信息公开条例》第十六条第二款不予公开】" in page
    assert "不予公开部分的说明" in page and "保护第三方合法权益" in page and "属于四类过程性信息" in page
    assert "王某某" in page and "139****5678" in page and "13912345678" not in page


def test_staff_page_shows_what_is_withheld_and_by_whom(client, app, users):
    login(client, users["staff"])
    write(client, app, BODY)
    page = client.get(f"/staff/notices/{notice_id(app, '区分处理测试')}").get_data(as_text=True)
    assert "其家庭住址为某小区3栋" in page and "户政民警" in page and "第十五条" in page
    assert "公众看到的版本" in page


def test_withholding_without_a_reason_is_refused_and_nothing_saved(client, app, users):
    login(client, users["staff"])
    response = write(client, app, "正文[[不予公开:]]秘密[[/不予公开]]", title="无理由")
    assert response.status_code == 200
    assert "必须注明理由" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Notice).where(Notice.title == "无理由")) is None


class _Base(DeclarativeBase):
    pass


class _Party(_Base):
    """A stand-in record with a personal field (the real ones arrive with requests and cases)."""

    __tablename__ = "test_parties"
    id: Mapped[int] = mapped_column(primary_key=True, info=classified(Level.PUBLIC))
    name: Mapped[str] = mapped_column(String(20), info=classified(Level.PRIVATE, person_name=True))
    case_title: Mapped[str] = mapped_column(String(50), info=classified(Level.PUBLIC, person_name=True))
    department_id: Mapped[int] = mapped_column(info=classified(Level.INTERNAL))
    involves_minor: Mapped[bool] = mapped_column(default=False)


def test_disclose_by_viewer_and_audit_of_personal_data_views(app, users):
    from portal.accounts.models import User

    party = _Party(id=1, name="赵六", case_title="赵六", department_id=3, involves_minor=False)
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.username == users["staff"]))
        public = disclose(party, Viewer())
        assert "name" not in public and public.case_title == "赵某"
        assert {w.name for w in public.withheld} >= {"name", "department_id", "involves_minor"}
        assert any("第十五条" in w.reason for w in public.withheld if w.name == "name")
        other = disclose(party, Viewer(role="staff", department_id=4, user_id=uid))
        assert "name" not in other
        own = disclose(party, Viewer(role="staff", department_id=3, user_id=uid))
        assert own.name == "赵六"
        party.involves_minor = True
        assert "name" not in disclose(party, Viewer(role="staff", department_id=3, user_id=uid))
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "personal_data.view"))
        assert [e.detail["fields"] for e in events] == [["name"]]
