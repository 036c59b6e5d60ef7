"""The base of every form: Flask-WTF with WTForms' built-in messages in Chinese; the CSRF token is
checked for the whole app by :mod:`portal.csrf`, and forms only write it (:meth:`PortalForm.hidden_tag`).

Field rendering takes a fast path for plain inputs and text areas. WTForms builds every
attribute as a separate ``Markup.format`` call, which made widget rendering the largest cost of
a form page re-shown with errors (about 60 µs per input, profiled under the load benchmark).
:func:`render_widget` produces byte-for-byte the same markup (``tests/unit/test_form_render.py``
compares it with WTForms' own widgets for every field of every form) with plain string work;
every other widget (selects, radios, check boxes, files, numbers) is left to WTForms.
"""

from __future__ import annotations

from functools import lru_cache

from flask import current_app, has_request_context, request
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS
from markupsafe import Markup
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from wtforms.i18n import get_translations
from wtforms.widgets import HiddenInput, Input, PasswordInput, TextArea
from wtforms.widgets.core import clean_key

from portal.extensions import csrf
from portal.form_binding import bind_from_prototype
from portal.sessions import Recent


@lru_cache(maxsize=1)
def _chinese():
    return get_translations(["zh"])


_clean_keys: dict[str, str] = {}


def _escape_str(value: str) -> str:
    """The five characters markupsafe.escape replaces, replaced the same way. Most values (ids,
    names, tokens, Chinese text) hold none of them and are returned after five C-speed scans;
    ``str.translate`` with a mapping, tried before, costs about 0.1 µs per character."""
    if "&" in value or "<" in value or ">" in value or "'" in value or '"' in value:
        return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("'", "&#39;").replace('"', "&#34;"))
    return value


def escape_text(value) -> str:
    """``str(markupsafe.escape(value))``: markup (``__html__``) as it is, anything else escaped."""
    if value.__class__ is str:
        return _escape_str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_str(str(value))


def _clean(key: str) -> str:
    """WTForms' ``clean_key`` (``data_x`` → ``data-x``, a trailing ``_`` dropped), remembered."""
    name = _clean_keys.get(key)
    if name is None:
        name = _clean_keys.setdefault(key, clean_key(key))
    return name


def html_attributes(attributes: dict, clean_keys: bool = True) -> str:
    """``key="value"`` pairs sorted by key, as WTForms' ``html_params`` writes them (keys cleaned
    like ``data_x`` → ``data-x`` unless the caller already did).

    Values are escaped; names are attribute names written in code (render_kw, templates), never input.
    """
    parts = []
    for key, value in sorted(attributes.items()):
        name = _clean(key) if clean_keys else key
        if value is True:
            parts.append(name)
        elif value is not False:
            text = _escape_str(value) if value.__class__ is str else escape_text(value)
            parts.append(f'{name}="{text}"')
    return " ".join(parts)


def _validation_attributes(widget, field, attributes: dict) -> None:
    flags = getattr(field, "flags", None)
    present = getattr(flags, "__dict__", {})
    for name in getattr(widget, "validation_attrs", ()):
        if name not in attributes and name in present:
            value = getattr(flags, name)
            attributes[name] = value() if callable(value) else value


def render_widget(field, attributes: dict) -> Markup | None:
    """The field's markup, or None when its widget is not a plain input or text area. The keys of
    ``attributes`` are already clean (``data-x``, not ``data_x``), as ``Meta.render_field`` passes them."""
    widget = field.widget
    kind = type(widget)
    if kind is TextArea:
        attributes.setdefault("id", field.id)
        _validation_attributes(widget, field, attributes)
        attributes["name"] = field.name
        # S704: every value is escaped by html_attributes/escape; attribute names come from code.
        text = escape_text(field._value())
        return Markup(f"<textarea {html_attributes(attributes, clean_keys=False)}>\r\n{text}</textarea>")  # noqa: S704
    if kind.__call__ is not Input.__call__ and kind is not PasswordInput:
        return None
    if kind is PasswordInput and widget.hide_value:
        attributes["value"] = ""
    attributes.setdefault("id", field.id)
    attributes.setdefault("type", widget.input_type)
    if "value" not in attributes:
        attributes["value"] = field._value()
    datalist = getattr(field, "_datalist", None)
    if datalist is not None and "list" not in attributes:
        attributes["list"] = datalist if isinstance(datalist, str) else datalist.id
    _validation_attributes(widget, field, attributes)
    attributes["name"] = field.name
    return _input_markup(attributes)


EMPTY_INPUTS_KEPT = 512
_empty_inputs = Recent(EMPTY_INPUTS_KEPT)  # attribute items -> the <input> markup


def _input_markup(attributes: dict) -> Markup:
    """``<input ...>`` with ``attributes``. An input without a value (a blank form, a password,
    a required field re-shown empty) is written the same way every time, so its markup is
    remembered by its attributes; one holding typed text is written afresh and never kept, so
    no applicant's input stays in the worker's memory."""
    key = tuple(attributes.items()) if attributes["value"] == "" else None
    try:
        markup = _empty_inputs.get(key) if key is not None else None
    except TypeError:  # an unhashable render_kw value: nothing to remember it by
        key = markup = None
    if markup is None:
        markup = Markup(f"<input {html_attributes(attributes, clean_keys=False)}>")  # noqa: S704  (values escaped, names from code)
        if key is not None:
            _empty_inputs.remember(key, markup)
    return markup


def form_field(f, hint: str | None = None, rows: int | None = None) -> Markup:
    """A labelled field whose hint and errors are announced with it (``aria-describedby``).

    Templates call it as the Jinja global ``field(...)``; a Python function costs a fraction
    of a Jinja macro call, and every back-office page and re-shown public form has several.
    """
    errors, fid, render = f.errors, escape_text(f.id), f.meta.render_field  # what f(**attributes) calls
    parts = [f'<div class="field{" has-error" if errors else ""}">']
    if f.type == "BooleanField":
        attributes = {"aria-describedby": f"{f.id}-error"} if errors else {}
        parts.append(f'<label class="check">{render(f, attributes)} {escape_text(f.label.text)}</label>')
    else:
        parts.append(f'<label for="{fid}">{escape_text(f.label.text)}</label>')
        if hint:
            parts.append(f'<p class="hint" id="{fid}-hint">{escape_text(hint)}</p>')
        attributes: dict = {}
        described = ([f"{f.id}-hint"] if hint else []) + ([f"{f.id}-error"] if errors else [])
        if described:
            attributes["aria-describedby"] = " ".join(described)
        if errors:
            attributes["aria-invalid"] = "true"
        if rows:
            attributes["rows"] = rows
        parts.append(str(render(f, attributes)))
    if errors:
        parts.append(f'<p class="error" id="{fid}-error">{"；".join(escape_text(e) for e in errors)}</p>')
    parts.append("</div>")
    return Markup("\n".join(parts))  # noqa: S704  (every interpolated value is escaped above)


TOKEN_INPUTS_KEPT = 256
_token_inputs = Recent(TOKEN_INPUTS_KEPT)  # (name, token) -> the hidden input's markup


def token_input(name: str, token: str) -> Markup:
    """The CSRF token's hidden input, written as WTForms writes a token field (``id`` and ``name``
    both the field's name) and remembered by (name, token): a session's pages share a token for a
    while (portal/csrf.py), and its markup depends on nothing else."""
    key = (name, token)
    markup = _token_inputs.get(key)
    if markup is None:
        attributes = {"id": name, "name": name, "type": "hidden", "value": token}
        markup = Markup(f"<input {html_attributes(attributes, clean_keys=False)}>")  # noqa: S704  (values escaped)
        _token_inputs.remember(key, markup)
    return markup


_FROM_REQUEST = object()


def _submitted_formdata(req):
    """What Flask-WTF's form takes from a submitting request: form and files, else JSON."""
    if req.files:
        return CombinedMultiDict((req.files, req.form))
    if req.form:
        return req.form
    if req.is_json:
        return ImmutableMultiDict(req.get_json())
    return None


class PortalForm(FlaskForm):
    """A form whose built-in validation messages are Simplified Chinese, in an app that checks CSRF.

    The CSRF token of every POST, PUT, PATCH and DELETE is checked once, before any view runs, by
    :class:`portal.csrf.PortalCSRF` (Flask-WTF's ``CSRFProtect``), so a form carries no CSRF field
    of its own: WTForms' token field re-checked nothing that had not been checked, and building,
    processing and validating it cost about 0.1 M instructions per form. :meth:`hidden_tag` writes
    the request's token input where Flask-WTF's token field would have written it.

    Like Flask-WTF's form it reads the submitted data from the request unless ``formdata`` is
    given; the request is asked once here (its method, form, files) instead of at each step.
    """

    def __init__(self, formdata=_FROM_REQUEST, meta=None, **kwargs) -> None:
        req = request._get_current_object() if has_request_context() else None
        self._submitted = req is not None and req.method in SUBMIT_METHODS
        if formdata is _FROM_REQUEST:
            formdata = _submitted_formdata(req) if self._submitted else None
        super().__init__(formdata=formdata, meta=meta or {}, **kwargs)

    def is_submitted(self) -> bool:
        """A POST, PUT, PATCH or DELETE request (as Flask-WTF decides)."""
        return self._submitted

    class Meta(FlaskForm.Meta):
        csrf = False  # checked for the whole app by PortalCSRF (see the class docstring)

        def get_translations(self, form):
            """WTForms' own zh translation (e.g. "不是有效的选项" for a tampered select)."""
            return _chinese()

        def bind_field(self, form, unbound_field, options):
            """Plain fields copied from a remembered prototype (portal/form_binding.py); the rest
            bound by WTForms."""
            field = bind_from_prototype(form, unbound_field, options)
            return field if field is not None else unbound_field.bind(form=form, **options)

        def render_field(self, field, render_kw):
            """Plain inputs and text areas through :func:`render_widget`; the rest as WTForms does."""
            attributes = {_clean(k): v for k, v in render_kw.items()}
            if field.render_kw:
                attributes = {**{_clean(k): v for k, v in field.render_kw.items()}, **attributes}
            fast = render_widget(field, attributes)  # leaves attributes as they were when it declines
            return fast if fast is not None else field.widget(field, **attributes)

    def hidden_tag(self, *fields) -> Markup:
        """Flask-WTF's ``hidden_tag``: the hidden fields (all, or those named), one per line, with
        the request's CSRF token input (:meth:`portal.csrf.PortalCSRF.token`) where Flask-WTF's token
        field would be (last of all, or where ``csrf_token`` is named) when the app checks CSRF."""
        token_name = None
        if has_request_context():
            config = current_app.config
            if config.get("WTF_CSRF_ENABLED", True):
                token_name = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        render, lines = self.meta.render_field, []
        for f in fields or (*self, token_name):
            if isinstance(f, str):
                if f == token_name:
                    lines.append(str(token_input(self._prefix + f, csrf.token())))
                    continue
                f = getattr(self, f, None)
            if f is not None and isinstance(f.widget, HiddenInput):
                lines.append(str(render(f, {})))
        return Markup("\n".join(lines))  # noqa: S704  (rendered fields and an escaped token input)
