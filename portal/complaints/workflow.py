"""The states and actions of a complaint (《信访工作条例》 by default), as one table.

Read it row by row: in these states, this action, taken by this person, if its guards pass,
does this to the clock and leads to that state. ``services.py`` moves a complaint only through
:data:`COMPLAINTS`; the staff page shows only the forms whose actions it allows now.
"""

from __future__ import annotations

from datetime import date, timedelta

from portal.calendar.services import load_calendar
from portal.core.clock_text import WORKING_DAYS, amount
from portal.core.timefmt import local_today
from portal.matters.models import Matter
from portal.matters.services import policy_for
from portal.matters.workflow import (
    CLOSED,
    INHERIT,
    RETURN,
    RUNNING,
    Condition,
    State,
    Transition,
    Workflow,
    never_before,
)

ONE_EXTENSION = never_before("extension_granted", "办理期限只能延长一次，本投诉已经延长过。")
ONE_REVIEW = never_before("review_requested", "已经申请过复查。")


def within_review_window(matter: Matter) -> str | None:
    """复查 may be asked for only within the type's window after the reply."""
    replied = next((e.day for e in reversed(matter.events) if e.kind == "replied"), None)
    if replied is None:
        return "尚未答复，不能申请复查。"
    policy = policy_for(matter)
    window = policy.review_window_days or 0
    last_day: date = (load_calendar().add_workdays_detail(replied, window)[0] if policy.unit == WORKING_DAYS
                      else replied + timedelta(days=window))
    if local_today() > last_day:
        return f"申请复查应在答复后 {amount(window, policy.unit)}内（至 {last_day.isoformat()}）提出。"
    return None


IN_WINDOW = Condition("在答复后规定期限内提出", within_review_window)

COMPLAINTS = Workflow(
    name="投诉",
    initial="received",
    states={s.code: s for s in (
        State("received", "已收到，待决定是否受理", RUNNING),
        State("accepted", "已受理，办理中", RUNNING),
        State("extension_requested", "延期申请审批中", INHERIT),
        State("not_accepted", "不予受理", CLOSED, final=True),
        State("transferred", "已转送其他机关", CLOSED, final=True),
        State("replied", "已答复", CLOSED, final=True),
        State("reviewing", "复查中", RUNNING),
        State("reviewed", "复查已答复", CLOSED, final=True),
    )},
    transitions=(
        Transition("accepted", "受理", ("received",), "accepted", "start", offered=False),
        Transition("not_accepted", "不予受理（说明理由）", ("received",), "not_accepted", "stop",
                   offered=False),
        Transition("transferred", "转送其他机关", ("received",), "transferred", "stop", offered=False),
        Transition("extension_requested", "申请延长办理期限", ("accepted",), "extension_requested",
                   guards=(ONE_EXTENSION,), offered=False),
        Transition("extension_granted", "批准延期", ("extension_requested",), RETURN, "extend",
                   actor="supervisor", guards=(ONE_EXTENSION,), offered=False),
        Transition("extension_refused", "不批准延期", ("extension_requested",), RETURN,
                   actor="supervisor", offered=False),
        Transition("replied", "答复处理结果", ("accepted",), "replied", "stop", offered=False),
        Transition("review_requested", "申请复查（答复后期限内，一次）", ("replied",), "reviewing", "start",
                   actor="applicant", guards=(ONE_REVIEW, IN_WINDOW), offered=False),
        Transition("review_replied", "答复复查结果", ("reviewing",), "reviewed", "stop", offered=False),
    ),
    notes=(
        "已答复的投诉办结；投诉人可在答复后规定期限内申请一次复查，复查由原处理人以外的人员办理，"
        "复查期限不延长。",
        "延期申请审批期间办理期限照常计算；审批后回到已受理、办理中。",
    ),
)
