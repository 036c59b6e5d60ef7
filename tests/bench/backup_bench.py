"""Timing ``portal backup`` and ``portal restore`` against the database's own tools, in one run.

Run from the repository root::

    .venv/bin/python -m tests.bench.backup_bench [--requests 0,100000] [--backend sqlite,postgresql]

For each backend and size: ``portal init --demo`` in a temporary instance folder (SQLite file,
or a throw-away PostgreSQL database ``portal_backup_bench`` at 127.0.0.1:5432 as ``postgres``),
then, for a size above 0, that many extra requests cloned from the demo request (with their
events, one complaint per five requests, an outbox message each, two audit events each on a
valid hash chain, and a 20 KB uploaded file on every 50th request). Then the real commands are
timed as an operator runs them, each a fresh process whose peak memory GNU time reports:
``portal backup`` and ``portal restore`` into an empty database (which includes building the
schema, rebuilding the search index and verifying the audit chain). The baseline on the same
data, moments apart: PostgreSQL ``pg_dump -Fc`` / ``pg_restore`` into an empty database;
SQLite's online backup API into a copy compressed with gzip level 6 / decompressing it. Every
database and folder it creates is removed on the way out. This is not a pytest test.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import create_engine, func, insert, select, text, update

ROOT = Path(__file__).resolve().parents[2]
PORTAL = str(ROOT / ".venv" / "bin" / "portal")
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_NAMES = ("portal_backup_bench", "portal_backup_bench_target", "portal_backup_bench_base")


def _env(instance: Path, url: str | None) -> dict:
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(instance), "SECRET_KEY": "bench"}
    env.pop("DATABASE_URL", None)
    if url:
        env["DATABASE_URL"] = url
    return env


def _timed(command: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def _portal(args: list[str], env: dict) -> tuple[float, float, str, float]:
    """Wall seconds of a ``portal`` command, the seconds it reports, its output, its peak RSS (MB).

    The peak comes from GNU time (its child's ``ru_maxrss`` after exec): measured from this
    process, ``ru_maxrss`` would also count this process's pages at fork time.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as peak:
        started = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", peak.name, PORTAL, *args], env=env,
                              check=True, capture_output=True, text=True)
        wall = time.perf_counter() - started
        peak_kb = int(Path(peak.name).read_text().split()[-1])
    return wall, float(re.search(r"用时 ([\d.]+) 秒", done.stdout).group(1)), done.stdout, peak_kb / 1024


def _pg_admin(statement: str) -> None:
    engine = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(statement))
    engine.dispose()


def _clone(url: str, instance: Path, requests: int) -> None:
    """Add ``requests`` requests (and complaints, events, files, mail, audit) copied from the demo."""
    os.environ["PORTAL_INSTANCE_PATH"] = str(instance)
    from portal import create_app
    from portal.audit.chain import row_hash
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    tables = db.metadata.tables
    with app.app_context(), db.engine.begin() as conn:
        def rows(name, **where):
            query = select(tables[name]).filter_by(**where)
            return [dict(row._mapping) for row in conn.execute(query)]

        request = rows("matters", kind="request")[0]
        complaint = rows("matters", kind="complaint")[0]
        details = {"request": rows("disclosure_requests", matter_id=request["id"])[0],
                   "complaint": rows("complaints", matter_id=complaint["id"])[0]}
        events = {"request": rows("matter_events", matter_id=request["id"]),
                  "complaint": rows("matter_events", matter_id=complaint["id"])}
        head = rows("audit_chain_head")[0]
        seq, prev = head["seq"], head["hash"]
        next_id = {name: (conn.scalar(select(func.max(tables[name].c.id))) or 0) + 1
                   for name in ("matters", "matter_events", "attachments", "outbox_messages", "audit_events")}
        batch: dict[str, list[dict]] = {}

        def add(name, row):
            batch.setdefault(name, []).append(row)

        def flush():
            for name in ("matters", "disclosure_requests", "complaints", "matter_events", "attachments",
                         "outbox_messages", "audit_events"):
                if batch.get(name):
                    conn.execute(insert(tables[name]), batch[name])
            batch.clear()

        for number in range(1, requests + requests // 5 + 1):
            kind = "request" if number <= requests else "complaint"
            template = request if kind == "request" else complaint
            matter_id = next_id["matters"]
            next_id["matters"] += 1
            received = template["received_on"] - timedelta(days=number % 1000)
            add("matters", {**template, "id": matter_id, "received_on": received,
                            "due_on": template["due_on"] and template["due_on"] - timedelta(days=number % 1000),
                            "tracking_no": f"{'GK' if kind == 'request' else 'TS'}-2023-{number:07d}",
                            "submission_key": f"bench-{number}"})
            detail = {**details[kind], "matter_id": matter_id}
            if kind == "request":
                detail["description"] = f"{detail['description']}（第 {number} 件，{received:%Y年%m月}）"
            add("disclosure_requests" if kind == "request" else "complaints", detail)
            for event in events[kind]:
                add("matter_events", {**event, "id": next_id["matter_events"], "matter_id": matter_id})
                next_id["matter_events"] += 1
            if kind == "request" and number % 50 == 0:
                data = b"\x89PNG\r\n\x1a\n" + os.urandom(20 * 1024)
                add("attachments", {"id": next_id["attachments"], "matter_id": matter_id, "filename": "材料.png",
                                    "content_type": "image/png", "size": len(data), "from_office": False,
                                    "sha256": hashlib.sha256(data).hexdigest(), "data": data,
                                    "created_at": template["created_at"]})
                next_id["attachments"] += 1
            add("outbox_messages", {"id": next_id["outbox_messages"], "created_at": template["created_at"],
                                    "recipient": "applicant@example.com", "subject": f"受理回执 {number}",
                                    "body": "您的申请已收到。" * 8, "dedupe_key": f"bench-mail-{number}",
                                    "attempts": 0, "next_attempt_at": template["created_at"], "last_error": ""})
            next_id["outbox_messages"] += 1
            for action in ("request.filed", "request.assigned"):
                seq += 1
                event = SimpleNamespace(seq=seq, prev_hash=prev, created_at=template["created_at"], user_id=None,
                                        action=action, target_type="matter", target_id=str(matter_id),
                                        remote_addr="cli", detail={"n": number})
                event.hash = row_hash(event)
                add("audit_events", {**vars(event), "id": next_id["audit_events"]})
                next_id["audit_events"] += 1
                prev = event.hash
            if number % 2000 == 0:
                flush()
        flush()
        conn.execute(update(tables["audit_chain_head"]).values(seq=seq, hash=prev))
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
    with app.app_context():
        db.engine.dispose()


def _count(url: str) -> int:
    from portal import models  # noqa: F401  (registers every table)
    from portal.extensions import db

    engine = create_engine(url)
    with engine.connect() as conn:
        total = sum(conn.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables)
    engine.dispose()
    return total


def _baseline(backend: str, work: Path, url: str) -> tuple[float, float, int]:
    """Seconds to back up and restore with the database's own tools, and the backup's size."""
    if backend == "postgresql":
        dump = work / "base.dump"
        backup = _timed(["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "-Fc", "-f", str(dump), PG_NAMES[0]])
        _pg_admin(f"CREATE DATABASE {PG_NAMES[2]}")
        restore = _timed(["pg_restore", "-h", "127.0.0.1", "-U", "postgres", "-d", PG_NAMES[2], str(dump)])
        return backup, restore, dump.stat().st_size
    source, copy, packed = url.removeprefix("sqlite:///"), work / "copy.db", work / "base.db.gz"
    started = time.perf_counter()
    with sqlite3.connect(source) as src, contextlib.closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
    with copy.open("rb") as raw, gzip.open(packed, "wb", compresslevel=6) as out:
        shutil.copyfileobj(raw, out, 1024 * 1024)
    backup = time.perf_counter() - started
    copy.unlink()
    started = time.perf_counter()
    with gzip.open(packed, "rb") as raw, (work / "restored.db").open("wb") as out:
        shutil.copyfileobj(raw, out, 1024 * 1024)
    return backup, time.perf_counter() - started, packed.stat().st_size


def measure(backend: str, requests: int) -> dict:
    """One row of the table: build the data, then time portal and baseline on it."""
    work = Path(tempfile.mkdtemp(prefix="backup-bench-"))
    try:
        if backend == "postgresql":
            for name in PG_NAMES:
                _pg_admin(f"DROP DATABASE IF EXISTS {name}")
            _pg_admin(f"CREATE DATABASE {PG_NAMES[0]}")
            _pg_admin(f"CREATE DATABASE {PG_NAMES[1]}")
            source_url, target_url = f"{PG_SERVER}/{PG_NAMES[0]}", f"{PG_SERVER}/{PG_NAMES[1]}"
        else:
            source_url, target_url = f"sqlite:///{work / 'a' / 'portal.db'}", None
        subprocess.run([PORTAL, "init", "--demo"], env=_env(work / "a", source_url),
                       check=True, capture_output=True)
        started = time.perf_counter()
        if requests:
            _clone(source_url, work / "a", requests)
        generated = time.perf_counter() - started
        archive = work / "portal.tar.gz"
        backup, backup_work, _output, backup_rss = _portal(["backup", "-o", str(archive)], _env(work / "a", source_url))
        restore, restore_work, output, restore_rss = _portal(["restore", "--yes", str(archive)],
                                                             _env(work / "b", target_url))
        load = float(re.search(r"载入 ([\d.]+)", output).group(1))
        base_backup, base_restore, base_size = _baseline(backend, work, source_url)
        restored_url = target_url or f"sqlite:///{work / 'b' / 'portal.db'}"
        rows = _count(source_url)
        restored = _count(restored_url)  # every row, plus the restore's own backup.restore audit event
        assert restored == rows + 1, f"restored row count differs: {restored} restored, {rows} + 1 expected"
        return {"backend": backend, "requests": requests, "rows": rows, "generated": generated,
                "archive": archive.stat().st_size, "backup": backup, "restore": restore,
                "backup_work": backup_work, "restore_work": restore_work, "load": load,
                "backup_rss": backup_rss, "restore_rss": restore_rss,
                "base_size": base_size, "base_backup": base_backup, "base_restore": base_restore}
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if backend == "postgresql":
            for name in PG_NAMES:
                _pg_admin(f"DROP DATABASE IF EXISTS {name}")


def main() -> int:
    """Parse arguments, run every backend × size, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", default="0,100000", help="comma-separated extra request counts")
    parser.add_argument("--backend", default="sqlite,postgresql")
    args = parser.parse_args()
    results = []
    for backend in args.backend.split(","):
        for requests in (int(n) for n in args.requests.split(",")):
            print(f"… {backend}, {requests} extra requests (load {os.getloadavg()[0]:.1f})", file=sys.stderr)
            results.append(measure(backend, requests))
    print("| backend | extra requests | rows | archive MB | backup s (work) | baseline s | ratio "
          "| restore s (work; rows) | baseline s | ratio | baseline MB | peak RSS MB backup / restore |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        print(f"| {r['backend']} | {r['requests']:,} | {r['rows']:,} | {r['archive'] / 2**20:.1f} "
              f"| {r['backup']:.1f} ({r['backup_work']:.1f}) | {r['base_backup']:.1f} "
              f"| {r['backup'] / r['base_backup']:.1f} "
              f"| {r['restore']:.1f} ({r['restore_work']:.1f}; {r['load']:.1f}) | {r['base_restore']:.1f} "
              f"| {r['restore'] / r['base_restore']:.1f} | {r['base_size'] / 2**20:.1f} "
              f"| {r['backup_rss']:.0f} / {r['restore_rss']:.0f} |")
    print(f"\nload average at the end: {os.getloadavg()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
