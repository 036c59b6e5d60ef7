"""Security headers on every response, and ``Cache-Control: no-store`` on staff and login pages."""

from __future__ import annotations

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
PRIVATE_PREFIXES = ("/staff", "/login")  # pages never kept by a browser or proxy cache


class SecurityHeaders:
    """WSGI middleware: the security headers on every response (pages, cached pages, errors,
    static files), unless a view set its own; ``Cache-Control: no-store`` on staff and login pages."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Serve the request, adding the headers as the response starts."""
        private = environ.get("PATH_INFO", "").startswith(PRIVATE_PREFIXES)

        def start(status: str, headers: list[tuple[str, str]], exc_info=None):
            present = {name.lower() for name, _value in headers}
            headers.extend(pair for pair in SECURITY_HEADERS if pair[0].lower() not in present)
            if private:
                headers[:] = [pair for pair in headers if pair[0].lower() != "cache-control"]
                headers.append(("Cache-Control", "no-store"))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)
