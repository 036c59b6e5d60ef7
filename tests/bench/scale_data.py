"""Bulk matters for the scale benchmark (:mod:`tests.bench.scale`), written with COPY.

Each generated request or complaint has the rows the real services write: the ``matters`` row
(tracking number, hashed access code, department, holder, status, and ``due_on``,
``clock_steps``, ``clock_state``, ``due_provisional`` computed by the portal's own statutory
clock from the generated events), its ``matter_events`` (received, assigned, extension asked
and granted, reply submitted, replied, rated) and its ``disclosure_requests`` / ``complaints``
detail row. Clock results are memoised per distinct event pattern, so the clock runs a few
hundred thousand times at most, not once per row. Audit rows and applicants' e-mails of the
past are not generated (see the report of the benchmark).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from portal.core.clock import ClockEvent, ClockPolicy, EventKind, compute
from portal.core.pii import id_check_digit
from portal.core.timefmt import LOCAL_TZ
from portal.core.workdays import WorkCalendar

CHUNK = 20_000
REQUEST_POLICY = ClockPolicy(fee_notice_pauses=True)
COMPLAINT_POLICY = ClockPolicy(reply_days=15, unit="calendar_days", max_extension_days=30,
                               handle_days=60, review_window_days=30, review_days=30)
REPLY_TYPES = (("disclosed", "provided", "予以公开", 55), ("disclosed", "already-public", "予以公开", 12),
               ("partly", None, "部分公开（区分处理）", 12), ("withheld", "4", "不予公开", 6),
               ("unavailable", "1", "无法提供", 10), ("not-processed", "2", "不予处理", 3),
               ("other", "3", "其他处理", 2))
COMPLAINT_TYPES = ("unfair", "conduct", "misconduct", "inaction", "fees", "other")
OUTCOMES = {"upheld": "投诉属实", "partly": "部分属实", "not_upheld": "投诉不属实", "other": "其他处理"}
RATINGS = ("satisfied", "fair", "unsatisfied")
TOPICS = ("道路交通事故统计数据", "户口迁移办理数量", "出入境证件办理时限", "行政处罚决定书",
          "110接处警统计", "辖区治安状况通报", "驾驶证考试预约情况", "收费项目及依据")


@dataclass
class Staff:
    """Who the generated matters are handed to and decided by."""

    staff_ids: list[int]
    supervisor_id: int
    departments: dict[str, int]  # code -> id


@dataclass
class Counts:
    """What was generated, for the report."""

    matters: int = 0
    events: int = 0
    by_state: dict[str, int] = field(default_factory=dict)

    def note(self, state: str) -> None:
        """Count one matter in ``state``."""
        self.by_state[state] = self.by_state.get(state, 0) + 1


def _stamp(day: date) -> datetime:
    """09:30 local time on ``day`` as the naive UTC datetime the portal stores."""
    return datetime.combine(day, time(9, 30), LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


class Generator:
    """Writes ``requests`` requests and ``complaints`` complaints over the last ``years`` years."""

    def __init__(self, conn, calendar: WorkCalendar, staff: Staff, today: date, access_hash: str,
                 seed: int = 8) -> None:
        self.conn, self.calendar, self.staff, self.today = conn, calendar, staff, today
        self.access_hash = access_hash
        self.rng = random.Random(seed)
        self.counts = Counts()
        self.next_matter = self._max("matters") + 1
        self.next_event = self._max("matter_events") + 1
        self.serials: dict[tuple[str, int], int] = {}
        self.matters: list[tuple] = []
        self.events: list[tuple] = []
        self.details: list[tuple] = []
        first = "11010519800101001"
        self.id_numbers = [first[:-3] + f"{n:03d}" + id_check_digit(first[:-3] + f"{n:03d}")
                           for n in range(100)]

    def _max(self, table: str) -> int:
        return self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]  # noqa: S608

    # -- clock, memoised on the pattern of counted events --------------------------------------

    @cache  # noqa: B019  (one generator per run)
    def clock(self, kind: str, pattern: tuple) -> tuple:
        """``(due_on, provisional, steps json, state)`` for counted events ``pattern``."""
        events = [ClockEvent(kind=EventKind(k), day=d, days=n) for k, d, n in pattern]
        policy = REQUEST_POLICY if kind == "request" else COMPLAINT_POLICY
        result = compute(events, self.calendar, policy)
        return result.due_on, result.provisional, json.dumps(result.steps, ensure_ascii=False), result.state

    # -- one matter ------------------------------------------------------------------------------

    def _tracking(self, prefix: str, year: int) -> str:
        value = self.serials.get((prefix, year), 0) + 1
        self.serials[(prefix, year)] = value
        return f"{prefix}-{year}-{value:06d}"

    def _event(self, matter_id: int, kind: str, day: date, *, actor: int | None, days=None,
               message: str = "", note: str = "", approved=None) -> None:
        self.events.append((self.next_event, matter_id, kind, day, days, None, message, note, actor,
                            approved, _stamp(day)))
        self.next_event += 1

    def _matter(self, kind: str, prefix: str, received: date, department: int, assignee: int | None,
                status: str, counted: list, closed: date | None, state_name: str) -> tuple[int, date | None]:
        matter_id = self.next_matter
        self.next_matter += 1
        due, provisional, steps, state = self.clock(kind, tuple(counted))
        late_since = due if closed is not None and due is not None and closed > due else None
        self.matters.append((
            matter_id, kind, self._tracking(prefix, received.year), self.access_hash,
            f"scale-{matter_id}", received, department, assignee, status, due, provisional, steps, state,
            False, closed, late_since, _stamp(received)))
        self.counts.matters += 1
        self.counts.note(state_name)
        return matter_id, due

    def received_days(self, count: int) -> list[date]:
        """``count`` receipt dates over the last three years, oldest first (ids follow time, as in use)."""
        ages = sorted((self.rng.randrange(3 * 365) for _ in range(count)), reverse=True)
        return [self.today - timedelta(days=age) for age in ages]

    def request(self, received: date) -> None:
        """One information-disclosure request received on ``received``."""
        rng, today = self.rng, self.today
        age = (today - received).days
        extended = rng.random() < 0.07
        delay = rng.randint(25, 55) if extended else (
            rng.randint(1, 26) if rng.random() < 0.9 else rng.randint(27, 45))
        closed = received + timedelta(days=delay)
        is_open = closed > today or rng.random() < (0.5 if age <= 45 else 0.02)
        status = "received"
        if is_open:
            closed = None
            roll = rng.random()
            status = ("extension_requested" if roll < 0.07 else
                      "reply_pending_approval" if roll < 0.12 else "received")
            extended = extended and status == "received"
        assignee = None if is_open and rng.random() < 0.05 else rng.choice(self.staff.staff_ids)
        granted = received + timedelta(days=min(18, max(age - 1, 0)))
        ext_days = rng.choice((10, 20))
        counted = [("received", received, None)]
        if extended and granted > received:
            counted.append(("extension_granted", granted, ext_days))
        else:
            extended = False
        reply = rng.choices(REPLY_TYPES, weights=[w for *_, w in REPLY_TYPES])[0]
        if closed is not None:
            counted.append(("replied", closed, None))
            status = "replied"
        state = "closed" if closed else ("extended" if extended else status)
        matter_id, _due = self._matter("request", "GK", received, self.staff.departments["gongkaiban"],
                                      assignee, status, counted, closed, state)
        self._request_events(matter_id, received, assignee, extended, granted, ext_days, status, closed,
                             reply)
        rating = rng.choices((None, *RATINGS), weights=(70, 18, 8, 4))[0] if closed else None
        if rating:
            self._event(matter_id, "rated", closed, actor=None, note=rating)
        n = rng.randrange(100)
        org = rng.random() < 0.15
        self.details.append((
            matter_id, "org" if org else "person", rng.choice(("business", "legal", "other")) if org else None,
            f"示例申请人{n:02d}", "org_code" if org else "resident_id", self.id_numbers[n],
            f"1380000{n:04d}", f"applicant{n}@example.com" if n % 3 else "", "示例市示例路 1 号",
            f"请公开本局{received.year - 1}年度{rng.choice(TOPICS)}。", "", rng.choice(("email", "paper")),
            None, reply[0] if closed or status == "reply_pending_approval" else None,
            reply[1] if closed or status == "reply_pending_approval" else None,
            f"经查，{reply[2]}。" if closed or status == "reply_pending_approval" else "",
            closed, rating, ""))

    def _request_events(self, matter_id, received, assignee, extended, granted, ext_days, status,
                        closed, reply) -> None:
        sup, holder = self.staff.supervisor_id, assignee
        self._event(matter_id, "received", received, actor=None)
        if assignee is not None:
            self._event(matter_id, "assigned", received, actor=sup, note=str(assignee))
        if extended:
            self._event(matter_id, "extension_requested", granted, actor=holder, days=ext_days,
                        note="需要调取多个部门的档案", approved=True)
            self._event(matter_id, "extension_granted", granted, actor=sup, days=ext_days,
                        message=f"经本机关政府信息公开工作机构负责人同意，答复期限延长 {ext_days} 个工作日。"
                                "理由：需要调取多个部门的档案")
        if status == "extension_requested":
            self._event(matter_id, "extension_requested", self.today, actor=holder, days=20,
                        note="需要征求多个部门意见")
        if status == "reply_pending_approval":
            self._event(matter_id, "reply_submitted", self.today, actor=holder)
        if closed is not None:
            self._event(matter_id, "replied", closed, actor=holder, message=f"答复类型：{reply[2]}")

    def complaint(self, received: date) -> None:
        """One complaint about a unit received on ``received``, decided and (mostly) answered in calendar days."""
        rng, today = self.rng, self.today
        age = (today - received).days
        codes = [c for c in self.staff.departments if c != "gongkaiban"]
        about = self.staff.departments[rng.choice(codes)]
        decided = received + timedelta(days=rng.randint(1, 12))
        refused = rng.random() < 0.1
        answered = decided + timedelta(days=rng.randint(5, 55) if rng.random() < 0.9 else rng.randint(56, 80))
        closed = decided if refused else answered
        is_open = closed > today or rng.random() < (0.5 if age <= 60 else 0.02)
        counted = [("received", received, None)]
        if is_open:
            closed = None
            refused = False
            accepted = decided <= today and (age > 12 or rng.random() < 0.3)
            status = "accepted" if accepted else "received"
        else:
            accepted = not refused
            status = rng.choice(("not_accepted", "transferred")) if refused else "replied"
        if accepted:
            counted.append(("accepted", decided, None))
        if closed is not None:
            counted.append(("replied", closed, None))
        assignee = None if is_open and rng.random() < 0.05 else rng.choice(self.staff.staff_ids)
        matter_id, due = self._matter("complaint", "TS", received, about, assignee, status, counted, closed,
                                      "closed" if closed else "complaint_" + status)
        self._event(matter_id, "received", received, actor=None)
        if assignee is not None:
            self._event(matter_id, "assigned", received, actor=self.staff.supervisor_id, note=str(assignee))
        outcome = rng.choice(tuple(OUTCOMES)) if status == "replied" else None
        if accepted:
            self._event(matter_id, "accepted", decided, actor=assignee, message="您的投诉已受理。")
        if refused:
            self._event(matter_id, "replied", decided, actor=assignee,
                        message="您的投诉不予受理，理由：不属于本机关职责范围" if status == "not_accepted"
                        else "您的投诉已转送示例市市场监督管理局办理。")
        elif closed is not None:
            self._event(matter_id, "replied", closed, actor=assignee, message=f"处理结果：{OUTCOMES[outcome]}")
        rating = rng.choices((None, *RATINGS), weights=(75, 12, 8, 5))[0] if status == "replied" else None
        if rating:
            self._event(matter_id, "rated", closed, actor=None, note=rating)
        anonymous = rng.random() < 0.2
        n = rng.randrange(100)
        self.details.append((
            matter_id, rng.choice(COMPLAINT_TYPES), about, "", "", None, received - timedelta(days=2),
            "窗口工作人员不解释所缺材料，态度生硬。", "希望改进服务态度", anonymous,
            "" if anonymous else f"示例投诉人{n:02d}", "" if anonymous else f"1390000{n:04d}",
            "" if anonymous or n % 2 else f"complainant{n}@example.com",
            ("not_accepted" if status == "not_accepted" else "transferred" if status == "transferred"
             else "accepted" if accepted else None),
            "不属于本机关职责范围" if status == "not_accepted" else "",
            "示例市市场监督管理局" if status == "transferred" else "", outcome,
            "经调查核实，已责令整改。" if outcome else "", closed,
            (closed <= due) if status == "replied" and due is not None else None, rating, "", None, "", "", None))

    # -- writing ----------------------------------------------------------------------------------

    MATTER_COLUMNS = ("id, kind, tracking_no, access_code_hash, submission_key, received_on, department_id, "
                      "assignee_id, status, due_on, due_provisional, clock_steps, clock_state, involves_minor, "
                      "closed_on, overdue_since, created_at")
    EVENT_COLUMNS = "id, matter_id, kind, day, days, deadline, message, note, actor_id, approved, created_at"
    REQUEST_COLUMNS = ("matter_id, applicant_type, org_kind, applicant_name, id_type, id_number, phone, email, "
                       "address, description, purpose, delivery, repeat_of_id, reply_type, reply_sub_reason, "
                       "reply_md, reply_sent_on, rating, rating_comment")
    COMPLAINT_COLUMNS = ("matter_id, complaint_type, about_department_id, officer_name, officer_number, "
                         "officer_user_id, happened_on, what_happened, wants, anonymous, complainant_name, phone, "
                         "email, decision, decision_reason, transferred_to, outcome, reply_md, replied_on, on_time, "
                         "rating, rating_comment, review_requested_on, review_reason, summary_md, "
                         "summary_published_on")

    def _copy(self, table: str, columns: str, rows: list[tuple]) -> None:
        with self.conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        rows.clear()

    def _flush(self, detail_table: str, detail_columns: str) -> None:
        self._copy("matters", self.MATTER_COLUMNS, self.matters)
        self._copy(detail_table, detail_columns, self.details)
        self.counts.events += len(self.events)
        self._copy("matter_events", self.EVENT_COLUMNS, self.events)

    def run(self, requests: int, complaints: int, progress=print) -> Counts:
        """Generate and COPY everything, then fix the sequences and tracking counters."""
        for kind, total, make, table, columns in (
                ("requests", requests, self.request, "disclosure_requests", self.REQUEST_COLUMNS),
                ("complaints", complaints, self.complaint, "complaints", self.COMPLAINT_COLUMNS)):
            for done, received in enumerate(self.received_days(total)):
                make(received)
                if len(self.matters) >= CHUNK:
                    self._flush(table, columns)
                    if (done + 1) % (CHUNK * 10) == 0:
                        progress(f"  {kind}: {done + 1:,} / {total:,}")
            self._flush(table, columns)
        for table, column in (("matters", "id"), ("matter_events", "id")):
            self.conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "  # noqa: S608
                              f"(SELECT max({column}) FROM {table}))")
        for (prefix, year), value in self.serials.items():
            self.conn.execute(
                "INSERT INTO tracking_counters (prefix, year, last_value) VALUES (%s, %s, %s) "
                "ON CONFLICT (prefix, year) DO UPDATE SET last_value = GREATEST(tracking_counters.last_value, "
                "EXCLUDED.last_value)", (prefix, year, value))
        return self.counts
