"""Restoring an archive: every check first, then one all-or-nothing transaction, then the
search index rebuilt and the audit chain verified.

Order of work: (1) read the whole archive and check every SHA-256 and row count, each uploaded
file against the SHA-256 it is named by and the one its rows record, touching no database;
(2) refuse an archive from another Alembic revision, or whose tables and columns differ from this
program's; (3) refuse a target that holds data unless ``replace``; (4) create the schema through
the migrations when the target has no tables at all; (5) in one transaction (PostgreSQL: every
table locked) delete the old rows if replacing, insert every row in foreign-key order, reset the
PostgreSQL sequences to ``max(id)`` and raise the content generation (cached public pages of
every machine go stale); any error rolls it all back; (6) after the commit, rebuild this
machine's search index and verify the audit chain, then append the restore's own audit event.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import Connection, Table, bindparam, func, select, text, update
from sqlalchemy.exc import DBAPIError

from portal.audit.chain import Verdict, verify
from portal.audit.services import record
from portal.backup import archive
from portal.backup.services import (
    BackupError,
    TargetState,
    column_kind,
    head_revision,
    recorded_digests,
    tables,
    tables_with_rows,
    target_state,
)
from portal.extensions import db
from portal.public_content import raise_generation


@dataclass
class RestorePlan:
    """A checked archive and the state of the database it would go into."""

    path: Path
    meta: dict
    manifest: dict
    target: TargetState

    @property
    def total_rows(self) -> int:
        """Rows in the archive, all tables together."""
        return sum(self.manifest["tables"].values())


@dataclass
class RestoreReport:
    """What ``execute_restore`` did."""

    rows: dict[str, int]
    files: int
    created_schema: bool
    replaced: bool
    search_documents: int
    audit: Verdict
    seconds: float
    phases: dict[str, float]  # seconds spent loading rows, rebuilding the index, verifying the chain


def plan_restore(path: Path) -> RestorePlan:
    """Check the archive and the target without writing anything; raise BackupError if refused."""
    meta, manifest = archive.verify(path, recorded_digests())
    head, revision = head_revision(), meta.get("alembic_revision")
    if revision != head:
        raise BackupError(f"版本不符，拒绝恢复：备份的数据库结构版本是 {revision}，本程序的版本是 {head}。"
                          "请用与备份时相同版本的程序恢复，恢复后再执行 portal db upgrade 升级。")
    _check_tables(meta, manifest)
    state = target_state()
    if state.has_schema and state.revision != head:
        raise BackupError(f"目标数据库的结构版本是 {state.revision or '（无记录）'}，与本程序的 {head} 不同；"
                          "请先执行 portal db upgrade（或换一个空数据库）。")
    return RestorePlan(Path(path), meta, manifest, state)


def _check_tables(meta: dict, manifest: dict) -> None:
    ours = {t.name: [[c.name, column_kind(c)] for c in t.columns] for t in tables()}
    theirs = {t["name"]: t["columns"] for t in meta["tables"]}
    if set(ours) != set(theirs) or set(manifest.get("tables", {})) != set(theirs):
        different = sorted(set(ours) ^ set(theirs)) or ["manifest.json"]
        raise BackupError(f"备份中的表与本程序不一致（{', '.join(different)}），拒绝恢复。")
    for name, columns in ours.items():
        if theirs[name] != columns:
            raise BackupError(f"备份中表 {name} 的列与本程序不一致，拒绝恢复。")
    position = {t["name"]: i for i, t in enumerate(meta["tables"])}
    for table in tables():
        for fk in table.foreign_keys:
            if fk.column.table is not table and position[fk.column.table.name] > position[table.name]:
                raise BackupError(f"备份中表的顺序有误（{table.name} 在 {fk.column.table.name} 之前）。")


def refusal_for_data(state: TargetState) -> str:
    """The message shown when the target already holds data."""
    shown = "、".join(state.tables_with_rows[:5]) + ("等" if len(state.tables_with_rows) > 5 else "")
    return (f"目标数据库中已有数据（{shown} 共 {len(state.tables_with_rows)} 张表），拒绝恢复。"
            "请换一个空数据库；确需用备份替换现有全部数据时，加 --replace 并确认。")


def execute_restore(plan: RestorePlan, *, replace: bool = False) -> RestoreReport:
    """Load the archive of ``plan`` (all or nothing), then rebuild the index and verify the audit chain."""
    started = time.monotonic()
    if plan.target.tables_with_rows and not replace:
        raise BackupError(refusal_for_data(plan.target))
    created_schema = not plan.target.has_schema
    if created_schema:
        upgrade()
    phases = {}
    try:
        rows = _load_all(plan, replace)
    except DBAPIError as exc:
        raise BackupError(_database_problem(exc.orig or exc)) from exc
    phases["load"] = time.monotonic() - started
    from portal.search.services import rebuild

    documents = rebuild()
    phases["index"] = time.monotonic() - started - phases["load"]
    verdict = verify()
    # The restore itself goes on the record, at the end of the chain it has just checked.
    record("backup.restore", user_id=None, target_type="backup", target_id=plan.path.name,
           detail={"rows": sum(rows.values()), "files": plan.manifest.get("files", 0),
                   "replaced": replace, "chain_ok": verdict.ok})
    db.session.commit()
    db.session.remove()
    seconds = time.monotonic() - started
    phases["audit"] = seconds - phases["load"] - phases["index"]
    return RestoreReport(rows, plan.manifest.get("files", 0), created_schema, replace, documents,
                         verdict, seconds, phases)


def _load(conn: Connection, plan: RestorePlan) -> dict[str, int]:
    by_name = {t.name: t for t in tables()}
    columns = {t["name"]: [name for name, _kind in t["columns"]] for t in plan.meta["tables"]}
    counts = dict.fromkeys(by_name, 0)
    later: dict[tuple[str, str], list[dict]] = {}  # self-references, set once the table is in
    for name, rows in archive.read_chunks(plan.path, plan.meta, plan.manifest):
        table = by_name[name]
        records = [dict(zip(columns[name], row, strict=True)) for row in rows]
        pk = list(table.primary_key.columns)
        for fk in table.foreign_keys:
            if fk.column.table is table and fk.parent.nullable and len(pk) == 1:
                for record in records:
                    if record[fk.parent.name] is not None:
                        later.setdefault((name, fk.parent.name), []).append(
                            {"_key": record[pk[0].name], "_value": record[fk.parent.name]})
                        record[fk.parent.name] = None
        _insert(conn, table, columns[name], records)
        counts[name] += len(records)
    for (name, column), values in later.items():
        table = by_name[name]
        key = next(iter(table.primary_key.columns))
        conn.execute(update(table).where(key == bindparam("_key")).values({column: bindparam("_value")}),
                     values)
    if counts != plan.manifest["tables"]:
        raise BackupError("恢复的行数与备份清单不符。")
    return counts


def _insert(conn: Connection, table: Table, columns: list[str], records: list[dict]) -> None:
    """Insert one chunk: PostgreSQL's COPY (several times faster than INSERT), else executemany."""
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), records)
        return
    import psycopg
    from psycopg import sql

    json_columns = {c.name for c in table.columns if column_kind(c) == "json"}
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in columns))
    driver = conn.connection.driver_connection
    if not isinstance(driver, psycopg.Connection):
        raise TypeError("COPY needs the psycopg driver")
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for record in records:
                copy.write_row([json.dumps(record[c]) if c in json_columns else record[c] for c in columns])
    except psycopg.Error as exc:
        raise BackupError(_database_problem(exc)) from exc


def _database_problem(exc: BaseException) -> str:
    return f"写入数据库时出错（{str(exc).splitlines()[0]}）。"


def _reset_sequences(conn: Connection) -> None:
    """Set each serial/identity sequence to the table's max(id), so new rows get fresh ids."""
    for table in tables():
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = conn.scalar(select(func.pg_get_serial_sequence(table.name, column.name)))
        if sequence:
            highest = select(func.max(column)).scalar_subquery()
            conn.execute(select(func.setval(sequence, func.coalesce(highest, 1), highest.is_not(None))))


def _load_all(plan: RestorePlan, replace: bool) -> dict[str, int]:
    """The one transaction: lock, check emptiness, delete if replacing, insert, reset sequences."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(conn.dialect.identifier_preparer.format_table(t) for t in tables())
            conn.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))
        present = tables_with_rows(conn)
        if present and not replace:
            raise BackupError(refusal_for_data(TargetState(True, plan.target.revision, present)))
        if replace:
            for table in reversed(tables()):
                conn.execute(table.delete())
        rows = _load(conn, plan)
        raise_generation(conn)  # cached public pages of every machine are stale now
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)
    return rows
