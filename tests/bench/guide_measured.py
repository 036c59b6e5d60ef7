"""Benchmark (not a test): the cost of the measured reply time on a guide page at scale.

Run from the repository root::

    .venv/bin/python -m tests.bench.guide_measured [--requests 1000000] [--rounds 15]

Creates its own PostgreSQL database ``portal_guide_bench`` on 127.0.0.1:5432 (trust auth) and
drops it at the end, loads ``content/``, and inserts the requests with one ``INSERT … SELECT
generate_series`` (received over the last 400 days, most replied after 1–40 days). It then
times, in the same run and alternating, the measured guide page, an unmeasured guide page
(the baseline) and their API documents, with the page cache off, so every request computes the
figure. It reports medians and the ratio to the baseline, and ``EXPLAIN`` of the two queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from sqlalchemy import create_engine, text

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
DATABASE = "portal_guide_bench"
MEASURED, BASELINE = "government-information-request", "ordinary-passport"

INSERT = """
INSERT INTO matters (kind, tracking_no, access_code_hash, submission_key, received_on, department_id,
                     status, due_on, due_provisional, clock_steps, clock_state, involves_minor,
                     closed_on, created_at)
SELECT 'request', 'GB-' || n, 'x', 'bench-' || n, received, :department,
       CASE WHEN closed <= CURRENT_DATE THEN 'replied' ELSE 'received' END,
       received + 28, false, '[]', 'running', false,
       CASE WHEN closed <= CURRENT_DATE THEN closed END, now()
FROM (SELECT n, CURRENT_DATE - (n % 400) AS received,
             CURRENT_DATE - (n % 400) + 1 + ((n::bigint / 400 * 7919) % 40)::int AS closed
      FROM generate_series(1, :count) AS n) AS g
"""


def _admin(sql: str) -> None:
    engine = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def _median_ms(client, url: str, rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    return statistics.median(timings)


def main() -> None:
    """Build the data, time the pages, print a Markdown table and the plans."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DATABASE}"')
    os.environ["PORTAL_INSTANCE_PATH"] = tempfile.mkdtemp()
    from pathlib import Path

    from portal import create_app
    from portal.extensions import db
    from portal.seed.content import load_content

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"{SERVER}/{DATABASE}", "SECRET_KEY": "bench",
                      "PAGE_CACHE_SECONDS": 0})
    try:
        with app.app_context():
            db.create_all()
            load_content(Path(app.config["CONTENT_DIR"]))
            db.session.commit()
            department = db.session.scalar(text("SELECT id FROM departments WHERE code = 'gongkaiban'"))
            start = time.perf_counter()
            db.session.execute(text(INSERT), {"department": department, "count": args.requests})
            db.session.commit()
        with app.app_context(), db.engine.connect() as conn:  # what autovacuum does in production
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE matters"))
        print(f"inserted {args.requests:,} requests in {time.perf_counter() - start:.1f} s")
        client = app.test_client()
        urls = {"guide page, measured": f"/guides/{MEASURED}", "guide page, baseline": f"/guides/{BASELINE}",
                "API guide, measured": f"/api/v1/guides/{MEASURED}",
                "API guide, baseline": f"/api/v1/guides/{BASELINE}", "/performance (for scale)": "/performance"}
        for url in urls.values():  # warm up (templates, calendar, connections)
            client.get(url)
        medians = {name: [] for name in urls}
        for _ in range(3):  # alternate, so both sides see the same machine load
            for name, url in urls.items():
                medians[name].append(_median_ms(client, url, args.rounds))
        result = {name: statistics.median(values) for name, values in medians.items()}
        print(f"\n| page ({args.requests:,} requests, PostgreSQL) | median ms | ratio to baseline |")
        print("|---|--:|--:|")
        for name, value in result.items():
            base = result.get(name.replace("measured", "baseline"), result["guide page, baseline"])
            print(f"| {name} | {value:.1f} | {value / base:.2f} |")
        with app.app_context():
            plan = db.session.execute(text(
                "EXPLAIN (ANALYZE, BUFFERS OFF) SELECT received_on, closed_on, count(*), "
                "sum(CASE WHEN due_on IS NULL OR closed_on <= due_on THEN 1 ELSE 0 END) FROM matters "
                "WHERE kind = 'request' AND received_on >= CURRENT_DATE - 365 "
                "AND received_on <= CURRENT_DATE GROUP BY received_on, closed_on")).scalars().all()
            print("\nplan of the measured query:\n  " + "\n  ".join(plan))
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    main()
