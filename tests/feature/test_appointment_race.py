"""No double booking, ever: 200 citizens race for the last places of one slot on the production
server (README's gunicorn command), on PostgreSQL and on the embedded SQLite default.

Every client first loads the booking form (its cookie and CSRF token), then all post at the same
moment. A 503 (database busy) or a dropped connection is posted again, as a citizen pressing
确认预约 again would. Exactly as many bookings as there were free places are made; every other
citizen is told "该时段已约满"; no 5xx other than 503 is ever answered; the slot's counter and the
booking rows agree.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import time as clock_time
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from portal.core.pii import id_check_digit
from portal.extensions import db
from tests.server_harness import BIN, ROOT, Server, fetch, portal_env, postgres_or_skip

CLIENTS = 200
CAPACITY = 10
TAKEN_BEFORE = 7  # the race is for the last three places
GUIDE = "resident-id-card-renewal"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The embedded default (a SQLite file in the instance folder) or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'instance' / 'portal.db'}"
        return
    with postgres_or_skip() as url:
        yield url


def init_instance(env: dict[str, str]) -> None:
    """``portal init --demo`` with this checkout's code, as an operator sets up an instance."""
    subprocess.run([str(BIN / "python"), "-c", "from portal.console import main; main()", "init", "--demo"],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)


def citizen_id(serial: int) -> str:
    """A valid ID number (Beijing, born 1990-03-07) numbered ``serial`` (below 1000)."""
    first17 = f"11010519900307{serial:03d}"
    return first17 + id_check_digit(first17)


def prepare_slot(app) -> tuple[int, str]:
    """A plan with ten places a slot, seven of them taken; returns the plan id and the day."""
    from portal.appointments import services
    from portal.appointments.halls import add_plan
    from portal.appointments.models import ServiceHall
    from portal.appointments.pages import open_days_of
    from portal.catalog.models import Guide

    with app.app_context(), app.test_request_context():
        hall = db.session.scalars(select(ServiceHall).order_by(ServiceHall.id)).first()
        guide = db.session.scalar(select(Guide).where(Guide.slug == GUIDE))
        plan = add_plan(hall, guide=(guide.id, guide.slug, guide.title), opens_at=clock_time(7),
                        closes_at=clock_time(8), slot_minutes=60, capacity=CAPACITY, user_id=None)
        tomorrow = services.local_now().date() + timedelta(days=1)
        day = next(d.day for d in open_days_of(plan) if d.day >= tomorrow)
        for serial in range(900, 900 + TAKEN_BEFORE):
            services.book(plan, day, clock_time(7), services.Person("预先", citizen_id(serial), "13900000000"))
        db.session.commit()
        return plan.id, day.isoformat()


@dataclass
class Attempt:
    """What one citizen saw."""

    statuses: list[int] = field(default_factory=list)
    booked: bool = False
    refused_full: bool = False


def _cookie(headers: http.client.HTTPMessage) -> str:
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def citizen(port: int, path: str, serial: int, start: threading.Barrier) -> Attempt:
    """Load the form, wait for everyone, post; post again after a 503 or no answer."""
    attempt = Attempt()
    status, headers, body = fetch(port, path)
    attempt.statuses.append(status)
    token = CSRF.search(body.decode()).group(1)
    form = urlencode({"csrf_token": token, "starts_at": "07:00", "name": f"市民{serial}",
                      "id_number": citizen_id(serial), "mobile": "13912345678", "email": ""}).encode()
    request_headers = {"Cookie": _cookie(headers), "Content-Type": "application/x-www-form-urlencoded"}
    start.wait()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            status, headers, page = fetch(port, path, "POST", form, request_headers)
        except (OSError, http.client.HTTPException):
            attempt.statuses.append(0)
            continue
        attempt.statuses.append(status)
        if status == 302 and "/appointments/booking/" in (headers.get("Location") or ""):
            attempt.booked = True
            return attempt
        if status == 409:
            attempt.refused_full = "该时段已约满，请选择其他时段。" in page.decode()
            return attempt
        if status != 503:
            return attempt
        time.sleep(0.3)
    return attempt


def test_two_hundred_citizens_race_for_the_last_three_places(database_url, tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    env = portal_env(instance, database_url)
    init_instance(env)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("DATABASE_URL", database_url)
    from portal import create_app

    app = create_app()
    plan_id, day = prepare_slot(app)
    path = f"/appointments/guide/{GUIDE}?plan={plan_id}&day={day}"
    server = Server(env, tmp_path / "gunicorn.log")
    server.start()
    try:
        start = threading.Barrier(CLIENTS)
        with ThreadPoolExecutor(CLIENTS) as pool:
            attempts = list(pool.map(lambda i: citizen(server.port, path, i, start), range(CLIENTS)))
        answers = [status for attempt in attempts for status in attempt.statuses]
        assert [s for s in answers if s >= 500 and s != 503] == [], server.log()
        winners = [a for a in attempts if a.booked]
        assert len(winners) == CAPACITY - TAKEN_BEFORE
        assert all(a.refused_full for a in attempts if not a.booked), server.log()
    finally:
        server.stop()
    from portal.appointments.models import Booking, Slot

    with app.app_context():
        slot = db.session.scalar(select(Slot).where(Slot.plan_id == plan_id))
        db.session.expunge(slot)
        rows = db.session.scalar(select(func.count()).select_from(Booking).where(Booking.slot_id == slot.id))
        db.session.remove()
        db.engine.dispose()
    assert (slot.booked, rows) == (CAPACITY, CAPACITY)
