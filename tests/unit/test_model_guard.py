"""The choke point's guard: a public template that is handed a model object (directly or inside
lists, tuples, sets and dicts) fails closed; staff templates and plain values pass."""

from types import SimpleNamespace

import pytest
from flask import Flask
from jinja2 import DictLoader
from markupsafe import Markup

from portal.notices.models import Notice
from portal.web.direct import render_fragment
from portal.web.template_guard import refuse_model_objects_in_public_templates as guard

PUBLIC, STAFF = SimpleNamespace(name="notices/detail.html"), SimpleNamespace(name="staff/notices.html")


@pytest.mark.parametrize("value", [
    Notice(), [Notice()], (1, Notice()), {"rows": [{"notice": Notice()}]}, {Markup("x"): (None, [Notice()])},
], ids=["direct", "list", "tuple", "dict of list of dict", "dict of tuple of list"])
def test_a_public_template_refuses_a_model_object(value):
    with pytest.raises(RuntimeError, match="got model object Notice"):
        guard(None, PUBLIC, {"page": value})


def test_plain_values_staff_templates_and_template_machinery_pass():
    plain = {"title": "通知", "count": 3, "ratio": 0.5, "shown": True, "empty": None, "html": Markup("<b>x</b>"),
             "rows": [{"title": "a"}, ("b", 1)], "tags": {"x"}}
    guard(None, PUBLIC, plain)
    guard(None, STAFF, {"notice": Notice()})
    guard(None, PUBLIC, {"current_user": Notice(), "g": Notice()})  # Flask's and Flask-Login's own


def test_the_search_stops_four_levels_down():
    guard(None, PUBLIC, {"deep": [[[[Notice()]]]]})
    with pytest.raises(RuntimeError):
        guard(None, PUBLIC, {"deep": [[[Notice()]]]})


def test_a_fragment_rendered_before_flask_is_guarded_too():
    app = Flask(__name__)
    app.jinja_env.loader = DictLoader({"search/_x.html": "{{ title }}"})
    assert render_fragment(app, "search/_x.html", {"title": "<通知>"}) == "&lt;通知&gt;"
    with pytest.raises(RuntimeError, match="got model object Notice"):
        render_fragment(app, "search/_x.html", {"title": Notice()})
