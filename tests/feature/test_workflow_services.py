"""Random sequences of staff, supervisor, applicant and system actions on a request and on a
complaint, through the real services on the database, against the workflow table and the clock.

After every step: the service did exactly what the table allows (a refused action changes
nothing), at most one extension was granted, the clock runs only in running states, every open
state has a way out, and the stored explanation matches the due date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal.accounts.models import User
from portal.calendar.services import load_calendar
from portal.complaints import services as complaints
from portal.complaints.models import Complaint
from portal.complaints.workflow import COMPLAINTS
from portal.core.clock import compute
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.disclosure import actions, lapses, services
from portal.disclosure.models import DisclosureRequest
from portal.disclosure.workflow import REQUESTS
from portal.extensions import db
from portal.matters.models import Matter
from portal.matters.services import clock_events, new_submission_key, policy_for
from portal.matters.workflow import CLOSED, INHERIT, PAUSED, RUNNING, STOPPED, Workflow
from tests.feature.test_complaints import fields as complaint_fields
from tests.feature.test_requests import form_data

START = datetime(2026, 9, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
EVERYONE = ("staff", "supervisor", "applicant", "system")
STAFF_ACTIONS = ("clarification_requested", "clarification_received", "consultation_started",
                 "consultation_ended", "fee_notice_sent", "fee_paid", "extension_requested")
REQUEST_ACTIONS = (*STAFF_ACTIONS, "extension_granted", "extension_refused", "replied", "reply_submitted",
           "reply_approved", "reply_refused", "lapsed")
CLOCK_STATES = {RUNNING: "running", PAUSED: "paused", STOPPED: "awaiting_clarification", CLOSED: "replied"}

# Each step: (take an action the table allows now, or any action?), which one, days to wait first,
# days of extension asked for. Mostly allowed actions, so that sequences go deep.
steps = st.lists(st.tuples(st.sampled_from((True, True, True, False)), st.integers(0, 100), st.integers(0, 12),
                           st.integers(1, 20)), min_size=1, max_size=16)


def perform_on_request(req: DisclosureRequest, action: str, days: int, ids: dict[str, int]) -> None:
    """Take ``action`` on a request the way its page does."""
    staff_id, supervisor_id = ids["staff"], ids["supervisor"]
    today = local_today()
    if action in STAFF_ACTIONS:
        actions.take_action(req, action, day=today, actor_id=staff_id, deadline=today + timedelta(days=10),
                            days=days, note="需要协调", fee_method="volume", pages=50)
    elif action in ("extension_granted", "extension_refused"):
        actions.decide_extension(req, approve=action == "extension_granted", supervisor_id=supervisor_id,
                                 note="")
    elif action in ("reply_approved", "reply_refused"):
        actions.decide_reply(req, approve=action == "reply_approved", supervisor_id=supervisor_id, note="")
    elif action == "replied":
        services.reply(req, type_code="disclosed", sub_code="provided", text="所需信息见附件。",
                       actor_id=staff_id, supervisor_approved=False)
    elif action == "reply_submitted":
        services.reply(req, type_code="withheld", sub_code="4", text="涉及第三方合法权益，不予公开。",
                       actor_id=staff_id, supervisor_approved=False)
    else:
        lapses.close_lapsed(today)


COMPLAINT_ACTIONS = ("accepted", "not_accepted", "transferred", "extension_requested", "extension_granted",
                     "extension_refused", "replied", "review_requested", "review_replied")


def perform_on_complaint(complaint: Complaint, action: str, days: int, ids: dict[str, int]) -> None:
    """Take ``action`` on a complaint the way its page does (a 复查 is answered by another person)."""
    today = local_today()
    if action in ("accepted", "not_accepted", "transferred"):
        complaints.decide_acceptance(complaint, action, day=today, reason="不属于本机关职责范围",
                                     transferred_to="市场监督管理局", actor_id=ids["staff"])
    elif action == "extension_requested":
        complaints.request_extension(complaint, days=days, reason="需调取监控", actor_id=ids["staff"])
    elif action in ("extension_granted", "extension_refused"):
        complaints.decide_extension(complaint, approve=action == "extension_granted",
                                    supervisor_id=ids["supervisor"])
    elif action in ("replied", "review_replied"):
        reviewing = complaint.matter.status == "reviewing"
        complaints.reply(complaint, outcome="not_upheld", text="经核查，投诉不属实。", day=today,
                         actor_id=ids["admin" if reviewing else "staff"])
    else:
        complaints.request_review(complaint, reason="对处理结果不满意", day=today)


def check_invariants(table: Workflow, matter: Matter) -> None:
    """What must hold after any step."""
    state = table.states[matter.status]
    assert sum(e.kind == "extension_granted" for e in matter.events) <= 1
    origin = matter.resume_status or table.initial
    mode = table.states[origin].clock if state.clock == INHERIT else state.clock
    assert matter.clock_state == CLOCK_STATES[mode], (matter.status, matter.clock_state)
    assert (matter.due_on is not None) == (mode == RUNNING) or mode == CLOSED
    assert (matter.closed_on is not None) == state.final
    if not state.final:
        assert table.allowed(matter, EVERYONE), f"no way out of {matter.status}"
    recomputed = compute(clock_events(matter), load_calendar(), policy_for(matter))
    assert matter.clock_steps == recomputed.steps
    if mode == RUNNING:
        last = next(step for step in reversed(matter.clock_steps) if " → " in step)
        assert last.split(" → ")[1].startswith(matter.due_on.isoformat()), last


def run_sequence(table: Workflow, matter: Matter, sequence, actions: tuple[str, ...],
                 perform: Callable[[str, int], None], traveller) -> None:
    """Take each step (after waiting its days) and check the service against the table."""
    for pick_allowed, pick, advance, days in sequence:
        traveller.shift(timedelta(days=advance))
        allowed = {t.action for t in table.allowed(matter, EVERYONE)}
        choices = sorted(allowed & set(actions)) if pick_allowed and allowed & set(actions) else actions
        action = choices[pick % len(choices)]
        if table is COMPLAINTS and action in ("replied", "review_replied"):  # one form for both
            action = "review_replied" if matter.status == "reviewing" else "replied"
        transition = table.find(matter.status, action)
        allowed_now = action in allowed
        expected = table.target_of(matter, transition) if transition else matter.status
        before = (matter.status, len(matter.events))
        try:
            perform(action, days)
        except FieldError as refused:
            assert not allowed_now, f"{action} allowed in {before[0]} but refused: {refused}"
            assert (matter.status, len(matter.events)) == before
        else:
            if action == "lapsed":
                assert matter.status in (before[0], "abandoned")
            else:
                assert allowed_now, f"{action} done in {before[0]}"
                assert matter.status == expected
        check_invariants(table, matter)


def user_ids(users) -> dict[str, int]:
    return {key: db.session.scalar(select(User.id).where(User.username == users[key]))
            for key in ("staff", "supervisor", "admin")}


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(sequence=steps)
def test_random_actions_on_a_request_keep_the_table_and_the_clock_consistent(app, users, sequence):
    with app.app_context(), time_machine.travel(START, tick=False) as traveller:
        ids = user_ids(users)
        fields = {k: v for k, v in form_data().items() if k != "consent"} | {"org_kind": None}
        req = services.file_request(fields, submission_key=new_submission_key(), attachment=None,
                                    received_on=START.date()).request
        try:
            run_sequence(REQUESTS, req.matter, sequence, REQUEST_ACTIONS,
                         lambda action, days: perform_on_request(req, action, days, ids), traveller)
        finally:
            db.session.rollback()


@SETTINGS
@given(sequence=steps)
def test_random_actions_on_a_complaint_keep_the_table_and_the_clock_consistent(app, users, sequence):
    with app.app_context(), time_machine.travel(START, tick=False) as traveller:
        ids = user_ids(users)
        complaint = complaints.file_complaint(complaint_fields(app), submission_key=new_submission_key(),
                                              attachment=None, received_on=START.date()).complaint
        try:
            run_sequence(COMPLAINTS, complaint.matter, sequence, COMPLAINT_ACTIONS,
                         lambda action, days: perform_on_complaint(complaint, action, days, ids), traveller)
        finally:
            db.session.rollback()
