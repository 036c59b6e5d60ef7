"""Supervisors see the case stages that are overdue or due within 3 working days, by unit."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Department
from portal.cases.services import add_stage, create_case
from portal.extensions import db
from tests.conftest import PINNED_TODAY
from tests.helpers import login

TODAY = PINNED_TODAY  # every test here runs with the clock pinned (see pytestmark)
pytestmark = pytest.mark.usefixtures("pinned_today")
HEADING = 'id="case-heading"'


def make_case(app, number: str, *, due_on: date | None, unit: str = "huzheng",
              case_type: str = "criminal", filed: bool = False, closed: bool = False) -> int:
    """A case accepted 20 days ago (optionally filed), its next stage due on ``due_on``."""
    with app.app_context():
        unit_id = db.session.scalar(select(Department.id).where(Department.code == unit))
        case = create_case(case_no=number, case_type=case_type, department_id=unit_id,
                           officer_in_charge="张警官", unit_phone="0571-87000000",
                           accepted_on=TODAY - timedelta(days=20), actor_id=None)
        if filed:
            add_stage(case, stage="filed", day=TODAY - timedelta(days=10), actor_id=None)
        case.next_due_on = due_on  # fixed here, whatever the example stage limits say
        if closed:
            case.closed_on = TODAY - timedelta(days=1)
        db.session.commit()
        return case.id


def case_section(client) -> str:
    """The dashboard's case section, as a supervisor sees it."""
    page = client.get("/staff/oversight/").get_data(as_text=True)
    return page.split(HEADING)[1].split("</section>")[0]


def table_rows(section: str) -> list[str]:
    return re.findall(r"<tr><th scope=\"row\">.*?</tr>", section, re.S)


def test_overdue_and_due_soon_cases_are_listed_most_late_first_with_links(client, app, users):
    late = make_case(app, "示例公(刑)受字〔2026〕1号", due_on=TODAY - timedelta(days=5), filed=True)
    later = make_case(app, "示例公(行)受字〔2026〕2号", due_on=TODAY - timedelta(days=9),
                      case_type="administrative", unit="jiaoguan")
    soon = make_case(app, "示例公(刑)受字〔2026〕3号", due_on=TODAY + timedelta(days=1))
    make_case(app, "示例公(刑)受字〔2026〕4号", due_on=TODAY - timedelta(days=30), closed=True)
    make_case(app, "示例公(刑)受字〔2026〕5号", due_on=TODAY + timedelta(days=30))
    make_case(app, "示例公(刑)受字〔2026〕6号", due_on=None)
    login(client, users["supervisor"])
    section = case_section(client)
    rows = table_rows(section)
    assert len(rows) == 3
    assert f'href="/staff/cases/{later}"' in rows[0] and f'href="/staff/cases/{late}"' in rows[1]
    assert f'href="/staff/cases/{soon}"' in rows[2]
    assert "行政" in rows[0] and "交通管理" in rows[0] and '<strong class="error">9</strong>' in rows[0]
    assert "刑事" in rows[1] and "立案" in rows[1] and '<strong class="error">5</strong>' in rows[1]
    assert (TODAY + timedelta(days=1)).isoformat() in rows[2] and "未逾期" in rows[2]
    assert "受案" in rows[2]  # its only stage so far
    for absent in ("〔2026〕4号", "〔2026〕5号", "〔2026〕6号"):
        assert absent not in section
    assert "查看全部" not in section  # everything is shown
    case_page = client.get(f"/staff/cases/{late}")
    assert case_page.status_code == 200 and "示例公(刑)受字〔2026〕1号" in case_page.get_data(as_text=True)


def test_counts_per_unit_and_in_the_summary_line(client, app, users):
    make_case(app, "示例公(刑)受字〔2026〕11号", due_on=TODAY - timedelta(days=2))
    make_case(app, "示例公(刑)受字〔2026〕12号", due_on=TODAY - timedelta(days=1))
    make_case(app, "示例公(刑)受字〔2026〕13号", due_on=TODAY)
    make_case(app, "示例公(刑)受字〔2026〕14号", due_on=TODAY - timedelta(days=3), unit="jiaoguan")
    make_case(app, "示例公(刑)受字〔2026〕15号", due_on=TODAY - timedelta(days=3), unit="jiaoguan",
              closed=True)
    login(client, users["supervisor"])
    page = client.get("/staff/oversight/").get_data(as_text=True)
    summary = page.split('<p class="meta">今天')[1].split("</p>")[0]
    assert "案件环节逾期 3 件、3 个工作日内到期 1 件" in summary
    section = page.split(HEADING)[1].split("</section>")[0]
    units = re.findall(r"<li>(.*?)</li>", section)
    assert units == ["户政管理：逾期 2 件，3 个工作日内到期 1 件", "交通管理：逾期 1 件，3 个工作日内到期 0 件"]


def test_only_the_first_twenty_are_shown_with_a_link_to_all_overdue(client, app, users):
    ids = [make_case(app, f"示例公(刑)受字〔2026〕{100 + n}号", due_on=TODAY - timedelta(days=30 - n))
           for n in range(21)]
    login(client, users["supervisor"])
    section = case_section(client)
    rows = table_rows(section)
    assert len(rows) == 20
    assert f'href="/staff/cases/{ids[0]}"' in rows[0]  # 30 days late
    assert f'href="/staff/cases/{ids[-1]}"' not in section  # the least late one is left off
    assert "查看全部已逾期案件 21 件" in section
    assert 'href="/staff/cases/?timing=overdue"' in section
    listing = client.get("/staff/cases/?timing=overdue").get_data(as_text=True)
    assert "示例公(刑)受字〔2026〕120号" in listing


def test_staff_cannot_see_the_dashboard(client, app, users):
    make_case(app, "示例公(刑)受字〔2026〕31号", due_on=TODAY - timedelta(days=2))
    login(client, users["staff"])
    assert client.get("/staff/oversight/").status_code == 403
