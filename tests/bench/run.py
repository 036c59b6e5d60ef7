"""Load benchmark: the portal under gunicorn against a bare Flask baseline, both loaded with wrk.

Run from the repository root::

    .venv/bin/python -m tests.bench.run [--seconds 6] [--rounds 3] [--connections 32] [--threads 2]

For each database backend (SQLite in a temporary instance folder; PostgreSQL when it answers at
127.0.0.1:5432 as ``postgres`` with trust authentication, in a throw-away database
``portal_bench``) the portal is initialised with ``portal init --demo`` and served by gunicorn with
two sync workers. Next to it runs ``tests/bench/baseline_app.py``: a bare Flask app with no database
that renders a template of the same byte size as the portal's guide detail page, measured at run
time. Each endpoint is loaded for a fixed time on the portal and, right after, on the baseline, so
every ratio compares two measurements taken moments apart on the same machine; that is done in
several rounds, the order alternating, and the row's ratio is the median of the rounds' ratios
(``tests/bench/wrk.py`` says why).

Everything is bounded: wrk runs for a fixed duration, every server is terminated on the way out
(also on errors and Ctrl-C), and only 127.0.0.1 is ever contacted. This is not a pytest test.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from tests.bench import search_load
from tests.bench.servers import (
    GUNICORN_ARGS,
    HOST,
    PG_SERVER,
    ROOT,
    Server,
    database,
    fetch,
    gunicorn,
    init_portal,
    portal_env,
    postgres_problem,
)
from tests.bench.wrk import (
    TARGET_P99_MS,
    TARGET_RATIO,
    Endpoint,
    Row,
    WrkResult,
    round_order,
    run_wrk,
    write_post_script,
)
from tests.helpers import CSRF_RE
from tests.pages import PUBLIC_PAGES, fill

# Public pages to load, by their name in tests/pages.py; the form POST is added after them.
GET_PAGES = ("home", "guide-list", "guide-detail", "notice-list")
# The open-data API's answers, loaded like pages (JSON, the same for every client).
API_ROWS = (("api-guides", "/api/v1/guides"), ("api-notices", "/api/v1/notices"))
POST_NAME = "login-invalid"
SEARCH_NOTES = {"search-popular": " (189 queries rotated)", "search-new": " (every query new: no cache)"}
VALIDATION_ERROR = "请输入用户名"


# --- The portal's endpoints -------------------------------------------------------------------


def session_cookie(headers) -> str | None:
    """The ``session=...`` pair a response sets, if any."""
    return next((c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or []
                 if c.startswith("session=")), None)


def discover_endpoints(port: int, workdir: Path) -> list[Endpoint]:
    """The endpoints to load, with a real guide slug, and the login POST prepared and checked.

    The POST needs a CSRF token and the session cookie that holds its secret: both come from
    one GET /login. It must answer 200 with the validation error, not 400 (CSRF) or a redirect.
    Like a browser, the load keeps the cookie as the first POST left it (Flask-Login marks the
    session once); a POST that rewrote the session every time would fail the check below.
    """
    status, _headers, page = fetch(port, "/guides/")
    if status != 200:
        raise RuntimeError(f"/guides/ answered {status}")
    html = page.decode()
    slug = re.search(r'href="/guides/(?!category/)([\w-]+)"', html)
    if not slug:
        raise RuntimeError("no guide link on /guides/")
    notice = re.search(r'href="/notices/(\d+)"', fetch(port, "/notices/")[2].decode())
    paths = dict(PUBLIC_PAGES)
    endpoints = [
        Endpoint(name, fill(paths[name], guide=slug.group(1), notice=int(notice.group(1)) if notice else 0))
        for name in GET_PAGES
    ] + [Endpoint(name, path) for name, path in API_ROWS]

    status, headers, page = fetch(port, "/login")
    token = CSRF_RE.search(page.decode())
    cookie = session_cookie(headers)
    if status != 200 or not token or not cookie:
        raise RuntimeError(f"GET /login: status {status}, token {bool(token)}, session cookie {bool(cookie)}")
    body = f"csrf_token={quote(token.group(1), safe='')}&username=&password="
    post_headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    for attempt in ("first", "second"):
        status, headers, page = fetch(port, "/login", "POST", body.encode(), post_headers)
        if status != 200 or VALIDATION_ERROR not in page.decode():
            raise RuntimeError(f"POST /login with an empty username answered {status} without {VALIDATION_ERROR}")
        renewed = session_cookie(headers)
        if renewed and attempt == "second":
            raise RuntimeError("POST /login rewrote the session cookie twice in a row")
        post_headers["Cookie"] = renewed or post_headers["Cookie"]
    script = write_post_script(workdir, body, post_headers)
    first = search_load.search_paths()[0]  # sized and shown; the script picks each request's query
    searches = [Endpoint(name, first, search_load.write_script(workdir, name), http_method="GET",
                         note=SEARCH_NOTES[name]) for name in search_load.ROWS]
    return [*endpoints, Endpoint(POST_NAME, "/login", script, body.encode(), post_headers, note=" (empty username)"),
            *searches]


def page_size(port: int, endpoint: Endpoint) -> int:
    """Bytes of the endpoint's response body; it must answer 200."""
    status, _headers, page = fetch(port, endpoint.path, endpoint.method, endpoint.body, endpoint.headers)
    if status != 200:
        raise RuntimeError(f"{endpoint.method} {endpoint.path} answered {status}")
    return len(page)


# --- The run ----------------------------------------------------------------------------------


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _fmt(result: WrkResult) -> str:
    return f"{result.p50_ms:.1f} / {result.p99_ms:.1f}"


def _cpu(row: Row) -> str:
    if row.portal.cpu_ms is None or row.baseline.cpu_ms is None:
        return "?"
    return f"{row.portal.cpu_ms:.2f} / {row.baseline.cpu_ms:.2f}"


def format_table(rows: list[Row]) -> str:
    """The results as a Markdown table (figures are medians over the rounds; the ratio is the
    median of the rounds' ratios, each listed in the last column but one)."""
    lines = [
        "| backend | endpoint | bytes | portal req/s | baseline req/s | ratio | portal p50 / p99 ms "
        "| baseline p50 / p99 ms | CPU ms/req portal / baseline | ratio per round | target |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for row in rows:
        portal, baseline = row.portal, row.baseline
        rounds = " ".join(f"{ratio:.2f}" for ratio in row.round_ratios)
        lines.append(
            f"| {row.backend} | {row.endpoint} | {row.size} | {portal.requests_per_s:,.0f} "
            f"| {baseline.requests_per_s:,.0f} | {row.ratio:.2f} | {_fmt(portal)} "
            f"| {_fmt(baseline)} | {_cpu(row)} | {rounds} | {row.verdict()} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=6, help="wrk duration per endpoint, server and round (6)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds per endpoint, portal and baseline in alternating order (3)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured wrk seconds before each run (1)")
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"),
                        help="only this backend (repeatable; default: both)")
    parser.add_argument("--only", type=lambda text: [n for n in text.split(",") if n],
                        help="only these rows, by name (comma-separated: home, guide-list, guide-detail, "
                             "notice-list, api-guides, api-notices, login-invalid, search-popular, search-new; "
                             "search rows bring guide-list)")
    parser.add_argument("--app", default="wsgi:app",
                        help="gunicorn app spec of the portal (default wsgi:app; e.g. a variant under test)")
    args = parser.parse_args(argv)
    if args.seconds < 1 or args.rounds < 1 or args.warmup < 0 or args.threads < 1 or args.connections < args.threads:
        parser.error("need --seconds ≥ 1, --rounds ≥ 1, --warmup ≥ 0, --threads ≥ 1 and --connections ≥ --threads")
    return args


@dataclass
class Baseline:
    """The baseline server, started once per run (sized on the first portal's guide detail page)."""

    server: Server | None = None
    size: int = 0


def bench_backend(backend: str, workdir: Path, args: argparse.Namespace, stack: contextlib.ExitStack,
                  baseline: Baseline) -> list[Row]:
    """Prepare ``backend``, serve the portal on it and load every endpoint against the baseline.

    The first call starts the baseline server and leaves it on ``stack`` for the next backend.
    """
    with database(backend, workdir) as url:
        env = portal_env(workdir / "instance", url)
        started = time.monotonic()
        init_portal(env)
        print(f"[{backend}] portal init --demo: {time.monotonic() - started:.1f} s", flush=True)
        with gunicorn(f"portal-{backend}", args.app, env, workdir) as portal:
            endpoints = discover_endpoints(portal.port, workdir)
            sizes = {e.name: page_size(portal.port, e) for e in endpoints}
            detail = endpoints[GET_PAGES.index("guide-detail")]
            if baseline.server is None:
                baseline.size = sizes[detail.name]
                base_env = {**os.environ, "BENCH_PAYLOAD_BYTES": str(baseline.size)}
                baseline.server = stack.enter_context(
                    gunicorn("baseline", "tests.bench.baseline_app:app", base_env, workdir.parent))
                print(f"baseline: bare Flask page of {baseline.size} bytes (the size of {detail.path})", flush=True)
            rows = []
            if args.only:
                wanted = set(args.only) | ({"guide-list"} if set(args.only) & set(search_load.ROWS) else set())
                endpoints = [e for e in endpoints if e.name in wanted]
            for endpoint in endpoints:
                base_endpoint = Endpoint(endpoint.name, "/") if endpoint.name in search_load.ROWS else \
                    Endpoint(endpoint.name, "/", endpoint.script, endpoint.body, endpoint.headers)
                targets = {"portal": (portal, endpoint), "baseline": (baseline.server, base_endpoint)}
                row = Row(backend, endpoint.label, sizes[endpoint.name], name=endpoint.name,
                          **measure_rounds(targets, args))
                print(f"[{backend}] {row.endpoint}: portal {row.portal.requests_per_s:,.0f} req/s "
                      f"(p99 {row.portal.p99_ms:.1f} ms, CPU {_cpu(row)} ms/req), "
                      f"baseline {row.baseline.requests_per_s:,.0f} req/s, ratio {row.ratio:.2f} "
                      f"(rounds {' '.join(f'{r:.2f}' for r in row.round_ratios)}) — {row.verdict()}",
                      flush=True)
                rows.append(row)
    return rows


def measure_rounds(targets: dict, args: argparse.Namespace) -> dict[str, tuple[WrkResult, ...]]:
    """Load the portal and the baseline ``args.rounds`` times each, one right after the other and
    in alternating order (:func:`tests.bench.wrk.round_order`), each warmed up before its first
    round; returns the rounds as :class:`Row` takes them."""
    measured: dict[str, list[WrkResult]] = {"portal": [], "baseline": []}
    for index in range(args.rounds):
        for side in round_order(index):
            server, target = targets[side]
            if args.warmup and not measured[side]:
                run_wrk(server, target, args.warmup, args.connections, args.threads)
            measured[side].append(run_wrk(server, target, args.seconds, args.connections, args.threads))
    return {"portal_rounds": tuple(measured["portal"]), "baseline_rounds": tuple(measured["baseline"])}


def revision() -> str:
    """The measured code: short commit, and a note when portal/ has uncommitted changes."""
    git = shutil.which("git")
    if not git:
        return "unknown"
    try:
        head = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10, check=True).stdout.strip()
        dirty = subprocess.run([git, "status", "--porcelain", "--", "portal", "migrations", "wsgi.py"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + (" + uncommitted changes in portal/" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; exit status 1 when a row is below target."""
    args = parse_args(argv)
    started = time.monotonic()
    python = os.path.relpath(sys.executable, Path.cwd()) if sys.executable.startswith(str(Path.cwd())) \
        else sys.executable
    command = shlex.join([python, "-m", "tests.bench.run", *(sys.argv[1:] if argv is None else argv)])
    print(f"command: {command}")
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; code: {revision()}; cores: {os.cpu_count()}; "
          f"load average: {_load()}")
    print(f"servers: gunicorn {' '.join(GUNICORN_ARGS)} {args.app} on {HOST}; "
          f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s --latency (warm-up {args.warmup} s), "
          f"{args.rounds} rounds per endpoint",
          flush=True)

    backends = args.backend or ["sqlite", "postgresql"]
    if "postgresql" in backends:
        problem = postgres_problem()
        if problem:
            print(f"note: PostgreSQL skipped, not reachable at {PG_SERVER}: {problem}")
            backends = [b for b in backends if b != "postgresql"]

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp, contextlib.ExitStack() as stack:
        baseline = Baseline()
        for backend in backends:
            workdir = Path(tmp) / backend
            workdir.mkdir()
            rows += bench_backend(backend, workdir, args, stack, baseline)

    print()
    print(format_table(rows))
    print()
    print(f"target: GET pages and API ratio ≥ {TARGET_RATIO}; every row p99 < {TARGET_P99_MS:.0f} ms at "
          f"{args.connections} connections; "
          f"cores: {os.cpu_count()}; load average now: {_load()}; total {time.monotonic() - started:.0f} s")
    ratios = search_ratios(rows)
    if ratios:
        print()
        print(search_load.format_ratios(ratios))
        print(f"\nsearch target: search req/s ≥ {search_load.TARGET_RATIO} × guide list req/s "
              "(same backend, same run); the search index holds the demo content")
    print(f"command: {command}")
    below = any(r.ratio < search_load.TARGET_RATIO for r in ratios)
    return 1 if below or any(row.verdict() != "ok" for row in rows) else 0


def search_ratios(rows: list[Row]) -> list[search_load.SearchRatio]:
    """Each search row against the guide list of its backend."""
    ratios = []
    for row in rows:
        guide_list = next((r for r in rows if r.backend == row.backend and r.name == "guide-list"), None)
        if row.name in search_load.ROWS and guide_list is not None:
            hits, misses = row.portal.cache or (0, 0)
            ratios.append(search_load.SearchRatio(row.backend, row.name, row.portal.requests_per_s,
                                                  guide_list.portal.requests_per_s, hits, misses))
    return ratios


if __name__ == "__main__":
    sys.exit(main())
