"""The content generation: one number in the database that changes when public pages would.

Models whose rows public pages show are marked with :func:`public_content`. A flush that adds,
changes or deletes such a row (or an ORM ``INSERT``/``UPDATE``/``DELETE`` statement on one) raises the single
row of ``content_generation`` in the same transaction, so every process of every machine sharing
the database sees the change once it commits. Writes to anything else (login throttles, audit rows,
outbox, search change log) leave it alone, so traffic that only writes those cannot invalidate
cached pages.

Each process reads the number at most every ``CONTENT_GENERATION_SECONDS`` (default 1); a process
that committed a change itself reads it again at once. The page cache, the search page memo and
the autocomplete titles key on it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from sqlalchemy import BigInteger, Connection, Table, event, insert, select, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from portal.core.classification import INTERNAL_FIELD
from portal.extensions import Model, db

log = logging.getLogger(__name__)
T = TypeVar("T")

PUBLIC_CONTENT: set[type] = set()
ROW_ID = 1
CHANGED = "public_content_changed"


def public_content(model: type) -> type:
    """Class decorator: rows of ``model`` are shown on public pages (writes bump the generation)."""
    PUBLIC_CONTENT.add(model)
    return model


def shows_publicly(obj: object) -> bool:
    """True when ``obj`` is a row of a model marked with :func:`public_content`."""
    return isinstance(obj, tuple(PUBLIC_CONTENT))


def first_generation() -> int:
    """The starting value of a new database: the time in microseconds, so that a database made
    anew never repeats a number a running process may still hold."""
    return time.time_ns() // 1000


class ContentGeneration(Model):
    """The single row whose number changes with every commit that changes public content."""

    __tablename__ = "content_generation"
    __table_args__ = ({"info": {"backup": False}},)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, info=INTERNAL_FIELD)
    generation: Mapped[int] = mapped_column(BigInteger, info=INTERNAL_FIELD)


@event.listens_for(ContentGeneration.__table__, "after_create")
def _first_row(target: Table, connection, **_kw) -> None:
    connection.execute(insert(target).values(id=ROW_ID, generation=first_generation()))


def raise_generation(connection: Connection) -> None:
    """Raise the generation inside ``connection``'s transaction (visible to all once it commits)."""
    connection.execute(update(ContentGeneration).where(ContentGeneration.id == ROW_ID)
                       .values(generation=ContentGeneration.generation + 1))


def bump(session: Session) -> None:
    """Raise the generation in ``session``'s transaction; this process reads it again after the commit."""
    raise_generation(session.connection())
    session.info[CHANGED] = True


@event.listens_for(Session, "after_flush")
def _bump_on_public_write(session: Session, _context) -> None:
    if session.info.get(CHANGED):
        return  # one bump per transaction is enough: the commit publishes all of it
    if any(shows_publicly(obj) and (obj not in session.dirty or session.is_modified(obj))
           for obj in (*session.new, *session.dirty, *session.deleted)):
        bump(session)


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk_write(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete) or state.session.info.get(CHANGED):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_ in PUBLIC_CONTENT:
        bump(state.session)


@event.listens_for(Session, "after_commit")
def _forget_reading(session: Session) -> None:
    if session.info.pop(CHANGED, False) and has_app_context():
        reading = current_app.extensions.get("content_generation")
        if reading is not None:
            reading.expire()


@event.listens_for(Session, "after_rollback")
def _drop_flag(session: Session) -> None:
    session.info.pop(CHANGED, None)


class GenerationReading:
    """This process's reading of the generation, taken again at most every ``every`` seconds."""

    def __init__(self, every: float) -> None:
        self.every = every
        self._value: int | None = None
        self._read_at = float("-inf")
        self._lock = threading.Lock()
        self._derived: dict[str, tuple[int, Any]] = {}

    def expire(self) -> None:
        """Read the database again at the next :meth:`current` (this process just changed it)."""
        with self._lock:
            self._read_at = float("-inf")

    def current(self) -> int | None:
        """The generation as of at most ``every`` seconds ago; None when it cannot be read."""
        now = time.monotonic()
        with self._lock:
            if now - self._read_at < self.every:
                return self._value
        try:
            with db.engine.connect() as conn:
                value = conn.scalar(select(ContentGeneration.generation).where(ContentGeneration.id == ROW_ID))
        except Exception:  # a database not migrated yet: nothing may be cached
            log.exception("reading the content generation failed")
            value = None
        with self._lock:
            self._value, self._read_at = value, now
        return value

    def derived(self, name: str, compute: Callable[[], T]) -> T:
        """``compute()``, kept under ``name`` until the generation changes (computed afresh
        every time while it cannot be read). Callers must not change what it returns."""
        generation = self.current()
        if generation is None:
            return compute()
        with self._lock:
            kept = self._derived.get(name)
        if kept is not None and kept[0] == generation:
            return kept[1]
        value = compute()
        with self._lock:
            self._derived[name] = (generation, value)
        return value


def content_generation() -> int | None:
    """The current app's content generation (see :class:`GenerationReading`)."""
    return current_app.extensions["content_generation"].current()


def for_this_generation(name: str, compute: Callable[[], T]) -> T:
    """What ``compute()`` gives from the current app's public content, computed once per
    content generation (see :meth:`GenerationReading.derived`)."""
    return current_app.extensions["content_generation"].derived(name, compute)


def install_content_generation(app: Flask) -> None:
    """Give ``app`` its reading of the generation (``CONTENT_GENERATION_SECONDS``, default 1)."""
    every = float(app.config.get("CONTENT_GENERATION_SECONDS", 1.0))
    app.extensions["content_generation"] = GenerationReading(every)
