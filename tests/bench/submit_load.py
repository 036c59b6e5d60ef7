"""Concurrent submissions against the production server: how many the database commits per second.

    python -m tests.bench.submit_load sqlite|postgresql --clients 100 --waves 2 [--password-hash METHOD]

The portal is set up with ``portal init`` in a throw-away instance (SQLite in a temporary folder,
or a throw-away PostgreSQL database), served by README's production command (``SERVER_COMMAND``)
with the production access-code hash, and each wave starts ``--clients`` citizens at once, half
filing requests and half complaints, each with a small attachment (:func:`tests.server_harness.submit`).
Per wave it prints the submissions committed per second (receipts shown / the wave's wall time),
the median and 99th-percentile time from pressing 提交 to the receipt, and the answers seen.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.server_harness import Server, portal, portal_env, postgres_database, submit


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def wave(port: int, clients: int, offset: int) -> dict:
    """``clients`` citizens submitting at once; the wave's figures."""
    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        outcomes = list(pool.map(lambda i: submit(port, "request" if i % 2 else "complaint", i),
                                 range(offset, offset + clients)))
    elapsed = time.monotonic() - started
    seconds = [o.seconds for o in outcomes if o.receipt]
    answers = Counter(status for o in outcomes for status in o.statuses)
    return {"receipts": len(seconds), "elapsed": elapsed, "per_second": len(seconds) / elapsed,
            "p50": statistics.median(seconds) if seconds else 0.0,
            "p99": percentile(seconds, 0.99) if seconds else 0.0, "answers": dict(sorted(answers.items()))}


@contextlib.contextmanager
def database(backend: str, folder: Path):
    """The database URL for ``backend``: a SQLite file in ``folder`` or a throw-away PostgreSQL one."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'instance' / 'portal.db'}"
    else:
        with postgres_database() as url:
            yield url


def main(argv: list[str] | None = None) -> None:
    """Run the waves and print one line per wave."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("backend", choices=["sqlite", "postgresql"])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--waves", type=int, default=2)
    parser.add_argument("--password-hash", default="scrypt",
                        help="PASSWORD_HASH_METHOD (a cheap one, e.g. scrypt:4096:8:1, shows the database's share)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, database(args.backend, Path(tmp)) as url:
        env = portal_env(Path(tmp) / "instance", url, PASSWORD_HASH_METHOD=args.password_hash)
        portal(env, "init")
        server = Server(env, Path(tmp) / "gunicorn.log")
        server.start()
        try:
            for number in range(args.waves):
                figures = wave(server.port, args.clients, number * args.clients)
                print(f"{args.backend} wave {number + 1}: {figures['receipts']}/{args.clients} receipts in "
                      f"{figures['elapsed']:.1f} s = {figures['per_second']:.1f} submissions/s; "
                      f"p50 {figures['p50'] * 1000:.0f} ms, p99 {figures['p99'] * 1000:.0f} ms; "
                      f"answers {figures['answers']}", flush=True)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
