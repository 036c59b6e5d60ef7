"""Cached pages under hostile traffic: /guides/ requests per second, quiet and under a flood of
failed /progress look-ups (each writes throttle counters and an audit row).

    .venv/bin/python -m tests.bench.flood [--seconds 10] [--rounds 3] [--flood-rate 20]
        [--backend sqlite|postgresql]

One gunicorn (README's production command, 2 sync workers) on a fresh database with content
loaded. Each round loads /guides/ with wrk twice, once quiet and once while a second client
posts wrong access codes to /progress at ``--flood-rate`` per second, in alternating order (as
:mod:`tests.bench.wrk` does). Before and after each flooded run the page must answer
``X-Page-Cache: hit``. Prints each round and the medians. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

from tests.bench.run import session_cookie
from tests.bench.servers import database, fetch, gunicorn, init_portal, portal_env
from tests.bench.wrk import Endpoint, WrkResult, run_wrk
from tests.helpers import CSRF_RE

PAGE = Endpoint("guides", "/guides/")


class Flood:
    """Failed /progress look-ups at ``rate`` per second from one client, until stopped."""

    def __init__(self, port: int, rate: float) -> None:
        self.port, self.rate = port, rate
        status, headers, page = fetch(port, "/progress")
        token, cookie = CSRF_RE.search(page.decode()), session_cookie(headers)
        if status != 200 or not token or not cookie:
            raise RuntimeError(f"GET /progress: status {status}, token {bool(token)}, cookie {bool(cookie)}")
        self.token, self.cookie = token.group(1), cookie
        self.sent = 0
        self.statuses: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def post(self) -> int:
        """One wrong-code look-up; returns the status (404 not found, 429 throttled)."""
        body = (f"csrf_token={quote(self.token, safe='')}&case_no=A{self.sent:06d}"
                "&query_code=WRONG123&id_last4=0000").encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        status = fetch(self.port, "/progress", "POST", body, headers)[0]
        self.sent += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1
        return status

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stop.is_set():
            self.post()
            pause = started + self.sent / self.rate - time.monotonic()
            if pause > 0:
                self._stop.wait(pause)

    def __enter__(self) -> Flood:
        if self.post() not in (404, 429):
            raise RuntimeError("a wrong-code /progress look-up did not answer 404 or 429")
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def cache_state(port: int) -> str:
    """What X-Page-Cache says for /guides/ to a visitor without cookies."""
    return fetch(port, PAGE.path)[1].get("X-Page-Cache", "absent")


def measure(port: int, server, args, flooded: bool) -> tuple[WrkResult, str, float]:
    """One wrk run on /guides/; when ``flooded``, with the flood running. Returns the result,
    the cache state after the run and the flood's achieved rate."""
    fetch(port, PAGE.path)  # make sure the page is in each worker's cache before measuring
    if not flooded:
        return run_wrk(server, PAGE, args.seconds, args.connections, args.threads), cache_state(port), 0.0
    with Flood(port, args.flood_rate) as flood:
        started = time.monotonic()
        result = run_wrk(server, PAGE, args.seconds, args.connections, args.threads)
        rate = flood.sent / (time.monotonic() - started)
        after = cache_state(port)
    return result, after, rate


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.flood", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--flood-rate", type=float, default=20.0, help="failed look-ups per second (20)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="portal-flood-") as tmp:
        workdir = Path(tmp)
        with database(args.backend, workdir) as url:
            env = portal_env(workdir / "instance", url)
            init_portal(env)
            with gunicorn("flood", "wsgi:app", env, workdir) as server:
                report(server, args)


def report(server, args) -> None:
    """Measure every round and print each one and the medians."""
    rows: dict[str, list[WrkResult]] = {"quiet": [], "flood": []}
    print(f"/guides/ on {args.backend}, wrk -t{args.threads} -c{args.connections} -d{args.seconds}s; "
          f"flood: {args.flood_rate:g} failed /progress look-ups per second")
    for index in range(args.rounds):
        order = ("quiet", "flood") if index % 2 == 0 else ("flood", "quiet")
        for side in order:
            result, after, rate = measure(server.port, server, args, side == "flood")
            rows[side].append(result)
            extra = f", flood {rate:.1f}/s" if side == "flood" else ""
            print(f"round {index + 1} {side:5}: {result.requests_per_s:8.1f} req/s, p50 {result.p50_ms:6.1f} ms, "
                  f"p99 {result.p99_ms:6.1f} ms, after: X-Page-Cache {after}{extra}"
                  + (f" [{result.errors}]" if result.errors else ""))
    for side, results in rows.items():
        print(f"median {side:5}: {statistics.median(r.requests_per_s for r in results):8.1f} req/s, "
              f"p99 {statistics.median(r.p99_ms for r in results):6.1f} ms")


if __name__ == "__main__":
    main()
