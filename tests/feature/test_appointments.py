"""Appointment booking as citizens and hall staff see it: choosing a slot with its free places,
the slip, the rules against hoarding, cancelling and moving up to the cut-off, the day list and
its marks, reminders, the public statistics, and erasure after the retention period.

The clock stands at Tuesday 2026-12-01 10:00 (Asia/Shanghai); the hall's slots are booked for
Wednesday 2026-12-02.
"""

from __future__ import annotations

import contextlib
import re
import threading
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from portal.core.pii import id_check_digit
from portal.extensions import db
from tests.helpers import csrf_token, login, post_form

pytestmark = pytest.mark.usefixtures("pinned_today")

GUIDE = "resident-id-card-renewal"
OTHER_GUIDE = "resident-id-card-replacement"
DAY = "2026-12-02"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def citizen_id(serial: int) -> str:
    """A valid 18-character ID number (Beijing, born 1990-03-07) numbered ``serial``."""
    first17 = f"11010519900307{serial:03d}"
    return first17 + id_check_digit(first17)


def make_plan(app, slug: str = GUIDE, capacity: int = 2) -> int:
    """A 户政 hall offering ``slug`` in two 30-minute slots from 09:00; returns the plan id."""
    from portal.accounts.models import Department
    from portal.appointments.halls import add_plan, save_hall
    from portal.appointments.models import ServiceHall
    from portal.catalog.models import Guide

    with app.app_context():
        department = db.session.scalar(select(Department.id).where(Department.code == "huzheng"))
        hall = db.session.scalar(select(ServiceHall)) or save_hall(
            None, name="户政大厅", address="人民路 1 号", hours="工作日 9:00–17:00",
            department_id=department, active=True, user_id=None)
        guide = db.session.scalar(select(Guide).where(Guide.slug == slug))
        plan = add_plan(hall, guide=(guide.id, guide.slug, guide.title), opens_at=time(9),
                        closes_at=time(10), slot_minutes=30, capacity=capacity, user_id=None)
        db.session.commit()
        return plan.id


def book(client, plan_id: int, serial: int, slot: str = "09:00", slug: str = GUIDE, **extra):
    """Post the booking form for person ``serial``."""
    url = f"/appointments/guide/{slug}?plan={plan_id}&day={DAY}"
    data = {"starts_at": slot, "name": "张三丰", "id_number": citizen_id(serial),
            "mobile": "13912345678", "email": "", **extra}
    return post_form(client, url, data)


def slot_page(client, plan_id: int) -> str:
    """The booking page of the test day: its slots with their free places."""
    return client.get(f"/appointments/guide/{GUIDE}?plan={plan_id}&day={DAY}").get_data(as_text=True)


def bookings(app) -> list:
    from portal.appointments.models import Booking

    with app.app_context():
        return list(db.session.scalars(select(Booking).order_by(Booking.id)))


def holder_keys(app) -> list[str]:
    from portal.appointments.models import Holder

    with app.app_context():
        return list(db.session.scalars(select(Holder.id_key)))


def test_a_guide_that_takes_bookings_offers_them_with_free_places(app, client):
    assert "预约办理" not in client.get(f"/guides/{GUIDE}").get_data(as_text=True)
    plan = make_plan(app)
    guide_page = client.get(f"/guides/{GUIDE}").get_data(as_text=True)
    assert f'href="/appointments/guide/{GUIDE}"' in guide_page and "预约办理" in guide_page
    page = client.get(f"/appointments/guide/{GUIDE}?plan={plan}").get_data(as_text=True)
    assert "户政大厅" in page and "2026-12-02" in page
    assert "2026-12-05" not in page  # a Saturday is not offered
    slots = client.get(f"/appointments/guide/{GUIDE}?plan={plan}&day={DAY}")
    assert slots.headers["Cache-Control"] == "no-store"
    assert "09:00–09:30（余 2 个）" in slots.get_data(as_text=True)
    assert book(client, plan, 1).status_code == 302
    other = app.test_client()
    assert "09:00–09:30（余 1 个）" in slot_page(other, plan)


def test_the_slip_shows_the_code_and_masked_personal_data_and_prints_as_pdf(app, client):
    plan = make_plan(app)
    response = book(client, plan, 1)
    code = bookings(app)[0].code
    assert response.headers["Location"].endswith(f"/appointments/booking/{code}")
    slip = client.get(f"/appointments/booking/{code}")
    text = slip.get_data(as_text=True)
    assert slip.headers["Cache-Control"] == "no-store"
    assert code in text and "2026-12-02 09:00–09:30" in text and "户政大厅" in text
    assert citizen_id(1) not in text and "13912345678" not in text and "张三丰" not in text
    assert "110" + "*" * 11 + citizen_id(1)[-4:] in text and "139****5678" in text and "张某某" in text
    pdf = client.get(f"/appointments/booking/{code}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert app.test_client().get(f"/appointments/booking/{code}").status_code == 404  # another browser


def test_bad_input_gets_a_chinese_message_and_writes_nothing(app, client):
    plan = make_plan(app)
    wrong = citizen_id(1)[:-1] + ("0" if citizen_id(1)[-1] != "0" else "1")
    response = book(client, plan, 1, id_number=wrong, mobile="12345")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "居民身份证号码不正确" in text and "请填写 11 位手机号码" in text
    assert book(client, plan, 1, slot="08:00").status_code == 422  # not one of the slots
    assert bookings(app) == []


def test_one_active_booking_per_id_per_guide_and_a_weekly_limit(make_app, app, client):
    plan = make_plan(app)
    assert book(client, plan, 1).status_code == 302
    again = book(client, plan, 1, slot="09:30")
    assert again.status_code == 409 and "同一证件号码对同一事项只能有一个有效预约" in again.get_data(as_text=True)
    app.config["APPOINTMENT_WEEKLY_LIMIT"] = 1
    other = make_plan(app, OTHER_GUIDE)
    refused = book(client, other, 1, slug=OTHER_GUIDE)
    assert refused.status_code == 409 and "每周最多预约 1 次" in refused.get_data(as_text=True)
    assert len(bookings(app)) == 1


def test_a_second_booking_by_the_same_id_waits_for_the_first_and_counts_it(app):
    """Two bookings by one ID number for different guides, the first not yet committed: the
    second waits for it, then is refused by the weekly limit instead of slipping past it."""
    from portal.appointments import services
    from portal.appointments.models import SlotPlan

    app.config["APPOINTMENT_WEEKLY_LIMIT"] = 1
    plans = [make_plan(app), make_plan(app, OTHER_GUIDE)]
    person = services.Person("张三丰", citizen_id(1), "13912345678")
    second: list[str] = []

    def book_other_guide() -> None:
        with app.app_context(), app.test_request_context():
            try:
                services.book(db.session.get(SlotPlan, plans[1]), date(2026, 12, 2), time(9), person)
                db.session.commit()
                second.append("booked")
            except services.BookingRefused as exc:
                db.session.rollback()
                second.append(exc.message)

    with app.app_context(), app.test_request_context():
        services.book(db.session.get(SlotPlan, plans[0]), date(2026, 12, 2), time(9), person)
        waiting = threading.Thread(target=book_other_guide)
        waiting.start()
        waiting.join(timeout=1)
        assert waiting.is_alive()  # held back by the first booking's lock on the ID number
        db.session.commit()
    waiting.join(timeout=30)
    assert second == ["同一证件号码每周最多预约 1 次，本周预约次数已满。"]
    assert len(bookings(app)) == 1


def test_two_bookings_swapping_slots_at_once_both_move(app, monkeypatch):
    """Two citizens move their bookings into each other's slot at the same moment, each pausing
    after its first change of a slot: both moves go through, neither waits on the other for
    ever (on PostgreSQL a deadlock would refuse one of them), and each slot still holds one booking."""
    from portal.appointments import services
    from portal.appointments.models import Booking, Slot, SlotPlan

    plan = make_plan(app, capacity=2)
    with app.app_context(), app.test_request_context():
        for serial, starts in ((1, time(9)), (2, time(9, 30))):
            services.book(db.session.get(SlotPlan, plan), date(2026, 12, 2), starts,
                          services.Person("张三丰", citizen_id(serial), "13912345678"))
        db.session.commit()
        first, second = db.session.scalars(select(Booking.id).order_by(Booking.id)).all()
    paused = threading.Barrier(2, timeout=3)  # both have changed one slot (or one waits on the other)
    for name in ("take_place", "release_place"):
        original = getattr(services, name)

        def changed_then_pause(*args, _original=original):
            _original(*args)
            if not getattr(local, "paused", False):
                local.paused = True
                with contextlib.suppress(threading.BrokenBarrierError):
                    paused.wait()
        monkeypatch.setattr(services, name, changed_then_pause)
    local = threading.local()
    outcomes: list[str] = []

    def move(booking_id: int, starts: time) -> None:
        with app.app_context(), app.test_request_context():
            try:
                services.reschedule(db.session.get(Booking, booking_id), date(2026, 12, 2), starts)
                db.session.commit()
                outcomes.append("moved")
            except Exception as exc:  # a deadlock surfaces here as a database error
                db.session.rollback()
                outcomes.append(type(exc).__name__)

    movers = [threading.Thread(target=move, args=(first, time(9, 30))),
              threading.Thread(target=move, args=(second, time(9)))]
    for mover in movers:
        mover.start()
    for mover in movers:
        mover.join(timeout=30)
    assert outcomes == ["moved", "moved"]
    with app.app_context():
        assert sorted(db.session.scalars(select(Slot.booked))) == [1, 1]
        moved = dict(db.session.execute(select(Booking.id, Booking.slot_id)).all())
        starts = dict(db.session.execute(select(Slot.id, Slot.starts_at)).all())
    assert (starts[moved[first]], starts[moved[second]]) == (time(9, 30), time(9))


def test_a_full_slot_refuses_with_a_clear_message(app, client):
    plan = make_plan(app, capacity=1)
    assert book(client, plan, 1).status_code == 302
    full = book(app.test_client(), plan, 2)
    assert full.status_code == 409 and "该时段已约满，请选择其他时段。" in full.get_data(as_text=True)
    assert "09:30–10:00（余 1 个）" in full.get_data(as_text=True)
    assert 'value="09:00"' not in full.get_data(as_text=True)  # no longer offered
    assert len(bookings(app)) == 1


def _find(client, code: str, last4: str):
    return post_form(client, "/appointments/manage", {"code": code, "id_last4": last4})


def test_wrong_lookups_lock_only_the_address_that_made_them(app, client):
    """Ten wrong last-four guesses from one address refuse that address, the right answer
    included; the citizen arriving from another address still finds the booking."""
    plan = make_plan(app, capacity=1)
    book(client, plan, 1)
    code = bookings(app)[0].code
    guesser = app.test_client()
    address = {"environ_base": {"REMOTE_ADDR": "198.51.100.7"}}
    for _ in range(10):
        assert post_form(guesser, "/appointments/manage", {"code": code, "id_last4": "0000"},
                         **address).status_code == 404
    locked = post_form(guesser, "/appointments/manage", {"code": code, "id_last4": citizen_id(1)[-4:]},
                       **address)
    assert locked.status_code == 429 and "查询失败次数过多" in locked.get_data(as_text=True)
    owner = _find(app.test_client(), code, citizen_id(1)[-4:])
    assert owner.status_code == 302 and owner.headers["Location"].endswith(code)


def test_cancel_and_move_with_code_and_last_four_until_the_cut_off(app, client):
    plan = make_plan(app, capacity=1)
    book(client, plan, 1)
    code = bookings(app)[0].code
    stranger = app.test_client()
    assert _find(stranger, code, "0000").status_code == 404
    assert _find(stranger, code, citizen_id(1)[-4:]).headers["Location"].endswith(code)
    moved = post_form(stranger, f"/appointments/booking/{code}/move?day={DAY}", {"starts_at": "09:30"})
    assert moved.status_code == 302
    assert "2026-12-02 09:30–10:00" in stranger.get(f"/appointments/booking/{code}").get_data(as_text=True)
    # the 09:00 place was given back
    assert "09:00–09:30（余 1 个）" in slot_page(client, plan)
    second = app.test_client()
    book(second, plan, 2)
    other_code = bookings(app)[1].code
    cancelled = post_form(second, f"/appointments/booking/{other_code}/cancel", {},
                          form_url=f"/appointments/booking/{other_code}")
    assert cancelled.status_code == 302 and bookings(app)[1].status == "cancelled"
    from portal.audit.models import AuditEvent

    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"appointment.move", "appointment.cancel"} <= actions
    assert "09:00–09:30（余 1 个）" in slot_page(client, plan)
    with time_machine.travel(datetime(2026, 12, 2, 8, 0, tzinfo=SHANGHAI), tick=False):
        token = csrf_token(stranger, "/appointments/manage")  # the slip no longer offers the form
        late = stranger.post(f"/appointments/booking/{code}/cancel", data={"csrf_token": token})
        page = stranger.get(late.headers["Location"]).get_data(as_text=True)
        assert "不足 2 小时" in page and bookings(app)[0].status == "booked"


def test_staff_see_the_day_list_and_mark_arrivals_and_no_shows(app, client, users):
    plan = make_plan(app)
    book(client, plan, 1)
    book(app.test_client(), plan, 2)
    first, second = bookings(app)
    staff = app.test_client()
    login(staff, users["staff"])
    from portal.appointments.models import SlotPlan

    with app.app_context():
        hall_id = db.session.get(SlotPlan, plan).hall_id
    day_url = f"/staff/appointments/halls/{hall_id}/day?day={DAY}"
    text = staff.get(day_url).get_data(as_text=True)
    assert "张三丰" in text and citizen_id(2) in text and first.code in text
    early = post_form(staff, f"/staff/appointments/bookings/{second.id}/mark", {"status": "no_show"}, form_url=day_url)
    assert "预约时段开始后才能登记未到场" in staff.get(early.headers["Location"]).get_data(as_text=True)
    post_form(staff, f"/staff/appointments/bookings/{first.id}/mark", {"status": "arrived"}, form_url=day_url)
    with time_machine.travel(datetime(2026, 12, 2, 11, 0, tzinfo=SHANGHAI), tick=False):
        login(staff, users["staff"])  # the next day: a new working session
        post_form(staff, f"/staff/appointments/bookings/{second.id}/mark", {"status": "no_show"}, form_url=day_url)
    assert [b.status for b in bookings(app)] == ["arrived", "no_show"]
    traffic = app.test_client()
    login(traffic, users["traffic"])
    assert traffic.get(day_url).status_code == 403
    stats = client.get("/appointments/statistics")
    text = stats.get_data(as_text=True)
    assert "Cache-Control" not in stats.headers or stats.headers["Cache-Control"] != "no-store"
    assert "居民身份证换领" in text and "50%" in text and "1 天" in text
    assert "张三丰" not in text and citizen_id(1) not in text


def test_reminders_the_day_before_go_through_the_outbox_once(app, client):
    from portal.outbox.models import OutboxMessage

    plan = make_plan(app)
    book(client, plan, 1, email="citizen@example.com")
    book(app.test_client(), plan, 2)  # no address: no reminder
    runner = app.test_cli_runner()
    assert "已排队发送 1 条" in runner.invoke(args=["appointments", "remind"]).output
    assert "已排队发送 0 条" in runner.invoke(args=["appointments", "remind"]).output
    with app.app_context():
        messages = list(db.session.scalars(select(OutboxMessage)))
    assert len(messages) == 1 and messages[0].recipient == "citizen@example.com"
    assert "2026-12-02" in messages[0].body and "张某某" in messages[0].body
    assert citizen_id(1) not in messages[0].body


def test_personal_data_is_erased_after_retention_and_the_figures_stay(app, client):
    from portal.audit.models import AuditEvent

    plan = make_plan(app)
    book(client, plan, 1)
    runner = app.test_cli_runner()
    assert "已删除 0 条" in runner.invoke(args=["appointments", "purge"]).output
    assert holder_keys(app) != [] and citizen_id(1) not in holder_keys(app)[0]
    with time_machine.travel(datetime(2027, 3, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        assert "已删除 1 条" in runner.invoke(args=["appointments", "purge"]).output
    erased = bookings(app)[0]
    assert (erased.name, erased.id_number, erased.mobile, erased.email) == ("", "", "", "")
    assert holder_keys(app) == []  # nor is a keyed hash of the ID number kept
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "appointment.erase")) == 2
    assert re.search(r"<td data-label=\"预约数\">1</td>", client.get("/appointments/statistics").get_data(as_text=True))
    assert _find(app.test_client(), erased.code, citizen_id(1)[-4:]).status_code == 404


def test_a_citizens_booking_pages_are_never_stored_but_the_statistics_may_be(app, client):
    plan = make_plan(app)
    book(client, plan, 1)
    code = bookings(app)[0].code
    for path in (f"/appointments/guide/{GUIDE}", f"/appointments/booking/{code}",
                 f"/appointments/booking/{code}.pdf", f"/appointments/booking/{code}/move",
                 "/appointments/manage"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers["Cache-Control"], path
    statistics = client.get("/appointments/statistics")
    assert "no-store" not in statistics.headers.get("Cache-Control", "")


def test_staff_set_up_a_hall_and_its_slots_through_the_forms(app, users):
    staff = app.test_client()
    login(staff, users["staff"])
    from portal.accounts.models import Department
    from portal.catalog.models import Guide

    with app.app_context():
        huzheng = db.session.scalar(select(Department.id).where(Department.code == "huzheng"))
        guide_id = db.session.scalar(select(Guide.id).where(Guide.slug == GUIDE))
    created = post_form(staff, "/staff/appointments/", {"name": "城东派出所户籍室", "address": "东路 3 号",
                                                         "hours": "工作日 9:00–17:00",
                                                         "department_id": huzheng, "active": "y"})
    hall_url = created.headers["Location"]
    plan = {"guide_id": guide_id, "opens_at": "14:00", "closes_at": "14:10", "slot_minutes": "30",
            "capacity": "3"}
    refused = post_form(staff, f"{hall_url}/plans", plan, form_url=hall_url)
    assert refused.status_code == 422 and "至少容纳一个时段" in refused.get_data(as_text=True)
    added = post_form(staff, f"{hall_url}/plans", plan | {"closes_at": "15:00"}, form_url=hall_url)
    assert added.status_code == 302
    assert "城东派出所户籍室" in app.test_client().get(f"/appointments/guide/{GUIDE}").get_data(as_text=True)
    traffic = app.test_client()
    login(traffic, users["traffic"])
    assert traffic.get(hall_url).status_code == 403
