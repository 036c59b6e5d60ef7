"""What the public will see of a text, span by span, and the spans staff keep public on purpose.

The detector (:func:`portal.core.pii.find_personal_data`) masks personal data it finds in any
public text. Staff review that before publishing and correct it both ways, each time with a
reason written into the text itself, so the correction travels with the text to every rendering:

* **add** a span: ``[[姓名]]王小明[[/姓名]]`` (published as 王某某) or
  ``[[不予公开:third-party]]…[[/不予公开]]`` (see :mod:`portal.core.withhold`);
* **remove** a span from masking: ``[[公开:official]]张警官[[/公开]]`` with one of
  :data:`KEEP_REASONS` — an official acting in role, a word that is not personal data (a place,
  a unit), the person's consent, or information already published by law.

:func:`public_masked` is what :func:`portal.disclose.public_text` applies after redaction;
:func:`review` is what the staff preview shows. Pure Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.core.errors import FieldError
from portal.core.pii import MASK_CHAR, Finding, apply_masks, find_personal_data, mask_finding

KEEP_OPEN = "[[公开:"
KEEP_CLOSE = "[[/公开]]"
_KEEP_RE = re.compile(r"\[\[公开:([^\]]*)\]\](.*?)\[\[/公开\]\]", re.S)

#: Reasons for keeping a detected span public, by code.
KEEP_REASONS: dict[str, str] = {
    "official": "公职人员依职履责，姓名依法公开",
    "not-personal": "不是个人信息（地名、单位、公共场所等）",
    "consent": "权利人同意公开",
    "published": "已依法公开的信息",
}


@dataclass(frozen=True)
class KeptSpan:
    """A span staff keep public: where it is in the text without markup, why, and its words."""

    start: int
    end: int
    code: str
    content: str

    @property
    def reason(self) -> str:
        """The reason in Chinese."""
        return KEEP_REASONS.get(self.code, "")


@dataclass(frozen=True)
class Review:
    """A text as the public will see it: the plain text, what is masked and what is kept."""

    plain: str
    masked: list[Finding]
    kept: list[KeptSpan]

    @property
    def public(self) -> str:
        """The plain text with every masked finding replaced."""
        return apply_masks(self.plain, self.masked)


def check_keeps(text: str) -> None:
    """Raise :class:`FieldError` unless every ``[[公开:…]]`` mark has a known reason and an end."""
    for match in _KEEP_RE.finditer(text or ""):
        code = match.group(1).strip()
        if not code:
            raise FieldError("kept", "保留公开的内容必须注明理由")
        if code not in KEEP_REASONS:
            raise FieldError("kept", f"保留公开理由“{code}”不存在，可选：" + "、".join(KEEP_REASONS))
        if KEEP_OPEN in match.group(2):
            raise FieldError("kept", "保留公开标记不能嵌套")
    remainder = _KEEP_RE.sub("", text or "")
    if KEEP_OPEN in remainder or KEEP_CLOSE in remainder:
        raise FieldError("kept", "保留公开标记不完整：每个 [[公开:理由]] 都要有 [[/公开]] 结束")


def strip_keeps(text: str) -> tuple[str, list[KeptSpan]]:
    """The text without keep marks, and the kept spans in that text's positions.

    A mark with an unknown reason keeps nothing (its words are masked as if unmarked); a stray
    opening or closing mark is dropped.
    """
    pieces: list[str] = []
    kept: list[KeptSpan] = []
    cursor = length = 0
    for match in _KEEP_RE.finditer(text):
        before = text[cursor : match.start()]
        pieces.append(before)
        length += len(before)
        content, code = match.group(2), match.group(1).strip()
        if code in KEEP_REASONS:
            kept.append(KeptSpan(length, length + len(content), code, content))
        pieces.append(content)
        length += len(content)
        cursor = match.end()
    pieces.append(text[cursor:])
    plain = "".join(pieces).replace(KEEP_CLOSE, "")
    plain = re.sub(r"\[\[公开:[^\]]*\]\]", "", plain)
    return plain, kept


def review(text: str) -> Review:
    """What the detector finds in ``text`` (already redacted) and which findings staff kept."""
    plain, kept = strip_keeps(text)
    masked = [finding for finding in find_personal_data(plain)
              if not any(span.start < finding.end and finding.start < span.end for span in kept)]
    return Review(plain, masked, kept)


def public_masked(text: str, *, for_markdown: bool = False) -> str:
    """``text`` with its personal data masked except the spans staff kept public."""
    if KEEP_OPEN not in text and KEEP_CLOSE not in text:
        return apply_masks(text, find_personal_data(text), for_markdown=for_markdown)
    result = review(text)
    return apply_masks(result.plain, result.masked, for_markdown=for_markdown)


def staff_kept_view(text: str) -> str:
    """Keep marks as staff read them: the words, then the reason in brackets."""
    return _KEEP_RE.sub(
        lambda m: f"{m.group(2)}（保留公开：{KEEP_REASONS.get(m.group(1).strip(), '理由无效')}）", text or "")


def masked_form(finding: Finding) -> str:
    """The replacement the public sees for ``finding``."""
    return mask_finding(finding).replace("\\" + MASK_CHAR, MASK_CHAR)
