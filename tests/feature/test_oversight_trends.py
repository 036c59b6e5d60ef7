"""The dashboard's further trends: reply-type mix, satisfaction per month, figures per department.

The fixed 2026 dates below must fall within "the last 12 months" of today: the clock is pinned.
"""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.complaints.models import Complaint
from portal.core.timefmt import local_today
from portal.disclosure.models import DisclosureRequest
from portal.extensions import db
from portal.matters.models import Matter
from tests.feature.test_complaints import file_on as file_complaint_on
from tests.feature.test_oversight import file_on
from tests.helpers import login

pytestmark = pytest.mark.usefixtures("pinned_today")


def answer(app, number: str, type_code: str, closed: date, rating: str | None, sub_code=None) -> None:
    """Reply to a request as if on ``closed`` (the service replies today), then rate it."""
    from portal.disclosure.services import reply

    with app.app_context():
        req = db.session.scalar(select(DisclosureRequest).join(Matter, Matter.id == DisclosureRequest.matter_id)
                                .where(Matter.tracking_no == number))
        reply(req, type_code=type_code, sub_code=sub_code, text="答复如下。", actor_id=None,
              supervisor_approved=True)
        req.matter.closed_on = req.reply_sent_on = closed
        req.rating = rating
        db.session.commit()


def settle_complaint(app, number: str, *, outcome: str | None, closed: date, rating: str | None) -> None:
    """Accept and answer a complaint with ``outcome``, or refuse it (outcome None), then rate it."""
    from portal.complaints.services import decide_acceptance, reply

    with app.app_context():
        complaint = db.session.scalar(select(Complaint).join(Matter, Matter.id == Complaint.matter_id)
                                      .where(Matter.tracking_no == number))
        if outcome is None:
            decide_acceptance(complaint, "not_accepted", day=closed, reason="不属于投诉范围。",
                              transferred_to="", actor_id=None)
        else:
            decide_acceptance(complaint, "accepted", day=complaint.matter.received_on, reason="",
                              transferred_to="", actor_id=None)
            reply(complaint, outcome=outcome, text="经核实已处理。", day=closed, actor_id=None)
        complaint.rating = rating
        db.session.commit()


def known_data(app) -> None:
    """Requests: 2 予以公开 + 1 不予公开 closed, 1 open, 1 closed long ago; complaints: 1 属实, 1 不予受理."""
    a, b, c = (file_on(app, date(2026, 9, 25)) for _ in range(3))  # due 2026-10-29
    file_on(app, date(2026, 9, 28))
    old = file_on(app, local_today() - timedelta(days=500))
    answer(app, a, "disclosed", date(2026, 10, 9), "satisfied", "provided")
    answer(app, b, "withheld", date(2026, 11, 5), "unsatisfied", "1")
    answer(app, c, "disclosed", date(2026, 11, 6), "fair", "provided")
    answer(app, old, "unavailable", local_today() - timedelta(days=480), "satisfied", "1")
    upheld, _ = file_complaint_on(app, received=date(2026, 10, 8))
    refused, _ = file_complaint_on(app, received=date(2026, 10, 8))
    settle_complaint(app, upheld, outcome="upheld", closed=date(2026, 10, 20), rating="satisfied")
    settle_complaint(app, refused, outcome=None, closed=date(2026, 10, 12), rating="unsatisfied")


def section(page: str, heading: str) -> str:
    return page.split(f'id="{heading}"')[1].split("</section>")[0]


def kind_part(text: str, label: str) -> str:
    return text.split(f"<h3>{label}</h3>")[1].split("<h3>")[0]


def cells(part: str) -> dict[str, list[str]]:
    """Row header → its data cells, of the first table in ``part``."""
    table = part.split("<table")[1].split("</table>")[0]
    return {head: re.findall(r"<td[^>]*>([^<]*)</td>", rest)
            for head, rest in re.findall(r'<th scope="row">([^<]*)</th>(.*?)</tr>', table)}


def dashboard(client, users) -> str:
    login(client, users["supervisor"])
    return client.get("/staff/oversight/statistics").get_data(as_text=True)


def test_reply_type_mix_counts_closed_matters_of_the_window(client, app, users):
    known_data(app)
    mix = section(dashboard(client, users), "mix-heading")
    assert cells(kind_part(mix, "信息公开申请")) == {"予以公开": ["2"], "不予公开": ["1"]}
    assert cells(kind_part(mix, "投诉")) == {"投诉属实": ["1"], "不予受理": ["1"]}
    requests = kind_part(mix, "信息公开申请")
    svg = requests.split("<svg")[1].split("</svg>")[0]
    assert re.findall(r"<title>([^<]*)</title>", svg) == ["予以公开：2", "不予公开：1"]
    widths = [float(w) for w in re.findall(r'<rect class="bar-received" x="[^"]+" y="[^"]+" width="([^"]+)"', svg)]
    assert widths[0] == 2 * widths[1] > 0  # bar length proportional to the count


def test_satisfaction_share_per_month_matches_its_chart(client, app, users):
    known_data(app)
    satisfaction = section(dashboard(client, users), "satisfaction-heading")
    part = kind_part(satisfaction, "信息公开申请")
    assert cells(part) == {"2026-10": ["1", "1", "0", "0", "100%"], "2026-11": ["2", "0", "1", "1", "50%"]}
    svg = part.split("<svg")[1].split("</svg>")[0]
    # bars per month: ratings given, then 满意 or 基本满意
    assert re.findall(r"<title>(\d+)</title>", svg) == ["1", "1", "2", "1"]
    complaints = kind_part(satisfaction, "投诉")
    assert cells(complaints) == {"2026-10": ["2", "1", "0", "1", "50%"]}


def test_department_rows_count_received_closed_on_time_late_and_satisfaction(client, app, users):
    known_data(app)
    part = section(dashboard(client, users), "department-heading")
    requests = cells(kind_part(part, "信息公开申请"))
    # received 4 in the window; closed 3: one by 10-29, two after; 2 of 3 ratings satisfied or fair
    assert requests == {"政务公开办公室": ["4", "3", "1", "2", "3", "67%"]}
    complaints = cells(kind_part(part, "投诉"))
    assert list(complaints.values()) == [["2", "2", "2", "0", "2", "50%"]]
    # each kind's chart draws the received column of its table
    svg = kind_part(part, "信息公开申请").split("<svg")[1].split("</svg>")[0]
    assert re.findall(r"<title>([^<]*)</title>", svg) == ["政务公开办公室：4"]
    svg = kind_part(part, "投诉").split("<svg")[1].split("</svg>")[0]
    assert re.findall(r"<title>[^：<]*：(\d+)</title>", svg) == ["2"]


def test_departments_split_and_match_the_monthly_totals(client, app, users):
    known_data(app)
    with app.app_context():
        from portal.accounts.models import Department
        from portal.oversight.queries import monthly_trend
        from portal.oversight.trends import kind_trends

        other = db.session.scalar(select(Department.id).where(Department.code == "huzheng"))
        moved = file_on(app, date(2026, 9, 25))
        db.session.scalar(select(Matter).where(Matter.tracking_no == moved)).department_id = other
        db.session.commit()
        answer(app, moved, "partly", date(2026, 10, 29), None)
        today = local_today()
        trends = kind_trends("request", today)
        months = monthly_trend("request", today)
        rows = [(d.name, d.figures) for d in trends.departments]
        assert sum(f.received for _, f in rows) == sum(m.received for m in months) == 5
        assert sum(f.closed for _, f in rows) == sum(m.closed for m in months) == 4
        assert sum(f.on_time for _, f in rows) == sum(m.on_time for m in months) == 2
        assert sum(d.late for d in trends.departments) == sum(m.late for m in months) == 2
        assert sum(r.count for r in trends.mix) == 4
        assert [(name, f.received, f.closed, f.on_time, f.rated) for name, f in rows][1:] == [
            ("户政管理", 1, 1, 1, 0)]


def test_no_data_says_so(client, app, users):
    page = dashboard(client, users)
    for heading in ("mix-heading", "satisfaction-heading", "department-heading"):
        assert section(page, heading).count("暂无数据。") == 2


def test_figures_follow_a_write_at_once(client, app, users):
    number = file_on(app, date(2026, 9, 25))
    page = dashboard(client, users)
    assert cells(kind_part(section(page, "department-heading"), "信息公开申请")) == {
        "政务公开办公室": ["1", "0", "0", "0", "0", "—"]}
    answer(app, number, "disclosed", date(2026, 10, 9), "satisfied", "provided")
    page = client.get("/staff/oversight/statistics").get_data(as_text=True)
    assert cells(kind_part(section(page, "mix-heading"), "信息公开申请")) == {"予以公开": ["1"]}
    assert cells(kind_part(section(page, "department-heading"), "信息公开申请")) == {
        "政务公开办公室": ["1", "1", "1", "0", "1", "100%"]}
