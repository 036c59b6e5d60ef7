"""Failure limits hold across the production server's worker processes.

README's command (``SERVER_COMMAND``: several gunicorn workers, each with threads) serves an
instance; 16 wrong access codes for one tracking number arrive at once. Each lookup is counted
before its code is checked, so exactly as many codes are checked as the limit allows and the rest
are refused, whichever workers answer; the limit then refuses the right code from that address,
and the access log shows more than one worker took part.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from sqlalchemy import create_engine, select

from portal.disclosure.views import NUMBER_LIMIT
from tests.server_harness import Server, fetch, portal, portal_env, postgres_or_skip, submit

BURST = 16
TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ACCESS_LOG = "--access-logfile - --access-logformat 'worker=%(p)s status=%(s)s %(m)s %(U)s'"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'instance' / 'portal.db'}"
        return
    with postgres_or_skip() as url:
        yield url


def _track(port: int, number: str, code: str) -> int:
    """A visitor's lookup: fetch the form (cookie and token), post the number and code."""
    status, headers, page = fetch(port, "/track")
    assert status == 200
    cookie = "; ".join(value.split(";", 1)[0] for value in headers.get_all("Set-Cookie") or [])
    token = TOKEN_RE.search(page.decode()).group(1)
    body = urlencode({"csrf_token": token, "tracking_no": number, "access_code": code}).encode()
    return fetch(port, "/track", "POST", body, {"Cookie": cookie,
                                                "Content-Type": "application/x-www-form-urlencoded"})[0]


def _counters(database_url: str, number: str) -> tuple[int, int]:
    """(failures for this number from 127.0.0.1, failures from 127.0.0.1), read from the database."""
    from portal.accounts.models import LoginThrottle
    from portal.auth import throttle

    keys = (throttle.pair_key("track", "127.0.0.1", number), throttle.address_key("track", "127.0.0.1"))
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            found = dict(connection.execute(select(LoginThrottle.key, LoginThrottle.failures)
                                            .where(LoginThrottle.key.in_(keys))).all())
    finally:
        engine.dispose()
    return found.get(keys[0], 0), found.get(keys[1], 0)


def test_concurrent_failures_in_several_workers_are_all_counted(database_url, tmp_path):
    instance = tmp_path / "instance"
    env = portal_env(instance, database_url, GUNICORN_CMD_ARGS=ACCESS_LOG)
    portal(env, "init")
    server = Server(env, tmp_path / "gunicorn.log")
    server.start()
    try:
        number, code = submit(server.port, "request", 1).receipt or pytest.fail(server.log())
        with ThreadPoolExecutor(BURST) as pool:
            answers = list(pool.map(lambda _: _track(server.port, number, "ZZZZZZZZ"), range(BURST)))
        assert set(answers) <= {404, 429}, server.log()
        assert answers.count(404) == NUMBER_LIMIT  # not one code more checked than the limit allows
        per_number, per_address = _counters(database_url, number)
        assert per_number == per_address >= NUMBER_LIMIT  # every attempt counted, by every worker
        assert [_track(server.port, number, code) for _ in range(6)] == [429] * 6
        workers = set(re.findall(r"worker=<(\d+)> status=\d+ POST /track", server.log_path.read_text()))
        assert len(workers) >= 2, "one worker answered every lookup: the test proves nothing"
    finally:
        server.stop()
