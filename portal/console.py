"""The ``portal`` console command: Flask's CLI with the portal app and its own commands loaded."""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup

from portal import create_app


def _build_app(*_args: object) -> Flask:
    return create_app()


main = FlaskGroup(create_app=_build_app, help="警务公开 portal management.")
