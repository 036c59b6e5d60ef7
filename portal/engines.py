"""Database engines: connection settings per backend, and nothing shared across a fork.

gunicorn ``--preload`` builds the app in the master and forks the workers from it. A pooled
connection (a PostgreSQL socket, a SQLite file handle) or an open search index made before the
fork would otherwise be used by several processes at once. After every fork the child drops its
copy of each engine's pool without closing the parent's connections
(``engine.dispose(close=False)``, as SQLAlchemy documents for multiprocessing) and forgets its
search readers, so each worker opens its own. :func:`release` lets the master close what start-up
opened, before it forks.

Each connection is set up as it is made: SQLite in WAL mode (readers never block the writer) with a
busy timeout of ``SQLITE_BUSY_TIMEOUT`` seconds; PostgreSQL connections are named
``portal-<pid>`` in ``pg_stat_activity``, so an operator sees which process holds which connection.
"""

from __future__ import annotations

import os
import weakref

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal.extensions import db

_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def forget_after_fork() -> None:
    """In a freshly forked child: drop the inherited pools, leaving the parent's connections open."""
    for engine in list(_ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=forget_after_fork)


def _sqlite_connect(app: Flask):
    def on_connect(dbapi_connection, _record) -> None:
        busy_timeout_ms = int(float(app.config.get("SQLITE_BUSY_TIMEOUT", 5)) * 1000)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")  # durable at each checkpoint in WAL mode
        finally:
            cursor.close()

    return on_connect


def _postgres_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SELECT set_config('application_name', %s, false)", (f"portal-{os.getpid()}",))
    finally:
        cursor.close()
    dbapi_connection.commit()


def install_engines(app: Flask) -> None:
    """Set up every engine of ``app`` as it connects, and drop its pool in forked children."""
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_connect(app))
        elif engine.dialect.name == "postgresql":
            event.listen(engine, "connect", _postgres_connect)
        _ENGINES.add(engine)


def release(app: Flask) -> None:
    """Close every database connection ``app`` opened so far (before forking workers)."""
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
