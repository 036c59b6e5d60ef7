"""The statutory clock: due dates, pauses, restarts, extensions, errors and the Chinese explanation."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.core.clock import ClockError, ClockEvent, ClockPolicy, EventKind, compute
from portal.core.workdays import WorkCalendar

CAL = WorkCalendar()
K = EventKind
DEFAULT = ClockPolicy()
FEE_PAUSES = ClockPolicy(fee_notice_pauses=True)
COMPLAINTS = ClockPolicy(reply_days=60, unit="calendar_days", max_extension_days=30)


def ev(kind: EventKind, day: date, **extra) -> ClockEvent:
    return ClockEvent(kind, day, **extra)


def received(day: date) -> ClockEvent:
    return ClockEvent(K.RECEIVED, day)


def run(*events: ClockEvent, calendar: WorkCalendar = CAL, policy: ClockPolicy = DEFAULT):
    return compute(list(events), calendar, policy)


# -- fixed cases ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("receipt", "due"),
    [
        (date(2025, 9, 26), date(2025, 10, 30)),  # National Day 2025 with make-up days 09-28 and 10-11
        (date(2026, 9, 25), date(2026, 10, 29)),  # National Day 2026
        (date(2026, 2, 13), date(2026, 3, 19)),  # Spring Festival 2026 with make-up days 02-14 and 02-28
        (date(2026, 1, 30), date(2026, 3, 5)),
    ],
)
def test_reply_due_twenty_working_days_after_receipt(receipt, due):
    result = run(received(receipt))
    assert result.due_on == due
    assert result.state == "running"
    assert not result.provisional and result.gap_years == frozenset()
    assert result.steps == [f"{receipt.isoformat()} 收到申请，20 个工作日 → {due.isoformat()}"]
    assert not result.extended and result.replied_on is None and result.on_time is None


def test_clarification_restarts_the_twenty_days():
    request = ev(K.CLARIFICATION_REQUESTED, date(2025, 9, 29), deadline=date(2025, 10, 17))
    waiting = run(received(date(2025, 9, 26)), request)
    assert waiting.state == "awaiting_clarification"
    assert waiting.due_on is None
    assert waiting.clarification_deadline == date(2025, 10, 17)
    assert waiting.clarification_notice_due == date(2025, 10, 13)
    assert not waiting.clarification_late
    assert waiting.steps[-1] == "2025-09-29 要求申请人补正，办理时限中止，补正期限 2025-10-17"

    done = run(received(date(2025, 9, 26)), request, ev(K.CLARIFICATION_RECEIVED, date(2025, 10, 15)))
    assert done.state == "running"
    assert done.due_on == date(2025, 11, 12)  # 10-16, 10-17, then 18 more
    assert done.clarification_deadline is None
    assert done.steps[-1] == "2025-10-15 收到补正后的申请，重新计算 20 个工作日 → 2025-11-12"


def test_extension_granted_during_clarification_is_added_when_the_period_restarts():
    events = [received(date(2025, 9, 26)),
              ev(K.CLARIFICATION_REQUESTED, date(2025, 9, 29), deadline=date(2025, 10, 17)),
              ev(K.EXTENSION_GRANTED, date(2025, 9, 30), days=10)]
    waiting = run(*events)
    assert waiting.state == "awaiting_clarification" and waiting.due_on is None and waiting.extended
    assert waiting.steps[-1] == "2025-09-30 延长答复期限 10 个工作日（正在等待补正，收到补正后重新计算时一并计入）"
    done = run(*events, ev(K.CLARIFICATION_RECEIVED, date(2025, 10, 15)))
    assert done.state == "running"
    assert done.due_on == CAL.add_workdays(date(2025, 10, 15), 30)
    assert done.steps[-1] == (f"2025-10-15 收到补正后的申请，重新计算 20 个工作日，加上已批准延长的 10 个工作日"
                              f" → {done.due_on.isoformat()}")


def test_late_clarified_application_is_noted():
    request = ev(K.CLARIFICATION_REQUESTED, date(2025, 9, 29), deadline=date(2025, 10, 17))
    result = run(received(date(2025, 9, 26)), request, ev(K.CLARIFICATION_RECEIVED, date(2025, 10, 20)))
    assert "晚于补正期限 2025-10-17" in result.steps[-1]


@pytest.mark.parametrize(
    ("request_day", "late"),
    [(date(2025, 10, 13), False), (date(2025, 10, 14), True), (date(2025, 9, 26), False)],
)
def test_clarification_notice_must_go_out_within_seven_working_days(request_day, late):
    result = run(received(date(2025, 9, 26)), ev(K.CLARIFICATION_REQUESTED, request_day))
    # 09-28 (make-up Sunday), 09-29, 09-30, 10-09, 10-10, 10-11 (make-up Saturday), 10-13
    assert result.clarification_notice_due == date(2025, 10, 13)
    assert result.clarification_late is late
    assert ("超过收到申请后 7 个工作日的补正告知期限 2025-10-13" in result.steps[-1]) is late


CONSULTATION = (
    received(date(2025, 9, 26)),
    ev(K.CONSULTATION_STARTED, date(2025, 10, 9)),
    ev(K.CONSULTATION_ENDED, date(2025, 10, 20)),
)


def test_consultation_pause_crossing_a_make_up_day():
    paused = run(*CONSULTATION[:2])
    assert paused.state == "paused" and paused.due_on is None
    assert paused.third_party_due == date(2025, 10, 29)
    assert paused.steps[-1] == (
        "2025-10-09 征求第三方意见开始，期间不计入办理时限（第三方 15 个工作日内提出意见，至 2025-10-29）"
    )
    result = run(*CONSULTATION)
    # (10-09, 10-20] holds 10-10, 10-11 (make-up Saturday), 10-13..10-17, 10-20: 8 working days
    assert result.due_on == date(2025, 11, 11)
    assert result.third_party_due is None
    assert result.steps[-1] == "2025-10-20 第三方意见收到，暂停 8 个工作日 → 2025-11-11"


def test_consultation_straddling_national_day():
    result = run(
        received(date(2025, 9, 15)),
        ev(K.CONSULTATION_STARTED, date(2025, 9, 30), agency=True),
        ev(K.CONSULTATION_ENDED, date(2025, 10, 9)),
    )
    # receipt + 20 = 2025-10-17; (09-30, 10-09] holds only 10-09: one working day
    assert run(received(date(2025, 9, 15))).due_on == date(2025, 10, 17)
    assert result.due_on == date(2025, 10, 20)
    assert result.steps[1] == "2025-09-30 征求其他机关意见开始，期间不计入办理时限"
    assert result.steps[2] == "2025-10-09 其他机关意见收到，暂停 1 个工作日 → 2025-10-20"


def test_extension_after_consultation_and_a_timely_reply():
    result = run(
        *CONSULTATION,
        ev(K.EXTENSION_GRANTED, date(2025, 11, 5), days=20),
        ev(K.REPLIED, date(2025, 12, 9)),
    )
    assert result.steps[3] == "2025-11-05 延长答复期限 20 个工作日 → 2025-12-09"
    assert result.steps[4] == "2025-12-09 作出答复，在期限 2025-12-09 内"
    assert result.due_on == date(2025, 12, 9)
    assert result.state == "replied" and result.extended
    assert result.replied_on == date(2025, 12, 9) and result.on_time is True


def test_late_reply_counts_working_days_overdue():
    result = run(received(date(2025, 9, 26)), ev(K.REPLIED, date(2025, 11, 3)))
    assert result.on_time is False
    assert result.due_on == date(2025, 10, 30)
    assert result.steps[-1] == "2025-11-03 作出答复，超过期限 2025-10-30，逾期 2 个工作日"


def test_extension_during_a_pause_is_added_on_resumption():
    during = run(
        *CONSULTATION[:2],
        ev(K.EXTENSION_GRANTED, date(2025, 10, 15), days=10),
        CONSULTATION[2],
    )
    after = run(*CONSULTATION, ev(K.EXTENSION_GRANTED, date(2025, 10, 21), days=10))
    assert during.due_on == after.due_on == CAL.add_workdays(date(2025, 11, 11), 10)
    assert "正在暂停" in during.steps[2]


def test_reply_during_a_pause_ends_it_that_day():
    result = run(*CONSULTATION[:2], ev(K.REPLIED, date(2025, 10, 14)))
    assert result.state == "replied" and result.on_time is True
    assert result.due_on == CAL.add_workdays(date(2025, 10, 30), 4)  # 10-10, 10-11, 10-13, 10-14
    assert result.third_party_due is None


def test_withdrawal_stops_the_clock():
    result = run(received(date(2025, 9, 26)), ev(K.WITHDRAWN, date(2025, 10, 9)))
    assert result.state == "withdrawn"
    assert result.due_on == date(2025, 10, 30) and result.on_time is None
    assert result.steps[-1] == "2025-10-09 申请人撤回申请，停止计时"


def test_reply_while_awaiting_clarification_has_no_deadline():
    result = run(
        received(date(2025, 9, 26)),
        ev(K.CLARIFICATION_REQUESTED, date(2025, 9, 29), deadline=date(2025, 10, 17)),
        ev(K.REPLIED, date(2025, 10, 20)),
    )
    assert result.state == "replied" and result.due_on is None and result.on_time is None
    assert result.clarification_deadline is None


def test_provisional_deadline_into_an_uncovered_year():
    result = run(received(date(2026, 12, 15)))
    assert result.provisional and result.gap_years == frozenset({2027})
    assert result.due_on == date(2027, 1, 13)  # 2027-01-01 (元旦) is off even before the notice
    assert result.due_on.weekday() < 5
    assert result.steps == [
        "2026-12-15 收到申请，20 个工作日 → 2027-01-13（2027 年节假日安排未录入，按周末和法定节假日推算，暂定）"
    ]
    declared = WorkCalendar({date(2027, 1, 1): False}, covered_years={2027})
    firm = run(received(date(2026, 12, 15)), calendar=declared)
    assert firm.due_on == date(2027, 1, 13) and not firm.provisional
    assert "暂定" not in firm.steps[0]


def test_provisional_flag_comes_from_any_step():
    result = run(received(date(2026, 11, 20)), ev(K.EXTENSION_GRANTED, date(2026, 12, 1), days=20))
    assert result.steps[0].endswith("→ 2026-12-18")
    assert result.steps[1].endswith("（2027 年节假日安排未录入，按周末和法定节假日推算，暂定）")
    assert result.provisional


# -- fees ------------------------------------------------------------------------------------------


def test_fee_notice_does_not_pause_by_default():
    result = run(received(date(2025, 9, 26)), ev(K.FEE_NOTICE_SENT, date(2025, 10, 9)))
    assert result.state == "running" and result.due_on == date(2025, 10, 30)
    assert "不中止" in result.steps[-1]


def test_fee_notice_pauses_when_the_policy_says_so():
    notice = ev(K.FEE_NOTICE_SENT, date(2025, 10, 9))
    paid = ev(K.FEE_PAID, date(2025, 10, 20))
    assert run(received(date(2025, 9, 26)), notice, policy=FEE_PAUSES).state == "paused"
    result = run(received(date(2025, 9, 26)), notice, paid, policy=FEE_PAUSES)
    assert result.due_on == date(2025, 11, 11)
    assert result.steps[-1] == "2025-10-20 申请人缴纳费用，暂停 8 个工作日 → 2025-11-11"


def test_overlapping_pauses_are_counted_once():
    result = run(
        received(date(2025, 9, 26)),
        ev(K.CONSULTATION_STARTED, date(2025, 10, 9)),
        ev(K.FEE_NOTICE_SENT, date(2025, 10, 13)),
        ev(K.CONSULTATION_ENDED, date(2025, 10, 17)),
        ev(K.FEE_PAID, date(2025, 10, 20)),
        policy=FEE_PAUSES,
    )
    assert "继续暂停" in result.steps[3]
    assert result.due_on == date(2025, 11, 11)  # the union (10-09, 10-20] once: 8 working days


# -- calendar days (complaints) -----------------------------------------------------------------------


def test_calendar_day_unit_for_complaints():
    result = run(
        received(date(2025, 9, 26)),
        ev(K.EXTENSION_GRANTED, date(2025, 11, 20), days=30),
        policy=COMPLAINTS,
    )
    assert result.steps == ["2025-09-26 收到申请，60 日 → 2025-11-25", "2025-11-20 延长答复期限 30 日 → 2025-12-25"]
    assert result.due_on == date(2025, 12, 25)
    far = run(received(date(2026, 12, 15)), policy=COMPLAINTS)
    assert far.due_on == date(2027, 2, 13) and not far.provisional
    with pytest.raises(ClockError, match="超过最长 30 日"):
        run(received(date(2025, 9, 26)), ev(K.EXTENSION_GRANTED, date(2025, 11, 20), days=31), policy=COMPLAINTS)


def test_policy_rejects_unknown_units_and_negative_periods():
    with pytest.raises(ValueError, match="计时单位"):
        ClockPolicy(unit="hours")
    with pytest.raises(ValueError, match="负数"):
        ClockPolicy(reply_days=-1)


# -- ordering and impossible sequences ---------------------------------------------------------------


def test_events_are_ordered_by_day_then_given_order():
    shuffled = [CONSULTATION[2], CONSULTATION[0], CONSULTATION[1]]
    assert compute(shuffled, CAL).due_on == date(2025, 11, 11)
    same_day = run(received(date(2025, 9, 26)), ev(K.CONSULTATION_STARTED, date(2025, 9, 26)))
    assert same_day.state == "paused"
    with pytest.raises(ClockError, match="早于收到申请"):
        run(ev(K.CONSULTATION_STARTED, date(2025, 9, 26)), received(date(2025, 9, 26)))


R = received(date(2025, 9, 26))
D = date(2025, 10, 9)


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([], "没有收到申请"),
        ([ev(K.REPLIED, D)], "没有收到申请"),
        ([ev(K.CONSULTATION_STARTED, date(2025, 9, 1)), R], "早于收到申请"),
        ([R, received(D)], "重复登记收到申请"),
        ([R, ev(K.REPLIED, D), ev(K.EXTENSION_GRANTED, D, days=5)], "已答复之后"),
        ([R, ev(K.WITHDRAWN, D), ev(K.REPLIED, D)], "已撤回之后"),
        ([R, ev(K.EXTENSION_GRANTED, D, days=10), ev(K.EXTENSION_GRANTED, D, days=10)], "只能延长一次"),
        ([R, ev(K.EXTENSION_GRANTED, D, days=21)], "超过最长 20 个工作日"),
        ([R, ev(K.EXTENSION_GRANTED, D)], "须写明延长的天数"),
        ([R, ev(K.EXTENSION_GRANTED, D, days=0)], "须写明延长的天数"),
        ([R, ev(K.CONSULTATION_ENDED, D)], "没有开始征求意见"),
        ([R, ev(K.CONSULTATION_STARTED, D), ev(K.CONSULTATION_STARTED, D)], "尚未结束"),
        ([R, ev(K.CLARIFICATION_RECEIVED, D)], "没有要求补正"),
        (
            [R, ev(K.CLARIFICATION_REQUESTED, D), ev(K.CLARIFICATION_RECEIVED, D), ev(K.CLARIFICATION_REQUESTED, D)],
            "只能要求一次",
        ),
        ([R, ev(K.CLARIFICATION_REQUESTED, D), ev(K.EXTENSION_GRANTED, D, days=5),
          ev(K.EXTENSION_GRANTED, D, days=5)], "只能延长一次"),
        ([R, ev(K.CLARIFICATION_REQUESTED, D), ev(K.CONSULTATION_STARTED, D)], "等待申请人补正"),
        ([R, ev(K.CONSULTATION_STARTED, D), ev(K.CLARIFICATION_REQUESTED, D)], "不能要求补正"),
        ([R, ev(K.EXTENSION_GRANTED, D, days=5), ev(K.CLARIFICATION_REQUESTED, D)], "不能再要求补正"),
        ([R, ev(K.CLARIFICATION_REQUESTED, D, deadline=date(2025, 10, 1))], "早于要求补正的日期"),
        ([R, ev(K.FEE_PAID, D)], "没有发出收费通知"),
        ([R, ev(K.FEE_NOTICE_SENT, D), ev(K.FEE_NOTICE_SENT, D)], "尚未缴费"),
    ],
)
def test_impossible_sequences_raise(events, message):
    with pytest.raises(ClockError, match=message):
        compute(events, CAL)


def test_clock_error_is_a_value_error():
    assert issubclass(ClockError, ValueError)


# -- properties ----------------------------------------------------------------------------------------

receipts = st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 10, 31))
early_receipts = st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 8, 31))
mid_receipts = st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 6, 30))  # room for several offsets
offsets = st.integers(min_value=0, max_value=40)
PROPERTY = settings(max_examples=120, deadline=None)


def plus(day: date, days: int) -> date:
    return day + timedelta(days=days)


@PROPERTY
@given(receipts)
def test_due_is_the_twentieth_working_day_after_receipt(receipt):
    result = run(received(receipt))
    assert not result.provisional
    assert CAL.is_workday(result.due_on)
    assert CAL.count_workdays(receipt, result.due_on) == 20
    assert CAL.count_workdays(receipt, result.due_on - timedelta(days=1)) == 19


@PROPERTY
@given(early_receipts, offsets, offsets)
def test_a_pause_moves_the_due_date_by_its_working_days(receipt, start_after, length):
    start = plus(receipt, start_after)
    end = plus(start, length)
    base = run(received(receipt)).due_on
    result = run(received(receipt), ev(K.CONSULTATION_STARTED, start), ev(K.CONSULTATION_ENDED, end))
    paused = CAL.count_workdays(start, end)
    assert result.due_on == CAL.add_workdays(base, paused)
    assert CAL.count_workdays(base, result.due_on) == paused
    assert f"暂停 {paused} 个工作日 → {result.due_on.isoformat()}" in result.steps[-1]


@PROPERTY
@given(mid_receipts, offsets, offsets, offsets, offsets, st.booleans())
def test_clarification_restart_ignores_earlier_history(receipt, a, b, c, d, consulted):
    events = [received(receipt)]
    cursor = receipt
    if consulted:
        events += [ev(K.CONSULTATION_STARTED, plus(cursor, a)), ev(K.CONSULTATION_ENDED, plus(cursor, a + b))]
        cursor = plus(cursor, a + b)
    asked = plus(cursor, c)
    arrived = plus(asked, d)
    events += [ev(K.CLARIFICATION_REQUESTED, asked), ev(K.CLARIFICATION_RECEIVED, arrived)]
    result = compute(events, CAL)
    assert result.due_on == CAL.add_workdays(arrived, 20)
    assert result.clarification_late is (asked > CAL.add_workdays(receipt, 7))


@PROPERTY
@given(early_receipts, st.integers(min_value=1, max_value=20), offsets)
def test_an_extension_adds_exactly_its_working_days(receipt, n, granted_after):
    base = run(received(receipt)).due_on
    result = run(received(receipt), ev(K.EXTENSION_GRANTED, plus(receipt, granted_after), days=n))
    assert result.due_on == CAL.add_workdays(base, n)
    assert CAL.count_workdays(base, result.due_on) == n
    assert result.extended and CAL.is_workday(result.due_on)


@PROPERTY
@given(mid_receipts, st.integers(min_value=1, max_value=20), offsets, offsets, st.integers(0, 2))
def test_extension_and_pause_commute(receipt, n, start_after, length, where):
    start = plus(receipt, start_after)
    end = plus(start, length)
    extension_day = [receipt, start, end][where]
    events = [
        received(receipt),
        ev(K.CONSULTATION_STARTED, start),
        ev(K.CONSULTATION_ENDED, end),
        ev(K.EXTENSION_GRANTED, extension_day, days=n),
    ]
    if where == 1:  # granted during the pause: given after the start, before the end
        events[2], events[3] = events[3], events[2]
    result = compute(events, CAL)
    base = run(received(receipt)).due_on
    assert result.due_on == CAL.add_workdays(base, n + CAL.count_workdays(start, end))


@PROPERTY
@given(receipts, st.integers(0, 60))
def test_reply_on_or_before_due_is_on_time(receipt, after):
    due = run(received(receipt)).due_on
    replied = plus(receipt, after)
    result = run(received(receipt), ev(K.REPLIED, replied))
    assert result.on_time is (replied <= due)
    assert result.due_on == due and result.replied_on == replied
