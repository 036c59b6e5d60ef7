"""Helpers for feature tests: submit forms with their CSRF token, log in, a missing tool."""

from __future__ import annotations

import os
import re

import pytest

PASSWORD = "correct-horse-battery"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def unavailable(message: str) -> None:
    """An external tool a test needs is missing: fail in CI (it must be there), else skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def csrf_token(client, url: str) -> str:
    """Fetch ``url`` and return the CSRF token of its form."""
    page = client.get(url)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(client, url: str, data: dict, form_url: str | None = None, **kwargs):
    """Submit a form as a browser would: load the page for its token, then post."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def login(client, username: str, password: str = PASSWORD):
    """Log ``username`` in through the real login form."""
    return post_form(client, "/login", {"username": username, "password": password})
