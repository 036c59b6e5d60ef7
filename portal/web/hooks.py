"""One commit per request: views and services only flush; the answer decides commit or rollback."""

from __future__ import annotations

from flask import Flask, Response, g

from portal.extensions import db


def keep_writes_despite_status() -> None:
    """Commit this request's writes although it answers with a 4xx status (e.g. a failed
    login whose counter must persist)."""
    g.portal_keep_writes = True


def finish_transaction(response: Response) -> Response:
    """Commit when the answer succeeded (or a view asked to keep its writes), else roll back."""
    if not db.session.registry.has() or not db.session().in_transaction():
        return response  # nothing was read or written: no round trip
    if response.status_code < 400 or (response.status_code < 500 and g.get("portal_keep_writes")):
        db.session.commit()
    else:
        db.session.rollback()
    return response


def rollback_on_error(exc: BaseException | None) -> None:
    """Undo the request's writes when it ended with an exception."""
    if exc is not None:
        db.session.rollback()


def install_transaction_hooks(app: Flask) -> None:
    """Register the commit-per-request hooks."""
    app.after_request(finish_transaction)
    app.teardown_request(rollback_on_error)
