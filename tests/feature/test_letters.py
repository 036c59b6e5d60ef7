"""Letters as legal documents: the page, the PDF and the e-mail carry the same text, name the
applicant, the issuing bureau, the number, the legal basis and the remedies."""

import html
import io
import os
import re
import subprocess
from datetime import date

import pypdf
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.outbox.models import OutboxMessage
from tests.feature import test_request_handling as handling
from tests.feature.test_request_handling import act, decide, send_reply
from tests.helpers import csrf_token, login

filed = handling.filed  # a request received on 2026-09-25 (tracking number, access code)


def pdf_text(data: bytes) -> str:
    """The PDF's text with all whitespace removed (line breaks fall anywhere in CJK text)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def pdf_fonts(data: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return {str(font.get_object()["/BaseFont"]) for page in reader.pages
            for font in page["/Resources"]["/Font"].values()}


def paragraphs(page: str) -> list[str]:
    """The letter's paragraphs as the HTML page shows them."""
    return [html.unescape(p) for p in re.findall(r'<p class="para[^"]*">(.*?)</p>', page, re.S)]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def tracked(app, number, code):
    applicant = app.test_client()
    applicant.post("/track", data={"csrf_token": csrf_token(applicant, "/track"), "tracking_no": number,
                                   "access_code": code})
    return applicant


def outbox_body(app, subject_start: str) -> str:
    with app.app_context():
        return db.session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.subject.startswith(subject_start))).one()


def test_reply_letter_is_the_same_text_in_page_pdf_and_email(client, app, users, filed):
    number, code = filed
    login(client, users["supervisor"])
    send_reply(client, number, "partly", "",
               "现予公开统计表。\n\n[[不予公开:third-party]]王五的住址[[/不予公开]]不予公开。")
    decide(client, number, "reply")
    applicant = tracked(app, number, code)
    page = applicant.get(f"/track/{number}/letter").get_data(as_text=True)
    response = applicant.get(f"/track/{number}/letter.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    serial = int(number.rsplit("-", 1)[1])
    for expected in ("张三：", "示例市公安局", f"示公开〔2026〕第{serial}号", "第三十六条第（三）项",
                     "第三十七条", "第十五条", "六十日内", "示例市人民政府", "行政复议", "六个月内",
                     "示例市某区人民法院", "行政诉讼", "盖章处"):
        assert expected in text and expected in page
    assert "王五的住址" not in text and "王五的住址" not in page
    body = outbox_body(app, "政府信息公开申请答复")
    shown = paragraphs(page)
    assert len(shown) >= 6  # opening, type, two of text, withheld reasons, basis, remedies
    for paragraph in shown:
        assert squash(paragraph) in text
        assert paragraph in body
    assert "张三：" in body and f"示公开〔2026〕第{serial}号" in body


def cjk_font_installed() -> bool:
    try:
        listing = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return False
    return bool(listing.stdout.strip())


def test_letter_pdf_is_a4_and_embeds_the_cjk_font(app):
    from portal.matters.letter_pdf import letter_pdf
    from portal.matters.letters import Letter

    if not cjk_font_installed() and os.environ.get("CI") != "true":
        pytest.skip("no CJK font: apt-get install -y fonts-wqy-microhei")
    letter = Letter(title="政府信息公开申请答复书", number="示公开〔2026〕第1号", date=date(2026, 10, 9),
                    addressee="张三", paragraphs=("本机关于2026年9月25日收到您的申请。",), basis="第三十六条",
                    remedies=("行政复议", "行政诉讼"), issuer="示例市公安局", reference="GK-2026-000001")
    with app.test_request_context():
        data = letter_pdf(letter)
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    width_mm, height_mm = (round(float(v) * 25.4 / 72) for v in page.mediabox[2:])
    assert (width_mm, height_mm) == (210, 297)
    assert any("WenQuanYi" in font or "Noto" in font for font in pdf_fonts(data))
    assert "张三：" in pdf_text(data) and "盖章处" in pdf_text(data)


@pytest.mark.parametrize(("action", "extra", "title", "article"), [
    ("clarification_requested", {"deadline": "2026-10-20"}, "补正通知书", "第三十条"),
    ("fee_notice_sent", {"deadline": "2026-10-30", "fee_method": "volume", "pages": "120"},
     "收费通知书", "第四十二条"),
])
def test_step_notices_have_a_pdf_with_the_same_paragraphs(client, app, users, filed, action, extra,
                                                          title, article):
    number, code = filed
    login(client, users["supervisor"])
    assert act(client, number, action, date(2026, 9, 30), **extra).status_code == 302
    applicant = tracked(app, number, code)
    status = applicant.get(f"/track/{number}").get_data(as_text=True)
    event_id = int(status.split(f"/track/{number}/notices/")[1].split('"')[0])
    page = applicant.get(f"/track/{number}/notices/{event_id}").get_data(as_text=True)
    text = pdf_text(applicant.get(f"/track/{number}/notices/{event_id}.pdf").data)
    for expected in ("张三：", "示例市公安局", f"示公开告〔2026〕第{event_id}号", title, article,
                     "示例市人民政府", "示例市某区人民法院"):
        assert expected in text and expected in page
    body = outbox_body(app, f"政府信息公开申请{title[:2]}")
    for paragraph in paragraphs(page):
        assert squash(paragraph) in text and paragraph in body
    staff_page = client.get(f"/staff/requests/{number}/notices/{event_id}").get_data(as_text=True)
    assert paragraphs(staff_page) == paragraphs(page)
    assert pdf_text(client.get(f"/staff/requests/{number}/notices/{event_id}.pdf").data) == text


def test_letter_pdf_needs_the_access_code_or_the_handling_staff(client, app, users, filed):
    number, code = filed
    login(client, users["supervisor"])
    send_reply(client, number, "disclosed", "disclosed:provided", "现予公开。")
    assert app.test_client().get(f"/track/{number}/letter.pdf").status_code == 404
    assert tracked(app, number, code).get(f"/track/{number}/letter.pdf").status_code == 200
    staff = client.get(f"/staff/requests/{number}/letter.pdf")
    assert staff.status_code == 200 and "张三：" in pdf_text(staff.data)
    other = app.test_client()
    login(other, users["traffic"])
    assert other.get(f"/staff/requests/{number}/letter.pdf").status_code == 403


def test_settings_name_the_bureau_and_the_remedy_bodies(make_app):
    from portal.matters.letters import administrative_remedies, issuer, letter_number

    app = make_app(ISSUING_AUTHORITY="乙市公安局", LETTER_PREFIX="乙公", REVIEW_BODY="乙市人民政府",
                   LITIGATION_COURT="乙市甲区人民法院")
    with app.app_context():
        remedies = "".join(administrative_remedies())
        assert issuer() == "乙市公安局" and letter_number("开", 2026, 7) == "乙公开〔2026〕第7号"
        assert "六十日内" in remedies and "向乙市人民政府申请行政复议" in remedies
        assert "六个月内" in remedies and "向乙市甲区人民法院提起行政诉讼" in remedies


def test_complaint_opinion_names_the_complainant_and_both_remedies_everywhere(client, app, users):
    from tests.feature.test_complaints import file_on, reply_and_track

    number, code = file_on(app, received=date(2026, 10, 30))
    citizen = reply_and_track(client, app, users, number, code)
    status = citizen.get(f"/complaints/{number}").get_data(as_text=True)
    event_ids = re.findall(rf"/complaints/{number}/letters/(\d+)\"", status)
    assert len(event_ids) == 2  # the decision to accept, then the handling opinion
    decision = citizen.get(f"/complaints/{number}/letters/{event_ids[0]}").get_data(as_text=True)
    assert "投诉受理告知书" in decision and "李四：" in decision
    page = citizen.get(f"/complaints/{number}/letters/{event_ids[1]}").get_data(as_text=True)
    response = citizen.get(f"/complaints/{number}/letters/{event_ids[1]}.pdf")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in ("投诉处理意见书", "李四：", "示例市公安局", f"示公投〔2026〕第{event_ids[1]}号",
                     "《信访工作条例》第三十四条", "投诉不属实", "三十日内申请复查", "六十日内",
                     "示例市人民政府", "行政复议", "六个月内", "示例市某区人民法院", "行政诉讼"):
        assert expected in text and expected in page
    assert "王小明" not in text and "王某某" in text  # the officer named in the reply stays masked
    with app.app_context():
        body = db.session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.recipient == "ls@example.com", OutboxMessage.body.contains("处理意见书"))).one()
    for paragraph in paragraphs(page):
        assert squash(paragraph) in text and paragraph in body
    assert app.test_client().get(f"/complaints/{number}/letters/{event_ids[1]}.pdf").status_code == 404
    assert client.get(f"/staff/complaints/{number}/letters/{event_ids[1]}.pdf").status_code == 200


def test_not_accepted_complaint_letter_gives_the_reason(client, app, users):
    from tests.feature.test_complaints import file_on, staff_post

    number, code = file_on(app)
    login(client, users["supervisor"])
    staff_post(client, number, "decide", {"decision-decision": "not_accepted", "decision-day": "2026-10-09",
                                          "decision-reason": "不属于本机关职责范围"})
    citizen = tracked(app, number, code)
    status = citizen.get(f"/complaints/{number}").get_data(as_text=True)
    event_id = re.findall(rf"/complaints/{number}/letters/(\d+)\"", status)[0]
    text = pdf_text(citizen.get(f"/complaints/{number}/letters/{event_id}.pdf").data)
    for expected in ("投诉不予受理告知书", "李四：", "不属于本机关职责范围", "2026年10月9日", "行政复议", "行政诉讼"):
        assert expected in text


def test_extension_notices_are_letters_for_requests_and_complaints(client, app, users, filed):
    from tests.feature.test_complaints import file_on, staff_post

    number, code = filed
    login(client, users["supervisor"])
    act(client, number, "extension_requested", date(2026, 10, 20), days="15", note="需协调多个部门")
    assert decide(client, number, "extension").status_code == 302
    applicant = tracked(app, number, code)
    status = applicant.get(f"/track/{number}").get_data(as_text=True)
    event_id = status.split(f"/track/{number}/notices/")[1].split('"')[0]
    text = pdf_text(applicant.get(f"/track/{number}/notices/{event_id}.pdf").data)
    for expected in ("延期答复告知书", "张三：", "第三十三条第二款", "延长15个工作日", "需协调多个部门",
                     "行政复议", "行政诉讼"):
        assert expected in text

    complaint, complaint_code = file_on(app)
    staff_post(client, complaint, "decide", {"decision-decision": "accepted", "decision-day": "2026-10-09"})
    staff_post(client, complaint, "extension", {"ext-days": "30", "ext-reason": "需调取监控"})
    url = f"/staff/complaints/{complaint}"
    client.post(f"{url}/extension/approve", data={"csrf_token": csrf_token(client, url)})
    citizen = tracked(app, complaint, complaint_code)
    status = citizen.get(f"/complaints/{complaint}").get_data(as_text=True)
    assert "投诉受理告知书" in status and "投诉办理延期告知书" in status
    event_id = re.findall(rf"/complaints/{complaint}/letters/(\d+)\"", status)[-1]
    text = pdf_text(citizen.get(f"/complaints/{complaint}/letters/{event_id}.pdf").data)
    for expected in ("投诉办理延期告知书", "李四：", "延长30日", "需调取监控", "行政复议", "行政诉讼"):
        assert expected in text
