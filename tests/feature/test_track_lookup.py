"""``/track``: its timing does not tell whether a number exists, and every lookup is audited."""

import statistics
import time

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.feature.test_requests import receipt_of, submit
from tests.helpers import csrf_token

SLOW_HASH = "scrypt:16384:8:1"  # slow enough that a cheaper dummy hash would show


def _median_seconds(client, token: str, number: str, rounds: int, first_address: int) -> float:
    times = []
    for index in range(rounds):
        address = f"198.51.{first_address}.{index}"  # one try per address: no lock in the way
        started = time.perf_counter()
        response = client.post("/track", data={"csrf_token": token, "tracking_no": number,
                                               "access_code": "ZZZZZZZZ"},
                               environ_base={"REMOTE_ADDR": address})
        times.append(time.perf_counter() - started)
        assert response.status_code == 404
    return statistics.median(times)


def test_a_wrong_code_and_an_unknown_number_take_the_same_time(app, client):
    app.config["PASSWORD_HASH_METHOD"] = SLOW_HASH  # access codes hashed as in production
    app.config["THROTTLE_SLOWDOWN_AFTER"] = 1000  # the lookup's own cost is measured, not the slow-down
    number, _code = receipt_of(submit(client)[0])
    token = csrf_token(client, "/track")
    _median_seconds(client, token, "GK-2026-999999", 3, 99)  # warm up (the dummy hash is made once)
    known, unknown = [], []
    for batch in range(4):  # interleaved, so a busy moment weighs on both
        known.append(_median_seconds(client, token, number, 5, 2 * batch))
        unknown.append(_median_seconds(client, token, "GK-2026-999999", 5, 2 * batch + 1))
    known_median, unknown_median = statistics.median(known), statistics.median(unknown)
    assert 0.7 < unknown_median / known_median < 1 / 0.7, (known_median, unknown_median)


def _lookups(app) -> list[dict]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "matter.lookup")
                                    .order_by(AuditEvent.seq))
        return [dict(event.detail, target=event.target_id) for event in events]


def test_every_track_lookup_is_audited_without_the_code(app, client):
    number, code = receipt_of(submit(client)[0])
    stranger = app.test_client()
    token = csrf_token(stranger, "/track")
    address = {"environ_base": {"REMOTE_ADDR": "203.0.113.40"}}
    for asked, typed in ((number, "ZZZZZZZZ"), ("GK-2026-999999", code), (number, code)):
        stranger.post("/track", data={"csrf_token": token, "tracking_no": asked, "access_code": typed},
                      **address)
    for _ in range(10):
        stranger.post("/track", data={"csrf_token": token, "tracking_no": "GK-2026-999999",
                                      "access_code": "ZZZZZZZZ"}, **address)
    recorded = _lookups(app)
    assert [(e["tracking_no"], e["outcome"]) for e in recorded[:3]] == [
        (number, "not_found"), ("GK-2026-999999", "not_found"), (number, "found")]
    assert recorded[-1]["outcome"] == "throttled"
    assert all(code not in str(event) for event in recorded)


def _progress_median(client, token: str, case_no: str, code: str, rounds: int, first_address: int) -> float:
    times = []
    for index in range(rounds):
        started = time.perf_counter()
        response = client.post("/progress", data={"csrf_token": token, "case_no": case_no,
                                                  "query_code": code, "id_last4": "0000"},
                               environ_base={"REMOTE_ADDR": f"198.51.{first_address}.{index}"})
        times.append(time.perf_counter() - started)
        assert response.status_code == 404
    return statistics.median(times)


def test_progress_takes_the_same_time_for_a_known_and_an_unknown_case_and_audits_each(client, users, app):
    """/progress: a real case with a wrong code and no case at all cost the same two hash checks."""
    from tests.feature.test_cases import CASE_NO, record_case
    from tests.helpers import login

    app.config["PASSWORD_HASH_METHOD"] = SLOW_HASH  # the party's code hashed as in production
    login(client, users["staff"])
    recorded = record_case(client, app)
    app.config["THROTTLE_SLOWDOWN_AFTER"] = 1000  # the lookup's own cost is measured, not the slow-down
    _case_id, code = recorded
    citizen = app.test_client()
    token = csrf_token(citizen, "/progress")
    unknown_no = "示例公(刑)受字〔2026〕9999号"
    _progress_median(citizen, token, unknown_no, code, 3, 99)  # warm up (the dummy hash is made once)
    known, unknown = [], []
    for batch in range(4):
        known.append(_progress_median(citizen, token, CASE_NO, code, 5, 2 * batch))
        unknown.append(_progress_median(citizen, token, unknown_no, code, 5, 2 * batch + 1))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.7 < ratio < 1 / 0.7, (known, unknown)
    with app.app_context():
        outcomes = [e.detail["outcome"] for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case.lookup").order_by(AuditEvent.seq))]
    assert outcomes == ["not_found"] * (3 + 40), outcomes  # every failed lookup is in the audit log
