"""What one never-seen search costs inside the process, against the cached guide list (not a test).

The load benchmark (``tests.bench.run --only search-new``) measures requests/s through gunicorn and
wrk, which on this shared two-core machine swing from run to run. This calls the portal's WSGI app
directly on the demo content (a temporary SQLite instance), with the same rotated queries and a
token never seen before in each, so a change to search can be judged in seconds::

    .venv/bin/python -m tests.bench.search_cost [--requests 100] [--rounds 25] [--callgrind]

It prints the CPU milliseconds per request (the best round: other load only ever adds) of a
never-seen search and of the cached guide list. Through gunicorn each request costs about 0.3 ms
more (HTTP parsing and socket work), the same for both. With ``--callgrind`` it also counts the
instructions per request under valgrind's callgrind, which other load on the machine does not
change at all: each app runs in a process of its own, warms up uninstrumented, then has
instrumentation switched on (``callgrind_control``) for ``--requests`` × 3 requests; the change log
and the content generation are read once, so no clock decides how often the database is asked.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from tests.search_relevance import QUERIES

RESTS = ("", "&type=guide", "&page=2")  # the three forms the load benchmark rotates


def _environ(path: str, query: str) -> dict:
    return {"REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8000", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
            "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False}


def demo_app():
    """The portal on the demo content in a temporary instance folder."""
    folder = tempfile.mkdtemp(prefix="search-cost-")
    os.environ["PORTAL_INSTANCE_PATH"] = folder
    from portal import create_app
    from portal.extensions import db
    from portal.seed.content import load_content

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/cost.db"})
    with app.app_context():
        db.create_all()
        load_content(Path(app.config["CONTENT_DIR"]))
        db.session.commit()
    return app


def requester(app, path: str, queries: list[str] | None) -> Callable[[], None]:
    """A function that sends one GET of ``path`` (with the next never-seen query, if any)."""
    counter = [0]

    def start_response(_status, _headers, _exc_info=None):
        return None

    def one() -> None:
        counter[0] += 1
        n = counter[0]
        query = "" if queries is None else \
            f"q={queries[n % len(queries)]}%20{n}x0x{n}{RESTS[(n // len(queries)) % len(RESTS)]}"
        body = app(_environ(path, query), start_response)
        b"".join(body)
        getattr(body, "close", lambda: None)()

    return one


def best_ms(send: Callable[[], None], requests: int, rounds: int) -> float:
    """CPU milliseconds per request of the cheapest of ``rounds`` rounds."""
    for _ in range(30):
        send()
    spent = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(requests):
            send()
        spent.append((time.process_time() - started) / requests * 1000)
    return min(spent)


def _sender(app, path: str) -> Callable[[], None]:
    queries = [quote(query, safe="") for query, _expected, _tuned in QUERIES]
    return requester(app, path, queries if path == "/search" else None)


def _counted_worker(path: str, requests: int) -> None:
    """Under callgrind: warm up uninstrumented, then instrument ``requests`` requests only."""
    os.environ["SEARCH_CATCH_UP_SECONDS"] = os.environ["CONTENT_GENERATION_SECONDS"] = "1e9"
    send = _sender(demo_app(), path)
    for _ in range(400):
        send()
    subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True)
    for _ in range(requests):
        send()
    subprocess.run(["callgrind_control", "--instr=off", str(os.getpid())], check=True, capture_output=True)


def instructions(path: str, requests: int) -> float:
    """Instructions per request of ``path`` (the next never-seen query each time, for /search)."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}/cg.out",
                        sys.executable, "-m", "tests.bench.search_cost", "--worker", path,
                        "--requests", str(requests)], check=True, capture_output=True)
        totals = re.search(r"^totals:\s+(\d+)", Path(out, "cg.out").read_text(), re.M)
        if totals is None:
            raise RuntimeError("callgrind wrote no totals")
        return int(totals.group(1)) / requests


def main(argv: list[str] | None = None) -> int:
    """Print the cost of a never-seen search and of the cached guide list."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.search_cost", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="requests per round (100)")
    parser.add_argument("--rounds", type=int, default=25, help="rounds; the best counts (25)")
    parser.add_argument("--callgrind", action="store_true", help="also count instructions under valgrind")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _counted_worker(args.worker, args.requests)
        return 0
    app = demo_app()
    search = best_ms(_sender(app, "/search"), args.requests, args.rounds)
    guides = best_ms(_sender(app, "/guides/"), args.requests, args.rounds)
    print(f"never-seen search: {search:.3f} ms CPU/request; cached guide list: {guides:.3f} ms CPU/request")
    if args.callgrind:
        if not shutil.which("valgrind"):
            print("valgrind is not installed (apt-get install valgrind)")
            return 1
        counted = {path: instructions(path, args.requests * 3) for path in ("/search", "/guides/")}
        print(f"instructions per request: never-seen search {counted['/search'] / 1e6:.2f} M, cached guide list "
              f"{counted['/guides/'] / 1e6:.2f} M")
    return 0


if __name__ == "__main__":
    sys.exit(main())
