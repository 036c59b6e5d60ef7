"""Fields copied from a prototype (portal/form_binding.py) are the fields WTForms would bind: same
state, same processing of the request, same errors and markup, and one form's changes stay its own."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms.meta import DefaultMeta

from portal import form_binding
from portal.forms import PortalForm
from tests.unit.test_form_render import HOSTILE, portal_forms

COMPARED = ("name", "short_name", "id", "type", "default", "description", "filters", "validators", "widget",
            "render_kw", "data", "raw_data", "object_data", "process_errors", "errors")


def _state(field) -> dict:
    state = {name: getattr(field, name, None) for name in COMPARED}
    state.update(cls=type(field), label=(field.label.field_id, field.label.text), flags=vars(field.flags))
    return state


@pytest.fixture
def app():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", WTF_CSRF_ENABLED=False)
    return app


@pytest.mark.parametrize("form_class", portal_forms(), ids=lambda c: c.__qualname__)
@pytest.mark.parametrize("value", ["", HOSTILE, "2026-13-45", "12"])
def test_copied_fields_equal_wtforms_own_binding(app, form_class, value, monkeypatch):
    with app.test_request_context(method="POST", data={}):
        names = [field.name for field in form_class(formdata=None)]
    data = MultiDict([(name, value) for name in names])

    def build():
        with app.test_request_context(method="POST", data=data):
            form = form_class()
            for field in form:
                if getattr(field, "choices", ()) is None:  # views set these per request
                    field.choices = []
            form.validate()
            return {field.name: (_state(field), str(field())) for field in form}

    copied_twice = build(), build()  # the second from the remembered prototypes
    monkeypatch.setattr(PortalForm.Meta, "bind_field", DefaultMeta.bind_field)
    assert copied_twice[0] == copied_twice[1] == build()


def test_one_forms_changes_do_not_reach_another(app):
    from portal.accounts.forms import LoginForm

    with app.test_request_context(method="GET"):
        first = LoginForm()
        first.username.label.text = "changed"
        first.username.flags.required = False
        first.username.render_kw = {"class": "wide"}
        second = LoginForm()
    assert second.username.label.text == "用户名" and second.username.flags.required
    assert second.username.render_kw is None and first.username is not second.username
    assert all(prototype._form is None for prototype in form_binding._prototypes.values())


def test_forms_carry_no_csrf_field_even_where_the_app_checks_csrf():
    """PortalCSRF checks every POST before a view runs; forms bind only their declared fields."""
    from portal.accounts.forms import LoginForm

    app = Flask(__name__)
    app.config.update(SECRET_KEY="x")
    with app.test_request_context(method="POST", data={"csrf_token": HOSTILE, "username": "a"}):
        form = LoginForm()
        assert list(form._fields) == ["username", "password"]
        assert "csrf_token" not in form.data
        assert all(prototype._form is None for prototype in form_binding._prototypes.values())
