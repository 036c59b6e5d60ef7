"""Settings read from the environment, with an embedded default under ``instance/``.

Every setting can be given as an environment variable of the same name. With no
``DATABASE_URL`` the portal uses a SQLite file in the instance folder; with no
``SECRET_KEY`` a random key is generated once and kept in ``instance/secret_key``; the audit
chain's key likewise comes from ``AUDIT_KEY`` or ``instance/audit_key`` (made on first use).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from portal.auth.sessions import session_cookie_settings

# The production server, as README gives it: build the app once, then fork two workers of four
# threads each. Every process gets its own database connections (portal/engines.py).
SERVER_COMMAND = ("gunicorn", "--preload", "-w", "2", "-k", "gthread", "--threads", "4",
                  "-b", "127.0.0.1:8000", "wsgi:app")
MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def instance_secret(instance_path: Path, name: str = "secret_key") -> str:
    """Return the key kept in ``instance/<name>`` (mode 0600), creating it on first use."""
    key_file = instance_path / name
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: two workers starting at once must agree on one key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_settings(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the configuration for an app whose instance folder is ``instance_path``.

    ``overrides`` (used by tests) win over the environment; the secret-key file is only
    created when neither gives a key.
    """
    overrides = overrides or {}
    instance_path.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'portal.db'}"
    https = _flag("PORTAL_HTTPS", False)
    secret = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    settings = {
        "SECRET_KEY": secret or instance_secret(instance_path),
        # Keys the audit chain's HMAC; without it, instance/audit_key (portal/audit/signing.py).
        "AUDIT_KEY": os.environ.get("AUDIT_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Recycle pooled connections instead of pinging before each checkout (a round trip
        # per request on PostgreSQL).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 1800},
        # SQLite: how long a write waits for another before "database is locked" (seconds), and
        # how long a submission keeps retrying a busy database before answering 503.
        "SQLITE_BUSY_TIMEOUT": float(os.environ.get("SQLITE_BUSY_TIMEOUT", "5")),
        "SUBMIT_RETRY_SECONDS": float(os.environ.get("SUBMIT_RETRY_SECONDS", "10")),
        "SEARCH_INDEX_DIR": os.environ.get("SEARCH_INDEX_DIR", str(instance_path / "search-index")),
        # Load jieba and check the index when the app is built (wsgi.py; tests load lazily).
        "SEARCH_PRELOAD": _flag("SEARCH_PRELOAD", False),
        "CONTENT_DIR": os.environ.get(
            "CONTENT_DIR", str(Path(__file__).resolve().parent.parent / "content")
        ),
        **session_cookie_settings(https),
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # werkzeug's scrypt (n=2**15, r=8, p=1); tests lower n to stay fast.
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("LOGIN_LOCK_MINUTES", "15")),
        # Failures against one account or number from any address: past THROTTLE_SLOWDOWN_AFTER
        # each attempt on it waits STEP seconds more, at most MAX (portal/auth/throttle.py), and
        # the owner of a staff account is alerted by e-mail once LOGIN_ALERT_AFTER is reached.
        "THROTTLE_SLOWDOWN_AFTER": int(os.environ.get("THROTTLE_SLOWDOWN_AFTER", "10")),
        "THROTTLE_SLOWDOWN_STEP_SECONDS": float(os.environ.get("THROTTLE_SLOWDOWN_STEP_SECONDS", "0.5")),
        "THROTTLE_SLOWDOWN_MAX_SECONDS": float(os.environ.get("THROTTLE_SLOWDOWN_MAX_SECONDS", "3")),
        "LOGIN_ALERT_AFTER": int(os.environ.get("LOGIN_ALERT_AFTER", "10")),
        # A signed-in session ends after this long without back-office activity, and in any case
        # this long after login (portal/auth/sessions.py).
        "STAFF_IDLE_MINUTES": int(os.environ.get("STAFF_IDLE_MINUTES", "30")),
        "STAFF_SESSION_HOURS": int(os.environ.get("STAFF_SESSION_HOURS", "12")),
        # Local practice (DOMAIN.md): does the time until a fee is paid count toward the deadline?
        "FEE_NOTICE_PAUSES_CLOCK": _flag("FEE_NOTICE_PAUSES_CLOCK", True),
        # Who handles complaints: a department code (督察 by default), or "unit" for the unit
        # complained about, save complaints about its head, which still go to 督察.
        "COMPLAINT_HANDLER": os.environ.get("COMPLAINT_HANDLER", "ducha").strip() or "ducha",
        # Local practice: the internal period (working days) proposed when the disclosure office
        # consults a department about a request; the office may set 1 to 15 for each consultation.
        "CONSULTATION_WORKDAYS": int(os.environ.get("CONSULTATION_WORKDAYS", "5")),

        # 网上咨询: working days the chosen department has to answer a question.
        "QUESTION_REPLY_DAYS": int(os.environ.get("QUESTION_REPLY_DAYS", "5")),
        # 我为网站找错: the department (code) that receives reports about the site.
        "ERROR_REPORT_DEPARTMENT": os.environ.get("ERROR_REPORT_DEPARTMENT", "gongkaiban").strip()
        or "gongkaiban",
        # Rendered public pages are reused until content changes (0 disables the cache).
        "PAGE_CACHE_SECONDS": int(os.environ.get("PAGE_CACHE_SECONDS", "60")),
        # How often each process reads the shared content generation (portal/public_content.py)
        # and the search change log: a change made on another machine shows within about this long.
        "CONTENT_GENERATION_SECONDS": float(os.environ.get("CONTENT_GENERATION_SECONDS", "1")),
        "SEARCH_CATCH_UP_SECONDS": float(os.environ.get("SEARCH_CATCH_UP_SECONDS", "1")),
        # 执法结果公开: a penalty decision is published within this many working days after it is
        # made, and stays on the public list this many days after the decision (portal/penalties/).
        "PENALTY_PUBLISH_WORKDAYS": int(os.environ.get("PENALTY_PUBLISH_WORKDAYS", "7")),
        "PENALTY_RETENTION_DAYS": int(os.environ.get("PENALTY_RETENTION_DAYS", "1095")),
        # 自查 (portal inspect, portal/inspection/): days a news column (警务动态) and any other column
        # may go without a new item, working days past due after which an unanswered question is a
        # single veto, and how many addresses the crawl of the public pages requests at most.
        "INSPECTION_NEWS_STALE_DAYS": int(os.environ.get("INSPECTION_NEWS_STALE_DAYS", "14")),
        "INSPECTION_COLUMN_STALE_DAYS": int(os.environ.get("INSPECTION_COLUMN_STALE_DAYS", "180")),
        "INSPECTION_QUESTION_VETO_WORKDAYS": int(os.environ.get("INSPECTION_QUESTION_VETO_WORKDAYS", "10")),
        "INSPECTION_CRAWL_MAX_PAGES": int(os.environ.get("INSPECTION_CRAWL_MAX_PAGES", "2000")),
        # The 立即自查 button's crawl stops after this many addresses, so the page answers quickly.
        "INSPECTION_PAGE_CRAWL_MAX_PAGES": int(os.environ.get("INSPECTION_PAGE_CRAWL_MAX_PAGES", "300")),
        "SITE_NAME": os.environ.get("SITE_NAME", "示例市公安局警务公开"),
        # Letters (portal/matters/letters.py): the authority that issues and seals them, the short
        # name heading their numbers, and where a party seeks 行政复议 and 行政诉讼.
        "ISSUING_AUTHORITY": os.environ.get("ISSUING_AUTHORITY", "示例市公安局"),
        "LETTER_PREFIX": os.environ.get("LETTER_PREFIX", "示公"),
        "REVIEW_BODY": os.environ.get("REVIEW_BODY", "示例市人民政府"),
        "LITIGATION_COURT": os.environ.get("LITIGATION_COURT", "示例市某区人民法院"),
        # Appointments (portal/appointments): how many days ahead slots can be booked, until how
        # many hours before its slot a booking may be cancelled or moved, bookings per ID number per
        # week, and how many days after its slot a booking's personal data is kept.
        "APPOINTMENT_DAYS_AHEAD": int(os.environ.get("APPOINTMENT_DAYS_AHEAD", "14")),
        "APPOINTMENT_CHANGE_HOURS": int(os.environ.get("APPOINTMENT_CHANGE_HOURS", "2")),
        "APPOINTMENT_WEEKLY_LIMIT": int(os.environ.get("APPOINTMENT_WEEKLY_LIMIT", "3")),
        "APPOINTMENT_RETENTION_DAYS": int(os.environ.get("APPOINTMENT_RETENTION_DAYS", "90")),
        # Outbox delivery (portal outbox send): the SMTP relay and the sender address.
        "SMTP_HOST": os.environ.get("SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": _flag("SMTP_STARTTLS", False),
        "SMTP_TIMEOUT": float(os.environ.get("SMTP_TIMEOUT", "30")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "noreply@portal.example.gov.cn"),
    }
    settings.update(overrides)
    return settings
