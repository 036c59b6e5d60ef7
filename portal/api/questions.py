"""Published questions and answers (网上咨询) and their statistics as open-data JSON.

Shaped from ``disclose(question, PUBLIC)`` only, like guides and notices (:mod:`portal.api.records`).
"""

from __future__ import annotations

from flask import url_for

from portal.api.records import iso_date, reasons
from portal.disclose import Disclosed
from portal.questions.queries import MonthFigures


def question_summary(question: Disclosed) -> dict:
    """A published question in a list: title, department, dates and an excerpt of the answer."""
    department = question.matter.department
    return {
        "id": question.matter_id, "title": question.public_title,
        "department": {"code": department.code, "name": department.name},
        "url": url_for("questions.detail", question_id=question.matter_id, _external=True),
        "api_url": url_for("api.question", question_id=question.matter_id, _external=True),
        "received_on": iso_date(question.matter.received_on), "answered_on": iso_date(question.answered_on),
        "excerpt": question.answer_excerpt[:200],
    }


def question_detail(question: Disclosed) -> dict:
    """A published question with its public text, the answer and the reasons cited."""
    return {**question_summary(question), "question": question.public_question,
            "answer_markdown": question.answer_md, "answer_html": question.answer_html,
            "withheld_reasons": reasons(question)}


def statistics_row(figures: MonthFigures) -> dict:
    """One month and department of the public statistics."""
    median = figures.median_workdays
    return {"month": figures.month, "department": figures.department, "received": figures.received,
            "answered": figures.answered, "answered_on_time": figures.on_time,
            "median_workdays": None if median is None else round(median, 1)}
