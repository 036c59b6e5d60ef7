"""Failed guesses slow the guesser down without locking the rightful user out; the owner of a
staff account is told when its password keeps failing."""

import time

from sqlalchemy import select

from portal.extensions import db
from portal.outbox.models import OutboxMessage
from tests.feature.test_requests import receipt_of, submit
from tests.helpers import PASSWORD, csrf_token, post_form

ATTACKER = {"environ_base": {"REMOTE_ADDR": "198.51.100.66"}}
OFFICE = {"environ_base": {"REMOTE_ADDR": "192.0.2.10"}}


def login(client, username: str, password: str = PASSWORD, **kwargs):
    return post_form(client, "/login", {"username": username, "password": password}, **kwargs)


def test_a_password_flood_from_one_address_does_not_lock_the_officer_out(app, users):
    attacker = app.test_client()
    for _ in range(25):  # past the per-account and the per-address limits
        login(attacker, users["staff"], "wrong-password", **ATTACKER)
    assert login(attacker, users["staff"], **ATTACKER).status_code == 429
    officer = app.test_client()
    response = login(officer, users["staff"], **OFFICE)
    assert response.status_code == 302
    assert officer.get("/staff/").status_code == 200


def test_the_account_is_locked_for_the_address_that_keeps_failing(app, users):
    attacker = app.test_client()
    for _ in range(5):
        assert login(attacker, users["staff"], "wrong-password", **ATTACKER).status_code == 401
    assert login(attacker, users["staff"], **ATTACKER).status_code == 429
    # Other accounts from that address still get their own few tries.
    assert login(attacker, users["admin"], "wrong-password", **ATTACKER).status_code == 401


def test_wrong_codes_from_one_address_do_not_lock_the_applicant_out(app, client):
    number, code = receipt_of(submit(client)[0])
    guesser = app.test_client()
    for _ in range(10):
        post_form(guesser, "/track", {"tracking_no": number, "access_code": "ZZZZZZZZ"}, **ATTACKER)
    assert post_form(guesser, "/track", {"tracking_no": number, "access_code": code},
                     **ATTACKER).status_code == 429
    applicant = app.test_client()
    token = csrf_token(applicant, "/track")
    found = applicant.post("/track", data={"csrf_token": token, "tracking_no": number,
                                           "access_code": code}, **OFFICE)
    assert found.status_code == 302 and found.headers["Location"] == f"/track/{number}"


def test_an_unknown_user_name_costs_as_much_as_a_wrong_password(app):
    """A login for a name nobody has checks a dummy hash made as real ones are, so timing does not
    tell which staff user names exist."""
    import statistics
    import time

    from portal.accounts.models import Role
    from portal.accounts.services import create_user
    from portal.extensions import db

    app.config["PASSWORD_HASH_METHOD"] = "scrypt:16384:8:1"  # as slow as production's, or slower
    app.config["THROTTLE_SLOWDOWN_AFTER"] = 1000  # the hash's cost is measured, not the slow-down
    with app.app_context():
        create_user("timing-officer", "a-real-password-1", Role.STAFF, "huzheng", display_name="计时民警")
        db.session.commit()
    client = app.test_client()

    def seconds(username: str, address: str) -> float:
        started = time.perf_counter()
        response = login(client, username, "wrong-password", environ_base={"REMOTE_ADDR": address})
        took = time.perf_counter() - started
        assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)
        return took

    seconds("nobody-here", "198.51.99.1")  # warm up: the dummy hash is made once
    # Known and unknown names alternate, each from a fresh address (no lock in the way), so a
    # busy machine slows both alike.
    known, unknown = [], []
    for index in range(15):
        known.append(seconds("timing-officer", f"198.51.0.{index}"))
        unknown.append(seconds("nobody-here", f"198.51.1.{index}"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.7 < ratio < 1 / 0.7, ratio


def _slow_down_quickly(app) -> None:
    """Slow-down after 6 failures against one target, 0.4 s more per failure, at most 0.8 s."""
    app.config.update(THROTTLE_SLOWDOWN_AFTER=6, THROTTLE_SLOWDOWN_STEP_SECONDS=0.4,
                      THROTTLE_SLOWDOWN_MAX_SECONDS=0.8, LOGIN_ALERT_AFTER=6)


def _many_addresses(count: int, first: int = 1) -> list[dict]:
    return [{"environ_base": {"REMOTE_ADDR": f"203.0.113.{first + index}"}} for index in range(count)]


def _timed(send) -> tuple[object, float]:
    started = time.perf_counter()
    response = send()
    return response, time.perf_counter() - started


def _alerts(app, recipient: str) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == recipient)))
        db.session.expunge_all()
        return rows


def test_guesses_from_many_addresses_slow_the_account_down_but_the_officer_gets_in(app, users):
    _slow_down_quickly(app)
    attacker = app.test_client()
    for address in _many_addresses(8):  # each address stays under its own limits
        assert login(attacker, users["supervisor"], "wrong-password", **address).status_code == 401
    slowed, seconds = _timed(lambda: login(attacker, users["supervisor"], "wrong-password",
                                           **_many_addresses(1, 50)[0]))
    assert slowed.status_code == 401 and seconds >= 0.8
    officer = app.test_client()
    response, seconds = _timed(lambda: login(officer, users["supervisor"], **OFFICE))
    assert response.status_code == 302 and seconds >= 0.8  # slowed, never refused
    assert officer.get("/staff/").status_code == 200
    # Another account is not slowed by guesses at this one.
    _unrelated, seconds = _timed(lambda: login(app.test_client(), users["admin"], "wrong-password", **OFFICE))
    assert seconds < 0.4


def test_the_officer_is_told_once_of_repeated_failures_against_their_account(app, users):
    _slow_down_quickly(app)
    attacker = app.test_client()
    for address in _many_addresses(5):
        login(attacker, users["supervisor"], "guess-number-1", **address)
    assert _alerts(app, "super1@example.gov.cn") == []  # a few typos are no news
    for address in _many_addresses(4, 20):
        login(attacker, users["supervisor"], "guess-number-2", **address)
    [message] = _alerts(app, "super1@example.gov.cn")
    assert message.subject == "账号登录失败提醒"
    assert "super1" in message.body and "6 次密码错误" in message.body and "修改密码" in message.body
    assert "guess-number" not in message.body and "203.0.113" not in message.body


def test_wrong_codes_from_many_addresses_slow_the_number_down_but_the_applicant_gets_in(app, client):
    _slow_down_quickly(app)
    number, code = receipt_of(submit(client)[0])
    guesser = app.test_client()
    token = csrf_token(guesser, "/track")
    for address in _many_addresses(8):
        guess = guesser.post("/track", data={"csrf_token": token, "tracking_no": number,
                                             "access_code": "ZZZZZZZZ"}, **address)
        assert guess.status_code == 404
    applicant = app.test_client()
    token = csrf_token(applicant, "/track")
    found, seconds = _timed(lambda: applicant.post("/track", data={
        "csrf_token": token, "tracking_no": number, "access_code": code}, **OFFICE))
    assert found.status_code == 302 and found.headers["Location"] == f"/track/{number}"
    assert seconds >= 0.8


def test_one_address_gets_five_tries_at_one_number(app, client):
    number, code = receipt_of(submit(client)[0])
    guesser = app.test_client()
    token = csrf_token(guesser, "/track")

    def track(tracking_no: str, access_code: str):
        return guesser.post("/track", data={"csrf_token": token, "tracking_no": tracking_no,
                                            "access_code": access_code}, **ATTACKER).status_code

    assert [track(number, "ZZZZZZZZ") for _ in range(5)] == [404] * 5
    assert track(number, code) == 429
    assert track("GK-2026-999999", "ZZZZZZZZ") == 404  # the address's own allowance is not spent
