"""The workflow tables of requests and complaints: no dead ends, one extension, returns go home."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.complaints.workflow import COMPLAINTS
from portal.core.errors import FieldError
from portal.disclosure.workflow import REQUESTS
from portal.matters.workflow import CLOCK_MODES, INHERIT, RETURN, NeverBefore, Workflow
from portal.matters.workflow_text import markdown

TABLES = [REQUESTS, COMPLAINTS]
EVERYONE = ("staff", "supervisor", "applicant", "system")


@dataclass
class Event:
    """Just what the guards read of a matter's event."""

    kind: str


@dataclass
class FakeMatter:
    """Just what the engine reads of a matter: status, the state to return to, its events."""

    status: str
    resume_status: str | None = None
    closed_on: date | None = None
    events: list[Event] = field(default_factory=list)


def history_guards_only(table: Workflow) -> Workflow:
    """``table`` without the guards that read the calendar or the database (the random sequences
    through the services in tests/feature/test_workflow_services.py check those)."""
    return replace(table, transitions=tuple(
        replace(t, guards=tuple(g for g in t.guards if isinstance(g, NeverBefore))) for t in table.transitions))


def reachable(table: Workflow) -> set[str]:
    seen, todo = {table.initial}, [table.initial]
    while todo:
        for transition in table.transitions_from(todo.pop()):
            targets = [t.sources[0] for t in table.transitions if t.target == transition.sources[0]] \
                if transition.target == RETURN else [transition.target]
            for target in targets:
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
    return seen


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_open_state_has_a_way_out_and_every_state_is_reachable(table):
    for code, state in table.states.items():
        assert state.final or table.transitions_from(code), f"{code} has no exit"
        assert state.clock in CLOCK_MODES
    assert reachable(table) == set(table.states)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_each_action_appears_once_per_state(table):
    pairs = [(source, t.action) for t in table.transitions for source in t.sources]
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_only_states_entered_from_several_places_inherit_the_clock(table):
    for code, state in table.states.items():
        assert (state.clock == INHERIT) == table.returns_from(code)


def test_an_action_the_table_does_not_allow_is_refused_in_chinese_and_changes_nothing():
    matter = FakeMatter("consulting")
    with pytest.raises(FieldError, match="当前状态（征求意见中"):
        REQUESTS.move(matter, "clarification_requested")
    assert matter.status == "consulting"
    closed = FakeMatter("replied", closed_on=date(2026, 10, 1))
    with pytest.raises(FieldError, match="已办结"):
        REQUESTS.move(closed, "extension_requested")


def test_extension_asked_during_clarification_returns_to_clarification():
    matter = FakeMatter("awaiting_clarification", events=[Event("clarification_requested")])
    REQUESTS.move(matter, "extension_requested")
    assert (matter.status, matter.resume_status) == ("extension_requested", "awaiting_clarification")
    REQUESTS.move(matter, "extension_refused")
    assert (matter.status, matter.resume_status) == ("awaiting_clarification", None)
    REQUESTS.move(matter, "extension_requested")
    REQUESTS.move(matter, "extension_granted")
    assert matter.status == "awaiting_clarification"


def test_a_pending_extension_from_before_the_column_returns_to_the_state_that_asks_first():
    assert REQUESTS.target_of(FakeMatter("extension_requested"), REQUESTS.find(
        "extension_requested", "extension_granted")) == "received"
    assert COMPLAINTS.target_of(FakeMatter("extension_requested"), COMPLAINTS.find(
        "extension_requested", "extension_refused")) == "accepted"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
@settings(max_examples=300, deadline=None)
@given(choices=st.lists(st.integers(min_value=0, max_value=50), max_size=40))
def test_random_walks_never_get_stuck_and_extend_at_most_once(table, choices):
    table = history_guards_only(table)
    matter = FakeMatter(table.initial)
    origin = None
    for choice in choices:
        allowed = table.allowed(matter, EVERYONE)
        if table.is_final(matter.status) and not allowed:
            break
        assert allowed, f"stuck in {matter.status}"
        transition = allowed[choice % len(allowed)]
        before = matter.status
        table.move(matter, transition.action)
        matter.events.append(Event(transition.action))
        if transition.target == RETURN:
            assert matter.status == origin  # back where the extension was asked for
        if table.returns_from(matter.status):
            origin = before
            assert matter.resume_status == before
        assert sum(e.kind == "extension_granted" for e in matter.events) <= 1
        assert matter.status in table.states


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_the_rules_page_shows_the_tables_as_the_portal_applies_them(table):
    rules = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    assert markdown(table) in rules
