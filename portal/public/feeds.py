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


def _atom(template: str, endpoint: str, **context):
    """An Atom feed rendered from ``template``, its own address given as ``feed_url``."""
    response = _xml(template, feed_url=url_for(endpoint, _external=True), **context)
    response.mimetype = "application/atom+xml"
    return response


@bp.route("/notices/feed.xml")
def notice_feed():
    """Atom feed of the newest public notices (public text, personal data masked)."""
    notices = disclose_all(list(db.session.scalars(public_notices().limit(FEED_SIZE))), PUBLIC)
    return _atom("feeds/notices.xml", "feeds.notice_feed", notices=notices)


@bp.route("/questions/feed.xml")
def question_feed():
    """Atom feed of the newest published questions and answers (the filtered public copy)."""
    questions = disclose_all(list(db.session.scalars(published_questions().limit(FEED_SIZE))), PUBLIC)
    return _atom("feeds/questions.xml", "feeds.question_feed", questions=questions)


@bp.route("/penalties/feed.xml")
def penalty_feed():
    """Atom feed of the newest public penalty decisions (a withdrawn one as its statement)."""
    rows = db.session.scalars(public_decisions(local_today()).limit(FEED_SIZE))
    return _atom("feeds/penalties.xml", "feeds.penalty_feed", decisions=[public_record(d) for d in rows],
                 withdrawal_notice=withdrawal_notice)


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
