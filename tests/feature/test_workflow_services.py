"""Random sequences of staff, supervisor and system actions on a request, through the real
services on the database, against the workflow table and the statutory clock.

After every step: the service did exactly what the table allows (a refused action changes
nothing), at most one extension was granted, the clock runs only in running states, every open
state has a way out, and the stored explanation matches the due date.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal.accounts.models import User
from portal.calendar.services import load_calendar
from portal.core.clock import compute
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.disclosure import actions, lapses, services
from portal.disclosure.models import DisclosureRequest
from portal.disclosure.workflow import REQUESTS
from portal.extensions import db
from portal.matters.models import Matter
from portal.matters.services import clock_events, new_submission_key, policy_for
from portal.matters.workflow import CLOSED, INHERIT, PAUSED, RUNNING, STOPPED
from tests.feature.test_requests import form_data

START = datetime(2026, 9, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
EVERYONE = ("staff", "supervisor", "applicant", "system")
STAFF_ACTIONS = ("clarification_requested", "clarification_received", "consultation_started",
                 "consultation_ended", "fee_notice_sent", "fee_paid", "extension_requested")
ACTIONS = (*STAFF_ACTIONS, "extension_granted", "extension_refused", "replied", "reply_submitted",
           "reply_approved", "reply_refused", "lapsed")
CLOCK_STATES = {RUNNING: "running", PAUSED: "paused", STOPPED: "awaiting_clarification", CLOSED: "replied"}

# Each step: (take an action the table allows now, or any action?), which one, days to wait first,
# days of extension asked for. Mostly allowed actions, so that sequences go deep.
steps = st.lists(st.tuples(st.sampled_from((True, True, True, False)), st.integers(0, 100), st.integers(0, 12),
                           st.integers(1, 20)), min_size=1, max_size=16)


def perform(req: DisclosureRequest, action: str, days: int, staff_id: int, supervisor_id: int) -> None:
    """Take ``action`` the way its page does."""
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


def check_invariants(matter: Matter) -> None:
    """What must hold after any step."""
    state = REQUESTS.states[matter.status]
    assert sum(e.kind == "extension_granted" for e in matter.events) <= 1
    mode = REQUESTS.states[matter.resume_status or "received"].clock if state.clock == INHERIT else state.clock
    assert matter.clock_state == CLOCK_STATES[mode], (matter.status, matter.clock_state)
    assert (matter.due_on is not None) == (mode == RUNNING) or mode == CLOSED
    assert (matter.closed_on is not None) == state.final
    if not state.final:
        assert REQUESTS.allowed(matter, EVERYONE), f"no way out of {matter.status}"
    recomputed = compute(clock_events(matter), load_calendar(), policy_for(matter))
    assert matter.clock_steps == recomputed.steps
    if mode == RUNNING:
        last = next(step for step in reversed(matter.clock_steps) if " → " in step)
        assert last.split(" → ")[1].startswith(matter.due_on.isoformat()), last


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_random_actions_through_the_services_keep_the_table_and_the_clock_consistent(app, users, sequence):
    with app.app_context(), time_machine.travel(START, tick=False) as traveller:
        staff_id, supervisor_id = (db.session.scalar(select(User.id).where(User.username == users[key]))
                                   for key in ("staff", "supervisor"))
        fields = {k: v for k, v in form_data().items() if k != "consent"} | {"org_kind": None}
        req = services.file_request(fields, submission_key=new_submission_key(), attachment=None,
                                    received_on=START.date()).request
        matter = req.matter
        try:
            for pick_allowed, pick, advance, days in sequence:
                traveller.shift(timedelta(days=advance))
                allowed = {t.action for t in REQUESTS.allowed(matter, EVERYONE)}
                choices = sorted(allowed) if pick_allowed and allowed else ACTIONS
                action = choices[pick % len(choices)]
                transition = REQUESTS.find(matter.status, action)
                expected = REQUESTS.target_of(matter, transition) if transition else matter.status
                before = (matter.status, len(matter.events))
                try:
                    perform(req, action, days, staff_id, supervisor_id)
                except FieldError as refused:
                    assert action not in allowed, f"{action} allowed in {before[0]} but refused: {refused}"
                    assert (matter.status, len(matter.events)) == before
                else:
                    if action == "lapsed":
                        assert matter.status in (before[0], "abandoned")
                    else:
                        assert action in allowed, f"{action} done in {before[0]}"
                        assert matter.status == expected
                check_invariants(matter)
        finally:
            db.session.rollback()

