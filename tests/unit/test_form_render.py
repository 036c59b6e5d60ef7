"""The fast field renderer writes exactly the markup WTForms' own widgets write, for every field
of every form in the portal, with hints, errors, extra attributes and hostile values."""

from __future__ import annotations

import importlib
import inspect

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms.meta import DefaultMeta

from portal.forms import PortalForm, html_attributes, render_widget

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
