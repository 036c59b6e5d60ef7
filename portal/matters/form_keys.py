"""The one-time key a citizen's form carries, bound to the browser session that received it.

The key makes a submission idempotent: the same form posted twice (a reload, a double click) files
one matter and shows its receipt again. So that a key cannot fetch someone else's receipt, the key
the server issues carries a tag: an HMAC, keyed with the portal's secret, of the key and a random
value kept in the visitor's session. A key this session did not receive counts as absent and the
submission is filed as new.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app, has_request_context, session

SESSION_NONCE = "form_key_nonce"
TAG_LENGTH = 22  # characters of the URL-safe Base64 tag (132 bits)


def _tag(nonce: str, key: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, f"form-key:{nonce}:{key}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:TAG_LENGTH]


def issue_key() -> str:
    """A fresh one-time form key; during a request it is bound to this visitor's session.

    Outside a request (loading demo data, the command line) the key is a plain random value that
    the caller vouches for.
    """
    key = secrets.token_urlsafe(18)
    if not has_request_context():
        return key
    nonce = session.get(SESSION_NONCE)
    if not isinstance(nonce, str) or not nonce:
        nonce = session[SESSION_NONCE] = secrets.token_urlsafe(16)
    return f"{key}.{_tag(nonce, key)}"


def issued_here(submitted: str) -> bool:
    """True when ``submitted`` is a key this visitor's session received (always outside a request)."""
    if not has_request_context():
        return True
    nonce = session.get(SESSION_NONCE)
    key, _, tag = submitted.rpartition(".")
    if not isinstance(nonce, str) or not nonce or not key:
        return False
    return hmac.compare_digest(tag, _tag(nonce, key))
