"""The portal served as production serves it, for tests that need real processes.

The server is started from ``SERVER_COMMAND`` (portal/config.py, the command README gives) with
only the listening address changed; the instance is prepared with ``portal init`` as an operator
would. Helpers find the server's processes and which of them holds a socket.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from portal.config import SERVER_COMMAND
from tests.bench.servers import HOST, free_port
from tests.bench.servers import fetch as bench_fetch
from tests.upload_samples import image_bytes

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


def server_argv(port: int, worker_class: str | None = None) -> list[str]:
    """``SERVER_COMMAND`` listening on ``port``; ``worker_class="sync"`` swaps the threaded
    workers for sync ones (README's other form of the command)."""
    argv = list(SERVER_COMMAND)
    argv[0] = str(BIN / argv[0])
    argv[argv.index("-b") + 1] = f"{HOST}:{port}"
    if worker_class == "sync":
        at = argv.index("-k")
        del argv[at:at + 2]
        if "--threads" in argv:
            at = argv.index("--threads")
            del argv[at:at + 2]
        argv[1:1] = ["-k", "sync"]
    return argv


def portal_env(instance: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of an operator's instance: its folder and database, nothing from tests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "SECRET_KEY", "SEARCH_"))}
    env.update({"PORTAL_INSTANCE_PATH": str(instance), "DATABASE_URL": database_url, "PAGE_CACHE_SECONDS": "0",
                "PASSWORD_HASH_METHOD": "scrypt:4096:8:1", **extra})
    return env


def portal(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the ``portal`` command; raise with its output when it fails."""
    result = subprocess.run([str(BIN / "portal"), *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"portal {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database (SQLAlchemy URL), dropped afterwards."""
    import psycopg

    name = f"server_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fetch(port: int, path: str, method: str = "GET", body: bytes = b"",
          headers: dict[str, str] | None = None, timeout: float = 120) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request to the server, patient with a server under load (redirects are not followed)."""
    return bench_fetch(port, path, method, body, headers, timeout)


@contextlib.contextmanager
def postgres_or_skip() -> Iterator[str]:
    """:func:`postgres_database`, or the test skipped when no PostgreSQL answers (failed in CI)."""
    import psycopg
    import pytest

    try:
        with postgres_database() as url:
            yield url
    except psycopg.OperationalError as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL not reachable: {exc}")


@dataclass
class Server:
    """A running gunicorn started from ``SERVER_COMMAND``."""

    env: dict[str, str]
    log_path: Path
    worker_class: str | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self, ready_within: float = 90) -> None:
        """Start the server and wait until it answers ``/healthz``."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(server_argv(self.port, self.worker_class), cwd=ROOT, env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + ready_within
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            with contextlib.suppress(OSError):
                if fetch(self.port, "/healthz", timeout=2)[0] == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within {ready_within} s:\n{self.log()}")
            time.sleep(0.2)

    def log(self) -> str:
        """The end of the server's log."""
        return self.log_path.read_text(errors="replace")[-3000:]

    def workers(self) -> list[int]:
        """Process ids of the master's children (the workers)."""
        return children(self.process.pid) if self.process else []

    def stop(self) -> None:
        """Stop the server and whatever is left of its process group."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):  # workers orphaned by a killed master
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None


def children(parent: int) -> list[int]:
    """Process ids whose parent is ``parent`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(stat.parent.name))
    return found


def socket_inode(local_port: int, remote_port: int) -> int | None:
    """The inode of this machine's TCP socket from ``local_port`` to ``remote_port`` (IPv4 or IPv6)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                local, remote, inode = parts[1], parts[2], int(parts[9])
                if int(local.rsplit(":", 1)[1], 16) == local_port and int(remote.rsplit(":", 1)[1], 16) == remote_port:
                    return inode
    return None


def holders(inode: int, pids: list[int]) -> list[int]:
    """Which of ``pids`` hold the socket with ``inode`` open."""
    wanted = f"socket:[{inode}]"
    found = []
    for pid in pids:
        with contextlib.suppress(OSError):
            if any(os.readlink(fd) == wanted for fd in Path(f"/proc/{pid}/fd").iterdir()):
                found.append(pid)
    return found


# --- Citizens submitting ------------------------------------------------------------------------

PNG = image_bytes("PNG")  # a small attachment that passes the content check
_HIDDEN = r'name="{}" type="hidden" value="([^"]+)"'
RECEIPT = re.compile(r"((?:GK|TS)-\d{4}-\d{6}).*?查询码</dt><dd><strong class=\"big\">([A-Z0-9]{8})<", re.S)


@dataclass
class Outcome:
    """What one citizen saw: every status answered, and the receipt if one was shown."""

    statuses: list[int] = field(default_factory=list)
    receipt: tuple[str, str] | None = None
    seconds: float = 0.0


def _multipart(fields: dict[str, str], upload: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="attachment"; filename="证据.png"\r\n'
                 f"Content-Type: image/png\r\n\r\n".encode() + upload + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _cookie(headers: http.client.HTTPMessage) -> str:
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def _form(page: str, kind: str, index: int) -> dict[str, str]:
    token = re.search(_HIDDEN.format("csrf_token"), page).group(1)
    key = re.search(_HIDDEN.format("submission_key"), page).group(1)
    if kind == "request":
        return {"csrf_token": token, "submission_key": key, "applicant_type": "person", "org_kind": "",
                "applicant_name": f"市民{index}", "id_type": "passport", "id_number": f"E{index:08d}",
                "phone": "13912345678", "email": f"c{index}@example.com", "address": "示例市示例路1号",
                "description": f"请公开本局2025年度第{index}号行政处罚统计数据", "purpose": "",
                "delivery": "email", "consent": "y"}
    department = re.search(r'<option value="(\d+)"', page).group(1)
    return {"csrf_token": token, "submission_key": key, "complaint_type": "conduct",
            "about_department_id": department, "officer_name": "", "officer_number": "",
            "happened_on": "2026-01-05", "what_happened": f"第{index}号：窗口工作人员态度粗暴，拒绝解释所需材料。",
            "wants": "请核实并道歉", "complainant_name": f"市民{index}", "phone": "13911112222",
            "email": f"t{index}@example.com"}


def submit(port: int, kind: str, index: int, give_up_after: float = 120) -> Outcome:
    """One citizen: fetch the form (cookie and CSRF token), then post it with a small attachment
    until a receipt is shown. A 503 or a refused connection (a server restarting) is retried, with
    the same form, as a citizen pressing 提交 again would; the clock runs from the first post."""
    outcome = Outcome()
    path = "/apply" if kind == "request" else "/complain"
    deadline = time.monotonic() + give_up_after
    form = None
    while time.monotonic() < deadline:
        try:
            if form is None:
                status, headers, body = fetch(port, path)
                outcome.statuses.append(status)
                if status == 200:
                    form = (_cookie(headers), _multipart(_form(body.decode(), kind, index), PNG))
                    started = time.monotonic()
                continue
            cookie, (body, content_type) = form
            status, headers, page = fetch(port, path, "POST", body, {"Cookie": cookie, "Content-Type": content_type})
            outcome.statuses.append(status)
            found = RECEIPT.search(page.decode()) if status == 200 else None
            if found:
                outcome.receipt, outcome.seconds = (found.group(1), found.group(2)), time.monotonic() - started
                return outcome
        except (OSError, http.client.HTTPException):
            outcome.statuses.append(0)  # no answer: the process serving it was killed
        time.sleep(random.uniform(0.2, 0.6))
    return outcome
