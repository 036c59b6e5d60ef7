"""Partial disclosure (区分处理): spans of a text that staff mark as withheld, with a reason.

Staff write ``[[不予公开:REASON]]the withheld words[[/不予公开]]`` in a text, and
``[[姓名]]张三[[/姓名]]`` around names of private persons (published as 张某). The public
version replaces each span with a placeholder citing the article, e.g.
``【此处依据《政府信息公开条例》第十五条不予公开】``, and lists the reasons at the end. The same
redacted text feeds every rendering (page, letter, API, e-mail, search index). Pure Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.core.errors import FieldError
from portal.core.pii_names import mask_name


@dataclass(frozen=True)
class Exemption:
    """A ground for withholding: the article cited and the annual-report sub-reason."""

    code: str
    article: str
    label: str


EXEMPTIONS: dict[str, Exemption] = {
    e.code: e
    for e in (
        Exemption("state-secret", "第十四条", "属于国家秘密"),
        Exemption("banned-by-law", "第十四条", "其他法律行政法规禁止公开"),
        Exemption("security-stability", "第十四条", "危及“三安全一稳定”"),
        Exemption("third-party", "第十五条", "保护第三方合法权益（个人隐私、商业秘密）"),
        Exemption("internal-affairs", "第十六条第一款", "属于三类内部事务信息"),
        Exemption("process-info", "第十六条第二款", "属于四类过程性信息"),
        Exemption("enforcement-file", "第十六条第二款", "属于行政执法案卷"),
        Exemption("admin-query", "第三十六条第（七）项", "属于行政查询事项"),
    )
}

OPEN_TAG = "[[不予公开:"
CLOSE_TAG = "[[/不予公开]]"
_SPAN_RE = re.compile(r"\[\[不予公开:([^\]]*)\]\](.*?)\[\[/不予公开\]\]", re.S)
_NAME_RE = re.compile(r"\[\[姓名\]\](.{1,20}?)\[\[/姓名\]\]", re.S)


@dataclass(frozen=True)
class WithheldSpan:
    """One marked span: where it is, its reason, and the withheld words."""

    start: int
    end: int
    exemption: Exemption
    content: str


@dataclass(frozen=True)
class Redaction:
    """A text with every withheld span replaced, and the reasons in order of first use."""

    text: str
    reasons: list[Exemption]


def placeholder(exemption: Exemption) -> str:
    """What the public sees in place of a withheld span."""
    return f"【此处依据《政府信息公开条例》{exemption.article}不予公开】"


def find_spans(text: str) -> list[WithheldSpan]:
    """Parse the withheld spans of ``text``; raise :class:`FieldError` on bad markup.

    Every span needs a known reason, and every opening mark needs its closing mark.
    """
    spans = []
    for match in _SPAN_RE.finditer(text or ""):
        code = match.group(1).strip()
        if not code:
            raise FieldError("withheld", "不予公开的内容必须注明理由")
        exemption = EXEMPTIONS.get(code)
        if exemption is None:
            raise FieldError("withheld", f"不予公开理由“{code}”不存在，可选：" + "、".join(EXEMPTIONS))
        if OPEN_TAG in match.group(2):
            raise FieldError("withheld", "不予公开标记不能嵌套")
        spans.append(WithheldSpan(match.start(), match.end(), exemption, match.group(2)))
    remainder = _SPAN_RE.sub("", text or "")
    if OPEN_TAG in remainder or CLOSE_TAG in remainder or "[[不予公开]]" in remainder:
        raise FieldError("withheld", "不予公开标记不完整：每个 [[不予公开:理由]] 都要有 [[/不予公开]] 结束")
    return spans


def redact(text: str) -> Redaction:
    """Replace each withheld span with its placeholder; collect the distinct reasons.

    Malformed markup never leaks: everything from an unclosed opening mark to the end of the
    text is withheld (services reject such text on save; this is the last line of defence).
    """
    reasons: list[Exemption] = []

    def replace(match: re.Match) -> str:
        exemption = EXEMPTIONS.get(match.group(1).strip(), EXEMPTIONS["banned-by-law"])
        if exemption not in reasons:
            reasons.append(exemption)
        return placeholder(exemption)

    result = _SPAN_RE.sub(replace, text or "")
    result = _NAME_RE.sub(lambda m: mask_name(m.group(1).strip()), result)
    cut = result.find("[[不予公开")
    if cut != -1:
        fallback = EXEMPTIONS["banned-by-law"]
        result = result[:cut] + placeholder(fallback)
        if fallback not in reasons:
            reasons.append(fallback)
    return Redaction(result.replace(CLOSE_TAG, ""), reasons)


def staff_view(text: str) -> str:
    """The text as staff review it: withheld spans visible between labelled brackets, spans kept
    public (:mod:`portal.core.pii_review`) followed by their reason."""
    from portal.core.pii_review import staff_kept_view

    text = _NAME_RE.sub(lambda m: f"{m.group(1)}（公开时隐去）", staff_kept_view(text or ""))
    return _SPAN_RE.sub(
        lambda m: f"【不予公开开始·{EXEMPTIONS.get(m.group(1).strip(), EXEMPTIONS['banned-by-law']).article}】"
        f"{m.group(2)}【不予公开结束】",
        text,
    )


def reasons_note(reasons: list[Exemption]) -> str:
    """The closing list of reasons, one line each, in Chinese."""
    return "\n".join(
        f"{index}. 依据《政府信息公开条例》{r.article}：{r.label}。" for index, r in enumerate(reasons, 1)
    )
