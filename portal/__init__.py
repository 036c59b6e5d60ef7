"""The police-affairs disclosure portal (警务公开): the application factory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from portal.auth.csrf import install_csrf
from portal.auth.login import install_login
from portal.config import MIGRATIONS_DIR, load_settings
from portal.extensions import db, migrate
from portal.web.input_guard import install_input_guard

__all__ = ["MIGRATIONS_DIR", "create_app"]


def register_search_sources() -> None:
    """Tell search what each feature publishes (see :mod:`portal.searchable`)."""
    from portal.catalog.search_source import GUIDES
    from portal.complaints.search_source import COMPLAINT_OUTCOMES
    from portal.notices.search_source import NOTICES
    from portal.penalties.search_source import PENALTIES
    from portal.public.search_source import entry_pages
    from portal.questions.search_source import ANSWERED_QUESTIONS
    from portal.search.matching import matching_documents
    from portal.searchable import register_finder, register_pages, register_source


    for source in (GUIDES, NOTICES, COMPLAINT_OUTCOMES, ANSWERED_QUESTIONS, PENALTIES):
        register_source(source)
    register_pages("entry-points", entry_pages)
    register_finder(matching_documents)


def create_app(config: dict | None = None) -> Flask:
    """Build the portal: extensions, authentication, blueprints, request plumbing, search, CLI.
    Nothing runs at import."""
    app = Flask(__name__, instance_path=os.environ.get("PORTAL_INSTANCE_PATH") or None)
    app.config.from_mapping(load_settings(Path(app.instance_path), config))
    from portal.api.http import error_response

    install_input_guard(app, error_response)  # first: its URL converter and hook precede all others

    db.init_app(app)
    from portal.engines import install_engines

    install_engines(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    install_csrf(app)
    install_login(app)

    from portal import models  # noqa: F401  (registers every table with the metadata)
    from portal.blueprints import register_blueprints
    from portal.cli import register_commands
    from portal.notices.queries import next_scheduled_publish
    from portal.public_content import install_content_generation
    from portal.search.direct import install_search_page
    from portal.search.services import install_search
    from portal.web import install_web

    register_blueprints(app)
    install_content_generation(app)
    install_web(app, pages_valid_until=next_scheduled_publish)
    register_search_sources()
    install_search(app)
    install_search_page(app)
    register_commands(app)
    return app


def release_before_fork(app: Flask) -> None:
    """Close the connections and search readers start-up opened, so forked workers open their own."""
    from portal.engines import release
    from portal.search.services import forget_readers

    release(app)
    forget_readers(close=True)
