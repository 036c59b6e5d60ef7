"""The base of every form: Flask-WTF (CSRF) with WTForms' built-in messages in Chinese."""

from __future__ import annotations

from functools import lru_cache

from flask_wtf import FlaskForm
from wtforms.i18n import get_translations


@lru_cache(maxsize=1)
def _chinese():
    return get_translations(["zh"])


class PortalForm(FlaskForm):
    """A CSRF-protected form whose built-in validation messages are Simplified Chinese."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            """WTForms' own zh translation (e.g. "不是有效的选项" for a tampered select)."""
            return _chinese()
