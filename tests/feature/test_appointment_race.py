"""No double booking, ever, on the production server (README's gunicorn command), on PostgreSQL
and on the embedded SQLite default:

* 200 citizens race for the last three places of one slot;
* a few ID numbers each book ten different guides at the same moment, and each gets exactly
  the weekly limit of bookings.

Every client first loads the booking form (its cookie and CSRF token), then all post at the same
moment. A 503 (database busy) or a dropped connection is posted again, as a citizen pressing
确认预约 again would. No 5xx other than 503 is ever answered; every refused citizen is told why;
the database agrees with what the citizens were told. Both races share one server per database.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import time as clock_time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.core.pii import id_check_digit
from portal.extensions import db
from tests.server_harness import BIN, ROOT, Server, fetch, portal_env, postgres_or_skip

CLIENTS = 200
CAPACITY = 10
TAKEN_BEFORE = 7  # the race is for the last three places
GUIDE = "resident-id-card-renewal"
HOLDERS = 3  # ID numbers racing against the weekly limit
GUIDES_PER_HOLDER = 10
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FULL = "该时段已约满，请选择其他时段。"


@dataclass
class Served:
    """The instance's app (for preparing and checking the database) and its running server."""

    app: Flask
    server: Server


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request, tmp_path_factory) -> Iterator[Served]:
    """An instance set up by ``portal init --demo`` on the embedded default (a SQLite file in
    the instance folder) or a new PostgreSQL database, served by gunicorn."""
    tmp_path = tmp_path_factory.mktemp(request.param)
    instance = tmp_path / "instance"
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            database_url = f"sqlite:///{instance / 'portal.db'}"
        else:
            database_url = stack.enter_context(postgres_or_skip())
        env = portal_env(instance, database_url)
        init_instance(env)
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        patch.setenv("PORTAL_INSTANCE_PATH", str(instance))
        patch.setenv("DATABASE_URL", database_url)
        from portal import create_app

        app = create_app()
        stack.callback(_close_database, app)
        server = Server(env, tmp_path / "gunicorn.log")
        server.start()
        stack.callback(server.stop)
        yield Served(app, server)


def _close_database(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def init_instance(env: dict[str, str]) -> None:
    """``portal init --demo`` with this checkout's code, as an operator sets up an instance."""
    subprocess.run([str(BIN / "python"), "-c", "from portal.console import main; main()", "init", "--demo"],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)


def citizen_id(serial: int) -> str:
    """A valid ID number (Beijing, born 1990-03-07) numbered ``serial`` (below 1000)."""
    first17 = f"11010519900307{serial:03d}"
    return first17 + id_check_digit(first17)


def add_plans(app: Flask, slugs: list[str], opens_at: clock_time) -> tuple[dict[str, int], str]:
    """Hour-long plans of ten places from ``opens_at`` in the first hall for each guide in
    ``slugs``; returns the plan ids by slug and the first open day after today."""
    from portal.appointments import services
    from portal.appointments.halls import add_plan
    from portal.appointments.models import ServiceHall
    from portal.appointments.pages import open_days_of
    from portal.catalog.models import Guide

    with app.app_context(), app.test_request_context():
        hall = db.session.scalars(select(ServiceHall).order_by(ServiceHall.id)).first()
        plans = {}
        for guide in db.session.scalars(select(Guide).where(Guide.slug.in_(slugs))):
            plans[guide.slug] = add_plan(hall, guide=(guide.id, guide.slug, guide.title), opens_at=opens_at,
                                         closes_at=opens_at.replace(hour=opens_at.hour + 1), slot_minutes=60,
                                         capacity=CAPACITY, user_id=None)
        db.session.commit()
        tomorrow = services.local_now().date() + timedelta(days=1)
        day = next(d.day for d in open_days_of(next(iter(plans.values()))) if d.day >= tomorrow)
        return {slug: plan.id for slug, plan in plans.items()}, day.isoformat()


def prepare_slot(app: Flask) -> tuple[int, str]:
    """A plan with ten places a slot, seven of them taken; returns the plan id and the day."""
    from portal.appointments import services
    from portal.appointments.models import SlotPlan

    plans, day = add_plans(app, [GUIDE], clock_time(7))
    with app.app_context(), app.test_request_context():
        plan = db.session.get(SlotPlan, plans[GUIDE])
        for serial in range(900, 900 + TAKEN_BEFORE):
            services.book(plan, date.fromisoformat(day), clock_time(7),
                          services.Person("预先", citizen_id(serial), "13900000000"))
        db.session.commit()
    return plans[GUIDE], day


@dataclass
class Attempt:
    """What one citizen saw: every status answered, whether booked, else the page refusing."""

    statuses: list[int] = field(default_factory=list)
    booked: bool = False
    refusal: str = ""


def _cookie(headers: http.client.HTTPMessage) -> str:
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def citizen(port: int, path: str, fields: dict[str, str], start: threading.Barrier) -> Attempt:
    """Load the form, wait for everyone, post ``fields``; post again after a 503 or no answer."""
    attempt = Attempt()
    status, headers, body = fetch(port, path)
    attempt.statuses.append(status)
    token = CSRF.search(body.decode()).group(1)
    form = urlencode({"csrf_token": token, "mobile": "13912345678", "email": "", **fields}).encode()
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
        if status != 503:
            attempt.refusal = page.decode()
            return attempt
        time.sleep(0.3)
    return attempt


def race(server: Server, posts: list[tuple[str, dict[str, str]]]) -> list[Attempt]:
    """Every (path, fields) posted by its own client at the same moment; no 5xx but 503."""
    start = threading.Barrier(len(posts))
    with ThreadPoolExecutor(len(posts)) as pool:
        attempts = list(pool.map(lambda post: citizen(server.port, *post, start), posts))
    answers = [status for attempt in attempts for status in attempt.statuses]
    assert [s for s in answers if s >= 500 and s != 503] == [], server.log()
    return attempts


def test_two_hundred_citizens_race_for_the_last_three_places(served):
    plan_id, day = prepare_slot(served.app)
    path = f"/appointments/guide/{GUIDE}?plan={plan_id}&day={day}"
    attempts = race(served.server, [(path, {"starts_at": "07:00", "name": f"市民{serial}",
                                            "id_number": citizen_id(serial)}) for serial in range(CLIENTS)])
    assert len([a for a in attempts if a.booked]) == CAPACITY - TAKEN_BEFORE
    assert all(FULL in a.refusal for a in attempts if not a.booked), served.server.log()
    from portal.appointments.models import Booking, Slot

    with served.app.app_context():
        slot = db.session.scalar(select(Slot).where(Slot.plan_id == plan_id))
        rows = db.session.scalar(select(func.count()).select_from(Booking).where(Booking.slot_id == slot.id))
        assert (slot.booked, rows) == (CAPACITY, CAPACITY)
        db.session.remove()


def test_one_id_number_booking_ten_guides_at_once_gets_the_weekly_limit(served):
    from portal.catalog.models import Guide

    with served.app.app_context():
        limit = served.app.config["APPOINTMENT_WEEKLY_LIMIT"]
        slugs = list(db.session.scalars(select(Guide.slug).order_by(Guide.slug).limit(GUIDES_PER_HOLDER)))
        db.session.remove()
    assert len(slugs) == GUIDES_PER_HOLDER > limit
    plans, day = add_plans(served.app, slugs, clock_time(19))
    posts = [(f"/appointments/guide/{slug}?plan={plans[slug]}&day={day}",
              {"starts_at": "19:00", "name": f"市民{serial}", "id_number": citizen_id(serial)})
             for serial in range(500, 500 + HOLDERS) for slug in slugs]
    attempts = race(served.server, posts)
    message = f"同一证件号码每周最多预约 {limit} 次，本周预约次数已满。"
    for holder in range(HOLDERS):
        mine = attempts[holder * GUIDES_PER_HOLDER:(holder + 1) * GUIDES_PER_HOLDER]
        assert len([a for a in mine if a.booked]) == limit
        assert all(message in a.refusal for a in mine if not a.booked), served.server.log()
    from portal.appointments.models import Booking

    with served.app.app_context():
        made = db.session.execute(select(Booking.id_number, func.count()).where(
            Booking.id_number.in_([citizen_id(s) for s in range(500, 500 + HOLDERS)]))
            .group_by(Booking.id_number)).all()
        db.session.remove()
    assert sorted(count for _, count in made) == [limit] * HOLDERS
