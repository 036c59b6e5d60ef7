"""The states and actions of a complaint (《信访工作条例》 by default), as one table.

Read it row by row: in these states, this action, taken by this person, if its guards pass,
does this to the clock and leads to that state. ``services.py`` moves a complaint only through
:data:`COMPLAINTS`; the staff page shows only the forms whose actions it allows now.
"""

from __future__ import annotations

from portal.matters.workflow import (
    CLOSED,
    INHERIT,
    RETURN,
    RUNNING,
    State,
    Transition,
    Workflow,
    never_before,
)

ONE_EXTENSION = never_before("extension_granted", "办理期限只能延长一次，本投诉已经延长过。")
ONE_REVIEW = never_before("review_requested", "已经申请过复查。")

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
                   actor="applicant", guards=(ONE_REVIEW,), offered=False),
        Transition("review_replied", "答复复查结果", ("reviewing",), "reviewed", "stop", offered=False),
    ),
    notes=(
        "已答复的投诉办结；投诉人可在答复后规定期限内申请一次复查，复查由原处理人以外的人员办理，"
        "复查期限不延长。",
        "延期申请审批期间办理期限照常计算；审批后回到已受理、办理中。",
    ),
)
