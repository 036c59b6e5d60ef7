"""Binding a form's plain fields from a remembered prototype instead of running their ``__init__``.

WTForms builds every field of a form anew on each request: the unbound field's keyword merge and
the field's ``__init__`` (label, flags gathered from its validators and widget, validator checks,
id). For the plain field classes below all of that depends only on the form class's declaration
and the binding options (name, prefix, translations), so :class:`portal.forms.PortalForm` binds each
such field once through WTForms' own ``Meta.bind_field`` hook, keeps it as a prototype, and gives
every form a shallow copy with its own meta, form, label, flags and render_kw, the attributes a
view or template may change on one form. The copy holds no request data: WTForms then processes the
request into it exactly as into a field it built itself.

Everything else (selects and radios, whose choices views set per
request; files; fields with a datalist object; bindings with extra options) is bound by WTForms as
before. ``tests/unit/test_form_binding.py`` compares both bindings for every form.
"""

from __future__ import annotations

from wtforms.fields import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    Label,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import Flags

CLONED_CLASSES = frozenset({BooleanField, DateField, HiddenField, IntegerField, PasswordField, StringField,
                            TextAreaField})
PLAIN_OPTIONS = frozenset({"name", "prefix", "translations"})
_prototypes: dict[tuple, object] = {}


def _prototype_key(unbound_field, options: dict) -> tuple | None:
    if not options.keys() <= PLAIN_OPTIONS:
        return None
    where = (options["name"], options.get("prefix", ""), options.get("translations"))
    cls = unbound_field.field_class
    if cls in CLONED_CLASSES:
        return (unbound_field, *where)  # declared on the form class: the same object every time
    return None


def bind_from_prototype(form, unbound_field, options: dict):
    """A new bound field for ``form``, copied from the prototype of this declaration and options;
    None when the field is not of a plain class (the caller binds it as WTForms does)."""
    key = _prototype_key(unbound_field, options)
    if key is None:
        return None
    cls = unbound_field.field_class
    prototype = _prototypes.get(key)
    if prototype is None:
        prototype = unbound_field.bind(form=form, **options)
        if prototype._datalist is not None and not isinstance(prototype._datalist, str):
            return prototype  # a datalist object of its own: bound afresh every time
        prototype._form = None  # the prototype keeps no form or request alive
        _prototypes[key] = prototype
    field = object.__new__(cls)
    state = field.__dict__
    state.update(prototype.__dict__)
    state["meta"], state["_form"] = form.meta, form
    state["label"] = Label(prototype.label.field_id, prototype.label.text)
    flags = state["flags"] = Flags()
    flags.__dict__.update(prototype.flags.__dict__)
    if prototype.render_kw is not None:
        state["render_kw"] = dict(prototype.render_kw)
    return field
