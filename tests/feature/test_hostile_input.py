"""Hostile input never reaches a 500: every route of the URL map, on both database backends.

Walks each rule with NUL bytes, bytes that are not UTF-8, an encoded lone surrogate, over-long
values and integers beyond the database's range in every path variable, in the query string and
in every form field (as a logged-in administrator with a valid CSRF token), and fills each text
field of the main forms, one at a time, with values too long for its column or holding a NUL
byte while the rest of the form is valid. Pages answer 4xx with the Chinese error page; the open
data API answers with its JSON error. A new route or form is covered without changing this file.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import select
from wtforms.fields.core import UnboundField

from portal.core.pii import id_check_digit
from portal.extensions import db
from portal.forms import PortalForm
from tests.helpers import CSRF_RE, login

# Values for path variables and query strings, as they appear in a URL (%-encoded bytes).
HOSTILE_URL_VALUES = [
    "a%00b", "%FF%FEx", "%ED%A0%80", "x" * 3000, "99999999999999999999", "2147483648", "-1",
]
# Query values the guard lets through, so that the views themselves must cope with them.
ACCEPTED_QUERY_VALUES = ["2147483647", "-2147483647", "x" * 999, "2026-13-45", "%E2%80%AE%27%22<"]
QUERY_NAMES = ["page", "per_page", "category", "kind", "q", "type", "fee", "online", "limit", "section",
               "department", "assignee", "timing", "state", "status", "user", "target", "action", "from",
               "to", "verify", "next", "year", "id", "format"]
# Form values as raw urlencoded bytes, so that invalid UTF-8 reaches the server as sent.
ONE_FIELD_VALUES = ["字" * 5000, "a\x00b"]
NUMBER_VALUES = ["²", "9" * 30]  # for pages of figures: digits int() refuses, numbers beyond any column
HOSTILE_FORM_VALUES = ["a%00b", "%FF%FE", "%ED%A0%80", "%E5%AD%97" * 300, "99999999999999999999"]
CHINESE = re.compile("[\u4e00-\u9fff]")
MAIN = re.compile(r"<main[^>]*>(.*)</main>", re.S)
RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def valid_arguments(app) -> dict[str, str]:
    """An existing value for each URL variable, so only the variable under test is hostile."""
    from portal.cases.models import Case, CaseParty
    from portal.catalog.models import Category, Guide
    from portal.matters.models import Attachment, Matter, MatterEvent
    from portal.notices.models import Notice

    with app.app_context():
        def first(column, fallback="1"):
            value = db.session.scalar(select(column).limit(1))
            return str(value) if value is not None else fallback

        return {"slug": first(Guide.slug), "notice_id": first(Notice.id), "code": first(Category.code),
                "name": "apply", "tracking_no": first(Matter.tracking_no), "case_id": first(Case.id),
                "party_id": first(CaseParty.id), "token": "token", "year": "2026",
                "attachment_id": first(Attachment.id), "event_id": first(MatterEvent.id),
                "verdict": "approve", "what": "accept", "filename": "site.css"}


def form_field_names() -> list[str]:
    """Every field name declared by any form of the portal."""
    import portal.models  # noqa: F401  (imports every feature, hence every form)

    names: set[str] = set()
    pending = [PortalForm]
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        names.update(name for name in dir(form_class) if isinstance(getattr(form_class, name, None), UnboundField))
    return sorted(names)


def fill(template: str, arguments: dict[str, str], **hostile: str) -> str:
    """The rule's path with each variable replaced by its valid or hostile value."""
    return RULE_ARGUMENT.sub(lambda m: hostile.get(m.group(1), arguments.get(m.group(1), "1")), template)


class Walk:
    """Requests sent as a logged-in administrator (anonymously for log-out), and what went wrong."""

    def __init__(self, app, users) -> None:
        self.app = app
        self.staff = app.test_client()
        login(self.staff, users["admin"])
        self.token = CSRF_RE.search(self.staff.get("/staff/notices/new").get_data(as_text=True)).group(1)
        self.arguments = valid_arguments(app)
        self.rules = [(rule.rule, sorted(rule.methods & {"GET", "POST"})) for rule in app.url_map.iter_rules()]
        self.problems: list[str] = []
        self.sent = 0

    def send(self, method: str, url: str, body: bytes | dict | None = None, client=None, label: str = "") -> None:
        """A GET, or a POST of a urlencoded ``body`` (bytes as given), and its check."""
        client = client or (self.app.test_client() if url == "/logout" else self.staff)
        if method == "GET":
            response = client.get(url)
        elif isinstance(body, dict):
            response = client.post(url, data=body)
        else:
            body = body if body is not None else f"csrf_token={self.token}".encode()
            response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        self.sent += 1
        problem = self.judge(response, url)
        if problem:
            self.problems.append(f"{method} {url[:160]} {label}: {problem}")

    @staticmethod
    def judge(response, url: str) -> str | None:
        """What is wrong with the answer: a 5xx, or a refusal that is not a Chinese page (the
        error page, or the form with its messages), or not the JSON error under /api/."""
        if response.status_code >= 500:
            return f"answered {response.status_code}"
        if response.status_code < 400:
            return None
        if url.startswith("/api/"):
            ok = response.is_json and CHINESE.search(response.get_json().get("message", ""))
            return None if ok else "no JSON error in Chinese"
        main = MAIN.search(response.get_data(as_text=True))
        return None if main and CHINESE.search(main.group(1)) else "no Chinese page"

    def path_variables(self) -> None:
        """Each variable of each rule hostile in turn, the others valid, with every method."""
        for template, methods in self.rules:
            for name in RULE_ARGUMENT.findall(template):
                for value in HOSTILE_URL_VALUES:
                    for method in methods:
                        self.send(method, fill(template, self.arguments, **{name: value}))

    def query_strings(self) -> None:
        """Every parameter the pages read, all hostile at once, on every GET rule."""
        anonymous = self.app.test_client()
        for template, methods in self.rules:
            if "GET" in methods:
                base = fill(template, self.arguments)
                for value in HOSTILE_URL_VALUES + ACCEPTED_QUERY_VALUES:
                    self.send("GET", base + "?" + "&".join(f"{name}={value}" for name in QUERY_NAMES))
                self.send("GET", base + "?page=999999999999999999", client=anonymous)

    def all_form_fields(self) -> None:
        """Every field of every form, all hostile at once, posted to every POST rule."""
        names = form_field_names()
        assert {"applicant_name", "username", "case_no", "submission_key", "title"} <= set(names)
        for template, methods in self.rules:
            if "POST" in methods:
                for value in HOSTILE_FORM_VALUES:
                    body = "&".join([f"csrf_token={self.token}", *(f"{name}={value}" for name in names)])
                    self.send("POST", fill(template, self.arguments), body.encode())

    def one_field_at_a_time(self, pages: list[str]) -> None:
        """Each text field of each form page hostile in turn, the rest of the form valid."""
        for page in pages:
            client = self.staff if page.startswith("/staff/") else self.app.test_client()
            reader = FormReader()
            reader.feed(client.get(page).get_data(as_text=True))
            baseline = {**reader.values, **FORM_PAGES.get(page, {})}
            baseline.pop("submission_key", None)  # a new submission each time, not the first one's receipt
            assert baseline.get("csrf_token"), page
            if page in ACCEPTING or page.endswith("/edit"):
                accepted = client.post(page, data=baseline)
                assert accepted.status_code in (200, 302, 303), f"{page}: the valid form was refused"
                assert "has-error" not in accepted.get_data(as_text=True), f"{page}: the valid form was refused"
            figures = "/policies" in page or "/annual-report/" in page
            for name in [*reader.text_fields, "submission_key"]:
                for value in ONE_FIELD_VALUES + (NUMBER_VALUES if figures else []):
                    self.send("POST", page, {**baseline, name: value}, client=client, label=f"{name}={value[:8]}")


class FormReader(HTMLParser):
    """The values a browser would submit from the page's forms (last value of each name wins)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.text_fields: list[str] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        """Record inputs, text areas and selected options of POST forms."""
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "form":
            self._in_form = (attributes.get("method") or "").lower() == "post"
        if not self._in_form:
            return
        if tag == "input" and name and attributes.get("type") not in ("file", "submit"):
            if attributes.get("type") in ("radio", "checkbox") and "checked" not in attributes:
                self.values.setdefault(name, attributes.get("value") or "y")
                return
            self.values[name] = attributes.get("value") or ""
            if attributes.get("type", "text") in ("text", "email", "tel", "search", "password", "number", "date"):
                self.text_fields.append(name)
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
            self.text_fields.append(name)
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and (not self.values.get(self._select) or "selected" in attributes):
            self.values[self._select] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        """Close forms, text areas and selects."""
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        """Text area contents."""
        if self._textarea:
            self.values[self._textarea] += data


ID17 = "11010519900307123"
# Form pages and the valid values a citizen or officer would type where the page offers none.
FORM_PAGES = {
    "/apply": {"applicant_type": "person", "applicant_name": "张三", "id_type": "resident_id",
               "id_number": ID17 + id_check_digit(ID17), "phone": "13912345678", "email": "zs@example.com",
               "address": "示例市示例路1号", "description": "请公开本局2025年度行政处罚统计数据",
               "delivery": "email", "consent": "y"},
    "/complain": {"complaint_type": "conduct", "happened_on": "2026-09-20", "wants": "请核实并道歉",
                  "what_happened": "在窗口办理驾驶证换证时，工作人员态度粗暴，拒绝解释所需材料。",
                  "complainant_name": "李四", "phone": "13911112222", "consent": "y"},
    "/progress": {"case_no": "示例公(刑)受字〔2026〕0001号", "query_code": "ABCDEFGH", "id_last4": "1234"},
    "/track": {"tracking_no": "GK-2026-000001", "access_code": "ABCDEFGH"},
    "/login": {"username": "nobody", "password": "wrong-password"},
}
# Pages whose valid form is accepted (a receipt, or a redirect to what was saved); the others look
# something up that does not exist.
ACCEPTING = {"/apply", "/complain", "/staff/notices/new", "/staff/cases/new"}
STAFF_FORM_PAGES = {
    "/staff/notices/new": {"title": "测试公告", "kind": "通知公告", "body_md": "正文"},
    "/staff/cases/new": {"case-case_no": "示例公(刑)受字〔2026〕0100号", "case-case_type": "criminal",
                         "case-officer_in_charge": "钱警官", "case-unit_phone": "0571-87000000",
                         "case-accepted_on": "2026-10-08"},
}
FORM_PAGES |= STAFF_FORM_PAGES


def test_no_hostile_input_reaches_a_server_error(app, users):
    walk = Walk(app, users)
    walk.path_variables()
    walk.query_strings()
    walk.all_form_fields()
    walk.one_field_at_a_time([*FORM_PAGES, fill("/staff/guides/<slug>/edit", walk.arguments),
                              fill("/staff/notices/<notice_id>/edit", walk.arguments),
                              "/staff/cases/policies", "/staff/complaints/policies", "/staff/annual-report/2026"])
    assert not walk.problems, "\n".join(walk.problems)
    assert walk.sent > 1500
    assert walk.staff.get("/staff/").status_code == 200  # the walk ran logged in to the end


def test_the_examples_citizens_and_scanners_send_are_refused_plainly(app):
    client = app.test_client()
    huge = "99999999999999999999"
    for url in (f"/notices/{huge}", f"/api/v1/notices/{huge}", "/notices/2147483648"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/api/v1/notices/{huge}").get_json()["error"] == "not_found"
    for url in ("/notices/?page=999999999999999999", "/guides/?category=a%00b", "/track/GK-2026-%00001",
                "/search?q=%FF%FE", "/guides/%ED%A0%80"):
        response = client.get(url)
        assert response.status_code == 400 and "请求无效" in response.get_data(as_text=True), url
    api = client.get("/api/v1/guides?category=%00")
    assert api.status_code == 400 and api.get_json()["message"] == "请求参数无效。"
    page = client.get("/login").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    refused = client.post("/login", data={"csrf_token": token, "username": "admin\x00", "password": "x"})
    assert refused.status_code == 400 and "请求无效" in refused.get_data(as_text=True)


def test_an_over_long_submission_key_still_gets_a_receipt(app):
    client = app.test_client()
    reader = FormReader()
    reader.feed(client.get("/apply").get_data(as_text=True))
    data = {**reader.values, **FORM_PAGES["/apply"], "submission_key": "k" * 200}
    response = client.post("/apply", data=data)
    assert response.status_code == 200
    assert re.search(r"GK-\d{4}-\d{6}", response.get_data(as_text=True)), "no receipt shown"
