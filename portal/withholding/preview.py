"""The content of the publication preview, computed from a text staff are about to publish.

It follows the very steps :func:`portal.disclose.public_text` takes, so what the preview shows
masked is what will be masked: withheld spans are replaced first, then the detector runs over
the rest and spans kept public with a reason are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import escape

from portal.core.errors import FieldError
from portal.core.pii import Finding
from portal.core.pii_review import KEEP_REASONS, KeptSpan, check_keeps, masked_form, review
from portal.core.withhold import EXEMPTIONS, WithheldSpan, find_spans, redact
from portal.disclose import public_markdown

CONTEXT_WIDTH = 8  # characters shown on either side of a masked span


@dataclass(frozen=True)
class MaskedSpan:
    """One span the public will not see: its kind, its words, what is shown instead, context."""

    kind: str
    text: str
    shown_as: str
    before: str
    after: str


@dataclass
class Preview:
    """What the preview page shows for a text."""

    error: str = ""
    public_html: str = ""  # HTML: rendered Markdown of the public version
    highlighted: str = ""  # HTML: the text escaped, masked spans in <mark>
    masked: list[MaskedSpan] = field(default_factory=list)
    kept: list[KeptSpan] = field(default_factory=list)
    withheld: list[WithheldSpan] = field(default_factory=list)


def _highlight(plain: str, findings: list[Finding]) -> str:
    """The text with every masked span wrapped in ``<mark>`` (everything else escaped)."""
    pieces: list[str] = []
    cursor = 0
    for finding in findings:
        pieces.append(str(escape(plain[cursor : finding.start])))
        title = escape(f"{finding.kind.label}，公开时显示为 {masked_form(finding)}")
        pieces.append(f'<mark title="{title}">{escape(finding.text)}</mark>')
        cursor = finding.end
    pieces.append(str(escape(plain[cursor:])))
    return "".join(pieces)


def build_preview(text: str) -> Preview:
    """The preview of ``text``; bad markup gives an error message and nothing else."""
    try:
        withheld = find_spans(text)
        check_keeps(text)
    except FieldError as exc:
        return Preview(error=exc.message)
    result = review(redact(text).text)
    masked = [
        MaskedSpan(finding.kind.label, finding.text, masked_form(finding),
                   result.plain[max(0, finding.start - CONTEXT_WIDTH) : finding.start],
                   result.plain[finding.end : finding.end + CONTEXT_WIDTH])
        for finding in result.masked
    ]
    return Preview(public_html=public_markdown(text)[0],
                   highlighted=_highlight(result.plain, result.masked),
                   masked=masked, kept=result.kept, withheld=withheld)


def keep_reasons() -> dict[str, str]:
    """The reasons a span may be kept public, by code."""
    return KEEP_REASONS


def withhold_reasons() -> dict[str, str]:
    """The reasons a span may be withheld, by code."""
    return {code: f"{e.article}：{e.label}" for code, e in EXEMPTIONS.items()}
