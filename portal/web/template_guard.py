"""The choke point's guard: a public template never receives a model object.

Public data must come through :func:`portal.disclose.disclose`; a model object in a public
template's context is a programming error and fails closed (500, nothing shown).
"""

from __future__ import annotations

from flask import Flask, before_render_template
from jinja2 import Template
from markupsafe import Markup

from portal.extensions import db

PLAIN = (str, int, float, bool, type(None), Markup)
CONTAINERS = (list, tuple, set, dict)
TEMPLATE_MACHINERY = frozenset({"current_user", "g", "request", "session", "config"})


def is_staff_template(name: str | None) -> bool:
    """Back-office templates (``staff/…`` or ``…/staff_….html``) may receive model objects."""
    base = (name or "").rsplit("/", 1)[-1]
    return (name or "").startswith("staff/") or base.startswith("staff_")


def first_model_object(value: object, depth: int = 0) -> object | None:
    """A model object in ``value`` or in the lists, tuples, sets and dicts it holds (three levels
    deep), else None."""
    if isinstance(value, PLAIN):
        return None
    if isinstance(value, db.Model):
        return value
    if depth < 3 and isinstance(value, CONTAINERS):
        for item in value.values() if isinstance(value, dict) else value:
            found = first_model_object(item, depth + 1)
            if found is not None:
                return found
    return None


def refuse_model_objects_in_public_templates(_app: Flask, template: Template, context: dict,
                                             **_extra: object) -> None:
    """Raise when a public template's context holds a model object."""
    if is_staff_template(template.name):
        return
    for key, value in context.items():
        if key in TEMPLATE_MACHINERY:
            continue
        leaked = first_model_object(value)
        if leaked is not None:
            raise RuntimeError(
                f"public template {template.name} got model object {type(leaked).__name__} in "
                f"'{key}'; pass disclose(record, viewer) instead"
            )


def install_template_guard(app: Flask) -> None:
    """Check every template rendered by ``app`` before it renders."""
    before_render_template.connect(refuse_model_objects_in_public_templates, app)
