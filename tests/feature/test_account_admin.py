"""Account administration in the back office: administrators create accounts, change role and
department, disable and enable them; every change is audited; an active administrator remains."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.accounts.models import Department, Role, User
from portal.accounts.services import create_user
from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.helpers import PASSWORD, login, post_form

NEW = "/staff/accounts/new"


@pytest.fixture
def admin(app, users):
    """An administrator's signed-in browser."""
    client = app.test_client()
    assert login(client, users["admin"]).status_code == 302
    return client


def _account(app, username: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None:
            db.session.expunge(user)
        return user


def _department_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Department.id).where(Department.code == code))


def _audited(app, action: str, target_id: int) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.target_id == str(target_id))))


@pytest.mark.parametrize("who", ["staff", "supervisor"])
def test_only_administrators_manage_accounts(app, users, who):
    client = app.test_client()
    login(client, users[who])
    assert client.get("/staff/accounts/").status_code == 403
    assert client.get(NEW).status_code == 403
    assert "账号管理" not in client.get("/staff/").get_data(as_text=True)


def test_an_administrator_creates_an_account_with_a_typed_password(app, admin):
    response = post_form(admin, NEW, {
        "username": "zhaoliu", "display_name": "赵六", "email": "", "role": "staff",
        "department_id": _department_id(app, "huzheng"), "password_mode": "manual",
        "password": "typed-password-1", "confirm": "typed-password-1"})
    assert response.status_code == 302
    created = _account(app, "zhaoliu")
    assert created.role == "staff" and created.display_name == "赵六"
    assert login(app.test_client(), "zhaoliu", "typed-password-1").status_code == 302
    admin_id = _account(app, "admin1").id
    assert [e.user_id for e in _audited(app, "user.create", created.id)] == [admin_id]


def test_a_generated_password_is_shown_once_and_works(app, admin):
    response = post_form(admin, NEW, {
        "username": "qianqi", "display_name": "", "email": "", "role": "supervisor",
        "department_id": 0, "password_mode": "generate"})
    assert response.status_code == 200 and "只显示这一次" in response.get_data(as_text=True)
    password = re.search(r"<code>([^<]+)</code>", response.get_data(as_text=True)).group(1)
    newcomer = app.test_client()
    assert login(newcomer, "qianqi", password).status_code == 302
    # A one-time password opens only the page that replaces it.
    first = newcomer.get("/staff/oversight/")
    assert first.status_code == 302 and first.headers["Location"] == "/staff/password"
    assert post_form(newcomer, "/staff/password", {
        "old_password": password, "new_password": "my-own-secret-1",
        "confirm": "my-own-secret-1"}).status_code == 302
    assert newcomer.get("/staff/oversight/").status_code == 200
    assert login(app.test_client(), "qianqi", password).status_code == 401


def test_staff_need_a_department_and_typed_passwords_must_match(app, admin):
    response = post_form(admin, NEW, {
        "username": "sunba", "role": "staff", "department_id": 0, "password_mode": "generate"})
    assert response.status_code == 422 and "必须属于一个部门" in response.get_data(as_text=True)
    response = post_form(admin, NEW, {
        "username": "sunba", "role": "admin", "department_id": 0, "password_mode": "manual",
        "password": "typed-password-1", "confirm": "typed-password-2"})
    assert response.status_code == 422 and "两次输入的密码不一致" in response.get_data(as_text=True)
    response = post_form(admin, NEW, {
        "username": "sunba", "role": "admin", "department_id": 0, "password_mode": "manual",
        "password": "short", "confirm": "short"})
    assert response.status_code == 422 and "密码至少 10 位" in response.get_data(as_text=True)
    assert _account(app, "sunba") is None


def test_role_and_department_changes_are_saved_and_audited(app, users, admin):
    staff = _account(app, users["staff"])
    url = f"/staff/accounts/{staff.id}"
    response = post_form(admin, url, {"display_name": "户政民警", "email": "", "role": "staff",
                                      "department_id": _department_id(app, "jiaoguan")})
    assert response.status_code == 302
    assert _account(app, users["staff"]).department_id == _department_id(app, "jiaoguan")
    (event,) = _audited(app, "user.update", staff.id)
    assert event.detail["changes"]["department_id"] == [staff.department_id, _department_id(app, "jiaoguan")]
    refused = post_form(admin, url, {"display_name": "", "email": "", "role": "staff", "department_id": 0})
    assert refused.status_code == 422 and "必须属于一个部门" in refused.get_data(as_text=True)


def test_disabling_and_enabling_are_audited_and_shown_in_the_list(app, users, admin):
    staff = _account(app, users["staff"])
    url = f"/staff/accounts/{staff.id}"
    post_form(admin, f"{url}/disable", {}, form_url=url)
    disabled = admin.get("/staff/accounts/?status=disabled").get_data(as_text=True)
    active = admin.get("/staff/accounts/?status=active").get_data(as_text=True)
    assert users["staff"] in disabled and users["traffic"] not in disabled
    assert users["staff"] not in active and users["traffic"] in active
    post_form(admin, f"{url}/enable", {}, form_url=url)
    assert len(_audited(app, "user.disable", staff.id)) == 1
    assert len(_audited(app, "user.enable", staff.id)) == 1


def test_the_list_filters_by_department_role_and_name(app, users, admin):
    by_department = admin.get(f"/staff/accounts/?department={_department_id(app, 'jiaoguan')}")
    assert users["traffic"] in by_department.get_data(as_text=True)
    assert users["staff"] not in by_department.get_data(as_text=True)
    by_role = admin.get("/staff/accounts/?role=supervisor").get_data(as_text=True)
    assert users["supervisor"] in by_role and users["traffic"] not in by_role
    by_name = admin.get("/staff/accounts/?q=交管").get_data(as_text=True)
    assert users["traffic"] in by_name and users["staff"] not in by_name


def test_the_last_active_administrator_cannot_be_disabled_or_demoted(app, users, admin):
    me = _account(app, users["admin"])
    url = f"/staff/accounts/{me.id}"
    response = post_form(admin, f"{url}/disable", {}, form_url=url)
    assert "至少需要保留一个有效的系统管理员" in admin.get(response.headers["Location"]).get_data(as_text=True)
    demote = post_form(admin, url, {"display_name": "", "email": "", "role": "supervisor",
                                    "department_id": 0})
    assert demote.status_code == 422 and "至少需要保留" in demote.get_data(as_text=True)
    assert _account(app, users["admin"]).active and _account(app, users["admin"]).role == "admin"
    with app.app_context():
        create_user("admin2", PASSWORD, Role.ADMIN)
        db.session.commit()
    # With another administrator, this one may step down.
    assert post_form(admin, url, {"display_name": "", "email": "", "role": "supervisor",
                                  "department_id": 0}).status_code == 302
    assert _account(app, users["admin"]).role == "supervisor"
