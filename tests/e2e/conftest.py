"""Fixtures for the real-browser tests: the real portal under gunicorn and one Chromium.

Once per session: a temporary instance folder and SQLite database, ``portal init --demo``
(so the migrations, the content loader and the demo accounts are exercised as an operator
would run them), gunicorn on a free local port, and one headless Chromium driven through
Playwright's sync API. Each test gets fresh browser contexts (cookies do not leak between
tests); staff contexts reuse one logged-in session.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.support import (
    AXE_SCRIPT,
    CHROMIUM,
    CHROMIUM_ARGS,
    CHROMIUM_MISSING,
    NODE_DIR,
    ROOT,
    care_cookie,
    login,
    notice_ids_on,
    publish_shown_notice,
    write_notice,
)
from tests.helpers import unavailable

BIN = Path(sys.executable).parent  # the venv's own bin/, without resolving the symlink
STARTUP_SECONDS = 30


@dataclass(frozen=True)
class PortalServer:
    """A running portal: where it answers and what ``portal init --demo`` created."""

    base_url: str
    instance: Path
    database: Path
    log: Path
    passwords: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Samples:
    """Real values for the placeholders of ``tests/pages.py``."""

    guide: str  # slug of a guide of the 户政 department
    notice: int  # id of a published notice
    request: str  # tracking number of a demo request
    complaint: str  # tracking number of the demo complaint
    penalty: int = 0  # id of a published demo penalty decision


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _read_demo_accounts(path: Path) -> dict[str, str]:
    """``username\\tpassword\\trole`` lines; a later line for the same user wins."""
    passwords = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0]:
            passwords[parts[0]] = parts[1]
    return passwords


def _healthy(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def _tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """The system Chromium (never a Playwright download); missing: fail in CI, else skip."""
    if not Path(CHROMIUM).exists():
        unavailable(CHROMIUM_MISSING)
    return CHROMIUM


@contextmanager
def running_portal(base: Path, database_url: str) -> Iterator[PortalServer]:
    """``portal init --demo`` on ``database_url`` with a fresh instance, then gunicorn."""
    instance = base / "instance"
    env = {key: value for key, value in os.environ.items()
           if key not in {"PORTAL_HTTPS", "SEARCH_INDEX_DIR", "SECRET_KEY"}}
    env.update(PORTAL_INSTANCE_PATH=str(instance), DATABASE_URL=database_url)

    init = subprocess.run([str(BIN / "portal"), "init", "--demo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    if init.returncode != 0:
        pytest.fail(f"portal init --demo failed ({init.returncode}):\n{init.stdout}\n{init.stderr}")
    passwords = _read_demo_accounts(instance / "demo-accounts.txt")
    assert {"staff", "supervisor", "admin"} <= passwords.keys(), passwords.keys()

    port = _free_port()
    log = base / "gunicorn.log"
    with log.open("w", encoding="utf-8") as log_file:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(port):
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited with {server.returncode}:\n{_tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"/healthz did not answer within {STARTUP_SECONDS} s:\n{_tail(log)}")
            time.sleep(0.1)
        yield PortalServer(f"http://127.0.0.1:{port}", instance, base / "portal.db", log, passwords)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def portal_server(chromium_executable, tmp_path_factory) -> PortalServer:
    """The real portal on SQLite: fresh instance and database, ``portal init --demo``, gunicorn.

    Depends on the browser check so nothing is started when no browser could use it.
    """
    base = tmp_path_factory.mktemp("portal-e2e")
    with running_portal(base, f"sqlite:///{base / 'portal.db'}") as server:
        yield server


@pytest.fixture(scope="session")
def postgres_portal_server(chromium_executable, tmp_path_factory) -> PortalServer:
    """The same portal on PostgreSQL (a throw-away database next to the test database).

    Outside CI a missing server skips; in CI it fails, like the database tests.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    from tests.conftest import PG_URL

    admin_url = PG_URL.rsplit("/", 1)[0] + "/postgres"
    e2e_name = PG_URL.rsplit("/", 1)[1] + "_e2e"  # next to this run's test database, never shared
    try:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT",
                               connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{e2e_name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{e2e_name}"'))
    except OperationalError as exc:
        unavailable(f"PostgreSQL not reachable for the browser tests: {exc}")
    base = tmp_path_factory.mktemp("portal-e2e-pg")
    try:
        with running_portal(base, PG_URL.rsplit("/", 1)[0] + "/" + e2e_name) as server:
            yield server
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{e2e_name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_portal(request) -> PortalServer:
    """The portal on each backend, for the flows that must work on both."""
    name = "portal_server" if request.param == "sqlite" else "postgres_portal_server"
    return request.getfixturevalue(name)


@pytest.fixture(scope="session")
def playwright_driver():
    """Playwright's sync driver, started once."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver, chromium_executable):
    """One headless system Chromium for the whole session."""
    instance = playwright_driver.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_ARGS)
    yield instance
    instance.close()


@pytest.fixture(scope="session")
def user_states(browser, portal_server):
    """Cookies of one real login per demo user ("staff", "supervisor"), made on first use."""
    states: dict[str, dict] = {}

    def state(user: str | None) -> dict | None:
        if user is None:
            return None
        if user not in states:
            context = browser.new_context(base_url=portal_server.base_url)
            try:
                page = context.new_page()
                login(page, user, portal_server.passwords[user])
                states[user] = context.storage_state()
            finally:
                context.close()
        return states[user]

    return state


@pytest.fixture(scope="session")
def staff_state(user_states) -> dict:
    """Cookies of one real login as the demo 户政 ``staff`` user, for staff contexts."""
    return user_states("staff")


@pytest.fixture
def new_context(browser, portal_server, staff_state):
    """Factory for fresh browser contexts on the portal; ``staff=True`` starts logged in.

    Other keyword arguments go to ``browser.new_context`` (viewport, bypass_csp, ...).
    Every context made is closed after the test.
    """
    made = []

    def make(*, staff: bool = False, **options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        options.setdefault("locale", "zh-CN")
        options.setdefault("timezone_id", "Asia/Shanghai")
        context = browser.new_context(base_url=portal_server.base_url,
                                      storage_state=staff_state if staff else None, **options)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture(scope="session")
def shared_page(browser, portal_server, user_states):
    """One reusable page per (user, width, bypass_csp, care mode), for tests that only look at pages.

    Creating a context costs more than loading a page, so read-only checks (screenshots,
    axe, headings, reflow) share these; a test must not leave state behind beyond the page
    it navigated to. Flows that change data or log in use ``new_context`` instead.
    """
    pages = {}

    def get(*, user: str | None = None, width: int = 1280, bypass_csp: bool = False, care: bool = False):
        key = (user, width, bypass_csp, care)
        if key not in pages:
            context = browser.new_context(
                base_url=portal_server.base_url, storage_state=user_states(user),
                viewport={"width": width, "height": 800}, locale="zh-CN", timezone_id="Asia/Shanghai",
                bypass_csp=bypass_csp,
            )
            context.set_default_timeout(10_000)
            if care:
                context.add_cookies([care_cookie(portal_server.base_url)])
            pages[key] = context.new_page()
        return pages[key]

    yield get
    for page in pages.values():
        page.context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh anonymous context, 1280 px wide."""
    return new_context().new_page()


@pytest.fixture
def staff_page(new_context):
    """A page in a fresh context logged in as the demo 户政 staff user."""
    return new_context(staff=True).new_page()


@pytest.fixture(scope="session")
def samples(browser, portal_server, staff_state, user_states) -> Samples:
    """A 户政 guide slug (the first the 户政 staff user may edit) and a published notice id.

    When the content has no published notice, one is written and published through the
    back office, as staff would.
    """
    context = browser.new_context(base_url=portal_server.base_url, storage_state=staff_state)
    try:
        page = context.new_page()
        page.goto("/staff/guides/")
        row = page.locator("tbody tr", has=page.locator("a[href$='/edit']")).first
        assert "户政" in row.inner_text(), "the 户政 staff user may edit only 户政 guides"
        href = row.locator("a[href$='/edit']").get_attribute("href")
        assert href and href.startswith("/staff/guides/"), href
        guide = href.split("/")[3]

        page.goto("/")
        notices = notice_ids_on(page)
        if not notices:
            write_notice(page, "关于端到端测试的示例公告",
                         "## 示例\n\n本公告由自动化测试发布，用于检查页面。\n\n- 第一项\n- 第二项")
            publish_shown_notice(page)
            page.goto("/")
            notices = notice_ids_on(page)
        assert notices, "no published notice on the home page"
        page.goto("/penalties/")
        penalties = [int(href.rsplit("/", 1)[1]) for href in page.eval_on_selector_all(
            "main a[href^='/penalties/']", "links => links.map(a => a.getAttribute('href'))")
            if href.rsplit("/", 1)[1].isdigit()]
        assert penalties, "the demo data has no published penalty decision"
    finally:
        context.close()
    context = browser.new_context(base_url=portal_server.base_url,
                                  storage_state=user_states("supervisor"))
    try:
        page = context.new_page()
        page.goto("/staff/requests/")
        link = page.locator("tbody a[href^='/staff/requests/']").first
        request = (link.get_attribute("href") or "").rsplit("/", 1)[-1]
        assert request.startswith("GK-"), "the demo data has no request"
        page.goto("/staff/complaints/")
        link = page.locator("tbody a[href^='/staff/complaints/']").first
        complaint = (link.get_attribute("href") or "").rsplit("/", 1)[-1]
        assert complaint.startswith("TS-"), "the demo data has no complaint"
    finally:
        context.close()
    return Samples(guide=guide, notice=notices[0], request=request, complaint=complaint, penalty=penalties[0])


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's browser bundle, installed from npm into tests/.node on first use."""
    if not AXE_SCRIPT.exists():
        npm = shutil.which("npm")
        if npm is None:
            unavailable("npm not installed (needed for axe-core): apt-get install -y npm")
        result = subprocess.run(
            [npm, "install", "--prefix", str(NODE_DIR), "axe-core@4", "--no-audit", "--no-fund"],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        )
        if result.returncode != 0 or not AXE_SCRIPT.exists():
            pytest.fail(f"npm install axe-core failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return AXE_SCRIPT
