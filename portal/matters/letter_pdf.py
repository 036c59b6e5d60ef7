"""The PDF of a letter, rendered on the server with WeasyPrint (A4, letterhead, seal area).

The CJK font comes from fontconfig (WenQuanYi Micro Hei or Noto Sans CJK); WeasyPrint embeds
the subset of glyphs the letter uses, so the file reads the same on any machine.
"""

from __future__ import annotations

from flask import Response, render_template

from portal.matters.letters import Letter, chinese_date

PDF_MIMETYPE = "application/pdf"


def refuse_fetch(url: str, *args: object, **kwargs: object) -> dict:
    """WeasyPrint's URL fetcher for letters: a letter is self-contained and loads nothing."""
    raise ValueError(f"letters load no external resources ({url})")


def letter_pdf(letter: Letter) -> bytes:
    """The letter as an A4 PDF document."""
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    source = render_template("letters/letter_pdf.html", letter=letter,
                             letter_date=chinese_date(letter.date))
    return HTML(string=source, url_fetcher=refuse_fetch).write_pdf()


def pdf_response(letter: Letter, filename: str) -> Response:
    """An inline PDF download of ``letter`` named ``filename`` (ASCII, e.g. GK-2026-000001.pdf)."""
    response = Response(letter_pdf(letter), mimetype=PDF_MIMETYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
