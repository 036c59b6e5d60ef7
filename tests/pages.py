"""The one list of pages every quality check walks (browser, accessibility, headers, bench).

Adding a page to every check is one line here. ``{guide}``, ``{notice}`` and ``{penalty}`` are
filled with a real guide slug, a published notice id and a published penalty decision id from the
demo content.
"""

from __future__ import annotations

# (name, path) of pages anyone may open.
PUBLIC_PAGES = [
    ("home", "/"),
    ("guide-list", "/guides/"),
    ("guide-category", "/guides/category/huzheng"),
    ("guide-filtered", "/guides/?fee=free&online=yes"),
    ("guide-detail", "/guides/{guide}"),
    ("guide-print", "/guides/{guide}/print"),
    ("guide-measured", "/guides/government-information-request"),  # promised beside measured
    ("notice-list", "/notices/"),
    ("notice-detail", "/notices/{notice}"),
    ("login", "/login"),
    ("apply", "/apply"),
    ("track", "/track"),
    ("progress", "/progress"),
    ("complain", "/complain"),
    ("complaint-statistics", "/complaints/statistics"),
    ("complaint-outcomes", "/complaints/outcomes"),
    ("performance", "/performance"),
    ("audit-checkpoints", "/audit/checkpoints"),
    ("search", "/search?q=身份证"),
    ("search-empty", "/search"),
    ("not-found", "/no-such-page"),
    ("privacy", "/privacy"),
    # 网上咨询 and 我为网站找错
    ("questions", "/questions/"),
    ("question-ask", "/questions/ask"),
    ("question-statistics", "/questions/statistics"),
    ("report-error", "/report-error/?page=/guides/"),
    ("report-error-statistics", "/report-error/statistics"),

    # Appointments: the demo halls take bookings for this guide.
    ("appointment-book", "/appointments/guide/resident-id-card-renewal"),
    ("appointment-manage", "/appointments/manage"),
    ("appointment-statistics", "/appointments/statistics"),

    ("penalty-list", "/penalties/"),
    ("penalty-detail", "/penalties/{penalty}"),
]

# (name, path) of back-office pages, opened after logging in as 户政 staff.
STAFF_PAGES = [
    ("staff-home", "/staff/"),
    ("staff-notices", "/staff/notices/"),
    ("staff-notice-new", "/staff/notices/new"),
    ("staff-guides", "/staff/guides/"),
    ("staff-guide-edit", "/staff/guides/{guide}/edit"),
    ("staff-guide-history", "/staff/guides/{guide}/history"),
    ("staff-requests", "/staff/requests/"),
    ("staff-consultations", "/staff/consultations/"),
    ("staff-complaints", "/staff/complaints/"),
    ("staff-cases", "/staff/cases/"),
    ("staff-own-password", "/staff/password"),
    ("staff-preview", "/staff/preview/"),

    ("staff-questions", "/staff/questions/"),
    ("staff-error-reports", "/staff/error-reports/"),

    ("staff-appointments", "/staff/appointments/"),
    ("staff-appointment-hall", "/staff/appointments/halls/1"),  # the demo 户政 hall
    ("staff-appointment-day", "/staff/appointments/halls/1/day"),

    ("staff-penalties", "/staff/penalties/"),
    ("staff-penalty-new", "/staff/penalties/new"),
]

# (name, path) of pages for supervisors (cross-department work, approvals, calendar).
SUPERVISOR_PAGES = [
    ("supervisor-request", "/staff/requests/{request}"),
    ("supervisor-request-routing", "/staff/requests/{request}/routing"),
    ("supervisor-calendar", "/staff/calendar/"),
    ("supervisor-dashboard", "/staff/oversight/"),
    ("supervisor-overdue-list", "/staff/oversight/list?section=overdue"),
    ("supervisor-statistics", "/staff/oversight/statistics"),
    ("supervisor-audit", "/staff/audit/"),
    ("supervisor-annual-report", "/staff/annual-report/2025"),
    ("supervisor-complaint", "/staff/complaints/{complaint}"),
    ("supervisor-inspection", "/staff/inspection/"),
]

ADMIN_PAGES = [
    ("admin-accounts", "/staff/accounts/"),
    ("admin-account-new", "/staff/accounts/new"),
]


def all_pages() -> list[tuple[str, str, str | None]]:
    """Every page as (name, path, the demo user to log in as, or None for anonymous)."""
    return ([(name, path, None) for name, path in PUBLIC_PAGES]
            + [(name, path, "staff") for name, path in STAFF_PAGES]
            + [(name, path, "supervisor") for name, path in SUPERVISOR_PAGES]
            + [(name, path, "admin") for name, path in ADMIN_PAGES])


def fill(path: str, *, guide: str, notice: int, request: str = "", complaint: str = "", penalty: int = 0) -> str:
    """Substitute the sample guide slug, notice id, request and complaint numbers and published
    penalty decision id into ``path``."""
    return path.format(guide=guide, notice=notice, request=request, complaint=complaint, penalty=penalty)
