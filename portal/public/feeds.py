"""Machine-readable public outputs: the Atom feeds of notices, answered questions and penalty
decisions, and the sitemap.

Both are built from :func:`portal.disclose.disclose` output only, like every public page.
"""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, url_for

from portal.catalog.queries import GuideFilter, categories_with_counts, filtered_guides
from portal.core.classification import PUBLIC
from portal.core.timefmt import local_today
from portal.disclose import disclose, disclose_all
from portal.extensions import db
from portal.notices.queries import public_notices
from portal.penalties.queries import public_decisions
from portal.penalties.record import public_record, withdrawal_notice
from portal.questions.queries import published_questions

bp = Blueprint("feeds", __name__)
FEED_SIZE = 30


def _xml(template: str, **context):
    response = make_response(render_template(template, **context))
    response.mimetype = "application/xml"
    return response


@bp.route("/notices/feed.xml")
def notice_feed():
    """Atom feed of the newest public notices (public text, personal data masked)."""
    notices = disclose_all(list(db.session.scalars(public_notices().limit(FEED_SIZE))), PUBLIC)
    response = _xml("feeds/notices.xml", notices=notices,
                    feed_url=url_for("feeds.notice_feed", _external=True))
    response.mimetype = "application/atom+xml"
    return response


@bp.route("/questions/feed.xml")
def question_feed():
    """Atom feed of the newest published questions and answers (the filtered public copy)."""
    questions = disclose_all(list(db.session.scalars(published_questions().limit(FEED_SIZE))), PUBLIC)
    response = _xml("feeds/questions.xml", questions=questions,
                    feed_url=url_for("feeds.question_feed", _external=True))
    response.mimetype = "application/atom+xml"
    return response


@bp.route("/penalties/feed.xml")
def penalty_feed():
    """Atom feed of the newest public penalty decisions (a withdrawn one as its statement)."""
    rows = db.session.scalars(public_decisions(local_today()).limit(FEED_SIZE))
    response = _xml("feeds/penalties.xml", decisions=[public_record(d) for d in rows],
                    withdrawal_notice=withdrawal_notice, feed_url=url_for("feeds.penalty_feed", _external=True))
    response.mimetype = "application/atom+xml"
    return response


@bp.route("/sitemap.xml")
def sitemap():
    """Every public page a search engine should know."""
    urls = [url_for("public.home", _external=True), url_for("catalog.index", _external=True),
            url_for("notices.index", _external=True)]
    urls += [url_for("catalog.category", code=disclose(c, PUBLIC).code, _external=True)
             for c, _count in categories_with_counts()]
    urls += [url_for("catalog.detail", slug=g.slug, _external=True)
             for g in disclose_all(filtered_guides(GuideFilter()), PUBLIC)]
    urls += [url_for("notices.detail", notice_id=n.id, _external=True)
             for n in disclose_all(list(db.session.scalars(public_notices())), PUBLIC)]
    urls += [url_for("questions.index", _external=True)]
    urls += [url_for("questions.detail", question_id=q.matter_id, _external=True)
             for q in disclose_all(list(db.session.scalars(published_questions())), PUBLIC)]

    urls.append(url_for("penalties.index", _external=True))
    urls += [url_for("penalties.detail", penalty_id=public_record(d).id, _external=True)
             for d in db.session.scalars(public_decisions(local_today()))]
    return _xml("feeds/sitemap.xml", urls=urls)
