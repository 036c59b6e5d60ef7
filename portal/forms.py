"""The base of every form and the ``field(...)`` helper templates render fields with.

:class:`PortalForm` is Flask-WTF's ``FlaskForm`` with WTForms' built-in validation messages in
Simplified Chinese. The CSRF token is checked for the whole app by Flask-WTF's ``CSRFProtect``
(:mod:`portal.auth.csrf`); each form writes its token with ``form.hidden_tag()``.
"""

from __future__ import annotations

from functools import lru_cache

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.i18n import get_translations


@lru_cache(maxsize=1)
def chinese_translations():
    """WTForms' own Simplified Chinese messages (e.g. "不是有效的选项" for a tampered select)."""
    return get_translations(["zh"])


class PortalForm(FlaskForm):
    """A Flask-WTF form whose built-in validation messages are Simplified Chinese."""

    class Meta(FlaskForm.Meta):
        """WTForms' per-form options: Chinese translations."""

        def get_translations(self, form):
            """WTForms' zh translation, whatever the request's language."""
            return chinese_translations()


def _described_by(f: Field, hint: str | None) -> dict:
    """The ``aria-describedby``/``aria-invalid`` attributes linking a field to its hint and errors."""
    described = ([f"{f.id}-hint"] if hint else []) + ([f"{f.id}-error"] if f.errors else [])
    attributes: dict = {"aria-describedby": " ".join(described)} if described else {}
    if f.errors:
        attributes["aria-invalid"] = "true"
    return attributes


def form_field(f: Field, hint: str | None = None, rows: int | None = None) -> Markup:
    """A labelled field whose hint and errors are announced with it (``aria-describedby``).

    Templates call it as the Jinja global ``field(...)``.
    """
    if f.type == "RadioField":
        return _radio_group(f, hint)
    fid = escape(f.id)
    parts = [Markup('<div class="field{}">').format(" has-error" if f.errors else "")]
    attributes: dict[str, object]
    if f.type == "BooleanField":
        attributes = {"aria-describedby": f"{f.id}-error"} if f.errors else {}
        parts.append(Markup('<label class="check">{} {}</label>').format(f(**attributes), f.label.text))
    else:
        parts.append(Markup('<label for="{}">{}</label>').format(fid, f.label.text))
        if hint:
            parts.append(Markup('<p class="hint" id="{}-hint">{}</p>').format(fid, hint))
        attributes = _described_by(f, hint)
        if rows:
            attributes["rows"] = rows
        parts.append(f(**attributes))
    if f.errors:
        parts.append(Markup('<p class="error" id="{}-error">{}</p>').format(fid, "；".join(f.errors)))
    parts.append(Markup("</div>"))
    return Markup("\n").join(parts)


def _radio_group(f: Field, hint: str | None) -> Markup:
    """A radio group as a fieldset: its question is the legend, each option labelled beside its radio."""
    fid = escape(f.id)
    parts = [Markup('<fieldset class="field radio-group{}" id="{}"{}>').format(
        " has-error" if f.errors else "", fid,
        Markup(' aria-describedby="{}"').format(_described_by(f, hint)["aria-describedby"])
        if hint or f.errors else ""),
        Markup("<legend>{}</legend>").format(f.label.text)]
    if hint:
        parts.append(Markup('<p class="hint" id="{}-hint">{}</p>').format(fid, hint))
    for option in f:
        parts.append(Markup('<label class="check">{} {}</label>').format(option(), option.label.text))
    if f.errors:
        parts.append(Markup('<p class="error" id="{}-error">{}</p>').format(fid, "；".join(f.errors)))
    parts.append(Markup("</fieldset>"))
    return Markup("\n").join(parts)


def optional_id(value: object) -> int | None:
    """A select field's coerce for ids with a 请选择 choice: the blank choice is None."""
    if value is None or value == "":
        return None
    return int(str(value))
