"""Shared fixtures: an app per database backend (SQLite always, PostgreSQL when reachable).

PostgreSQL is taken from ``TEST_DATABASE_URL``; without it, each pytest run creates its own
database ``test_<pid>`` on the local server ``postgresql+psycopg://postgres@127.0.0.1:5432`` and drops it
at the end, so two runs on one machine never reset each other's schema. Outside CI a missing server
skips the PostgreSQL variants; in CI (``CI=true``) it is an error, so both backends always run there.

The ``app`` fixture does not load ``content/`` for each test: it copies a database this test process
loaded once per backend and clock (``tests/loaded_copies.py``), which took the suite from 12.7 to
about 5 minutes.

Tests whose fixed dates only make sense relative to "today" (within the last 12 months, this year,
before a deadline that runs from today) take ``pinned_today``: the clock stands at
:data:`PINNED_NOW` for them, so they give the same result whatever the real date is.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.helpers import PASSWORD
from tests.loaded_copies import LoadedCopies

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
LOCAL_PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
_PRIVATE_PG = "TEST_DATABASE_URL" not in os.environ
PG_URL = os.environ.get("TEST_DATABASE_URL") or f"{LOCAL_PG_SERVER}/test_{os.getpid()}"
# A Tuesday morning in Asia/Shanghai, inside the years the working-day calendar covers and late
# enough in the year that the tests' 2026 dates fall within "the last 12 months" and "this year".
PINNED_NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PINNED_TODAY = PINNED_NOW.date()
TEST_AUDIT_KEY = "test-audit-key"  # the audit chain's HMAC key in every test app
# Apps built without _settings (a backup's source and its restore target) share it too, as an
# operator carrying AUDIT_KEY from machine to machine would.
os.environ["AUDIT_KEY"] = TEST_AUDIT_KEY


def _pg_admin_engine():
    return create_engine(f"{LOCAL_PG_SERVER}/postgres", isolation_level="AUTOCOMMIT",
                         connect_args={"connect_timeout": 3})


def _postgres_reachable() -> str | None:
    try:
        if _PRIVATE_PG:
            admin = _pg_admin_engine()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_URL.rsplit("/", 1)[1]}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{PG_URL.rsplit("/", 1)[1]}"'))
            admin.dispose()
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except OperationalError as exc:
        return str(exc).splitlines()[0]
    return None


_PG_PROBLEM = _postgres_reachable()


def pytest_sessionfinish(session, exitstatus) -> None:
    """Drop this run's private PostgreSQL database (nothing to do with TEST_DATABASE_URL)."""
    if not _PRIVATE_PG or _PG_PROBLEM:
        return
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_URL.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def reset_postgres(url: str) -> None:
    """Drop everything in the public schema of the test database."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def pinned_today():
    """Stand the clock at :data:`PINNED_NOW` for one test (it ticks on from there); the value is the date.

    Moves ``datetime.now``, ``date.today`` and ``time.time`` alike, so the app's ``local_today()`` and
    ``utcnow()``, signed cookies and caches agree. Request it before ``app`` (first argument, or
    ``pytest.mark.usefixtures``) so that whatever the app fixtures create, demo data included, is
    dated under the same clock.
    """
    with time_machine.travel(PINNED_NOW, tick=True):
        yield PINNED_TODAY


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    if _PG_PROBLEM:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL must be reachable in CI: {_PG_PROBLEM}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {_PG_PROBLEM}")
    if not (_PRIVATE_PG and "app" in request.fixturenames):  # else the app fixture recreates the database
        reset_postgres(PG_URL)
    return PG_URL


def _settings(database_url: str, **config) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "AUDIT_KEY": TEST_AUDIT_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CONTENT_DIR": str(CONTENT_DIR),
        "PASSWORD_HASH_METHOD": "scrypt:4096:8:1",  # same algorithm, cheaper for tests
        **config,
    }


class SharedBytecode(BytecodeCache):
    """Compiled templates shared by every app of this test process: each test builds a new app,
    whose Jinja environment would otherwise compile every template it renders again. Jinja checks
    each entry against the template's source, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill ``bucket`` from the process's store, if the template was compiled before."""
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep the freshly compiled template."""
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = SharedBytecode()


@pytest.fixture
def make_app(database_url, tmp_path, monkeypatch):
    """Build an app on the fresh database (schema created, nothing loaded)."""
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    from portal import create_app
    from portal.extensions import db

    built = []

    def build(**config):
        app = create_app(_settings(database_url, **config))
        app.jinja_env.bytecode_cache = TEMPLATE_CODE
        with app.app_context():
            db.create_all()
        built.append(app)
        return app

    yield build
    for app in built:  # close pooled connections so none is left to the garbage collector
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _fill(application):
    """``application`` with content/ loaded into its (empty) schema."""
    from portal.extensions import db
    from portal.seed.content import load_content

    with application.app_context():
        load_content(CONTENT_DIR)
        db.session.commit()
    return application


def _load_content(database_url: str):
    """A new app on ``database_url`` with the schema created and content/ loaded."""
    from portal import create_app
    from portal.extensions import db

    application = create_app(_settings(database_url))
    with application.app_context():
        db.create_all()
    return _fill(application)


@pytest.fixture(scope="session")
def loaded_copies(tmp_path_factory):
    """This test process's loaded templates (see tests/loaded_copies.py)."""
    copies = LoadedCopies(tmp_path_factory.mktemp("loaded"), LOCAL_PG_SERVER, _load_content, _pg_admin_engine)
    yield copies
    copies.drop_all()


@pytest.fixture
def app(request, database_url, make_app, loaded_copies, tmp_path):
    """An app with the schema created and content/ loaded: a copy of this process's loaded
    template for the backend and clock (a shared ``TEST_DATABASE_URL`` is loaded in place)."""
    pinned = "pinned_today" in request.fixturenames
    if pinned:
        request.getfixturevalue("pinned_today")  # the clock stands before anything is loaded or copied
    extra = add_demo_records if "demo_records" in request.fixturenames else None
    if database_url.startswith("sqlite") or _PRIVATE_PG:
        request.node.demo_records = loaded_copies.restore(database_url, tmp_path / "instance", pinned=pinned,
                                                          extra=extra)
        return make_app()
    application = _fill(make_app())
    request.node.demo_records = extra(application) if extra else None
    return application


def add_demo_records(application) -> dict:
    """Add the demo's requests, complaint, penalty decisions and halls to ``application``'s loaded
    database; return a 户政 guide's slug, a published notice's id, a public penalty decision's id
    and the tracking numbers of a request and of a complaint."""
    from sqlalchemy import select

    from portal.accounts.models import Department
    from portal.catalog.models import Guide
    from portal.core.timefmt import local_today
    from portal.extensions import db
    from portal.notices.queries import public_notices
    from portal.penalties.queries import public_decisions
    from portal.seed.appointments import create_demo_halls
    from portal.seed.demo import create_demo_matters
    from portal.seed.demo_penalties import create_demo_penalties

    with application.app_context():
        create_demo_penalties()
        db.session.flush()
        penalty = db.session.scalars(public_decisions(local_today())).first().id
        guide = db.session.scalar(select(Guide.slug).join(Department)
                                  .where(Department.code == "huzheng").order_by(Guide.slug))
        notice = db.session.scalars(public_notices()).first().id
        request, _replied, _transferred, complaint = create_demo_matters()
        create_demo_halls()
        db.session.commit()
    return {"guide": guide, "notice": notice, "request": request, "complaint": complaint, "penalty": penalty}


@pytest.fixture
def demo_records(request, app) -> dict:
    """The app's database also holds the demo records of :func:`add_demo_records` (copied from a
    template that has them, so they cost nothing per test); their slugs, ids and numbers."""
    return dict(request.node.demo_records)


@pytest.fixture
def client(app):
    """A test client of the loaded app."""
    return app.test_client()


@pytest.fixture
def users(app):
    """Staff of 户政 and of 交通管理, a supervisor and an admin, all with ``PASSWORD``."""
    from portal.accounts.models import Role
    from portal.accounts.services import create_user
    from portal.extensions import db

    with app.app_context():
        created = {
            "staff": create_user("staff1", PASSWORD, Role.STAFF, "huzheng", "户政民警"),
            "traffic": create_user("traffic1", PASSWORD, Role.STAFF, "jiaoguan", "交管民警"),
            "supervisor": create_user("super1", PASSWORD, Role.SUPERVISOR, "gongkaiban",
                                      email="super1@example.gov.cn"),
            "admin": create_user("admin1", PASSWORD, Role.ADMIN),
        }
        db.session.commit()
        return {key: user.username for key, user in created.items()}
