"""The states and actions of an information-disclosure request, as one table.

Read it row by row: in these states, this action, taken by this person, if its guards pass,
does this to the statutory clock and leads to that state. ``actions.py``, ``services.py`` and
``lapses.py`` move a request only through :data:`REQUESTS`; the staff page offers only what it
allows now. The clock itself (:mod:`portal.core.clock`) computes the due date from the events.
"""

from __future__ import annotations

from portal.matters.workflow import (
    CLOSED,
    INHERIT,
    PAUSED,
    RETURN,
    RUNNING,
    STOPPED,
    State,
    Transition,
    Workflow,
    never_before,
)

OPEN_WORK = ("received", "awaiting_clarification", "consulting", "fee_pending")

ONE_CLARIFICATION = never_before("clarification_requested", "补正应一次性告知，只能要求一次补正。")
NOT_AFTER_EXTENSION = never_before("extension_granted", "答复期限已经延长，不能再要求补正。")
ONE_EXTENSION = never_before("extension_granted", "答复期限只能延长一次，本申请已经延长过。")

REQUESTS = Workflow(
    name="依申请公开",
    initial="received",
    states={s.code: s for s in (
        State("received", "已受理，办理中", RUNNING),
        State("awaiting_clarification", "待申请人补正", STOPPED),
        State("consulting", "征求意见中（期间不计入办理时限）", PAUSED),
        State("fee_pending", "待申请人缴纳信息处理费", PAUSED),
        State("extension_requested", "延期申请审批中", INHERIT),
        State("reply_pending_approval", "答复审批中", RUNNING),
        State("replied", "已答复", CLOSED, final=True),
        State("abandoned", "申请人逾期未补正或未缴费，视为放弃申请", CLOSED, final=True),
    )},
    transitions=(
        Transition("clarification_requested", "发出补正通知", ("received",), "awaiting_clarification",
                   "suspend", guards=(ONE_CLARIFICATION, NOT_AFTER_EXTENSION)),
        Transition("clarification_received", "收到补正材料", ("awaiting_clarification",), "received",
                   "restart"),
        Transition("consultation_started", "开始征求第三方（或其他机关）意见", ("received",), "consulting",
                   "pause"),
        Transition("consultation_ended", "征求意见结束", ("consulting",), "received", "resume"),
        Transition("fee_notice_sent", "发出收费通知（信息处理费）", ("received",), "fee_pending", "pause"),
        Transition("fee_paid", "申请人已缴费", ("fee_pending",), "received", "resume"),
        Transition("extension_requested", "申请延长答复期限", OPEN_WORK, "extension_requested",
                   guards=(ONE_EXTENSION,)),
        Transition("extension_granted", "批准延期", ("extension_requested",), RETURN, "extend",
                   actor="supervisor", guards=(ONE_EXTENSION,), offered=False),
        Transition("extension_refused", "不批准延期", ("extension_requested",), RETURN,
                   actor="supervisor", offered=False),
        Transition("reply_submitted", "答复送审（不予公开、部分公开、不予处理）", ("received",),
                   "reply_pending_approval", offered=False),
        Transition("replied", "答复", ("received",), "replied", "stop", offered=False),
        Transition("reply_approved", "批准答复并发出", ("reply_pending_approval",), "replied", "stop",
                   actor="supervisor", offered=False),
        Transition("reply_refused", "退回答复", ("reply_pending_approval",), "received",
                   actor="supervisor", offered=False),
        Transition("lapsed", "逾期未补正或未缴费，视为放弃", ("awaiting_clarification", "fee_pending"),
                   "abandoned", "stop", actor="system", offered=False),
    ),
    notes=(
        "延期申请审批期间，时限按申请延期前的状态计算（补正期间仍中止，征求意见、缴费期间仍暂停）；"
        "审批后回到申请延期前的状态。",
        "补正期间批准的延期，在收到补正、重新计算 20 个工作日时一并计入。",
        "缴费期间是否计入办理时限由本机关设定（FEE_NOTICE_PAUSES_CLOCK，默认不计入）。",
        "内部备注随时可以记录，不改变状态。",
    ),
)
