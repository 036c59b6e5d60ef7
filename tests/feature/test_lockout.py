"""Failed guesses slow the guesser down without locking the rightful user out."""

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
    with app.app_context():
        create_user("timing-officer", "a-real-password-1", Role.STAFF, "huzheng", display_name="计时民警")
        db.session.commit()
    client = app.test_client()

    def median_seconds(username: str, batch: int) -> float:
        times = []
        for index in range(5):
            address = {"environ_base": {"REMOTE_ADDR": f"198.51.{batch}.{index}"}}  # no lock in the way
            started = time.perf_counter()
            response = login(client, username, "wrong-password", **address)
            times.append(time.perf_counter() - started)
            assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)
        return statistics.median(times)

    median_seconds("nobody-here", 99)  # warm up: the dummy hash is made once
    known = [median_seconds("timing-officer", 2 * batch) for batch in range(3)]
    unknown = [median_seconds("nobody-here", 2 * batch + 1) for batch in range(3)]
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.7 < ratio < 1 / 0.7, ratio
