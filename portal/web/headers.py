"""Security headers on every response, and ``Cache-Control: no-store`` on private pages.

Private pages are the staff and login pages and everything a citizen sees of their own matter:
the forms and receipts of requests and complaints, ``/track`` and a matter's pages, letters and
files, a complaint's pages and letters, a case's ``/progress`` pages, and the appointment pages
(booking, slip, cancel, move, lookup) but their public statistics.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
# Pages never kept by a browser or proxy cache; under /complaints/ only the statistics and the
# published outcomes are the same for every visitor; under /appointments/ only the statistics.
PRIVATE_PATHS = re.compile(
    r"/(staff|login|apply|complain|track|progress)(/|$)|/complaints/(?!(statistics|outcomes)/?$)"
    r"|/appointments/(?!statistics/?$)"
)


def is_private(path: str) -> bool:
    """True for a page only its own visitor may see (``Cache-Control: no-store``)."""
    return PRIVATE_PATHS.match(path) is not None


class SecurityHeaders:
    """WSGI middleware: the security headers on every response (pages, cached pages, errors,
    static files), unless a view set its own; ``Cache-Control: no-store`` on private pages."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Serve the request, adding the headers as the response starts."""
        private = is_private(environ.get("PATH_INFO", ""))

        def start(status: str, headers: list[tuple[str, str]], exc_info=None):
            present = {name.lower() for name, _value in headers}
            headers.extend(pair for pair in SECURITY_HEADERS if pair[0].lower() not in present)
            if private:
                headers[:] = [pair for pair in headers if pair[0].lower() != "cache-control"]
                headers.append(("Cache-Control", "no-store"))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)
