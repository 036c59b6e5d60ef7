"""The state machine behind :func:`portal.core.clock.compute`: one handler per event kind."""

from __future__ import annotations

from datetime import date

from portal.core.clock_model import ClockError, ClockEvent, ClockPolicy, ClockResult, EventKind
from portal.core.clock_text import WORKING_DAYS, amount, consulted_party, iso, kind_label, provisional_note
from portal.core.workdays import WorkCalendar

__all__ = ["Run"]

# An extension granted while waiting for 补正 is kept and added when the period restarts.
_ALLOWED_WHILE_AWAITING = {EventKind.CLARIFICATION_RECEIVED, EventKind.EXTENSION_GRANTED, EventKind.REPLIED,
                           EventKind.WITHDRAWN}


class Run:
    """The mutable state of one computation; one handler per event kind."""

    def __init__(self, calendar: WorkCalendar, policy: ClockPolicy) -> None:
        self.calendar = calendar
        self.policy = policy
        self.unit = policy.unit
        self.gaps: set[int] = set()
        self.steps: list[str] = []
        self.received: date | None = None
        self.due: date | None = None  # while paused: the due date before the pause is added
        self.open_pauses: set[str] = set()
        self.pause_since: date | None = None
        self.consultation_start: date | None = None
        self.consultation_agency = False
        self.third_party_due: date | None = None
        self.fee_notice_open = False
        self.awaiting = False
        self.clarification_requested = False
        self.clarification_deadline: date | None = None
        self.notice_due: date | None = None
        self.clarification_late = False
        self.extended = False
        self.carried_extension = 0  # days granted while awaiting 补正, added when the period restarts
        self.terminal: str | None = None
        self.replied_on: date | None = None
        self.on_time: bool | None = None
        self.accepted_on: date | None = None
        self.reviewed = False

    # -- counting ---------------------------------------------------------------------------------

    def add(self, start: date, n: int, step_gaps: set[int]) -> date:
        if self.unit != WORKING_DAYS:
            return date.fromordinal(start.toordinal() + n)
        result, gaps = self.calendar.add_workdays_detail(start, n)
        step_gaps.update(gaps)
        return result

    def count(self, start: date, end: date, step_gaps: set[int]) -> int:
        if self.unit != WORKING_DAYS:
            return max(0, end.toordinal() - start.toordinal())
        result, gaps = self.calendar.count_workdays_detail(start, end)
        step_gaps.update(gaps)
        return result

    def running_due(self) -> date:
        """The current due date; only absent while waiting for clarification, which dispatch guards."""
        if self.due is None:  # pragma: no cover - unreachable through dispatch
            raise ClockError("办理时限尚未开始计算")
        return self.due

    def step(self, text: str, step_gaps: set[int]) -> None:
        self.gaps.update(step_gaps)
        self.steps.append(text + provisional_note(step_gaps))

    def amount(self, n: int) -> str:
        return amount(n, self.unit)

    # -- pauses -----------------------------------------------------------------------------------

    def open_pause(self, name: str, day: date) -> None:
        if not self.open_pauses:
            self.pause_since = day
        self.open_pauses.add(name)

    def close_pause(self, name: str, day: date, gaps: set[int]) -> int | None:
        """Close one pause; when it was the last one, resume and return the days added, else None."""
        self.open_pauses.discard(name)
        if self.open_pauses:
            return None
        return self.resume(day, gaps)

    def resume(self, day: date, gaps: set[int]) -> int:
        """Restart the clock on ``day``: the due date moves later by the days in ``(pause_since, day]``."""
        since = self.pause_since if self.pause_since is not None else day
        paused = self.count(since, day, gaps)
        self.due = self.add(self.running_due(), paused, gaps)
        self.open_pauses.clear()
        self.pause_since = None
        return paused

    # -- handlers ---------------------------------------------------------------------------------

    def dispatch(self, event: ClockEvent) -> None:
        day = event.day
        if self.terminal is not None and not (
            event.kind == EventKind.REVIEW_REQUESTED and self.terminal == "replied"
        ):
            done = "答复" if self.terminal == "replied" else "撤回"
            raise ClockError(f"{iso(day)} 的事件“{kind_label(event.kind)}”发生在申请已{done}之后")
        if self.received is None:
            if event.kind != EventKind.RECEIVED:
                raise ClockError(f"{iso(day)} 的事件“{kind_label(event.kind)}”早于收到申请")
        elif event.kind == EventKind.RECEIVED:
            raise ClockError(f"{iso(day)} 重复登记收到申请（已于 {iso(self.received)} 收到）")
        if self.awaiting and event.kind not in _ALLOWED_WHILE_AWAITING:
            raise ClockError(f"{iso(day)} 正在等待申请人补正，不能登记“{kind_label(event.kind)}”")
        getattr(self, "on_" + event.kind.value)(event)

    def on_received(self, event: ClockEvent) -> None:
        gaps: set[int] = set()
        self.received = event.day
        self.due = self.add(event.day, self.policy.reply_days, gaps)
        self.notice_due = self.add(event.day, self.policy.clarification_notice_days, gaps)
        self.step(f"{iso(event.day)} 收到申请，{self.amount(self.policy.reply_days)} → {iso(self.due)}", gaps)

    def on_clarification_requested(self, event: ClockEvent) -> None:
        day = event.day
        if self.clarification_requested:
            raise ClockError(f"{iso(day)} 再次要求补正：补正应一次性告知，只能要求一次")
        if self.open_pauses:
            raise ClockError(f"{iso(day)} 征求意见或缴费期间不能要求补正")
        if self.extended:
            raise ClockError(f"{iso(day)} 已延长答复期限，不能再要求补正")
        if event.deadline is not None and event.deadline < day:
            raise ClockError(f"补正期限 {iso(event.deadline)} 早于要求补正的日期 {iso(day)}")
        self.clarification_requested = True
        self.awaiting = True
        self.clarification_deadline = event.deadline
        self.due = None
        text = f"{iso(day)} 要求申请人补正，办理时限中止"
        if event.deadline is not None:
            text += f"，补正期限 {iso(event.deadline)}"
        if self.notice_due is not None and day > self.notice_due:
            self.clarification_late = True
            limit = self.amount(self.policy.clarification_notice_days)
            text += f"（超过收到申请后 {limit}的补正告知期限 {iso(self.notice_due)}）"
        self.step(text, set())

    def on_clarification_received(self, event: ClockEvent) -> None:
        day = event.day
        if not self.awaiting:
            raise ClockError(f"{iso(day)} 收到补正，但此前没有要求补正")
        gaps: set[int] = set()
        self.awaiting = False
        days, carried = self.policy.reply_days, self.carried_extension
        self.carried_extension = 0
        self.due = self.add(day, days + carried, gaps)
        text = f"{iso(day)} 收到补正后的申请，重新计算 {self.amount(days)}"
        if carried:
            text += f"，加上已批准延长的 {self.amount(carried)}"
        text += f" → {iso(self.due)}"
        if self.clarification_deadline is not None and day > self.clarification_deadline:
            text += f"（晚于补正期限 {iso(self.clarification_deadline)}）"
        self.clarification_deadline = None
        self.step(text, gaps)

    def on_consultation_started(self, event: ClockEvent) -> None:
        day = event.day
        if self.consultation_start is not None:
            raise ClockError(f"{iso(day)} 开始征求意见，但 {iso(self.consultation_start)} 开始的征求意见尚未结束")
        gaps: set[int] = set()
        self.consultation_start = day
        self.consultation_agency = event.agency
        self.open_pause("consultation", day)
        text = f"{iso(day)} 征求{consulted_party(event.agency)}意见开始，期间不计入办理时限"
        if not event.agency:
            self.third_party_due = self.add(day, self.policy.third_party_days, gaps)
            text += f"（第三方 {self.amount(self.policy.third_party_days)}内提出意见，至 {iso(self.third_party_due)}）"
        self.step(text, gaps)

    def on_consultation_ended(self, event: ClockEvent) -> None:
        day = event.day
        if self.consultation_start is None:
            raise ClockError(f"{iso(day)} 征求意见结束，但此前没有开始征求意见")
        gaps: set[int] = set()
        text = f"{iso(day)} {consulted_party(self.consultation_agency)}意见收到"
        if self.third_party_due is not None and day > self.third_party_due:
            text += f"（已超过第三方提出意见的期限 {iso(self.third_party_due)}）"
        self.consultation_start = None
        self.third_party_due = None
        paused = self.close_pause("consultation", day, gaps)
        self.step(text + self.resumed(paused), gaps)

    def on_fee_notice_sent(self, event: ClockEvent) -> None:
        day = event.day
        if self.fee_notice_open:
            raise ClockError(f"{iso(day)} 发出收费通知，但此前的收费通知尚未缴费")
        self.fee_notice_open = True
        if self.policy.fee_notice_pauses:
            self.open_pause("fee", day)
            self.step(f"{iso(day)} 发出收费通知，缴费期间不计入办理时限", set())
        else:
            self.step(f"{iso(day)} 发出收费通知（按本机关规定不中止办理时限）", set())

    def on_fee_paid(self, event: ClockEvent) -> None:
        day = event.day
        if not self.fee_notice_open:
            raise ClockError(f"{iso(day)} 登记缴费，但此前没有发出收费通知")
        self.fee_notice_open = False
        if not self.policy.fee_notice_pauses:
            self.step(f"{iso(day)} 申请人缴纳费用", set())
            return
        gaps: set[int] = set()
        paused = self.close_pause("fee", day, gaps)
        self.step(f"{iso(day)} 申请人缴纳费用" + self.resumed(paused), gaps)

    def resumed(self, paused: int | None) -> str:
        if paused is None:
            return "（其他不计入期间尚未结束，继续暂停）"
        return f"，暂停 {self.amount(paused)} → {iso(self.due)}"

    def on_extension_granted(self, event: ClockEvent) -> None:
        day, n = event.day, event.days
        if self.extended:
            raise ClockError(f"{iso(day)} 再次延长：答复期限只能延长一次")
        if n is None or n < 1:
            raise ClockError(f"{iso(day)} 延长答复期限须写明延长的天数")
        if n > self.policy.max_extension_days:
            limit = self.amount(self.policy.max_extension_days)
            raise ClockError(f"{iso(day)} 延长 {self.amount(n)}，超过最长 {limit}")
        gaps: set[int] = set()
        self.extended = True
        if self.awaiting:
            self.carried_extension = n
            self.step(f"{iso(day)} 延长答复期限 {self.amount(n)}（正在等待补正，收到补正后重新计算时一并计入）", gaps)
            return
        self.due = self.add(self.running_due(), n, gaps)
        if self.open_pauses:
            self.step(f"{iso(day)} 延长答复期限 {self.amount(n)}（正在暂停，恢复计算时一并顺延）", gaps)
        else:
            self.step(f"{iso(day)} 延长答复期限 {self.amount(n)} → {iso(self.due)}", gaps)

    def close_all_pauses(self, day: date, gaps: set[int]) -> str:
        if not self.open_pauses:
            return ""
        paused = self.resume(day, gaps)
        self.consultation_start = None
        self.third_party_due = None
        return f"（暂停至当日结束，暂停 {self.amount(paused)} → {iso(self.due)}）"

    def on_replied(self, event: ClockEvent) -> None:
        day = event.day
        gaps: set[int] = set()
        self.terminal = "replied"
        self.replied_on = day
        if self.awaiting:
            self.step(f"{iso(day)} 作出答复（等待补正期间，不计算办理时限）", gaps)
            return
        text = f"{iso(day)} 作出答复" + self.close_all_pauses(day, gaps)
        due = self.running_due()
        self.on_time = day <= due
        if self.on_time:
            text += f"，在期限 {iso(due)} 内"
        else:
            text += f"，超过期限 {iso(due)}，逾期 {self.amount(self.count(due, day, gaps))}"
        self.step(text, gaps)

    def on_accepted(self, event: ClockEvent) -> None:
        """Acceptance decided: the handling period starts the day after (two-phase matters)."""
        day = event.day
        if self.policy.handle_days is None:
            raise ClockError(f"{iso(day)} 本类事项没有受理环节")
        if self.accepted_on is not None:
            raise ClockError(f"{iso(day)} 重复受理（已于 {iso(self.accepted_on)} 受理）")
        gaps: set[int] = set()
        text = f"{iso(day)} 决定受理"
        if self.due is not None and day > self.due:
            text += f"（超过受理告知期限 {iso(self.due)}）"
        self.accepted_on = day
        self.extended = False
        self.due = self.add(day, self.policy.handle_days, gaps)
        self.step(f"{text}，办理期限 {self.amount(self.policy.handle_days)} → {iso(self.due)}", gaps)

    def on_review_requested(self, event: ClockEvent) -> None:
        """复查 requested within the window after the reply: a new period, one extension again."""
        day = event.day
        if self.policy.review_days is None or self.replied_on is None:
            raise ClockError(f"{iso(day)} 本类事项不能申请复查，或尚未答复")
        gaps: set[int] = set()
        window = self.policy.review_window_days or 0
        last_day = self.add(self.replied_on, window, gaps)
        if day > last_day:
            raise ClockError(f"{iso(day)} 申请复查已超过答复后 {self.amount(window)}的期限 {iso(last_day)}")
        if self.reviewed:
            raise ClockError(f"{iso(day)} 已经申请过复查")
        self.reviewed = True
        self.terminal = None
        self.on_time = None
        self.replied_on = None
        self.extended = True  # the review period is not extended
        self.due = self.add(day, self.policy.review_days, gaps)
        self.step(f"{iso(day)} 申请复查，复查期限 {self.amount(self.policy.review_days)} → {iso(self.due)}",
                  gaps)

    def on_withdrawn(self, event: ClockEvent) -> None:
        gaps: set[int] = set()
        self.terminal = "withdrawn"
        text = f"{iso(event.day)} 申请人撤回申请，停止计时" + self.close_all_pauses(event.day, gaps)
        self.step(text, gaps)

    # -- result -----------------------------------------------------------------------------------

    def result(self) -> ClockResult:
        if self.terminal is not None:
            state = self.terminal
        elif self.awaiting:
            state = "awaiting_clarification"
        elif self.open_pauses:
            state = "paused"
        else:
            state = "running"
        stopped = self.awaiting or bool(self.open_pauses)
        return ClockResult(
            due_on=None if stopped else self.due,
            state=state,
            provisional=bool(self.gaps),
            steps=list(self.steps),
            clarification_notice_due=self.notice_due,
            clarification_late=self.clarification_late,
            clarification_deadline=self.clarification_deadline if self.awaiting and self.terminal is None else None,
            third_party_due=self.third_party_due if self.terminal is None else None,
            extended=self.extended,
            replied_on=self.replied_on,
            on_time=self.on_time,
            gap_years=frozenset(self.gaps),
        )
