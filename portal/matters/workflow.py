"""A small state machine for matters: states, actions, guards, clock effects and targets.

Each kind of matter declares one :class:`Workflow` table (requests in
``portal/disclosure/workflow.py``, complaints in ``portal/complaints/workflow.py``);
its services ask the table before they write anything, and the staff pages offer only the
actions it allows. A transition whose target is :data:`RETURN` goes back to the state the matter
was in when it entered the current state (an extension asked for during 补正 returns to 补正);
that state is kept on the matter (``Matter.resume_status``) while the approval is pending.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from portal.core.errors import FieldError
from portal.matters.models import Matter

RETURN = "<return>"  # target: back to the state the matter came from

# What a state does to the statutory clock.
RUNNING = "running"  # the period runs
PAUSED = "paused"  # not counted (consultation, fee notice); counting resumes where it stopped
STOPPED = "stopped"  # waiting for 补正: the period restarts in full afterwards
CLOSED = "closed"  # no period runs: the matter is answered, refused or abandoned
INHERIT = "inherit"  # whatever the state it came from did (a pending extension)
CLOCK_MODES = {RUNNING: "计时", PAUSED: "暂停计时", STOPPED: "中止，补正后重新计算",
               CLOSED: "停止计时", INHERIT: "同来源状态"}

# What a transition does to the clock.
EFFECTS = {"none": "—", "start": "开始计时", "pause": "暂停", "resume": "恢复计时",
           "suspend": "中止（补正后重新计算）",
           "restart": "重新计算全部期限", "extend": "顺延（批准的天数）", "stop": "停止计时"}

Guard = Callable[[Matter], str | None]  # returns the Chinese reason for refusing, or None


@dataclass(frozen=True)
class State:
    """A state: its label as staff and applicants read it, and what the clock does in it."""

    code: str
    label: str
    clock: str
    final: bool = False


@dataclass(frozen=True)
class Transition:
    """An action allowed in ``sources``: who takes it, its clock effect and where it leads."""

    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    effect: str = "none"
    actor: str = "staff"  # staff | supervisor | applicant | system
    guards: tuple[Guard, ...] = ()
    offered: bool = True  # listed among the staff page's actions (else it has its own form)


@dataclass(frozen=True)
class Workflow:
    """One kind's table: its states and transitions, read by services, pages and the rules page."""

    name: str
    initial: str
    states: dict[str, State]
    transitions: tuple[Transition, ...]
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for transition in self.transitions:
            if transition.effect not in EFFECTS:
                raise ValueError(f"unknown clock effect {transition.effect!r}")
            for code in (*transition.sources, transition.target):
                if code != RETURN and code not in self.states:
                    raise ValueError(f"{transition.action}: unknown state {code!r}")

    def transitions_from(self, state: str) -> list[Transition]:
        """Every transition leaving ``state`` (guards not checked)."""
        return [t for t in self.transitions if state in t.sources]

    def find(self, state: str, action: str) -> Transition | None:
        """The transition for ``action`` in ``state``, if the table has one."""
        return next((t for t in self.transitions_from(state) if t.action == action), None)

    def is_final(self, state: str) -> bool:
        """Whether ``state`` closes the matter (unknown states count as open)."""
        found = self.states.get(state)
        return found is not None and found.final

    def label(self, state: str) -> str:
        """The Chinese label of a state (its code when unknown)."""
        found = self.states.get(state)
        return found.label if found else state

    def allowed(self, matter: Matter, actors: Iterable[str] = ("staff",)) -> list[Transition]:
        """The transitions ``matter`` may take now by one of ``actors``: in its state, guards passing."""
        wanted = set(actors)
        return [t for t in self.transitions_from(matter.status)
                if t.actor in wanted and refusal(t, matter) is None]

    def check(self, matter: Matter, action: str, field_name: str = "action") -> Transition:
        """The transition ``action`` takes now; raises :class:`FieldError` in Chinese if it may not."""
        transition = self.find(matter.status, action)
        if transition is None and self.is_final(matter.status):
            raise FieldError(field_name, f"该事项已办结（{self.label(matter.status)}），不能进行此操作。")
        if transition is None:
            raise FieldError(field_name, f"当前状态（{self.label(matter.status)}）不能进行此操作。")
        reason = refusal(transition, matter)
        if reason is not None:
            raise FieldError(field_name, reason)
        return transition

    def target_of(self, matter: Matter, transition: Transition) -> str:
        """The state ``transition`` leads ``matter`` to (a return goes back where it came from)."""
        if transition.target != RETURN:
            return transition.target
        return matter.resume_status or self.fallback_return(transition)

    def fallback_return(self, transition: Transition) -> str:
        """Where a return leads when the origin was not kept: the first state that leads here."""
        for other in self.transitions:
            if transition.sources[0] == other.target and other.target != RETURN:
                return other.sources[0]
        return self.initial

    def move(self, matter: Matter, action: str, field_name: str = "action") -> Transition:
        """Check ``action`` and move ``matter`` to its target, remembering where it came from
        when the target state may later return (a pending approval)."""
        transition = self.check(matter, action, field_name)
        target = self.target_of(matter, transition)
        if self.returns_from(target):
            matter.resume_status = matter.status
        elif transition.target == RETURN:
            matter.resume_status = None
        matter.status = target
        return transition

    def returns_from(self, state: str) -> bool:
        """Whether some transition leaves ``state`` by returning to where the matter came from."""
        return any(t.target == RETURN for t in self.transitions_from(state))


def refusal(transition: Transition, matter: Matter) -> str | None:
    """The first guard's reason for refusing ``transition`` on ``matter``, or None."""
    for guard in transition.guards:
        reason = guard(matter)
        if reason is not None:
            return reason
    return None


@dataclass(frozen=True)
class NeverBefore:
    """A guard refusing the action once an event of ``kind`` is in the matter's history."""

    kind: str
    reason: str

    def __call__(self, matter: Matter) -> str | None:
        """The reason for refusing, if ``kind`` already happened."""
        return self.reason if any(e.kind == self.kind for e in matter.events) else None


def never_before(kind: str, reason: str) -> Guard:
    """A guard refusing the action once an event of ``kind`` happened (``reason`` says why)."""
    return NeverBefore(kind, reason)


@dataclass(frozen=True)
class Condition:
    """Any other guard, with what it requires in Chinese for the rules page."""

    text: str
    check: Guard

    def __call__(self, matter: Matter) -> str | None:
        """The reason for refusing, if the condition does not hold."""
        return self.check(matter)


def guard_text(guard: Guard) -> str:
    """What a guard requires or refuses, in Chinese, for the rules page."""
    if isinstance(guard, NeverBefore):
        return guard.reason
    return guard.text if isinstance(guard, Condition) else (guard.__doc__ or "").strip()
