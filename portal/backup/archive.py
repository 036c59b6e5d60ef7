"""The backup archive: one gzip-compressed tar file, written and read as a stream.

Why this format rather than ``pg_dump`` or a copy of the SQLite file:

- **Portable between databases.** Rows are JSON lines whose values are typed by the kind of
  their column (``date``, ``datetime``, ``decimal``, ``bytes``, ``json`` ...), so a SQLite demo
  can be restored into PostgreSQL and back; a dump or a ``.db`` copy only goes back into the
  engine it came from.
- **Streamed.** Each table is cut into chunks of at most :data:`CHUNK_ROWS` rows (or about
  :data:`CHUNK_BYTES`), so neither side holds a table in memory, whatever its size.
- **Checkable with ordinary tools.** ``tar tzf`` lists it; ``manifest.json`` holds the size and
  SHA-256 of every member and the row count of every table; an uploaded file is stored as its
  own member ``files/<sha256>`` (the same digest as ``attachments.sha256``).
- **Nothing else.** No ``SECRET_KEY``, no ``instance/`` files (the key, the demo passwords and
  the search index, which is rebuilt from the database).

Members, in this order::

    backup.json                 format, version, time, Alembic revision, tables and their columns
    files/<sha256>              the bytes of one value, just before the chunk that refers to it
    tables/<table>/<n>.jsonl    one JSON array per row, values in the column order of backup.json
    manifest.json               last: size and SHA-256 of every other member, rows and SHA-256 per table

The digests detect damage (a disk, a copy, a truncated transfer). An uploaded file edited with
the manifest recomputed is still refused: its content no longer hashes to its name, nor to the
SHA-256 its rows record (:mod:`portal.backup.contents`). Someone who rewrites the rows as well
is caught only by the archive's own SHA-256 (printed by ``portal backup``): keep it apart from
the archive.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import tarfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Integer, LargeBinary, Numeric, String, Time

from portal.backup.contents import ContentCheck

FORMAT = "portal-backup"
VERSION = 1
META = "backup.json"
MANIFEST = "manifest.json"
CHUNK_ROWS = 5000
CHUNK_BYTES = 8 * 1024 * 1024  # rows and files of one chunk: what either side holds in memory
MAX_MEMBER_BYTES = 512 * 1024 * 1024
_CHUNK_NAME = re.compile(r"tables/([a-z0-9_]+)/(\d{6})\.jsonl")
_FILE_NAME = re.compile(r"files/([0-9a-f]{64})")
_PLAIN = frozenset({"json", "bool", "int", "float", "str"})  # JSON values as they are


class ArchiveError(Exception):
    """The archive is damaged, incomplete or not a portal backup (message for the operator)."""


def column_kind(column: Column) -> str:
    """How values of ``column`` are written: one of the kinds :func:`decode` understands."""
    kind = column.type
    for sql_type, name in ((JSON, "json"), (LargeBinary, "bytes"), (DateTime, "datetime"),
                           (Date, "date"), (Time, "time"), (Boolean, "bool"), (Integer, "int"),
                           (Float, "float"), (Numeric, "decimal"), (String, "str")):
        if isinstance(kind, sql_type):
            return name
    raise TypeError(f"column {column.table.name}.{column.name} has a type the backup cannot write: {kind!r}")


def encode(kind: str, value: Any) -> Any:
    """``value`` as a JSON value (bytes are handled by the writer, as file references)."""
    if value is None or kind in _PLAIN:
        return value
    if kind in {"date", "datetime", "time"}:
        return value.isoformat()
    if kind == "decimal":
        return str(value)
    raise TypeError(f"cannot encode a {kind} value")


def decode(kind: str, value: Any, files: dict[str, bytes]) -> Any:
    """The Python value written by :func:`encode` (``files`` holds the bytes referred to)."""
    if value is None or kind in _PLAIN:
        return value
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    if kind == "decimal":
        return Decimal(value)
    if kind == "bytes":
        if value not in files:
            raise ArchiveError(f"备份文件不完整：缺少上传文件 files/{value}。")
        return files[value]
    raise ArchiveError(f"备份文件含有无法识别的数据类型 {kind}。")


class ArchiveWriter:
    """Writes members to a tar.gz stream and remembers their size and digest for the manifest."""

    def __init__(self, fileobj: IO[bytes], created: datetime) -> None:
        self.tar = tarfile.open(fileobj=fileobj, mode="w:gz", compresslevel=6)  # noqa: SIM115
        self.mtime = int(created.timestamp())
        self.members: dict[str, dict] = {}
        self.rows: dict[str, int] = {}
        self.table_digests: dict[str, str] = {}
        self.files = 0
        self.file_bytes = 0

    def add(self, name: str, data: bytes) -> None:
        """Add one member (a regular file, mode 0600, no owner names)."""
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), self.mtime, 0o600
        self.tar.addfile(info, io.BytesIO(data))
        self.members[name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    def add_json(self, name: str, value: dict) -> None:
        """Add ``value`` as a pretty-printed UTF-8 JSON member."""
        self.add(name, json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode())

    def write_table(self, name: str, kinds: list[str], rows: Iterable[tuple]) -> int:
        """Write every row of one table in chunks; returns the number of rows."""
        lines: list[bytes] = []
        size = count = chunk = 0
        in_chunk: set[str] = set()
        table_digest = hashlib.sha256()
        for row in rows:
            values = []
            for kind, value in zip(kinds, row, strict=True):
                if kind == "bytes" and value is not None:
                    digest = hashlib.sha256(value).hexdigest()
                    if digest not in in_chunk:
                        self.add(f"files/{digest}", bytes(value))
                        in_chunk.add(digest)
                        self.files += 1
                        self.file_bytes += len(value)
                        size += len(value)
                    values.append(digest)
                else:
                    values.append(encode(kind, value))
            lines.append(json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
            size += len(lines[-1])
            count += 1
            if len(lines) >= CHUNK_ROWS or size >= CHUNK_BYTES:
                chunk += 1
                table_digest.update(data := b"".join(lines))
                self.add(f"tables/{name}/{chunk:06d}.jsonl", data)
                lines, size, in_chunk = [], 0, set()
        if lines:
            table_digest.update(data := b"".join(lines))
            self.add(f"tables/{name}/{chunk + 1:06d}.jsonl", data)
        self.rows[name] = count
        self.table_digests[name] = table_digest.hexdigest()
        return count

    def finish(self, **extra: Any) -> None:
        """Write the manifest (last member) and close the tar stream."""
        self.add_json(MANIFEST, {"format": FORMAT, "version": VERSION, "members": self.members,
                                 "tables": self.rows, "table_sha256": self.table_digests, "files": self.files,
                                 "file_bytes": self.file_bytes, **extra})
        self.tar.close()


def _members(path) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
    """Each regular-file member of the archive with a reader, in order (a stream: no seeking)."""
    with gzip.open(path, "rb") as compressed, tarfile.open(fileobj=compressed, mode="r|") as tar:
        for info in tar:
            if not info.isfile():
                raise ArchiveError(f"备份文件含有非普通文件成员 {info.name}，不是本系统生成的备份。")
            if info.size > MAX_MEMBER_BYTES:
                raise ArchiveError(f"备份文件成员 {info.name} 过大（{info.size} 字节）。")
            reader = tar.extractfile(info)
            if reader is None:
                raise ArchiveError(f"备份文件成员 {info.name} 无法读取。")
            yield info, reader
        # tarfile stops quietly at a damaged header; reading to the end checks gzip's CRC.
        while compressed.read(1024 * 1024):
            pass


def _damaged(exc: Exception) -> ArchiveError:
    return ArchiveError(f"备份文件已损坏或不完整（{type(exc).__name__}: {exc}）。")


_READ_ERRORS = (tarfile.TarError, zlib.error, EOFError, OSError, UnicodeDecodeError, ValueError, KeyError)


def _read_member(reader: IO[bytes], keep: bool) -> tuple[str, int, bytes]:
    """Stream one member: its SHA-256, its line count and, when ``keep``, its bytes."""
    digest, newlines, kept = hashlib.sha256(), 0, b""
    while piece := reader.read(1024 * 1024):
        digest.update(piece)
        newlines += piece.count(b"\n")
        if keep:
            kept += piece
    return digest.hexdigest(), newlines, kept


class _Walk:
    """What :func:`verify` has read so far, member by member, in archive order."""

    def __init__(self, recorded: Mapping[str, tuple[str, str]]) -> None:
        self.recorded = recorded
        self.seen: dict[str, dict] = {}
        self.lines: dict[str, int] = {}
        self.meta: dict | None = None
        self.manifest: dict | None = None
        self.check: ContentCheck | None = None

    def member(self, info: tarfile.TarInfo, reader: IO[bytes]) -> None:
        """Check one member's place in the archive, then its content."""
        if self.manifest is not None:
            raise ArchiveError(f"备份文件在清单之后还有成员 {info.name}。")
        if not self.seen and info.name != META:
            raise ArchiveError("备份文件的第一个成员不是 backup.json：不是本系统生成的备份。")
        file_match, chunk_match = _FILE_NAME.fullmatch(info.name), _CHUNK_NAME.fullmatch(info.name)
        if info.name in self.seen and not file_match:  # a file is written again before each chunk using it
            raise ArchiveError(f"备份文件中成员 {info.name} 重复出现。")
        digest, newlines, kept = _read_member(reader, bool(chunk_match) or info.name in (META, MANIFEST))
        if info.name == MANIFEST:
            self.manifest = json.loads(kept)
            return
        self.seen[info.name] = {"size": info.size, "sha256": digest}
        if info.name == META:
            self.meta = json.loads(kept)
            _check_format(self.meta)
            self.check = ContentCheck(self.meta, self.recorded, ArchiveError)
        elif file_match and self.check is not None:
            self.check.file(file_match.group(1), digest)
        elif chunk_match and self.check is not None:
            table = chunk_match.group(1)
            self.lines[table] = self.lines.get(table, 0) + newlines
            self.check.chunk(table, kept)
        else:
            raise ArchiveError(f"备份文件含有无法识别的成员 {info.name}。")


def verify(path, recorded: Mapping[str, tuple[str, str]] | None = None) -> tuple[dict, dict]:
    """Read the whole archive once and check every digest; return (backup.json, manifest.json).

    Raises :class:`ArchiveError` when a member is damaged, missing, added or out of place, when a
    table's line count or digest differs from the manifest, and when the uploaded files do not
    match their names and the rows that refer to them (:class:`~portal.backup.contents.ContentCheck`;
    ``recorded`` maps a table to its (file column, SHA-256 column)). Touches no database.
    """
    walk = _Walk(recorded or {})
    try:
        for info, reader in _members(path):
            walk.member(info, reader)
    except ArchiveError:
        raise
    except _READ_ERRORS as exc:
        raise _damaged(exc) from exc
    if walk.meta is None or walk.manifest is None or walk.check is None:
        raise ArchiveError("备份文件已损坏或不完整：缺少 backup.json 或 manifest.json（可能在写入或复制时中断）。")
    _compare(walk.seen, walk.lines, walk.manifest)
    walk.check.finish(walk.manifest)
    return walk.meta, walk.manifest


def _check_format(meta: dict) -> None:
    if (meta.get("format"), meta.get("version")) != (FORMAT, VERSION):
        raise ArchiveError(f"不是本系统可以读取的备份格式（{meta.get('format')} {meta.get('version')}）。")


def _compare(seen: dict[str, dict], lines: dict[str, int], manifest: dict) -> None:
    listed = manifest.get("members", {})
    for name, actual in seen.items():
        if name not in listed:
            raise ArchiveError(f"备份文件成员 {name} 不在清单中。")
        if listed[name] != actual:
            raise ArchiveError(f"备份文件成员 {name} 的 SHA-256 校验不符：文件已损坏或被修改。")
    missing = sorted(set(listed) - set(seen))
    if missing:
        raise ArchiveError(f"备份文件缺少成员 {missing[0]}（共缺 {len(missing)} 个）。")
    for table, rows in manifest.get("tables", {}).items():
        if lines.get(table, 0) != rows:
            raise ArchiveError(f"表 {table} 的行数与清单不符（清单 {rows} 行，实际 {lines.get(table, 0)} 行）。")


def read_chunks(path, meta: dict, manifest: dict) -> Iterator[tuple[str, list[list[Any]]]]:
    """Yield (table, decoded rows) chunk by chunk, checking each member's digest again first.

    The second check guards against the file changing between :func:`verify` and the load;
    the caller's transaction is rolled back when it raises.
    """
    kinds = {table["name"]: [None if kind in _PLAIN else kind for _name, kind in table["columns"]]
             for table in meta["tables"]}
    listed = manifest["members"]
    files: dict[str, bytes] = {}
    try:
        for info, reader in _members(path):
            if info.name in (META, MANIFEST):
                continue
            data = reader.read()
            actual = hashlib.sha256(data).hexdigest()
            if listed.get(info.name, {}).get("sha256") != actual:
                raise ArchiveError(f"备份文件成员 {info.name} 在校验后发生了变化，已取消恢复。")
            if match := _FILE_NAME.fullmatch(info.name):
                if match.group(1) != actual:
                    raise ArchiveError(f"上传文件 {info.name} 的内容与它的 SHA-256 名称不符，已取消恢复。")
                files[match.group(1)] = data
                continue
            chunk = _CHUNK_NAME.fullmatch(info.name)
            if chunk is None:
                raise ArchiveError(f"备份中有无法识别的文件 {info.name}，已取消恢复。")
            table = chunk.group(1)
            table_kinds = kinds[table]
            rows = [[value if kind is None or value is None else decode(kind, value, files)
                     for kind, value in zip(table_kinds, json.loads(line), strict=True)]
                    for line in data.splitlines()]
            files.clear()
            yield table, rows
    except ArchiveError:
        raise
    except _READ_ERRORS as exc:
        raise _damaged(exc) from exc
