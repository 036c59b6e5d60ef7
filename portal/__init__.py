"""The police-affairs disclosure portal (警务公开): the application factory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from portal.config import MIGRATIONS_DIR, load_settings
from portal.extensions import csrf, db, login_manager, migrate
from portal.input_guard import install_input_guard

__all__ = ["MIGRATIONS_DIR", "create_app"]


def register_search_sources() -> None:
    """Tell search what each feature publishes (see :mod:`portal.searchable`)."""
    from portal.catalog.search_source import GUIDES
    from portal.complaints.search_source import COMPLAINT_OUTCOMES
    from portal.notices.search_source import NOTICES
    from portal.public.search_source import entry_pages
    from portal.searchable import register_pages, register_source

    for source in (GUIDES, NOTICES, COMPLAINT_OUTCOMES):
        register_source(source)
    register_pages("entry-points", entry_pages)


def create_app(config: dict | None = None) -> Flask:
    """Build the portal: extensions, blueprints, CLI, error handlers. Nothing runs at import."""
    from portal.web import PortalFlask

    app = PortalFlask(__name__, instance_path=os.environ.get("PORTAL_INSTANCE_PATH") or None)
    app.config.from_mapping(load_settings(Path(app.instance_path), config))
    from portal.api.http import error_response

    install_input_guard(app, error_response)  # first: its URL converter and hook precede all others

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)
    login_manager.init_app(app)

    from portal import models  # noqa: F401  (registers every table with the metadata)
    from portal.accounts.views import bp as accounts_bp
    from portal.annual.views import bp as annual_bp
    from portal.api.views import bp as api_bp
    from portal.audit.public_views import bp as audit_public_bp
    from portal.audit.views import bp as audit_bp
    from portal.calendar.views import bp as calendar_bp
    from portal.cases.staff_views import bp as cases_staff_bp
    from portal.cases.views import bp as cases_bp
    from portal.catalog.staff_views import bp as catalog_staff_bp
    from portal.catalog.views import bp as catalog_bp
    from portal.complaints.staff_views import bp as complaints_staff_bp
    from portal.complaints.views import bp as complaints_bp
    from portal.disclosure.staff_views import bp as disclosure_staff_bp
    from portal.disclosure.views import bp as disclosure_bp
    from portal.notices.staff_views import bp as notices_staff_bp
    from portal.notices.views import bp as notices_bp
    from portal.oversight.accountability_views import bp as accountability_bp
    from portal.oversight.views import bp as oversight_bp
    from portal.public.feeds import bp as feeds_bp
    from portal.public.views import bp as public_bp
    from portal.search.views import bp as search_bp
    from portal.staff.views import bp as staff_bp
    from portal.web import install_web_hooks

    for blueprint in (
        public_bp, accounts_bp, staff_bp, catalog_bp, catalog_staff_bp, notices_bp,
        notices_staff_bp, feeds_bp, disclosure_bp, disclosure_staff_bp, calendar_bp,
        complaints_bp, complaints_staff_bp, audit_bp, oversight_bp, accountability_bp, annual_bp,
        cases_bp, cases_staff_bp, search_bp, api_bp, audit_public_bp,
    ):
        app.register_blueprint(blueprint)
    install_web_hooks(app)
    from portal.pagecache import install_page_cache

    install_page_cache(app)
    register_search_sources()
    from portal.search.services import install_search

    install_search(app)

    from portal.cli import register_commands

    register_commands(app)
    return app
