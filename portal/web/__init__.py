"""Request plumbing shared by every page.

- :mod:`portal.web.hooks`: one commit per request;
- :mod:`portal.web.headers`: security headers, ``no-store`` on staff pages;
- :mod:`portal.web.input_guard`: unusable input (NUL, bad UTF-8, huge numbers) refused with 400;
- :mod:`portal.web.errors`: error pages in Chinese;
- :mod:`portal.web.busy`: a busy database retried, then answered 503 with ``Retry-After``;
- :mod:`portal.web.template_guard`: public templates never receive model objects;
- :mod:`portal.web.filters`: Jinja filters and globals;
- :mod:`portal.web.layout`: the links and header every page's layout shows;
- :mod:`portal.web.care`: the 关怀版 (elderly-friendly) display mode and its switch;
- :mod:`portal.web.pagecache`: rendered public pages reused until content changes;
- :mod:`portal.web.direct`: pages a feature answers before Flask for visitors without a session.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from portal.web.busy import install_busy_handlers
from portal.web.care import install_care_mode
from portal.web.direct import install_direct_answers
from portal.web.errors import install_error_pages
from portal.web.filters import install_filters
from portal.web.headers import SecurityHeaders
from portal.web.hooks import install_transaction_hooks, keep_writes_despite_status
from portal.web.layout import install_layout_helpers
from portal.web.pagecache import install_page_cache
from portal.web.template_guard import install_template_guard

__all__ = ["install_web", "keep_writes_despite_status"]


def install_web(app: Flask, pages_valid_until: Callable[[], float | None] = lambda: None) -> None:
    """Attach the request hooks, headers, error pages, template guard, Jinja helpers and page cache
    (whose pages are rendered again by ``pages_valid_until()``, see :func:`install_page_cache`)."""
    install_transaction_hooks(app)
    install_error_pages(app)
    install_busy_handlers(app)
    install_template_guard(app)
    install_filters(app)
    install_layout_helpers(app)
    install_care_mode(app)
    install_direct_answers(app)  # inside the page cache and the headers
    install_page_cache(app, pages_valid_until)
    app.wsgi_app = SecurityHeaders(app.wsgi_app)  # type: ignore[method-assign]  # outermost: cached answers too
