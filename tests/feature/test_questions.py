"""网上咨询: ask → preview → receipt → answer → published (masked) → list, search, feed, API → rating;
the time limit on the clock, overdue questions on the dashboard and in the digest, statistics."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Department
from portal.extensions import db
from portal.matters.models import Matter
from portal.outbox.models import OutboxMessage
from portal.questions.models import Question
from portal.questions.services import answer_question, ask_question
from tests.helpers import csrf_token, login, post_form

MOBILE = "13912345678"
ID_NUMBER = "110105199003071234"


def department(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Department.id).where(Department.code == code))


def asked(app, *, received: date, code: str = "huzheng", consent: bool = True, **changes) -> tuple[str, str, int]:
    """Ask through the service; return (number, access code, question id)."""
    fields = {"department_id": department(app, code), "subject": "身份证丢了怎么补办",
              "question_text": f"我叫欧阳娜娜，手机{MOBILE}，住示例路8号，身份证丢了，补办要带什么？",
              "phone": MOBILE, "email": "asker@example.com", "consent_publish": consent} | changes
    with app.app_context():
        from portal.matters.services import new_submission_key

        result = ask_question(fields, submission_key=new_submission_key(), received_on=received)
        return result.question.matter.tracking_no, result.access_code, result.question.matter_id


def questions_stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Question)) or 0


def form_values(page: str) -> dict:
    key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return {"csrf_token": token, "submission_key": key}


def test_asking_previews_what_already_answers_it_then_sends_and_gives_a_receipt(client, app):
    page = client.get("/questions/ask").get_data(as_text=True)
    data = form_values(page) | {"department_id": str(department(app, "huzheng")), "subject": "身份证丢了怎么补办",
                                "question_text": "身份证丢失了，补办需要带哪些材料？", "phone": "", "email": "",
                                "consent_publish": "y"}
    preview = client.post("/questions/ask", data=data).get_data(as_text=True)
    assert "这些内容可能已经回答了您的问题" in preview
    assert '<a href="/guides/resident-id-card-replacement"><mark>居民身份证</mark>' in preview
    assert 'name="send"' in preview and questions_stored(app) == 0  # nothing sent yet
    receipt = client.post("/questions/ask", data=data | {"send": "1"}).get_data(as_text=True)
    number = re.search(r"ZX-\d{4}-\d{6}", receipt).group(0)
    assert "查询码" in receipt and "答复期限" in receipt and questions_stored(app) == 1
    again = client.post("/questions/ask", data=data | {"send": "1"}).get_data(as_text=True)
    assert "请勿重复提交" in again and number in again and questions_stored(app) == 1
    assert "已收到，待答复" in client.get(f"/questions/my/{number}").get_data(as_text=True)


def test_bad_input_gets_chinese_messages_and_stores_nothing(client, app):
    page = client.get("/questions/ask").get_data(as_text=True)
    empty = client.post("/questions/ask", data=form_values(page) | {"send": "1"}).get_data(as_text=True)
    assert "请选择咨询部门。" in empty and "请填写标题。" in empty and "请填写咨询内容。" in empty
    bad = client.post("/questions/ask", data=form_values(page) | {
        "send": "1", "department_id": str(department(app, "huzheng")), "subject": "咨询户口",
        "question_text": "请问户口迁移需要多久？", "phone": "12345", "email": "not-an-address"}).get_data(as_text=True)
    assert "请填写 11 位手机号码，或带区号的固定电话。" in bad and "电子邮箱格式不正确。" in bad
    no_token = client.post("/questions/ask", data={"send": "1", "department_id": str(department(app, "huzheng")),
                                                  "subject": "咨询户口", "question_text": "请问户口迁移需要多久？"})
    assert no_token.status_code == 400
    assert questions_stored(app) == 0


def test_the_limit_is_configured_in_working_days(app):
    app.config["QUESTION_REPLY_DAYS"] = 3
    number, _code, _id = asked(app, received=date(2026, 11, 27))  # a Friday
    with app.app_context():
        matter = db.session.scalar(select(Matter).where(Matter.tracking_no == number))
        assert matter.due_on == date(2026, 12, 2)  # Mon 30, Tue 1, Wed 2


def answer_as_staff(client, users, number: str, **data):
    login(client, users["staff"])
    url = f"/staff/questions/{number}"
    values = {"day": "2026-11-26", "public_title": "身份证丢了怎么补办",
              "answer_md": "请携带户口簿到派出所办理，[[姓名]]王小明[[/姓名]]民警可以协助。",
              "public_question": f"身份证丢了，手机{MOBILE}，[[不予公开:third-party]]邻居的事[[/不予公开]]，"
                                 "补办要带什么？"} | data
    return post_form(client, f"{url}/answer", values, form_url=url)


def test_answer_is_published_masked_and_found_in_list_search_feed_and_api(pinned_today, client, app, users):
    number, _code, question_id = asked(app, received=date(2026, 11, 24))
    response = answer_as_staff(client, users, number)
    assert response.status_code == 302
    public = app.test_client()
    listing = public.get("/questions/").get_data(as_text=True)
    assert "身份证丢了怎么补办" in listing and f"/questions/{question_id}" in listing
    detail = public.get(f"/questions/{question_id}").get_data(as_text=True)
    assert "139****5678" in detail and MOBILE not in detail
    assert "【此处依据《政府信息公开条例》第十五条不予公开】" in detail and "邻居的事" not in detail
    assert "王某某" in detail and "王小明" not in detail and "欧阳娜娜" not in detail and "示例路8号" not in detail
    feed = public.get("/questions/feed.xml")
    assert feed.mimetype == "application/atom+xml" and f"/questions/{question_id}" in feed.get_data(as_text=True)
    found = public.get("/search?q=身份证丢了怎么补办&type=question").get_data(as_text=True)
    assert f"/questions/{question_id}" in found
    api = public.get("/api/v1/questions").get_json()
    assert api["total"] == 1 and api["items"][0]["id"] == question_id
    one = public.get(f"/api/v1/questions/{question_id}").get_json()
    assert MOBILE not in str(one) and "139****5678" in one["question"] and one["withheld_reasons"]
    with app.app_context():
        question = db.session.get(Question, question_id)
        assert question.answer_workdays == 2 and question.on_time is True  # Wed 25, Thu 26


def test_the_asker_rates_the_answer_with_number_and_code(pinned_today, client, app, users):
    number, code, question_id = asked(app, received=date(2026, 11, 24))
    answer_as_staff(client, users, number)
    asker = app.test_client()
    asker.post("/track", data={"csrf_token": csrf_token(asker, "/track"), "tracking_no": number,
                               "access_code": code})
    url = f"/questions/my/{number}"
    page = asker.get(url).get_data(as_text=True)
    assert "已答复" in page and "王某某" in page and "提交评价" in page
    asker.post(f"{url}/rate", data={"csrf_token": csrf_token(asker, url), "rating": "satisfied"})
    assert "您的评价：满意" in asker.get(url).get_data(as_text=True)
    stranger = app.test_client()  # without the code: back to the lookup form, never the page
    assert stranger.get(url).status_code == 302
    assert stranger.post(f"{url}/rate", data={"rating": "unsatisfied"}).status_code in (400, 404)
    with app.app_context():
        assert db.session.get(Question, question_id).rating == "satisfied"


def test_unconsented_questions_stay_private_and_other_departments_cannot_answer(pinned_today, client, app, users):
    number, _code, question_id = asked(app, received=date(2026, 11, 24), consent=False)
    login(client, users["traffic"])
    assert client.get(f"/staff/questions/{number}").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    answer_as_staff(app.test_client(), users, number)
    public = app.test_client()
    assert public.get(f"/questions/{question_id}").status_code == 404
    assert public.get(f"/api/v1/questions/{question_id}").status_code == 404
    assert "身份证丢了怎么补办" not in public.get("/questions/").get_data(as_text=True)


def test_an_answer_needs_text_and_a_day_within_the_limits(pinned_today, client, app, users):
    number, _code, question_id = asked(app, received=date(2026, 11, 24))
    empty = answer_as_staff(client, users, number, answer_md="")
    assert empty.status_code == 422 and "请填写答复内容。" in empty.get_data(as_text=True)
    early = answer_as_staff(app.test_client(), users, number, day="2026-11-20")
    assert early.status_code == 422 and "答复日期应在收到咨询之日与今天之间。" in early.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Question, question_id).answered_on is None


def test_overdue_question_reaches_the_dashboard_and_the_digest(pinned_today, client, app, users):
    number, _code, _id = asked(app, received=date(2026, 11, 20))  # due Fri 27 Nov; today Tue 1 Dec
    login(client, users["supervisor"])
    dashboard = client.get("/staff/oversight/").get_data(as_text=True)
    assert number in dashboard and "网上咨询" in dashboard
    assert f'href="/staff/questions/{number}"' in dashboard
    with app.app_context():
        from portal.oversight.sweep import sweep

        sweep(pinned_today)
        db.session.commit()
        bodies = " ".join(db.session.scalars(select(OutboxMessage.body)))
    assert f"网上咨询 {number}" in bodies and "逾期 4 天" in bodies  # calendar days since the due date


def test_statistics_per_month_and_department(pinned_today, client, app, users):
    _first, _c, first_id = asked(app, received=date(2026, 11, 2))  # Monday
    _second, _c, second_id = asked(app, received=date(2026, 11, 2))
    asked(app, received=date(2026, 11, 3), code="jiaoguan")
    with app.app_context():
        answer_question(db.session.get(Question, first_id), answer="答复一", public_title="标题一",
                        public_question="问题一", day=date(2026, 11, 4), actor_id=None)  # 2 working days
        answer_question(db.session.get(Question, second_id), answer="答复二", public_title="标题二",
                        public_question="问题二", day=date(2026, 11, 12), actor_id=None)  # 8 working days: late
        db.session.commit()
    rows = client.get("/api/v1/questions/statistics").get_json()["items"]
    household = next(r for r in rows if r["department"] == "户政管理")
    assert household == {"month": "2026-11", "department": "户政管理", "received": 2, "answered": 2,
                         "answered_on_time": 1, "median_workdays": 5.0}
    traffic = next(r for r in rows if r["department"] != "户政管理")
    assert (traffic["received"], traffic["answered"], traffic["median_workdays"]) == (1, 0, None)
    page = client.get("/questions/statistics").get_data(as_text=True)
    assert "答复用时中位数" in page and "50%" in page


@pytest.mark.parametrize("path", ["/questions/", "/questions/ask", "/questions/statistics"])
def test_public_pages_link_from_the_header(client, path):
    page = client.get(path)
    assert page.status_code == 200
    assert 'href="/questions/"' in page.get_data(as_text=True)
