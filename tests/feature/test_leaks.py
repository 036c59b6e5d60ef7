"""The leak test: plant markers in every non-public field and personal data in free text,
then prove that no public route returns any of it.

Generic on purpose: it walks every mapped table and every column's declared level, and every
GET route of the URL map. A new model field is covered by declaring its level; a new route by
declaring how to enumerate its parameters in tests/leak_params.py.
"""

from __future__ import annotations

import io
import itertools
import re

import pypdf
import pytest
from flask import url_for
from sqlalchemy import JSON, String, Text, select

from portal.core.classification import Level
from portal.core.pii import id_check_digit
from portal.disclose import UNDECLARED
from portal.extensions import db
from portal.notices.models import Notice, NoticeStatus
from portal.notices.services import publish_notice, save_notice
from tests.leak_params import PARAM_SOURCES, QUERY_VARIANTS

ID17 = "11010519900307123"
CITIZEN_ID = ID17 + id_check_digit(ID17)
MOBILE = "13912345678"
EMAIL = "zhangsan.private@example.com"
CARD = "6222020200012345678"  # fixed below to pass Luhn
PRIVATE_NAME = "欧阳娜娜"


def luhn_complete(prefix: str) -> str:
    """Append the Luhn check digit to ``prefix``."""
    total = 0
    for index, char in enumerate(reversed(prefix)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return prefix + str((10 - total % 10) % 10)


BANK_CARD = luhn_complete("622202020001234567")
PII_SENTENCE = f" 联系人{CITIZEN_ID}，手机{MOBILE}，邮箱{EMAIL}，卡号{BANK_CARD}。"
RAW_PII = [CITIZEN_ID, MOBILE, EMAIL, BANK_CARD]


def _markers():
    for number in itertools.count(1):
        yield f"LEAK{number:05d}Q"


def _declaration(column) -> dict:
    return column.info or UNDECLARED


def plant(app) -> list[str]:
    """Fill every non-public text field with a unique marker and free text with PII."""
    planted: list[str] = []
    markers = _markers()
    with app.app_context():
        for mapper in db.Model.registry.mappers:
            model = mapper.class_
            for row in db.session.scalars(select(model)):
                for attr in mapper.column_attrs:
                    column = attr.columns[0]
                    if column.primary_key or column.foreign_keys:
                        continue
                    declaration = _declaration(column)
                    value = getattr(row, attr.key)
                    if declaration["level"] is not Level.PUBLIC or declaration.get("never"):
                        marker = next(markers)
                        if isinstance(column.type, String | Text):
                            length = getattr(column.type, "length", None)
                            if length is None or length >= len(marker):
                                setattr(row, attr.key, marker)
                                planted.append(marker)
                        elif isinstance(column.type, JSON):
                            setattr(row, attr.key, [marker] if isinstance(value, list) else {"m": marker})
                            planted.append(marker)
                    elif declaration.get("free_text") and isinstance(value, str):
                        withheld = next(markers)
                        addition = f"{PII_SENTENCE}[[不予公开:third-party]]{withheld}[[/不予公开]]"
                        length = getattr(column.type, "length", None)
                        if length is None or len(value) + len(addition) <= length:
                            setattr(row, attr.key, value + addition)
                            planted.append(withheld)
                        elif length >= len(PII_SENTENCE) + 2:
                            setattr(row, attr.key, value[: length - len(PII_SENTENCE)] + PII_SENTENCE)
                    elif declaration.get("free_text") and isinstance(value, list) and value:
                        if all(isinstance(item, str) for item in value):
                            setattr(row, attr.key, [*value, PII_SENTENCE.strip()])
                    elif declaration.get("person_name") and isinstance(value, str):
                        setattr(row, attr.key, PRIVATE_NAME)
        db.session.commit()
    return planted


def public_urls(app) -> list[str]:
    """Every GET route of the app with every existing parameter value, plus query variants."""
    urls = set()
    with app.app_context(), app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            arguments = sorted(rule.arguments)
            missing = [a for a in arguments if a not in PARAM_SOURCES]
            assert not missing, (
                f"route {rule.rule} has parameters {missing}: declare their values in "
                "tests/leak_params.py so the leak test covers it"
            )
            value_lists = [PARAM_SOURCES[a]() for a in arguments]
            for values in itertools.product(*value_lists):
                base = url_for(rule.endpoint, **dict(zip(arguments, values, strict=True)))
                urls.update(base + q for q in (QUERY_VARIANTS if not arguments else [""]))
    urls.update({"/no-such-page", "/static/no-such-file.css"})
    return sorted(urls)


def _file_requests() -> None:
    """Two requests: one open with events, one answered with a partly withheld reply."""
    from datetime import date

    from portal.disclosure.services import file_request, reply
    from portal.matters.services import add_event, new_submission_key

    fields = {"applicant_type": "person", "org_kind": None, "applicant_name": PRIVATE_NAME,
              "id_type": "resident_id", "id_number": CITIZEN_ID, "phone": MOBILE, "email": EMAIL,
              "address": "示例路1号", "description": f"申请公开某统计数据{PII_SENTENCE}",
              "purpose": "", "delivery": "email"}
    open_one = file_request(fields, submission_key=new_submission_key(), attachment=None,
                            received_on=date(2026, 9, 25)).request
    add_event(open_one.matter, "consultation_started", date(2026, 10, 9), actor_id=None,
              message=f"征求意见{PII_SENTENCE}", note="内部意见")
    _route(open_one)
    answered = file_request(fields, submission_key=new_submission_key(), attachment=None,
                            received_on=date(2026, 9, 25)).request
    reply(answered, type_code="partly", sub_code=None, actor_id=None, supervisor_approved=True,
          text=f"答复如下。{PII_SENTENCE}[[不予公开:third-party]]保密部分[[/不予公开]]")
    _file_complaint()
    _record_case()
    _ask_questions_and_report_an_error()
    _book_appointments()


def _route(request) -> None:
    """Consult two departments on ``request`` (one answers), then transfer it to one of them."""
    from datetime import date

    from portal.accounts.models import Department, User
    from portal.disclosure import routing

    household, traffic = (db.session.scalars(select(Department).where(Department.code == code)).one()
                          for code in ("huzheng", "jiaoguan"))
    asked = routing.consult(request, [household, traffic], question=f"内部问题{PII_SENTENCE}", workdays=5,
                            actor_id=None, day=date(2026, 10, 9))
    officer = User(username="leak-officer", password_hash="x", role="staff", department_id=household.id)
    db.session.add(officer)
    db.session.flush()
    routing.answer(asked[0], text=f"部门意见{PII_SENTENCE}", actor=officer, day=date(2026, 10, 12))
    routing.transfer(request, household, reason=f"转办理由{PII_SENTENCE}", actor_id=None, day=date(2026, 10, 12))


def _book_appointments() -> None:
    """Appointments: a demo hall, one booking kept and one served, by a named citizen."""
    from portal.appointments import services as appointments
    from portal.appointments.models import SlotPlan
    from portal.appointments.pages import open_days_of
    from portal.seed.appointments import create_demo_halls

    create_demo_halls()
    plan = db.session.scalars(select(SlotPlan).order_by(SlotPlan.id)).first()
    day = open_days_of(plan)[-1].day
    person = appointments.Person(PRIVATE_NAME, CITIZEN_ID, MOBILE, EMAIL)
    appointments.book(plan, day, plan.opens_at, person)
    other = db.session.scalars(select(SlotPlan).where(SlotPlan.guide_id != plan.guide_id)).first()
    appointments.book(other, day, other.opens_at, person).status = "served"


def _record_case() -> None:
    """A criminal case with two parties and a stage whose reason names a person."""
    from datetime import date

    from portal.accounts.models import Department
    from portal.cases import services as cases

    unit = db.session.scalar(select(Department.id).where(Department.code == "xingzhen"))
    case = cases.create_case(case_no="示例公(刑)受字〔2026〕0099号", case_type="criminal",
                             department_id=unit, officer_in_charge="钱警官", unit_phone="0571-87000000",
                             accepted_on=date(2026, 10, 8), note="内部研判意见", actor_id=None)
    cases.add_party(case, role="victim", name=PRIVATE_NAME, id_last4="123X", email=EMAIL,
                    actor_id=None)
    cases.add_party(case, role="reporter", name="孙二娘", id_last4="4567", actor_id=None)
    cases.add_stage(case, stage="filed", day=date(2026, 10, 10), actor_id=None,
                    note=f"立案审批意见{PII_SENTENCE}")


def _file_complaint() -> None:
    """A complaint about a named officer, answered and summarised for the public."""
    from datetime import date

    from portal.accounts.models import Department
    from portal.complaints import services as complaints
    from portal.matters.services import new_submission_key

    about = db.session.scalar(select(Department.id).where(Department.code == "jiaoguan"))
    complaint = complaints.file_complaint(
        {"complaint_type": "conduct", "about_department_id": about, "officer_name": "赵警官",
         "officer_number": "123456", "happened_on": date(2026, 10, 1),
         "what_happened": f"经过{PII_SENTENCE}", "wants": "道歉", "anonymous": False,
         "complainant_name": PRIVATE_NAME, "phone": MOBILE, "email": EMAIL},
        submission_key=new_submission_key(), attachment=None, received_on=date(2026, 10, 8)).complaint
    complaints.decide_acceptance(complaint, "accepted", day=date(2026, 10, 9), reason="",
                                 transferred_to="", actor_id=None)
    complaints.reply(complaint, outcome="upheld", day=date(2026, 10, 20), actor_id=None,
                     text=f"经查属实。{PII_SENTENCE}[[不予公开:third-party]]处分细节[[/不予公开]]")
    complaints.publish_summary(complaint, f"投诉人[[姓名]]{PRIVATE_NAME}[[/姓名]]反映的问题属实。"
                               f"{PII_SENTENCE}", actor_id=None)


# --- 网上咨询 and 我为网站找错 ----------------------------------------------------------------


def _ask_questions_and_report_an_error() -> None:
    """A question answered and published, one answered but not consented, one waiting, and an
    error report: personal data in the asker's words, the public copy and the answer."""
    from datetime import date

    from portal.accounts.models import Department
    from portal.error_reports.services import report_error
    from portal.matters.services import new_submission_key
    from portal.questions.services import answer_question, ask_question

    unit = db.session.scalar(select(Department.id).where(Department.code == "huzheng"))
    asked = []
    for consent in (True, False, True):
        asked.append(ask_question(
            {"department_id": unit, "subject": f"户口迁移咨询{PRIVATE_NAME}",
             "question_text": f"我是{PRIVATE_NAME}，{PII_SENTENCE}", "phone": MOBILE, "email": EMAIL,
             "consent_publish": consent},
            submission_key=new_submission_key(), received_on=date(2026, 10, 8)).question)
    for question in asked[:2]:
        answer_question(question, answer=f"答复：[[姓名]]{PRIVATE_NAME}[[/姓名]]的情况已核实。{PII_SENTENCE}",
                        public_title=f"[[姓名]]{PRIVATE_NAME}[[/姓名]]询问户口迁移",
                        public_question=f"[[姓名]]{PRIVATE_NAME}[[/姓名]]询问户口迁移。{PII_SENTENCE}",
                        day=date(2026, 10, 9),
                        actor_id=None)
    report_error(page_url="/guides/", category="wrong_information", description=f"信息有误。{PII_SENTENCE}",
                 contact=EMAIL)


# --- letters ---------------------------------------------------------------------------------

# --- 执法结果公开 (penalty decisions) -------------------------------------------------------------
MINOR_DECISION_NO = "示公（治）行罚决字〔2026〕777号"


def _register_penalties() -> None:
    """Decisions in every state: published (a person, a company with a trade secret), withdrawn,
    registered only, and a minor's case, each carrying personal data and a withheld span."""
    from datetime import date

    from portal.accounts.models import Department
    from portal.penalties import services as penalties

    unit = db.session.scalar(select(Department.id).where(Department.code == "zhian"))
    text = f"违法事实{PII_SENTENCE}[[不予公开:third-party]]商业秘密内容[[/不予公开]]"

    def decision(number: str, party_type: str, minor: bool = False):
        return penalties.save_decision(None, penalties.DecisionFields(
            decision_no=number, authority="示例市公安局", department_id=unit, decided_on=date(2026, 11, 20),
            party_type=party_type, party_name=PRIVATE_NAME if party_type == "person" else "示例科技有限公司",
            party_id_number=CITIZEN_ID, party_address="示例路99号", involves_minor=minor, facts=text,
            legal_basis=f"依据{PII_SENTENCE}", penalty=f"罚款{PII_SENTENCE}"), actor_id=None)

    person, company = decision("示公行罚〔2026〕701号", "person"), decision("示公行罚〔2026〕702号", "company")
    withdrawn = decision("示公行罚〔2026〕703号", "person")
    decision("示公行罚〔2026〕704号", "person")
    decision(MINOR_DECISION_NO, "person", minor=True)
    for published in (person, company, withdrawn):
        penalties.publish_decision(published, actor_id=None)
    penalties.note_change(withdrawn, kind="void", changed_on=date(2026, 11, 25), actor_id=None)
    penalties.withdraw_decision(withdrawn, statement=f"确认无效。{PII_SENTENCE}", actor_id=None)
# --- end of 执法结果公开 -----------------------------------------------------------------------------


LETTER_URL = re.compile(r"^/(?:track|complaints)/([^/]+)/(?:letter|notices/|letters/)")


def own_names() -> dict[str, str]:
    """Tracking number → the name of the party a letter of that matter is addressed to."""
    from portal.complaints.models import Complaint
    from portal.disclosure.models import DisclosureRequest
    from portal.matters.models import Matter

    names = {}
    for model, column in ((DisclosureRequest, DisclosureRequest.applicant_name),
                          (Complaint, Complaint.complainant_name)):
        rows = db.session.execute(select(Matter.tracking_no, column).join(
            model, model.matter_id == Matter.id))
        names.update((number, name) for number, name in rows)
    return names


def response_text(response) -> str:
    """The body as text; a PDF's text is read back, whitespace removed (lines break anywhere)."""
    if response.mimetype != "application/pdf":
        return response.get_data(as_text=True)
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def planted_app(app, users):
    """The demo content plus notices in every state, a withheld span, then markers."""
    with app.app_context():
        staff_department = db.session.scalar(select(Notice.department_id))
        for title, status in (("已发布测试公告", "publish"), ("草稿测试公告", "draft"),
                              ("撤回测试公告", "withdraw")):
            notice = save_notice(None, title=title, kind="通知公告",
                                 body_md=f"正文 [[姓名]]{PRIVATE_NAME}[[/姓名]] 来访。",
                                 department_id=staff_department, review_due_on=None, author_id=None)
            if status != "draft":
                publish_notice(notice, author_id=None)
            if status == "withdraw":
                notice.status = NoticeStatus.WITHDRAWN.value
        _file_requests()
        _register_penalties()
        db.session.commit()
    return app, plant(app)


def test_no_public_route_returns_a_marker_or_unmasked_personal_data(planted_app):
    app, planted = planted_app
    assert len(planted) > 50  # the planting reached many fields
    client = app.test_client()
    with app.app_context():  # the applicant's own status pages are public outputs too
        from portal.matters.models import Matter

        tracked = list(db.session.scalars(select(Matter.id)))
        from portal.appointments.models import Booking

        booked = list(db.session.scalars(select(Booking.id)))
        addressees = own_names()
    with client.session_transaction() as session:
        session["tracked"] = tracked
        session["appointments"] = booked  # the citizen's own slips are public outputs too
    urls = public_urls(app)
    assert len(urls) > 40
    masked_seen = placeholder_seen = pdf_seen = slip_seen = False
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, f"{url} failed with {response.status_code}"
        text = response_text(response) + str(response.headers)
        pdf_seen |= response.status_code == 200 and response.mimetype == "application/pdf"
        slip_seen |= response.status_code == 200 and url.startswith("/appointments/booking/")
        letter = LETTER_URL.match(url)
        own_name = addressees.get(letter.group(1)) if letter else None
        if own_name:  # a party's own letter is addressed to them by name, and only there
            text = text.replace(f"{own_name}：", "")
        for marker in planted:
            assert marker not in text, f"{url} leaks the planted marker {marker}"
        for datum in [*RAW_PII, PRIVATE_NAME, "赵警官", "123456", "钱警官", "孙二娘", MINOR_DECISION_NO,
                      "示例路99号", "商业秘密内容"]:
            assert datum not in text, f"{url} leaks unmasked personal data {datum}"
        masked_seen |= MOBILE[:3] + "****" + MOBILE[-4:] in text
        placeholder_seen |= "【此处依据《政府信息公开条例》第十五条不予公开】" in text
    assert masked_seen, "the masked form of planted personal data never appeared: planting failed?"
    assert placeholder_seen, "no withheld placeholder appeared: planting failed?"
    assert pdf_seen, "no letter PDF was read: the applicants' letters were not reached"
    assert slip_seen, "no appointment slip was read: the bookings were not reached"


def test_every_field_that_reaches_a_page_is_declared():
    """A column with no declaration is treated as internal; public ones must say so."""
    from portal.catalog.models import Guide

    declared_public = [c.key for c in Guide.__table__.columns if c.info.get("level") is Level.PUBLIC]
    assert {"title", "body_md", "conditions", "is_free"} <= set(declared_public)
    notice_public = [c.key for c in Notice.__table__.columns if c.info.get("level") is Level.PUBLIC]
    assert "review_due_on" not in notice_public and "author_id" not in notice_public


def _assert_clean(text: str, planted: list[str], where: str) -> None:
    for marker in planted:
        assert marker not in text, f"{where} leaks the planted marker {marker}"
    for datum in [*RAW_PII, PRIVATE_NAME, "赵警官", "123456", "钱警官", "孙二娘"]:
        assert datum not in text, f"{where} leaks unmasked personal data {datum}"


def test_the_search_index_stores_only_disclosed_text(planted_app):
    """Every stored field of every document in the Whoosh index, read straight from the index."""
    from whoosh import index as whoosh_index

    from portal.search.services import rebuild

    app, planted = planted_app
    with app.app_context():
        documents = rebuild()
    ix = whoosh_index.open_dir(app.config["SEARCH_INDEX_DIR"])
    with ix.reader() as reader:
        stored = list(reader.all_stored_fields())
    assert documents > 10 and len(stored) == documents
    for fields in stored:
        _assert_clean(repr(fields), planted, f"search document {fields.get('key')}")
    assert any("****" in repr(fields) for fields in stored), "no masked text indexed: planting failed?"


def test_the_receipts_of_posted_forms_show_nothing_of_anyone_else(planted_app):
    """The pages answering a POST (a request's and a complaint's receipt) are public outputs too."""
    from tests.feature.test_requests import submit

    app, planted = planted_app
    client = app.test_client()
    request_receipt, _data = submit(client, applicant_name="李明", email="liming@example.com")
    page = client.get("/complain").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)
    department = re.search(r'<option value="(\d+)"', page).group(1)
    complaint_receipt = client.post("/complain", data={
        "csrf_token": token, "submission_key": key, "complaint_type": "conduct",
        "about_department_id": department, "happened_on": "2026-10-01", "what_happened": "窗口人员态度粗暴。",
        "wants": "道歉", "complainant_name": "李明", "phone": "13911112222", "email": "liming@example.com"})
    for name, response in (("request receipt", request_receipt), ("complaint receipt", complaint_receipt)):
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "查询码" in body, name
        _assert_clean(body + str(response.headers), planted, name)


def _give_staff_addresses() -> None:
    """Planting put markers in every account's name and address: give them real ones back, so
    alerts can be sent and any marker in them came from the records they are about. The last
    account becomes a supervisor, the others staff."""
    from portal.accounts.models import User

    users = list(db.session.scalars(select(User).order_by(User.id)))
    for user in users:
        user.role, user.active, user.username = "staff", True, f"officer{user.id}"
    users[-1].role = "supervisor"
    for user in users:
        user.email, user.display_name = f"{user.username}@example.gov.cn", f"{user.username}同志"


def test_every_e_mail_to_someone_else_than_the_party_shows_only_what_they_may_see(planted_app):
    """Alerts to staff and supervisors, daily digests and case parties' notices, all queued after
    the planting, carry no planted marker and no unmasked personal data."""
    from datetime import date, timedelta

    from portal.accounts.models import User
    from portal.cases.models import Case, CaseParty
    from portal.cases.services import add_stage
    from portal.disclosure.actions import take_action
    from portal.disclosure.models import DisclosureRequest
    from portal.disclosure.services import assign
    from portal.outbox.models import OutboxMessage
    from portal.oversight.sweep import sweep

    app, planted = planted_app
    with app.app_context():
        _give_staff_addresses()
        for party in db.session.scalars(select(CaseParty)):
            party.email = f"party{party.id}@example.com"
        before = db.session.scalar(select(db.func.max(OutboxMessage.id))) or 0
        staff = db.session.scalars(select(User).where(User.role == "staff").order_by(User.id)).first()
        for request in db.session.scalars(select(DisclosureRequest)):
            assign(request.matter, staff.id, actor_id=staff.id)
            if request.reply_sent_on is None:
                take_action(request, "extension_requested", day=date(2026, 10, 12), actor_id=staff.id,
                            days=15, message="需要调取档案。")
        case = db.session.scalar(select(Case).where(Case.case_no.contains("0099")))
        add_stage(case, stage="investigating", day=date(2026, 10, 20), actor_id=None, today=date(2026, 10, 21))
        sweep(date(2026, 10, 8) + timedelta(days=120))
        db.session.commit()
        messages = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > before)))
        assert len({m.recipient for m in messages}) >= 3, [m.recipient for m in messages]
        for message in messages:
            _assert_clean(message.subject + message.body, planted, f"the e-mail to {message.recipient}")
