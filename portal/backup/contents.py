"""What an archive holds, checked against itself: files against their names and the rows that record them.

The manifest's digests catch damage, but whoever edits an uploaded file can recompute the manifest
too. Every uploaded file, however, is named by its SHA-256 (``files/<sha256>``) and recorded by
the rows that refer to it (``attachments.sha256``), and those cannot all be changed consistently
without rewriting the rows themselves. :class:`ContentCheck` follows the members in archive order
and refuses (:class:`~portal.backup.archive.ArchiveError`, naming the first bad file) when

- a file's content does not hash to the SHA-256 it is named by;
- a row refers to a file that is not just before its chunk (the writer puts each file there);
- a row's recorded SHA-256 differs from the file it refers to;
- a file is there that no row of the next chunk refers to (an extra file);
- a table's digest, or the number of files, differs from the manifest.

Pure: it reads what it is given and touches no database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["ContentCheck"]


class ContentCheck:
    """Follows an archive's members in order; each method raises ``error`` on the first problem."""

    def __init__(self, meta: dict, recorded: Mapping[str, tuple[str, str]], error: type[Exception]) -> None:
        self.error = error
        self.columns: dict[str, list[str]] = {}
        self.kinds: dict[str, list[str]] = {}
        for table in meta.get("tables", []):
            self.columns[table["name"]] = [name for name, _kind in table["columns"]]
            self.kinds[table["name"]] = [kind for _name, kind in table["columns"]]
        self.recorded = dict(recorded)
        self.pending: dict[str, bool] = {}  # files since the last chunk -> referred to yet
        self.digests: dict[str, Any] = {}  # table -> running SHA-256 of its chunks
        self.rows: dict[str, int] = {}
        self.files = 0

    def file(self, named: str, actual: str) -> None:
        """A member ``files/<named>`` whose content hashes to ``actual``."""
        if named != actual:
            raise self.error(f"上传文件 files/{named} 的内容与它的 SHA-256 名称不符（实际内容的 SHA-256 为 {actual}）："
                             "文件已被修改或损坏，拒绝恢复。")
        self.pending.setdefault(named, False)
        self.files += 1

    def chunk(self, table: str, data: bytes) -> None:
        """A member ``tables/<table>/<n>.jsonl``: its rows may refer only to the files just before it."""
        columns = self.columns.get(table)
        if columns is None:
            raise self.error(f"备份文件含有 backup.json 未列出的表 {table}，拒绝恢复。")
        self.digests.setdefault(table, hashlib.sha256()).update(data)
        file_columns = [i for i, kind in enumerate(self.kinds[table]) if kind == "bytes"]
        pair = self.recorded.get(table)
        recorded = ((columns.index(pair[0]), columns.index(pair[1]))
                    if pair and pair[0] in columns and pair[1] in columns else None)
        if not file_columns:  # nothing to cross-check: the loader parses these rows anyway
            self.rows[table] = self.rows.get(table, 0) + data.count(b"\n")
            self._no_extra_files()
            return
        for line in data.splitlines():
            row = json.loads(line)
            number = self.rows[table] = self.rows.get(table, 0) + 1
            if not isinstance(row, list) or len(row) != len(columns):
                raise self.error(f"表 {table} 第 {number} 行的列数与 backup.json 不符：备份已损坏，拒绝恢复。")
            for index in file_columns:
                reference = row[index]
                if reference is None:
                    continue
                if reference not in self.pending:
                    raise self.error(f"表 {table} 第 {number} 行{self._key(table, row)}引用的上传文件 "
                                     f"files/{reference} 不在备份中，拒绝恢复。")
                self.pending[reference] = True
            if recorded and row[recorded[0]] is not None and row[recorded[1]] != row[recorded[0]]:
                raise self.error(f"表 {table} 第 {number} 行{self._key(table, row)}记录的 SHA-256"
                                 f"（{row[recorded[1]]}）与它引用的上传文件 files/{row[recorded[0]]} 不符："
                                 "记录或文件已被修改，拒绝恢复。")
        self._no_extra_files()

    def finish(self, manifest: dict) -> None:
        """After the last member: no file left over, and the tables and files agree with the manifest."""
        self._no_extra_files()
        for table, expected in manifest.get("table_sha256", {}).items():
            actual = self.digests[table].hexdigest() if table in self.digests else hashlib.sha256().hexdigest()
            if actual != expected:
                raise self.error(f"表 {table} 的 SHA-256 与清单不符：数据已被修改，拒绝恢复。")
        if "files" in manifest and manifest["files"] != self.files:
            raise self.error(f"上传文件的个数与清单不符（清单 {manifest['files']} 个，实际 {self.files} 个），"
                             "拒绝恢复。")

    def _no_extra_files(self) -> None:
        extra = [digest for digest, used in self.pending.items() if not used]
        if extra:
            raise self.error(f"备份中的上传文件 files/{extra[0]} 没有任何记录引用它（多出 {len(extra)} 个文件），"
                             "拒绝恢复。")
        self.pending = {}

    def _key(self, table: str, row: list) -> str:
        return f"（id={row[0]}）" if self.columns[table][:1] == ["id"] else ""
