"""Secrets checked by hash (passwords, access codes, query codes) cost the same whether or not the
thing asked about exists: when there is no real hash, a dummy made with the same configured method
and parameters (``PASSWORD_HASH_METHOD``) is checked instead, so timing tells nothing."""

from __future__ import annotations

import secrets

from flask import current_app
from werkzeug.security import generate_password_hash

_dummies: dict[str, str] = {}


def dummy_hash() -> str:
    """A hash made exactly as real ones are (the configured method), of a value nobody knows."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummies:
        _dummies[method] = generate_password_hash(secrets.token_hex(16), method)
    return _dummies[method]
