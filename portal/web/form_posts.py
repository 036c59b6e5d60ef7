"""The one shape of a back-office form post: validate, apply the service, or show why not.

Every staff form that changes something does the same three things: refuse a form that does not
validate; call the service; and when the service refuses (a :class:`FieldError` naming a field
and a Chinese message), undo whatever it had written and put the message beside that field.
:func:`apply_form` does them once, so a view reads as its two outcomes::

    done = apply_form(form, lambda: add_stage(case, ...), fallback="stage")
    if done is REFUSED:
        return _render(case, 422, stage_form=form)
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Literal, TypeVar

from flask_wtf import FlaskForm

from portal.core.errors import FieldError
from portal.extensions import db

T = TypeVar("T")


class Refusal(Enum):
    """The marker of a form post that changed nothing."""

    REFUSED = "refused"


REFUSED = Refusal.REFUSED


def apply_form(form: FlaskForm, change: Callable[[], T], fallback: str) -> T | Literal[Refusal.REFUSED]:
    """Run ``change`` when ``form`` validates and return what it returns; else :data:`REFUSED`.

    A :class:`FieldError` from ``change`` rolls the session back (nothing half-written) and its
    message goes to the form's field of that name, or to ``fallback`` when the form has none.
    The objects the view loaded are expired by the rollback and load again when the page is shown.
    """
    if not form.validate_on_submit():
        return REFUSED
    try:
        return change()
    except FieldError as refused:
        db.session.rollback()
        getattr(form, refused.field, getattr(form, fallback)).errors.append(refused.message)
        return REFUSED
