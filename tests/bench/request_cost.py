"""What one form POST costs inside the process, portal against the bare baseline (not a test).

The load benchmark (``tests.bench.run``) measures requests/s through gunicorn and wrk, which on this
shared two-core machine swing from run to run. This measures the same login POST (empty username,
valid CSRF token and session cookie, answered 200 with the validation error) and the baseline's POST
by calling each WSGI app directly, so a change to the portal can be judged in seconds:

    .venv/bin/python -m tests.bench.request_cost [--requests 300] [--rounds 15] [--callgrind]

It prints the median microseconds per request of each (interleaved rounds, so both see the same
machine) and their ratio; with ``--callgrind`` also the instructions per request under valgrind's
callgrind (a run of N requests minus a run of none, with the same environs built in both, so
start-up cancels out), which other load on the machine does not change. Through gunicorn a request
costs about 0.6 M instructions more (its HTTP parsing and socket work), the same for both apps.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

VALIDATION_ERROR = "请输入用户名"
PAGE_BYTES = 3088  # the login page with its errors, the size the load benchmark's baseline renders


def _portal_request():
    """The portal app and a maker of POST /login environs whose session cookie stays as it is."""
    from werkzeug.test import EnvironBuilder

    from wsgi import app

    client = app.test_client()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    body = f"csrf_token={quote(token.group(1), safe='')}&username=&password=".encode()

    def environ(session_cookie: str) -> dict:
        return EnvironBuilder(path="/login", method="POST", data=body, headers={
            "Cookie": session_cookie, "Content-Type": "application/x-www-form-urlencoded"}).get_environ()

    for _attempt in range(2):  # like a browser, keep the cookie as the first POST left it
        status, headers, text = call(app, environ(cookie))
        renewed = [value for name, value in headers if name == "Set-Cookie"]
        cookie = renewed[0].split(";", 1)[0] if renewed else cookie
    if not status.startswith("200") or VALIDATION_ERROR not in text or renewed:
        raise RuntimeError(f"POST /login answered {status}; session rewritten every time: {bool(renewed)}")
    return app, lambda: environ(cookie)


def _baseline_request():
    """The bare Flask app of the load benchmark and a maker of its POST environs."""
    from werkzeug.test import EnvironBuilder

    from tests.bench.baseline_app import create_app

    app = create_app(PAGE_BYTES)
    return app, lambda: EnvironBuilder(path="/", method="POST", data=b"csrf_token=x&username=&password=", headers={
        "Content-Type": "application/x-www-form-urlencoded"}).get_environ()


def call(app, environ: dict) -> tuple[str, list, str]:
    """Status, headers and body text of one request."""
    started: list = []
    body = b"".join(app(environ, lambda status, headers, exc_info=None: started.append((status, headers))))
    return started[0][0], started[0][1], body.decode()


def per_request_us(app, make_environ, count: int) -> float:
    """Microseconds per request over ``count`` requests (environs built beforehand)."""
    environs = [make_environ() for _ in range(count)]
    ignore = lambda *_args: None  # noqa: E731
    begin = time.perf_counter()
    for environ in environs:
        b"".join(app(environ, ignore))
    return (time.perf_counter() - begin) / count * 1e6


def _worker(target: str, count: int, build: int) -> None:
    app, make_environ = _portal_request() if target == "portal" else _baseline_request()
    per_request_us(app, make_environ, 20)  # warm caches the same way in both runs
    environs = [make_environ() for _ in range(build)]  # built in both runs, so their cost cancels
    ignore = lambda *_args: None  # noqa: E731
    for environ in environs[:count]:
        b"".join(app(environ, ignore))


def _instructions(target: str, count: int, build: int, env: dict) -> int:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/cg.out", sys.executable,
                        "-m", "tests.bench.request_cost", "--worker", target, "--requests", str(count),
                        "--build", str(build)], check=True, env=env, capture_output=True)
        summary = re.search(r"^summary:\s+(\d+)", Path(out, "cg.out").read_text(), re.M)
        return int(summary.group(1))


def main(argv: list[str] | None = None) -> int:
    """Set up a demo instance, then time (and optionally count) both apps' POSTs."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per round (default 300)")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    parser.add_argument("--callgrind", action="store_true", help="also count instructions under valgrind")
    parser.add_argument("--worker", choices=("portal", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--build", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.worker, args.requests, args.build)
        return 0
    instance = tempfile.mkdtemp(prefix="portal-cost-")
    env = {**os.environ, "PORTAL_INSTANCE_PATH": instance}
    for name in ("DATABASE_URL", "SECRET_KEY", "SEARCH_INDEX_DIR", "CONTENT_DIR"):
        env.pop(name, None)  # the embedded default: SQLite and the index in the fresh instance
    try:
        portal_cli = Path(sys.executable).with_name("portal")
        subprocess.run([str(portal_cli), "init", "--demo"], check=True, env=env, capture_output=True)
        os.environ.update(env)
        portal, baseline = _portal_request(), _baseline_request()
        times: dict[str, list[float]] = {"portal": [], "baseline": []}
        for _round in range(args.rounds):
            times["portal"].append(per_request_us(*portal, args.requests))
            times["baseline"].append(per_request_us(*baseline, args.requests))
        mine, bare = statistics.median(times["portal"]), statistics.median(times["baseline"])
        print(f"POST /login (empty username): portal {mine:.0f} µs, baseline {bare:.0f} µs per request "
              f"in process, ×{mine / bare:.2f}")
        if args.callgrind:
            if not shutil.which("valgrind"):
                print("valgrind is not installed (apt-get install valgrind)")
                return 1
            counts = {}
            for target in ("portal", "baseline"):
                n = max(50, args.requests // 3)
                counts[target] = (_instructions(target, n, n, env) - _instructions(target, 0, n, env)) / n
            print(f"instructions per request: portal {counts['portal'] / 1e6:.2f} M, baseline "
                  f"{counts['baseline'] / 1e6:.2f} M, ×{counts['portal'] / counts['baseline']:.2f}")
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
