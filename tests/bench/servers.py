"""Servers and databases of the load benchmark (:mod:`tests.bench.run`): gunicorn on a free
loopback port, one request at a time for checks, the workers' CPU time, and throw-away
databases (SQLite in the run's folder, PostgreSQL ``portal_bench`` dropped afterwards).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the virtual environment's bin/ (portal, gunicorn)
HOST = "127.0.0.1"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_DATABASE = "portal_bench"
GUNICORN_ARGS = ("-w", "2", "-k", "sync")


@dataclass(frozen=True)
class Server:
    """A running gunicorn: where it listens and its master's process id."""

    port: int
    pid: int


# --- HTTP and servers -------------------------------------------------------------------------


def fetch(port: int, path: str, method: str = "GET", body: bytes = b"",
          headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request to 127.0.0.1:``port``; returns status, headers and body (no redirects)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.msg, response.read()
    finally:
        conn.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def workers_cpu(master: int) -> dict[int, float]:
    """User+system CPU seconds of each child process of ``master`` (Linux /proc; else empty)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    seconds = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == master:  # fields: state, ppid, ..., utime (12), stime (13)
                seconds[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick
    return seconds


@contextlib.contextmanager
def gunicorn(name: str, app_spec: str, env: dict[str, str], log_dir: Path) -> Iterator[Server]:
    """Serve ``app_spec`` with gunicorn (2 sync workers) on a free port; yield it once /healthz
    answers. The server is terminated when the block ends, however it ends."""
    port = free_port()
    log_path = log_dir / f"gunicorn-{name}.log"
    command = [str(BIN / "gunicorn"), *GUNICORN_ARGS, "-b", f"{HOST}:{port}", "--log-level", "warning",
               app_spec]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn ({name}) exited with {process.returncode}:\n"
                                   + log_path.read_text(errors="replace")[-2000:])
            with contextlib.suppress(OSError):
                if fetch(port, "/healthz")[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn ({name}) did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield Server(port, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- Databases --------------------------------------------------------------------------------


def portal_env(instance: Path, database_url: str) -> dict[str, str]:
    """Environment for ``portal init`` and gunicorn: its own instance folder and database."""
    env = dict(os.environ)
    for name in ("SECRET_KEY", "SEARCH_INDEX_DIR", "CONTENT_DIR", "PORTAL_HTTPS"):
        env.pop(name, None)
    env["PORTAL_INSTANCE_PATH"] = str(instance)
    env["DATABASE_URL"] = database_url
    return env


def init_portal(env: dict[str, str]) -> None:
    """Run ``portal init --demo`` (migrations, content, demo accounts) in ``env``."""
    result = subprocess.run([str(BIN / "portal"), "init", "--demo"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"portal init --demo failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def _pg_admin():
    import psycopg

    admin_url = PG_SERVER.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    return psycopg.connect(admin_url, autocommit=True, connect_timeout=3)


def _pg_recreate(drop_only: bool = False) -> None:
    from psycopg import sql

    with _pg_admin() as conn:
        name = sql.Identifier(PG_DATABASE)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


@contextlib.contextmanager
def database(backend: str, workdir: Path) -> Iterator[str]:
    """Yield the URL of a fresh, empty database on ``backend``; a PostgreSQL one is dropped after."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'portal.db'}"
        return
    _pg_recreate()
    try:
        yield f"{PG_SERVER}/{PG_DATABASE}"
    finally:
        _pg_recreate(drop_only=True)


def postgres_problem() -> str | None:
    """None when PostgreSQL answers at 127.0.0.1:5432, else why not."""
    try:
        with _pg_admin() as conn:
            conn.execute("select 1")
    except Exception as exc:  # any failure means: skip PostgreSQL, with the reason
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None
