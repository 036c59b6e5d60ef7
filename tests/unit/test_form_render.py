"""The fast field renderer writes exactly the markup WTForms' own widgets write, for every field
of every form in the portal, with hints, errors, extra attributes and hostile values."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest
from flask import Flask
from jinja2 import Environment
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms.meta import DefaultMeta
from wtforms.widgets import HiddenInput

from portal.forms import PortalForm, escape_text, form_field, html_attributes, render_widget

FORM_MODULES = ("portal.accounts.forms", "portal.catalog.forms", "portal.cases.forms",
                "portal.complaints.forms", "portal.notices.forms", "portal.disclosure.forms",
                "portal.disclosure.staff_forms", "portal.calendar.views")
HOSTILE = 'a "quoted" <b>&amp; \'值\''


def portal_forms() -> list[type[PortalForm]]:
    found = {}
    for name in FORM_MODULES:
        for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
            if issubclass(cls, PortalForm) and cls is not PortalForm:
                found[cls.__qualname__] = cls
    return [found[k] for k in sorted(found)]


@pytest.fixture(scope="module")
def request_context():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", WTF_CSRF_ENABLED=False)
    with app.test_request_context(method="POST"):
        yield


def flask_wtf_twin(form_class):
    """The same fields on a plain Flask-WTF form, which carries Flask-WTF's own CSRF token field."""
    from flask_wtf import FlaskForm

    declared = {name: value for name in dir(form_class)
                if not name.startswith("_") and hasattr(value := getattr(form_class, name), "_formfield")}
    return type(f"{form_class.__name__}Twin", (FlaskForm,), declared)


@pytest.mark.parametrize("form_class", portal_forms(), ids=lambda c: c.__qualname__)
@pytest.mark.parametrize("prefix", ["", "stage"])
def test_hidden_tag_writes_what_flask_wtf_writes_with_its_token_field(form_class, prefix):
    """Forms carry no CSRF field (PortalCSRF checks every POST before the view), yet their
    hidden_tag() is what Flask-WTF writes for the same fields with its own token field."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x")
    with app.test_request_context(method="POST", data={"csrf_token": HOSTILE}):
        form, twin = form_class(prefix=prefix), flask_wtf_twin(form_class)(prefix=prefix)
        assert "csrf_token" not in form._fields and "csrf_token" in twin._fields
        assert str(form.hidden_tag()) == str(twin.hidden_tag())
        assert HOSTILE not in str(form.hidden_tag())
        hidden = [name for name, f in twin._fields.items() if isinstance(f.widget, HiddenInput)]
        assert str(form.hidden_tag(*hidden)) == str(twin.hidden_tag(*hidden))
        assert str(form.hidden_tag(*reversed(hidden))) == str(twin.hidden_tag(*reversed(hidden)))
        assert str(form.hidden_tag("csrf_token", "no_such_field")) == \
            str(twin.hidden_tag("csrf_token", "no_such_field"))


def test_no_token_input_where_the_app_does_not_check_csrf(request_context):
    from portal.accounts.forms import LoginForm

    assert "csrf_token" not in str(LoginForm().hidden_tag())


def test_token_input_is_the_requests_own_token():
    from flask_wtf.csrf import generate_csrf

    app = Flask(__name__)
    app.config.update(SECRET_KEY="x")
    shown = set()
    for form_class in portal_forms():
        for _visit in range(2):  # a fresh request each time: another session secret, another token
            with app.test_request_context(method="GET"):
                tag = str(form_class().hidden_tag())
                twin = flask_wtf_twin(form_class)()
                assert tag.count(generate_csrf()) == 1
                assert str(twin.csrf_token) in tag  # WTForms' own HiddenInput markup
                shown.add(str(twin.csrf_token))
    assert len(shown) == 2 * len(portal_forms())  # never another request's token


def test_every_form_module_contributes_forms():
    assert len(portal_forms()) >= 10


@pytest.mark.parametrize("form_class", portal_forms(), ids=lambda c: c.__qualname__)
@pytest.mark.parametrize("submitted", ["empty", "hostile"])
def test_fast_rendering_matches_wtforms_for_every_field(request_context, form_class, submitted):
    blank = form_class()
    data = MultiDict() if submitted == "empty" else MultiDict(
        {f.name: HOSTILE for f in blank if not hasattr(f, "choices")})
    form = form_class(formdata=data)
    for field in form:
        if hasattr(field, "choices") and field.choices is None:
            field.choices = [(1, "甲"), (2, "乙")] if field.coerce is int else [("a", "甲"), ("b", "乙")]
    form.validate()
    rendered_fast = 0
    for field in form:
        for extra in ({}, {"aria_describedby": "x-hint x-error", "aria_invalid": "true"},
                      {"rows": 6, "class_": "wide", "data_role": 'q"'}):
            expected = DefaultMeta.render_field(form.meta, field, dict(extra))
            assert str(field(**extra)) == str(expected), field.name
        rendered_fast += render_widget(field, {}) is not None
    text_like = [f for f in form if f.type in {"StringField", "PasswordField", "TextAreaField", "EmailField",
                                               "TelField", "HiddenField"}]
    assert rendered_fast >= len(text_like)


def test_boolean_attributes_and_escaping():
    assert html_attributes({"required": True, "disabled": False, "value": '"<x>'}) == \
        'required value="&#34;&lt;x&gt;"'


@pytest.mark.parametrize("value", ["", "plain 中文", "&<>'\"", "a&amp;b", 42, 3.5, None,
                                   Markup("<b>safe</b>"), "\u2028\x00 tab\t", "&", "<", ">", "'", '"',
                                   "姓名<script>alert('x')</script>&&", "&#39;&amp;", "IjE.Z0x1Ag.a-b_c"])
def test_escape_text_writes_what_markupsafe_writes(value):
    assert escape_text(value) == str(escape(value))


# The Jinja macro that form_field replaced, kept as the reference for its markup.
REFERENCE_MACRO = """{% macro field(f, hint=None, rows=None) %}
  <div class="field{% if f.errors %} has-error{% endif %}">
    {% if f.type == 'BooleanField' %}
      <label class="check">{{ f(**({'aria-describedby': f.id ~ '-error'} if f.errors else {}))
        }} {{ f.label.text }}</label>
    {% else %}
      <label for="{{ f.id }}">{{ f.label.text }}</label>
      {% if hint %}<p class="hint" id="{{ f.id }}-hint">{{ hint }}</p>{% endif %}
      {% set attrs = {} %}
      {% set described = ([f.id ~ '-hint'] if hint else []) + ([f.id ~ '-error'] if f.errors else []) %}
      {% if described %}{% set _ = attrs.update({'aria-describedby': described|join(' ')}) %}{% endif %}
      {% if f.errors %}{% set _ = attrs.update({'aria-invalid': 'true'}) %}{% endif %}
      {% if rows %}{% set _ = attrs.update({'rows': rows}) %}{% endif %}
      {{ f(**attrs) }}
    {% endif %}
    {% if f.errors %}
      <p class="error" id="{{ f.id }}-error">{% for e in f.errors %}{{ e }}{% if not loop.last %}；{% endif %}{%
        endfor %}</p>
    {% endif %}
  </div>
{% endmacro %}{{ field(f, hint, rows) }}"""


def _squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("form_class", portal_forms(), ids=lambda c: c.__qualname__)
def test_form_field_writes_what_the_macro_wrote(request_context, form_class):
    blank = form_class()
    form = form_class(formdata=MultiDict({f.name: HOSTILE for f in blank if not hasattr(f, "choices")}))
    for field in form:
        if hasattr(field, "choices") and field.choices is None:
            field.choices = [(1, "甲"), (2, "乙")] if field.coerce is int else [("a", "甲"), ("b", "乙")]
    form.validate()
    form.errors  # noqa: B018  (collect errors of every field)
    next(iter(form)).errors.append('错误 <"x">')
    reference = Environment(autoescape=True).from_string(REFERENCE_MACRO)
    for field in form:
        for hint, rows in ((None, None), ('提示 <i>"', 4)):
            expected = reference.render(f=field, hint=hint, rows=rows)
            assert _squeeze(str(form_field(field, hint, rows))) == _squeeze(expected), field.name


def test_templates_call_the_python_field_helper(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    from portal import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.jinja_env.globals["field"] is form_field


@pytest.mark.parametrize("form_class", portal_forms(), ids=lambda c: c.__qualname__)
def test_remembered_blank_inputs_are_wtforms_own_markup(request_context, form_class):
    """A blank input's markup comes from memory the second time; it must be what WTForms writes."""
    from portal import forms

    forms._empty_inputs.clear()
    for _attempt in ("written", "remembered"):
        form = form_class(formdata=MultiDict())
        for field in form:
            if hasattr(field, "choices") and field.choices is None:
                field.choices = [(1, "甲")] if field.coerce is int else [("a", "甲")]
        form.validate()
        for field in form:
            extra = {"aria_describedby": f"{field.id}-error", "aria_invalid": "true"}
            assert str(field(**extra)) == str(DefaultMeta.render_field(form.meta, field, dict(extra))), field.name
    if any(f.type in {"StringField", "PasswordField"} for f in form_class(formdata=MultiDict())):
        assert forms._empty_inputs


def test_typed_input_is_written_afresh_and_never_kept(request_context):
    """What a person typed (an ID number here) is never kept in the worker's memory."""
    from portal import forms
    from portal.cases.forms import ProgressLookupForm

    forms._empty_inputs.clear()
    typed = "11010519491231002X"
    for _attempt in range(2):
        form = ProgressLookupForm(formdata=MultiDict({"case_no": typed, "query_code": typed}))
        assert typed in str(form.case_no())
        assert str(form.case_no()) == str(DefaultMeta.render_field(form.meta, form.case_no, {}))
    kept = repr(list(forms._empty_inputs.items()))
    assert typed not in kept


def test_unhashable_attribute_values_still_render(request_context):
    from wtforms import StringField

    class Odd(PortalForm):
        name = StringField("名称", render_kw={"data_tags": ["甲", "乙"]})

    form = Odd(formdata=MultiDict(), meta={"csrf": False})
    assert str(form.name()) == str(DefaultMeta.render_field(form.meta, form.name, {}))
