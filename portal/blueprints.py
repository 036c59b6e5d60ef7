"""Every blueprint of the portal, registered in one place."""

from __future__ import annotations

from flask import Blueprint, Flask


def all_blueprints() -> list[Blueprint]:
    """The public, back-office and API blueprints, in registration order."""
    from portal.accounts.staff_views import bp as accounts_staff
    from portal.accounts.views import bp as accounts
    from portal.annual.views import bp as annual
    from portal.api.views import bp as api
    from portal.appointments.staff_views import bp as appointments_staff
    from portal.appointments.views import bp as appointments
    from portal.audit.public_views import bp as audit_public
    from portal.audit.views import bp as audit
    from portal.calendar.views import bp as calendar
    from portal.cases.staff_views import bp as cases_staff
    from portal.cases.views import bp as cases
    from portal.catalog.staff_views import bp as catalog_staff
    from portal.catalog.views import bp as catalog
    from portal.complaints.staff_views import bp as complaints_staff
    from portal.complaints.views import bp as complaints
    from portal.disclosure.routing_views import bp as disclosure_routing
    from portal.disclosure.staff_views import bp as disclosure_staff
    from portal.disclosure.views import bp as disclosure
    from portal.error_reports.staff_views import bp as error_reports_staff
    from portal.error_reports.views import bp as error_reports
    from portal.inspection.views import bp as inspection
    from portal.notices.staff_views import bp as notices_staff
    from portal.notices.views import bp as notices
    from portal.oversight.accountability_views import bp as accountability
    from portal.oversight.views import bp as oversight
    from portal.penalties.staff_views import bp as penalties_staff
    from portal.penalties.views import bp as penalties
    from portal.public.feeds import bp as feeds
    from portal.public.views import bp as public
    from portal.questions.staff_views import bp as questions_staff
    from portal.questions.views import bp as questions
    from portal.search.views import bp as search
    from portal.staff.views import bp as staff
    from portal.withholding.staff_views import bp as withholding_staff

    return [
        public, accounts, accounts_staff, staff, catalog, catalog_staff, notices, notices_staff, feeds,
        disclosure, disclosure_staff, disclosure_routing, calendar, complaints, complaints_staff, audit, oversight,
        accountability, annual, cases, cases_staff, search, api, audit_public, withholding_staff,
        questions, questions_staff, error_reports, error_reports_staff, appointments, appointments_staff,
        penalties, penalties_staff, inspection,
    ]


def register_blueprints(app: Flask) -> None:
    """Register every blueprint on ``app``."""
    for blueprint in all_blueprints():
        app.register_blueprint(blueprint)
