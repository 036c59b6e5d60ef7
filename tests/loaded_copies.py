"""Databases with ``content/`` loaded, built once per test process and copied for each test.

Loading ``content/`` (reading the files, saving every guide and notice, building the search index)
was most of a database test's set-up: 0.6 s on SQLite and 0.8 s on PostgreSQL, for each of about a
thousand tests. :class:`LoadedCopies` loads it once per backend and clock into a template (a
database, with its content generation, and an instance folder holding the search index)
and gives each test its own copy: a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on
PostgreSQL. ``CREATE DATABASE`` takes 0.2–0.4 s, so on PostgreSQL the next copy is made in the
background while a test runs, and a test's database is that spare renamed (a few milliseconds).
The copy is what loading would have left, row for row, so the test sees the same database; only
the rows' timestamps are those of the template's loading.

Templates are kept apart by clock: content loaded under ``pinned_today`` is dated at the pinned
time, as it is when a test loads it itself; content loaded on the real clock is dated when the
template was built (earlier in the same run).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, text


@dataclass(frozen=True)
class Template:
    """A loaded database (a SQLite file or a PostgreSQL database name) and its instance folder."""

    folder: Path
    database: str
    extra: dict | None = None  # what the extra loader returned (e.g. the ids of demo records)


class LoadedCopies:
    """Loaded templates of this test process, by backend and clock, and copies of them.

    ``load`` builds an app on a URL with an instance folder and loads ``content/`` into it (the
    ``app`` fixture's own steps); ``server`` is the PostgreSQL server URL without a database, and
    ``admin_engine`` makes an autocommit engine on its maintenance database.
    """

    def __init__(self, root: Path, server: str, load: Callable[[str], Flask],
                 admin_engine: Callable[[], Engine]) -> None:
        self.root, self.server, self.load, self.make_admin_engine = root, server, load, admin_engine
        self._templates: dict[tuple[str, bool, str], Template] = {}
        self._admin_engine: Engine | None = None
        self._spares: dict[str, Future] = {}  # template database -> the spare copy being made
        self._maker = ThreadPoolExecutor(max_workers=1)

    def restore(self, url: str, instance: Path, *, pinned: bool,
                extra: Callable[[Flask], dict] | None = None) -> dict | None:
        """Make the empty database at ``url`` and the folder ``instance`` a loaded copy; with
        ``extra``, of a template that also holds what ``extra(app)`` added after loading (its
        result is returned, the same for every copy)."""
        backend = "sqlite" if url.startswith("sqlite") else "postgresql"
        key = (backend, pinned, extra.__name__ if extra else "")
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = self._build(backend, url, pinned, extra)
        shutil.rmtree(instance, ignore_errors=True)
        shutil.copytree(template.folder / "instance", instance)
        if backend == "sqlite":  # closing the template's last connection left everything in the file
            shutil.copyfile(template.database, url.removeprefix("sqlite:///"))
            return template.extra
        name = url.rsplit("/", 1)[1]
        spare = self._spares.pop(template.database, None) or self._make_spare(template.database)
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                    f'ALTER DATABASE "{spare.result()}" RENAME TO "{name}"')
        self._spares[template.database] = self._make_spare(template.database)
        return template.extra

    def _make_spare(self, template: str) -> Future:
        """Start copying ``template`` in the background; the future gives the copy's name."""
        spare = f"{template}_spare"

        def make() -> str:
            self._admin(f'DROP DATABASE IF EXISTS "{spare}" WITH (FORCE)',
                        f'CREATE DATABASE "{spare}" TEMPLATE "{template}"')
            return spare

        return self._maker.submit(make)

    def drop_all(self) -> None:
        """Drop this process's PostgreSQL templates and spares (their folders go with pytest's
        temporary ones)."""
        for future in self._spares.values():
            self._admin(f'DROP DATABASE IF EXISTS "{future.result()}" WITH (FORCE)')
        self._spares.clear()
        self._maker.shutdown()
        for (backend, _pinned, _extra), template in self._templates.items():
            if backend == "postgresql":
                self._admin(f'DROP DATABASE IF EXISTS "{template.database}" WITH (FORCE)')
        self._templates.clear()
        if self._admin_engine is not None:
            self._admin_engine.dispose()

    def _build(self, backend: str, url: str, pinned: bool, extra: Callable[[Flask], dict] | None) -> Template:
        variant = f"{'pinned' if pinned else 'real'}{'_' + extra.__name__ if extra else ''}"
        folder = self.root / f"{backend}-{variant}"
        folder.mkdir(parents=True)
        if backend == "sqlite":
            database, template_url = str(folder / "test.db"), f"sqlite:///{folder / 'test.db'}"
        else:
            database = f"{url.rsplit('/', 1)[1]}_loaded_{variant}"
            self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', f'CREATE DATABASE "{database}"')
            template_url = f"{self.server}/{database}"
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PORTAL_INSTANCE_PATH", str(folder / "instance"))
            app = self.load(template_url)
            added = extra(app) if extra else None
        from portal.extensions import db

        with app.app_context():  # no connection may stay open on a template database
            db.session.remove()
            db.engine.dispose()
        return Template(folder, database, added)

    def _admin(self, *statements: str) -> None:
        if self._admin_engine is None:
            self._admin_engine = self.make_admin_engine()
        with self._admin_engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
