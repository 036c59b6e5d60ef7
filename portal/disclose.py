"""The one choke point between stored records and any output a viewer receives.

:func:`disclose` turns a model object into plain data holding only what the viewer is
cleared for, following the levels each column, relationship and property declares with
:func:`portal.core.classification.classified`. For the public, free text is redacted
(区分处理) and personal data masked; Markdown is rendered from that redacted text. Public
templates, the API, feeds, exports, e-mails and the search index receive only this.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapper

from portal.core.classification import (
    PERSONAL_LEVELS,
    REASONS,
    Level,
    Viewer,
    may_see,
)
from portal.core.markup import plain_text, render_markdown
from portal.core.pii_names import mask_name
from portal.core.pii_review import public_masked
from portal.core.withhold import Exemption, redact, staff_view

UNDECLARED = {"level": Level.INTERNAL}  # a field with no declaration is not public
MAX_DEPTH = 3  # how far declared relationships are followed


@dataclass(frozen=True)
class WithheldField:
    """A field the viewer does not receive, with the legal reason."""

    name: str
    level: Level
    reason: str


class Disclosed(dict):
    """Plain data for a viewer: a dict whose keys also read as attributes (for templates)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@lru_cache(maxsize=4096)
def public_text(text: str, for_markdown: bool = False) -> tuple[str, tuple[Exemption, ...]]:
    """Text as the public may read it: withheld spans replaced, then personal data masked except
    spans staff kept public with a reason (``for_markdown``: the mask characters escaped so
    Markdown shows them literally). Cached per text: names are found with jieba, which is slow."""
    redaction = redact(text)
    return public_masked(redaction.text, for_markdown=for_markdown), tuple(redaction.reasons)


@lru_cache(maxsize=2048)
def public_markdown(text: str) -> tuple[str, str, tuple[Exemption, ...]]:
    """(HTML, plain excerpt, reasons) of Markdown ``text`` for the public (masks shown literally)."""
    safe, reasons = public_text(text, for_markdown=True)
    return render_markdown(safe), plain_text(safe), reasons


@lru_cache(maxsize=512)
def _staff_markdown(text: str) -> tuple[str, str]:
    visible = staff_view(text)
    return render_markdown(visible), plain_text(visible)


def _public_value(value: Any, reasons: list[Exemption]) -> Any:
    """Apply redaction and masking to a free-text value (str, list or dict of them)."""
    if isinstance(value, str):
        safe, found = public_text(value)
        reasons.extend(r for r in found if r not in reasons)
        return safe
    if isinstance(value, list):
        return [_public_value(item, reasons) for item in value]
    if isinstance(value, dict):
        return {key: _public_value(item, reasons) for key, item in value.items()}
    return value


def _declared_fields(model: type) -> list[tuple[str, dict, str]]:
    """(name, declaration, kind) for every column, relationship and declared property."""
    mapper: Mapper[Any] = sa_inspect(model)
    fields = [(c.key, c.columns[0].info or UNDECLARED, "column") for c in mapper.column_attrs]
    # Relationships are followed only where declared: an undeclared link is not disclosed.
    fields += [(r.key, r.info, "relation") for r in mapper.relationships if r.info.get("level")]
    for name in dir(model):
        attribute = getattr(model, name, None)
        declaration = getattr(getattr(attribute, "fget", None), "classification", None)
        if declaration is not None:
            fields.append((name, declaration, "property"))
    return fields


_FIELDS_CACHE: dict[type, list[tuple[str, dict, str]]] = {}


def declared_fields(model: type) -> list[tuple[str, dict, str]]:
    """The cached field declarations of ``model``."""
    if model not in _FIELDS_CACHE:
        _FIELDS_CACHE[model] = _declared_fields(model)
    return _FIELDS_CACHE[model]


def _related(value: Any, viewer: Viewer, depth: int) -> Any:
    """A related record (or list of them), disclosed in turn."""
    if isinstance(value, list):
        return [disclose(item, viewer, depth) for item in value]
    return disclose(value, viewer, depth) if value is not None else None


def _put_markdown(out: Disclosed, name: str, value: str, viewer: Viewer, reasons: list[Exemption]) -> None:
    """A Markdown field: its source (redacted for the public), its HTML and its excerpt."""
    base = name.removesuffix("_md")
    if viewer.is_public:
        html, excerpt, found = public_markdown(value)
        reasons.extend(r for r in found if r not in reasons)
        out[name] = public_text(value)[0]
    else:
        html, excerpt = _staff_markdown(value)
        out[name] = value
    out[f"{base}_html"], out[f"{base}_excerpt"] = html, excerpt


def _plain_value(value: Any, declaration: dict, viewer: Viewer, reasons: list[Exemption]) -> Any:
    """A plain field: for the public, names of private persons and free text are masked."""
    if viewer.is_public and declaration.get("person_name") and isinstance(value, str):
        value = mask_name(value)
    if viewer.is_public and declaration.get("free_text"):
        value = _public_value(value, reasons)
    return value


def disclose(record: Any, viewer: Viewer, _depth: int = 0, *,
             hidden: Mapping[str, str] | None = None) -> Disclosed:
    """Return the part of ``record`` that ``viewer`` may see, as plain data.

    The result also carries ``withheld`` (fields not given, each with its legal reason) and
    ``withheld_reasons`` (the exemptions cited by redacted spans in free text). Staff who
    receive a 个人隐私 field are recorded in the audit log. ``hidden`` names fields of this
    record withheld from this viewer although their level would allow them, each with the
    reason cited for it.
    """
    department_id = getattr(record, "department_id", None)
    minor = bool(getattr(record, "involves_minor", False))
    out = Disclosed()
    withheld: list[WithheldField] = []
    reasons: list[Exemption] = []
    personal_seen: list[str] = []
    for name, declaration, kind in declared_fields(type(record)):
        if declaration.get("never"):
            continue
        level = declaration["level"]
        if hidden and name in hidden:
            withheld.append(WithheldField(name, level, hidden[name]))
            continue
        if not may_see(viewer, level, record_department_id=department_id, involves_minor=minor):
            withheld.append(WithheldField(name, level, REASONS.get(level, REASONS[Level.INTERNAL])))
            continue
        if level in PERSONAL_LEVELS:
            personal_seen.append(name)
        value = getattr(record, name)
        if kind == "relation":
            if _depth < MAX_DEPTH:
                out[name] = _related(value, viewer, _depth + 1)
        elif declaration.get("markdown"):
            _put_markdown(out, name, value or "", viewer, reasons)
        else:
            out[name] = _plain_value(value, declaration, viewer, reasons)
    out["withheld"] = withheld
    out["withheld_reasons"] = reasons
    if personal_seen and not viewer.is_public and viewer.user_id is not None:
        from portal.audit.services import record as audit

        audit("personal_data.view", user_id=viewer.user_id, target_type=type(record).__name__,
              target_id=getattr(record, "id", ""), detail={"fields": personal_seen})
    return out


def disclose_all(records: list[Any], viewer: Viewer) -> list[Disclosed]:
    """:func:`disclose` for each record."""
    return [disclose(record, viewer) for record in records]



def viewer_of(user: Any) -> Viewer:
    """The :class:`Viewer` for a Flask-Login user; anonymous visitors are the public."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Viewer()
    return Viewer(role=user.role, department_id=user.department_id, user_id=user.id)
