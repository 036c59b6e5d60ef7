"""One model for every letter the portal issues to a party (答复书, 告知书, 投诉处理意见).

A :class:`Letter` holds the text once; the printable page, the PDF and the e-mail body are all
rendered from it, so the three never say different things. The issuing authority, the body
that hears 行政复议 and the court that hears 行政诉讼 are settings (``ISSUING_AUTHORITY``,
``REVIEW_BODY``, ``LITIGATION_COURT``), as is the short name at the head of a letter number
(``LETTER_PREFIX``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

import nh3
from flask import current_app, render_template

from portal.core.markup import render_markdown
from portal.core.withhold import Exemption

_BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Letter:
    """A letter as the party receives it: heading, addressee, body, basis, remedies, issuer."""

    title: str
    number: str  # 文号, e.g. 示公开〔2026〕第12号
    date: date
    addressee: str
    paragraphs: tuple[str, ...]
    basis: str  # the articles the letter rests on
    remedies: tuple[str, ...]
    issuer: str
    reference: str  # the tracking number the party quotes


def issuer() -> str:
    """The issuing authority named in the letterhead and above the seal."""
    return current_app.config["ISSUING_AUTHORITY"]


def letter_number(series: str, year: int, serial: int | str) -> str:
    """The letter's number (文号): prefix and series, year in 〔〕, serial (stable per source)."""
    return f"{current_app.config['LETTER_PREFIX']}{series}〔{year}〕第{serial}号"


def chinese_date(day: date) -> str:
    """A date as official documents write it: 2026年10月9日."""
    return f"{day.year}年{day.month}月{day.day}日"


def administrative_remedies(subject: str = "本答复") -> tuple[str, ...]:
    """行政复议 (60 days) and 行政诉讼 (6 months), each naming where to bring it."""
    config = current_app.config
    return (
        f"如对{subject}不服，可以自知道或者应当知道之日起六十日内，依照《中华人民共和国行政复议法》"
        f"向{config['REVIEW_BODY']}申请行政复议；",
        f"或者自知道或者应当知道之日起六个月内，依照《中华人民共和国行政诉讼法》第四十六条"
        f"向{config['LITIGATION_COURT']}提起行政诉讼。",
    )


def markdown_paragraphs(text: str) -> list[str]:
    """Plain paragraphs of Markdown ``text`` (already cleared for the party): markup dropped,
    blank lines separate paragraphs, line breaks inside a paragraph kept."""
    out = []
    for block in _BLANK_LINES.split(text.strip()):
        plain = html.unescape(nh3.clean(render_markdown(block), tags=set())).strip()
        plain = "\n".join(line.strip() for line in plain.splitlines() if line.strip())
        if plain:
            out.append(plain)
    return out


def withheld_paragraphs(reasons: tuple[Exemption, ...] | list[Exemption]) -> list[str]:
    """The explanation of every withheld part (区分处理), one paragraph per ground."""
    if not reasons:
        return []
    return ["不予公开部分的说明："] + [
        f"{index}. 依据《中华人民共和国政府信息公开条例》{r.article}：{r.label}。"
        for index, r in enumerate(reasons, 1)]


def letter_text(letter: Letter) -> str:
    """The letter as plain text (the e-mail body carries exactly this)."""
    parts = [letter.issuer, letter.title, letter.number, f"{letter.addressee}：",
             *letter.paragraphs, f"依据：{letter.basis}", *letter.remedies,
             letter.issuer, chinese_date(letter.date)]
    return "\n\n".join(parts)


def render_letter_page(letter: Letter, pdf_url: str) -> str:
    """The printable HTML page of ``letter``, with a link to its PDF."""
    return render_template("letters/letter.html", letter=letter, pdf_url=pdf_url,
                           letter_date=chinese_date(letter.date))
