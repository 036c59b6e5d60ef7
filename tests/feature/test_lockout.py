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
