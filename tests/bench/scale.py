"""Scale benchmark: 1,000,000 requests and 200,000 complaints on PostgreSQL.

Run from the repository root (not a pytest test)::

    .venv/bin/python -m tests.bench.scale [--requests 1000000] [--complaints 200000] [--samples 20]
                                          [--keep] [--reuse]

In its own database ``portal_scale`` on ``postgres@127.0.0.1:5432`` (created, and dropped at the
end unless ``--keep``; ``--reuse`` keeps the generated rows of an earlier ``--keep`` run and only
applies new migrations), it runs ``portal init`` (the portal's migrations and content/), creates
staff and supervisors, generates the matters with :mod:`tests.bench.scale_data` (COPY), runs
VACUUM ANALYZE, then measures:

* ``portal deadlines sweep`` as a process, first run (every open overdue matter newly overdue,
  as on the first day in service; it ends with its own VACUUM of ``matters``) and an immediate
  second run;
* the supervisor dashboard ``/staff/oversight/`` through the app (test client logged in as a
  supervisor; staff pages are never served from the page cache), p50/p95 over ``--samples``,
  alternating with the light back-office page ``/staff/`` as the same-run baseline;
* the public ``/performance`` page with the page cache disabled, the first request and p50;
* EXPLAIN (ANALYZE, BUFFERS) of every statement the dashboard and the sweep send, the sweep's
  taken in a rolled-back transaction in the state of its first run.

Targets: dashboard ≤ 300 ms, sweep ≤ 60 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event, text

from tests.helpers import PASSWORD, login

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVER = "postgresql://postgres@127.0.0.1:5432"
DATABASE = "portal_scale"
URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}"
STAFF_PER_DEPARTMENT = 6
TARGET_DASHBOARD_MS, TARGET_SWEEP_S = 300.0, 60.0


def admin(sql: str) -> None:
    """Run one statement on the server's maintenance database (autocommit)."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


def exists() -> bool:
    """Whether ``portal_scale`` exists."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone() is not None


def environment(instance: Path) -> dict[str, str]:
    """Environment of the ``portal`` processes: this database and a throw-away instance folder."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SEARCH_INDEX_DIR", "CONTENT_DIR"}}
    return env | {"DATABASE_URL": URL, "PORTAL_INSTANCE_PATH": str(instance), "SECRET_KEY": "scale-bench"}


def portal(env: dict[str, str], *args: str) -> tuple[float, str]:
    """Run ``portal ARGS``; return its wall time in seconds and its output."""
    started = time.perf_counter()
    result = subprocess.run([str(BIN / "portal"), *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=1800, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"portal {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, result.stdout.strip()


def make_app():
    """The portal app on ``portal_scale``, page cache off, cheap password hashing."""
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": URL, "SECRET_KEY": "scale-bench", "PAGE_CACHE_SECONDS": 0,
                       "PASSWORD_HASH_METHOD": "scrypt:4096:8:1"})


def create_staff():
    """Six members of staff per department (with e-mail) and three supervisors."""
    from portal.accounts.models import Department, Role
    from portal.accounts.services import create_user
    from portal.extensions import db
    from tests.bench.scale_data import Staff

    departments = {d.code: d for d in db.session.scalars(db.select(Department).order_by(Department.position))}
    staff = [create_user(f"{code}{n}", PASSWORD, Role.STAFF, code, f"{dept.name}民警{n:02d}",
                         f"{code}{n}@portal.example.gov.cn").id
             for code, dept in departments.items() for n in range(1, STAFF_PER_DEPARTMENT + 1)]
    supervisors = [create_user(f"super{n}", PASSWORD, Role.SUPERVISOR, "gongkaiban", f"督办负责人{n}",
                               f"super{n}@portal.example.gov.cn") for n in (1, 2, 3)]
    db.session.flush()
    return Staff(staff, supervisors[0].id, {code: d.id for code, d in departments.items()})


def generate(app, requests: int, complaints: int) -> dict[str, float]:
    """Staff, policies and the matters; returns seconds per phase."""
    from werkzeug.security import generate_password_hash

    from portal.calendar.services import load_calendar
    from portal.complaints.policy import all_policies
    from portal.core.timefmt import local_today
    from portal.extensions import db
    from tests.bench.scale_data import Generator

    phases = {}
    with app.app_context():
        started = time.perf_counter()
        staff = create_staff()
        all_policies()
        db.session.commit()
        phases["staff"] = time.perf_counter() - started
        started = time.perf_counter()
        raw = db.engine.raw_connection()
        try:
            generator = Generator(raw.driver_connection, load_calendar(), staff, local_today(),
                                  generate_password_hash("SCALE234", "scrypt:4096:8:1"))
            counts = generator.run(requests, complaints)
            raw.commit()
        finally:
            raw.close()
        phases["copy"] = time.perf_counter() - started
        print(f"  {counts.matters:,} matters, {counts.events:,} events; clock patterns computed "
              f"{generator.clock.cache_info().currsize:,}")
        print("  states: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.by_state.items())))
    return phases


def vacuum_analyze(table: str = "") -> float:
    """VACUUM ANALYZE the database or one table (autocommit); seconds taken."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(f"{SERVER}/{DATABASE}", autocommit=True) as conn:
        conn.execute(f"VACUUM ANALYZE {table}".strip())
    return time.perf_counter() - started


def reset_sweep_state(app) -> None:
    """Forget earlier sweeps (``--reuse``): open overdue matters unmarked, today's digests gone."""
    from portal.core.timefmt import local_today
    from portal.extensions import db

    with app.app_context():
        db.session.execute(text("UPDATE matters SET overdue_since = NULL WHERE closed_on IS NULL "
                                "AND overdue_since IS NOT NULL"))
        db.session.execute(text("DELETE FROM outbox_messages WHERE dedupe_key LIKE :k"),
                           {"k": f"digest:%:{local_today().isoformat()}"})
        db.session.commit()


def percentile(samples: list[float], share: float) -> float:
    """The ``share`` percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def timed_gets(client, path: str, samples: int) -> tuple[float, list[float], int]:
    """First request's ms, then ``samples`` more in ms, and the page size."""
    times, size = [], 0
    for _ in range(samples + 1):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        size = len(response.data)
    return times[0], times[1:], size


def timed_against_baseline(client, path: str, baseline: str, samples: int) -> dict:
    """``path`` and the light ``baseline`` page requested alternately, each ``samples`` times after
    one first request: wall ms of both, and this process's CPU ms for ``path``."""
    first, _, size = timed_gets(client, path, 0)
    wall, base, cpu = [], [], []
    for _ in range(samples):
        started, cpu_started = time.perf_counter(), time.process_time()
        assert client.get(path).status_code == 200
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        started = time.perf_counter()
        assert client.get(baseline).status_code == 200
        base.append((time.perf_counter() - started) * 1000)
    return {"first": first, "size": size, "wall": wall, "baseline": base, "cpu": cpu}


class Capture:
    """Collects the SQL statements (with parameters) the engine sends while active."""

    def __init__(self, engine) -> None:
        self.engine, self.statements = engine, []

    def _listen(self, _conn, _cursor, statement, parameters, _context, executemany) -> None:
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "UPDATE", "WITH")):
            self.statements.append((statement, parameters))

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._listen)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._listen)


def explain(statements, prepare: str = "") -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of each distinct statement touching matters, in a rolled-back transaction."""
    from portal.extensions import db

    out, seen = [], set()
    conn = db.session.connection()
    if prepare:
        conn.execute(text(prepare))
    for statement, parameters in statements:
        if statement in seen or "matter" not in statement:
            continue
        seen.add(statement)
        plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).scalars().all()
        out.append(" ".join(statement.split()) + "\n    " + "\n    ".join(plan))
    db.session.rollback()
    return out


def measure(app, env: dict[str, str], samples: int, with_sweep: bool = True) -> dict:
    """Sweep twice, dashboard, /performance, and the plans."""
    from portal.core.timefmt import local_today
    from portal.extensions import db
    from portal.oversight.sweep import sweep

    result = {"sweep1": (float("nan"), "(not run)"), "sweep2": (float("nan"), "(not run)"), "sweep_plans": []}
    if with_sweep:
        result["sweep1"] = portal(env, "deadlines", "sweep")
        result["sweep2"] = portal(env, "deadlines", "sweep")
    client = app.test_client()
    with app.app_context():
        login(client, "super1")
    result["dashboard"] = timed_against_baseline(client, "/staff/oversight/", "/staff/", samples)
    result["performance"] = timed_gets(app.test_client(), "/performance", max(5, samples // 4))
    with app.app_context():
        with Capture(db.engine) as dashboard_sql:
            client.get("/staff/oversight/")
        result["dashboard_plans"] = explain(dashboard_sql.statements)
        with Capture(db.engine) as performance_sql:
            app.test_client().get("/performance")
        result["performance_plans"] = explain(performance_sql.statements)
    first_run_state = ("UPDATE matters SET overdue_since = NULL WHERE closed_on IS NULL "  # noqa: S608  (a date)
                       f"AND overdue_since IS NOT NULL AND due_on < '{local_today().isoformat()}'")
    if not with_sweep:
        return result
    with app.test_request_context():  # a request context so the audit records look as from cron
        db.session.execute(text(first_run_state))
        db.session.execute(text("DELETE FROM outbox_messages WHERE dedupe_key LIKE 'digest:%'"))
        with Capture(db.engine) as sweep_sql:
            sweep(local_today())
        db.session.rollback()
        result["sweep_plans"] = explain(sweep_sql.statements, prepare=first_run_state)
    return result


def report(args, phases: dict[str, float], result: dict, load: tuple[float, ...]) -> None:
    """Print the figures as a Markdown table, then the plans."""
    dash = result["dashboard"]
    perf_first, perf, perf_size = result["performance"]
    (s1, out1), (s2, out2) = result["sweep1"], result["sweep2"]
    p50, p95 = statistics.median(dash["wall"]), percentile(dash["wall"], 0.95)
    b50, b95 = statistics.median(dash["baseline"]), percentile(dash["baseline"], 0.95)
    print(f"\n## Scale benchmark: {args.requests:,} requests + {args.complaints:,} complaints (PostgreSQL)\n")
    print("| measurement | result | target |\n|---|--:|---|")
    for name, seconds in phases.items():
        print(f"| generation: {name} | {seconds:.1f} s | |")
    print(f"| `portal deadlines sweep`, first run | {s1:.1f} s | ≤ {TARGET_SWEEP_S:.0f} s: "
          f"{'ok' if s1 <= TARGET_SWEEP_S else 'MISSED'} |")
    print(f"| `portal deadlines sweep`, second run | {s2:.1f} s | ≤ {TARGET_SWEEP_S:.0f} s: "
          f"{'ok' if s2 <= TARGET_SWEEP_S else 'MISSED'} |")
    verdict = "ok" if p95 <= TARGET_DASHBOARD_MS else "MISSED"
    print(f"| `/staff/oversight/` p50 / p95 ({len(dash['wall'])} requests, {dash['size']:,} bytes) | "
          f"{p50:.0f} / {p95:.0f} ms | ≤ {TARGET_DASHBOARD_MS:.0f} ms: {verdict} |")
    print(f"| `/staff/oversight/` first request | {dash['first']:.0f} ms | |")
    print(f"| same-run baseline `/staff/` (alternating with it) p50 / p95 | {b50:.0f} / {b95:.0f} ms | |")
    print(f"| `/staff/oversight/` ÷ baseline, p50 | {p50 / b50:.1f} | |")
    print(f"| `/staff/oversight/` app-process CPU p50 (PostgreSQL's not included) | "
          f"{statistics.median(dash['cpu']):.0f} ms | |")
    print(f"| `/performance` first / p50 ({perf_size:,} bytes, page cache off) | {perf_first:.0f} / "
          f"{statistics.median(perf):.0f} ms | |")
    print(f"\nsweep output: {out1}\n              {out2}")
    print(f"load average at start / end: {load[0]:.2f} / {os.getloadavg()[0]:.2f} (2 cores)")
    for title, key in (("Dashboard", "dashboard_plans"), ("Sweep (first-run state)", "sweep_plans"),
                       ("/performance", "performance_plans")):
        print(f"\n### {title}: EXPLAIN (ANALYZE, BUFFERS)\n")
        for plan in result[key]:
            print(plan + "\n")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--complaints", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep portal_scale afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept portal_scale (migrations applied)")
    parser.add_argument("--no-sweep", action="store_true", help="measure the pages only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the database, measure, report; drop the database unless --keep."""
    args = parse_args(argv)
    load = os.getloadavg()
    print(f"{date.today()} load average {load[0]:.2f}; database {DATABASE}")
    with tempfile.TemporaryDirectory(prefix="portal-scale-") as tmp:
        env = environment(Path(tmp) / "instance")
        os.environ["PORTAL_INSTANCE_PATH"] = env["PORTAL_INSTANCE_PATH"]
        phases: dict[str, float] = {}
        try:
            if args.reuse and exists():
                phases["migrations (reuse)"], _ = portal(env, "db", "upgrade", "-d", str(ROOT / "migrations"))
                app = make_app()
                reset_sweep_state(app)
            else:
                admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
                admin(f"CREATE DATABASE {DATABASE}")
                phases["portal init (migrations, content)"], _ = portal(env, "init")
                app = make_app()
                print("generating ...")
                phases |= generate(app, args.requests, args.complaints)
            phases["VACUUM ANALYZE"] = vacuum_analyze()
            result = measure(app, env, args.samples, with_sweep=not args.no_sweep)
            with app.app_context():
                from portal.extensions import db

                size = db.session.scalar(text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
                db.session.remove()
                db.engine.dispose()
            print(f"database size {size}")
            report(args, phases, result, load)
        finally:
            if not args.keep:
                admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
