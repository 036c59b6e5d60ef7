"""自查: the supervisors' self-inspection finds what a national inspection of the site would.

The clock is pinned (``pinned_today``, 2026-12-01): the content's newest 警务动态 is of 2026-11-16,
more than two weeks old, and 网上咨询 and 执法结果公开 start empty. ``lively`` publishes a news
item, an answered question and a penalty decision on time, so the site passes.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Department
from portal.catalog.models import Guide
from portal.core.timefmt import utcnow
from portal.extensions import db
from portal.inspection.models import InspectionRun
from portal.inspection.runs import run_inspection
from portal.matters.services import new_submission_key
from portal.notices.models import Notice, NoticeStatus
from portal.penalties import services as penalties
from portal.questions.services import answer_question, ask_question
from tests.helpers import csrf_token, login

pytestmark = pytest.mark.usefixtures("pinned_today")


def _unit(code: str) -> int:
    return db.session.scalar(select(Department.id).where(Department.code == code))


def _notice(title: str, kind: str, body: str, published: date) -> Notice:
    notice = Notice(title=title, kind=kind, body_md=body, status=NoticeStatus.PUBLISHED.value,
                    publish_at=utcnow() - timedelta(days=(date(2026, 12, 1) - published).days),
                    department_id=_unit("huzheng"))
    db.session.add(notice)
    db.session.flush()
    return notice


def _question(received: date, answered: date | None = None):
    asked = ask_question({"department_id": _unit("huzheng"), "subject": "户口迁移咨询", "question_text": "怎么办理？",
                          "phone": "", "email": "", "consent_publish": True},
                         submission_key=new_submission_key(), received_on=received).question
    if answered is not None:
        answer_question(asked, answer="请携带户口簿到窗口办理。", public_title="户口迁移咨询",
                        public_question="怎么办理户口迁移？", day=answered, actor_id=None)
    return asked


def _decision(number: str, decided: date):
    return penalties.save_decision(None, penalties.DecisionFields(
        decision_no=number, authority="示例市公安局", department_id=_unit("zhian"), decided_on=decided,
        party_type="company", party_name="示例科技有限公司", party_id_number="", party_address="",
        involves_minor=False, facts="违法事实", legal_basis="依据", penalty="罚款"), actor_id=None)


@pytest.fixture
def lively(app):
    """The loaded content plus a fresh news item, a published answer and a decision published on time."""
    with app.app_context():
        _notice("交警支队开展夜查行动", "警务动态", "夜查行动详情见[办事指南](/guides/)。", date(2026, 11, 30))
        _question(date(2026, 11, 24), answered=date(2026, 11, 25))
        penalties.publish_decision(_decision("示公行罚〔2026〕801号", date(2026, 11, 27)), actor_id=None)
        db.session.commit()
    return app


def _run(app, crawl: bool = False) -> InspectionRun:
    with app.app_context(), app.test_request_context("/"):
        run = run_inspection(date(2026, 12, 1), "command", with_crawl=crawl)
        db.session.commit()
        db.session.refresh(run)
        for finding in run.findings:  # load them before the session closes
            _ = finding.key
        db.session.expunge_all()
        return run


def _keys(run: InspectionRun) -> set[str]:
    return {finding.key for finding in run.findings}


def test_a_lively_site_passes_with_no_broken_link(lively):
    result = lively.test_cli_runner().invoke(args=["inspect"])
    assert result.exit_code == 0, result.output
    assert "自查结果：合格，得分 100" in result.output
    assert "检查页面" in result.output
    with lively.app_context():
        run = db.session.scalar(select(InspectionRun))
        assert run.crawled and run.pages_crawled > 30 and run.findings == []


def test_a_stale_news_column_and_empty_columns_are_found(app):
    run = _run(app)
    assert "column-stale:notices-警务动态" in _keys(run)
    stale = next(f for f in run.findings if f.check_id == "column-stale")
    assert "2026-11-16" in stale.details and "15 天未更新" in stale.details and stale.link == "/notices/"
    empty = [f for f in run.findings if f.check_id == "column-empty"]
    assert {f.item for f in empty} == {"网上咨询", "执法结果公开"}
    assert all(f.veto for f in empty) and run.findings[0].veto  # single veto listed first
    assert run.vetoed and not run.passed


def test_the_command_exits_non_zero_when_the_site_fails(app):
    result = app.test_cli_runner().invoke(args=["inspect", "--no-crawl"])
    assert result.exit_code == 1
    assert "自查结果：不合格" in result.output and "[单项否决] 空白栏目：网上咨询" in result.output
    assert "未检查链接" in result.output
    line = "[单项否决] 空白栏目：执法结果公开（新） —— 栏目中没有任何公开的内容。 /penalties/ [column-empty]"
    assert line in result.output


def test_an_unanswered_question_costs_points_then_vetoes(lively):
    with lively.app_context():
        recent = _question(date(2026, 11, 20)).matter.tracking_no  # due 11-27: 2 working days late
        old = _question(date(2026, 10, 9)).matter.tracking_no      # due mid-October: weeks late
        db.session.commit()
    run = _run(lively)
    late = next(f for f in run.findings if f.item.startswith(recent))
    assert late.check_id == "question-late" and not late.veto and late.link == f"/staff/questions/{recent}"
    long = next(f for f in run.findings if f.item.startswith(old))
    assert long.check_id == "question-unanswered-long" and long.veto
    assert run.vetoed and not run.passed


def test_a_guide_missing_an_element_or_past_review_is_found(lively):
    with lively.app_context():
        guide = db.session.scalar(select(Guide).where(Guide.slug == "ordinary-passport"))
        guide.conditions, guide.complaint_phone = "", " "
        guide.review_due_on = date(2026, 11, 1)
        db.session.commit()
    run = _run(lively)
    missing = next(f for f in run.findings if f.key == "guide-missing-element:ordinary-passport")
    assert missing.details == "缺少：受理条件、监督投诉方式。"
    assert missing.link == "/staff/guides/ordinary-passport/edit"
    overdue = next(f for f in run.findings if f.key == "guide-review-overdue:ordinary-passport")
    assert "2026-11-01" in overdue.details and "30 天" in overdue.details
    assert run.score == 97 and run.passed


def test_late_penalty_publication_and_withdrawal_are_found(lively):
    with lively.app_context():
        _decision("示公行罚〔2026〕802号", date(2026, 11, 2))  # due mid-November, never published
        changed = _decision("示公行罚〔2026〕803号", date(2026, 11, 20))
        penalties.publish_decision(changed, actor_id=None)
        penalties.note_change(changed, kind="revoked", changed_on=date(2026, 11, 23), actor_id=None)
        db.session.commit()
        changed_id = changed.id
    run = _run(lively)
    late = next(f for f in run.findings if f.check_id == "penalty-late-publication")
    assert late.item.startswith("示公行罚〔2026〕802号") and "至今未公开" in late.details
    withdrawal = next(f for f in run.findings if f.check_id == "penalty-late-withdrawal")
    assert withdrawal.item.startswith("示公行罚〔2026〕803号") and "至今仍在公开" in withdrawal.details
    assert withdrawal.link == f"/staff/penalties/{changed_id}"
    assert run.score == 96


def test_broken_internal_links_are_found_with_the_page_they_are_on(lively):
    with lively.app_context():
        notice = _notice("关于启用新表格的通知", "通知公告",
                         "请先阅读[指南](/guides/no-such-guide)，再下载[申请表](/static/forms/no-such-form.pdf)。",
                         date(2026, 11, 30))
        again = _notice("关于新表格的补充说明", "通知公告", "仍请阅读[指南](/guides/no-such-guide)。",
                        date(2026, 11, 30))
        db.session.commit()
        page, other = f"/notices/{notice.id}", f"/notices/{again.id}"
    run = _run(lively, crawl=True)
    broken = {f.item: f for f in run.findings if f.check_id == "broken-link"}
    assert set(broken) == {"/guides/no-such-guide", "/static/forms/no-such-form.pdf"}
    assert broken["/guides/no-such-guide"].link in (page, other)
    assert broken["/guides/no-such-guide"].details.startswith("答复 404；出现在：")
    assert page in broken["/guides/no-such-guide"].details and other in broken["/guides/no-such-guide"].details
    assert broken["/static/forms/no-such-form.pdf"].details == f"答复 404；出现在：{page}。"
    assert run.score == 98 and run.passed


def test_new_findings_are_told_from_those_of_the_previous_run(lively):
    with lively.app_context():
        db.session.scalar(select(Guide).where(Guide.slug == "ordinary-passport")).hours = ""
        db.session.commit()
    first = _run(lively)
    assert [f.is_new for f in first.findings] == [True]
    with lively.app_context():
        db.session.scalar(select(Guide).where(Guide.slug == "kinship-certificate")).location = ""
        db.session.commit()
    second = _run(lively)
    assert {f.key: f.is_new for f in second.findings} == {
        "guide-missing-element:ordinary-passport": False, "guide-missing-element:kinship-certificate": True}


def test_supervisors_see_the_last_run_and_run_it_again(lively, users):
    client = lively.test_client()
    login(client, users["supervisor"])
    page = client.get("/staff/inspection/").get_data(as_text=True)
    assert "还没有自查记录" in page and "立即自查" in page
    with lively.app_context():
        db.session.scalar(select(Guide).where(Guide.slug == "ordinary-passport")).hours = ""
        db.session.commit()
    token = csrf_token(client, "/staff/inspection/")
    done = client.post("/staff/inspection/run", data={"csrf_token": token}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "自查完成：合格，得分 98，发现问题 1 个" in text
    assert "办事指南要素缺失" in text and 'href="/staff/guides/ordinary-passport/edit"' in text
    assert "缺少：办理时间。" in text and "检查页面" in text
    with lively.app_context():
        run = db.session.scalar(select(InspectionRun))
        assert run.trigger == "page" and run.crawled and run.crawl_complete


def test_the_run_button_needs_its_csrf_token(lively, users):
    client = lively.test_client()
    login(client, users["supervisor"])
    refused = client.post("/staff/inspection/run", data={})
    assert refused.status_code == 400
    with lively.app_context():
        assert db.session.scalar(select(InspectionRun)) is None


def test_single_veto_findings_are_listed_first_on_the_page(app, users):
    _run(app)
    client = app.test_client()
    login(client, users["admin"])
    text = client.get("/staff/inspection/").get_data(as_text=True)
    assert "不合格" in text and "存在单项否决问题" in text
    assert text.index("空白栏目") < text.index("栏目更新不及时")


@pytest.mark.parametrize("who", ["staff", None])
def test_citizens_and_other_staff_cannot_reach_the_page(app, users, who):
    client = app.test_client()
    if who:
        login(client, users[who])
    page = client.get("/staff/inspection/")
    run = client.post("/staff/inspection/run", data={})
    if who:
        assert page.status_code == 403 and run.status_code in (400, 403)
    else:
        assert page.status_code == 302 and "/login" in page.headers["Location"]
        assert run.status_code in (302, 400)
    with app.app_context():
        assert db.session.scalar(select(InspectionRun)) is None


def test_the_dashboard_counts_the_last_runs_findings(app, users):
    run = _run(app)
    client = app.test_client()
    login(client, users["supervisor"])
    text = client.get("/staff/oversight/").get_data(as_text=True)
    assert f'<a href="/staff/inspection/">网站自查问题 {len(run.findings)} 个</a>' in text
    assert 'href="/staff/inspection/">网站自查</a>' in text  # the staff navigation


def test_the_daily_digest_lists_findings_new_since_the_previous_run(app, users):
    from portal.outbox.models import OutboxMessage

    _run(app)
    result = app.test_cli_runner().invoke(args=["deadlines", "sweep"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        digest = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "super1@example.gov.cn"))
        assert "网站自查新发现问题 3 个" in digest.body
        assert "- 网站自查 [单项否决] 空白栏目：网上咨询 /questions/" in digest.body
        assert "- 网站自查 [扣分] 栏目更新不及时：警务动态 /notices/" in digest.body


def test_the_demo_site_has_no_broken_link(app):
    from portal.seed.appointments import create_demo_halls
    from portal.seed.demo import create_demo_matters
    from portal.seed.demo_penalties import create_demo_penalties
    from portal.seed.questions import create_demo_questions

    with app.app_context():
        create_demo_matters()
        create_demo_questions()
        create_demo_penalties()
        create_demo_halls()
        db.session.commit()
    run = _run(app, crawl=True)
    assert run.crawl_complete and run.pages_crawled > 50
    assert [f for f in run.findings if f.check_id in ("broken-link", "site-unreachable")] == []


def test_a_second_run_started_meanwhile_skips(app, users):
    from portal.joblock import single_runner

    client = app.test_client()
    login(client, users["supervisor"])
    token = csrf_token(client, "/staff/inspection/")
    with app.app_context(), single_runner("inspect") as mine:
        assert mine
        result = app.test_cli_runner().invoke(args=["inspect", "--no-crawl"])
        clicked = client.post("/staff/inspection/run", data={"csrf_token": token}, follow_redirects=True)
    assert result.exit_code == 0 and "本次跳过" in result.output
    assert "另一次自查正在进行" in clicked.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(InspectionRun)) is None
