"""Taking a consistent snapshot into an archive, and loading an archive into an empty database.

Consistency: on PostgreSQL every table is read inside one ``SERIALIZABLE READ ONLY DEFERRABLE``
transaction (one snapshot, no serialization failures, writers never blocked). On SQLite the
database file is first copied with SQLite's online backup API (a page copy: writers wait only
for that copy, not for the slower encoding) into a private temporary file, which is then read.

Uploaded files (attachments and evidence, :mod:`portal.matters.files`) live in the
``attachments.data`` column, not on disk, so they travel with their rows; the archive stores
each one as its own member (see :mod:`portal.backup.archive`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Table, create_engine, inspect, literal, select, text

from portal.backup.archive import FORMAT, META, VERSION, ArchiveWriter, column_kind
from portal.config import MIGRATIONS_DIR
from portal.extensions import db


class BackupError(Exception):
    """The backup or restore was refused or failed; the message is for the operator (Chinese)."""


@dataclass
class BackupReport:
    """What ``create_backup`` wrote."""

    path: Path
    revision: str
    rows: dict[str, int]
    files: int
    file_bytes: int
    size: int
    sha256: str
    seconds: float


def tables() -> list[Table]:
    """Every table of the portal, in foreign-key order (a table after the ones it refers to).

    Tables marked ``info={"backup": False}`` (the content generation, which each database keeps
    for itself) are left out of archives and restores."""
    return [table for table in db.metadata.sorted_tables if table.info.get("backup", True)]


def recorded_digests() -> dict[str, tuple[str, str]]:
    """Tables whose rows record the SHA-256 of their one file column: ``{table: (file column, "sha256")}``."""
    found = {}
    for table in tables():
        files = [c.name for c in table.columns if column_kind(c) == "bytes"]
        if len(files) == 1 and "sha256" in table.columns:
            found[table.name] = (files[0], "sha256")
    return found


def head_revision() -> str:
    """The newest Alembic revision of this program's migrations."""

    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def database_revision(conn: Connection) -> str | None:
    """The Alembic revision recorded in the database, or None when it has none."""
    if "alembic_version" not in inspect(conn).get_table_names():
        return None
    return conn.scalar(text("SELECT version_num FROM alembic_version"))


def default_path(instance_path: str | os.PathLike, now: datetime | None = None) -> Path:
    """``instance/backups/portal-YYYYmmddTHHMMSSZ.tar.gz`` for the time ``now`` (UTC)."""
    now = now or datetime.now(UTC)
    return Path(instance_path) / "backups" / f"portal-{now:%Y%m%dT%H%M%SZ}.tar.gz"


@contextlib.contextmanager
def snapshot(engine: Engine, workdir: Path) -> Iterator[Connection]:
    """A connection that sees one consistent state of the whole database until it closes."""
    if engine.dialect.name == "sqlite":
        private = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=workdir))  # mode 0700
        copy_path = private / "snapshot.db"
        try:
            raw = engine.raw_connection()
            try:
                target = sqlite3.connect(copy_path)
                with contextlib.closing(target):
                    source = raw.driver_connection
                    if not isinstance(source, sqlite3.Connection):
                        raise TypeError("an SQLite snapshot needs the sqlite3 driver")
                    source.backup(target)
            finally:
                raw.close()
            copy = create_engine(f"sqlite:///{copy_path}")
            try:
                with copy.connect() as conn:
                    yield conn
            finally:
                copy.dispose()
        finally:
            shutil.rmtree(private, ignore_errors=True)
        return
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="SERIALIZABLE", postgresql_readonly=True,
                                      postgresql_deferrable=True)
        with conn.begin():
            yield conn


class _HashingFile:
    """A write-only file wrapper that computes the SHA-256 of everything written through it."""

    def __init__(self, handle) -> None:
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


def _write(conn: Connection, handle, created: datetime,
           after_table: Callable[[str], None] | None) -> tuple[ArchiveWriter, str]:
    revision = database_revision(conn)
    if revision is None:
        raise BackupError("数据库没有 Alembic 版本记录（alembic_version 表），无法确定结构版本；"
                          "请先执行 portal db upgrade 或 portal db stamp head。")
    if revision != head_revision():
        raise BackupError(f"数据库结构版本 {revision} 与本程序的版本 {head_revision()} 不一致；"
                          "请先执行 portal db upgrade 再备份。")
    writer = ArchiveWriter(handle, created)
    writer.add_json(META, {
        "format": FORMAT, "version": VERSION, "created_at": created.isoformat(),
        "alembic_revision": revision, "source_dialect": conn.dialect.name,
        "tables": [{"name": t.name, "columns": [[c.name, column_kind(c)] for c in t.columns]}
                   for t in tables()],
        "excluded": "SECRET_KEY 与 instance/ 下的文件（密钥、演示账号密码、搜索索引）不在备份中。"})
    streaming = conn.execution_options(yield_per=2000)
    for table in tables():
        result = streaming.execute(select(table).order_by(*table.primary_key.columns))
        writer.write_table(table.name, [column_kind(c) for c in table.columns], result)
        if after_table is not None:
            after_table(table.name)
    writer.finish(alembic_revision=revision)
    return writer, revision


def create_backup(output: Path, *, after_table: Callable[[str], None] | None = None) -> BackupReport:
    """Write a snapshot of the database (with the uploaded files) to ``output``, mode 0600.

    The archive is written as ``<output>.partial`` and renamed when complete, so an interrupted
    backup never looks like a good one. ``after_table`` (tests) runs after each table is read.
    """
    started = time.monotonic()
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} 已存在，不会覆盖；请换一个文件名。")
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    created = datetime.now(UTC).replace(microsecond=0)
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{partial} 已存在：另一个备份正在写入，或上次备份中断（确认后删除它）。") from None
    try:
        with os.fdopen(fd, "wb") as raw:
            hashing = _HashingFile(raw)
            with snapshot(db.engine, output.parent) as conn:
                writer, revision = _write(conn, hashing, created, after_table)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(output, revision, writer.rows, writer.files, writer.file_bytes, hashing.size,
                        hashing.digest.hexdigest(), time.monotonic() - started)


def tables_with_rows(conn: Connection) -> list[str]:
    """Names of the portal's tables that hold at least one row."""
    return [t.name for t in tables()
            if conn.execute(select(literal(1)).select_from(t).limit(1)).first() is not None]


@dataclass
class TargetState:
    """The database a restore would write to."""

    has_schema: bool
    revision: str | None
    tables_with_rows: list[str] = field(default_factory=list)


def target_state() -> TargetState:
    """Whether the target has the schema, at which revision, and which tables hold data."""
    with db.engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        present = {t.name for t in tables()} & names
        if not present:
            return TargetState(False, database_revision(conn))
        if present != {t.name for t in tables()}:
            missing = sorted({t.name for t in tables()} - present)
            raise BackupError(f"目标数据库的表不完整（缺少 {', '.join(missing)}）；请先执行 portal db upgrade。")
        return TargetState(True, database_revision(conn), tables_with_rows(conn))
