"""The Whoosh index replica of one machine: one writer at a time, rebuilt when broken.

Writers (the after-commit hook of every worker, ``portal reindex``) take an exclusive
``fcntl`` lock on ``<index dir>.lock`` before touching the index, so several gunicorn workers
publishing at once queue up instead of corrupting it. The replica applies the change log
(:class:`portal.search.models.SearchChange`) in id order and remembers how far it got in
``replica-state.json`` inside the index folder. Ids whose transaction had not committed yet
when a later id was applied (PostgreSQL sequences are not commit-ordered) are kept as holes
and retried for :data:`HOLE_SECONDS`. A missing or unreadable index is rebuilt from the
database. Queries are answered by :mod:`portal.search.reading` (one open searcher per
process, vectorised ranking, result cache).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage

from portal.search.analysis import QueryTerms, chinese_analyzer
from portal.search.documents import all_documents, count_records, document_for, whoosh_fields
from portal.search.reading import BOOSTS, Hit, IndexReader, SearchResults, build_query

if TYPE_CHECKING:
    from portal.searchable import SearchDocument

log = logging.getLogger(__name__)
__all__ = ["BOOSTS", "Hit", "SearchIndex", "SearchResults", "build_query", "schema"]

HOLE_SECONDS = 600  # how long a skipped change id is waited for
STATE_FILE = "replica-state.json"
BULK_DOCUMENTS = 5000  # from this many documents a rebuild writes with two processes


def schema() -> Schema:
    """Fields of the index: type, id, title, body, category, url, dates."""
    return Schema(
        key=ID(unique=True, stored=True),
        type=ID(stored=True),
        doc_id=ID(stored=True),
        title=TEXT(analyzer=chinese_analyzer(), stored=True),
        title_pieces=KEYWORD(lowercase=True),
        initials=KEYWORD(lowercase=True, stored=True),
        body=TEXT(analyzer=chinese_analyzer(), stored=True),
        category=ID(stored=True),
        category_name=STORED,
        url=STORED,
        date=DATETIME(stored=True),
        visible_from=DATETIME,
    )


class SearchIndex:
    """This machine's index replica in ``directory``."""

    def __init__(self, directory: str | os.PathLike, engine) -> None:
        self.directory = Path(directory)
        self.lock_path = self.directory.with_name(self.directory.name + ".lock")
        self.engine = engine
        self.reader = IndexReader(self)

    # -- locking and opening ---------------------------------------------------------------

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the machine-wide writer lock (blocks until the current writer is done)."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with self.lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def open(self):
        """The Whoosh index; raises when it is missing or unreadable."""
        return whoosh_index.open_dir(str(self.directory))

    def open_for_search(self):
        """The Whoosh index for the long-lived searcher. Its files are read, not memory-mapped:
        their pages stay in the kernel's page cache, shared by every process, instead of
        counting in each worker's resident memory (the reader serialises the use of its
        searcher, as plain file reads need)."""
        return FileStorage(str(self.directory), supports_mmap=False).open_index()

    def healthy(self) -> bool:
        """True when the index opens and its state file reads."""
        # Whoosh leaves a corrupt file open when it fails: drop that warning with the handle.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                self.open().doc_count()
                self.read_state()
            except Exception:  # any failure to read means: rebuild
                return False
        return True

    # -- state -------------------------------------------------------------------------------

    def read_state(self) -> dict:
        """What the replica has applied: the last change id and the ids still missing (holes)."""
        data = json.loads((self.directory / STATE_FILE).read_text(encoding="utf-8"))
        return {"applied": int(data["applied"]),
                "holes": {int(k): float(v) for k, v in data.get("holes", {}).items()}}

    def _write_state(self, state: dict) -> None:
        temporary = self.directory / (STATE_FILE + ".tmp")
        temporary.write_text(json.dumps({"applied": state["applied"],
                                         "holes": {str(k): v for k, v in state["holes"].items()}}),
                             encoding="utf-8")
        os.replace(temporary, self.directory / STATE_FILE)

    # -- writing -------------------------------------------------------------------------------

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the whole index from the database; returns the number of documents."""
        with self.writing():
            return self._rebuild(progress)

    def _rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        from portal.search.models import SearchChange

        with Session(self.engine) as session:
            applied = session.scalar(select(func.max(SearchChange.id))) or 0
            count = self.build(all_documents(session), applied, progress, expected=count_records(session))
        log.info("search index rebuilt: %d documents", count)
        return count

    def build(self, documents: Iterable[SearchDocument], applied: int = 0,
              progress: Callable[[int], None] | None = None, expected: int = 0) -> int:
        """Write a new index of ``documents`` in place of the old one (caller holds the lock);
        ``applied`` is the last change-log id they reflect. From :data:`BULK_DOCUMENTS`
        ``expected`` documents on, two processes analyse them and each leaves its own segment
        (no final merge: the ranking reads any number of segments). Returns the number written."""
        if self.directory.exists():
            shutil.rmtree(self.directory)
        self.directory.mkdir(parents=True)
        ix = whoosh_index.create_in(str(self.directory), schema())
        bulk = expected >= BULK_DOCUMENTS and (os.cpu_count() or 1) > 1
        writer = ix.writer(procs=2, multisegment=True, limitmb=128) if bulk else ix.writer(limitmb=128)
        count = 0
        try:
            for document in documents:
                writer.add_document(**whoosh_fields(document))
                count += 1
                if progress is not None:
                    progress(1)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self._write_state({"applied": applied, "holes": {}})
        return count

    def sync(self) -> int:
        """Apply the change log to this replica (rebuilding it if broken); returns changes applied."""
        with self.writing():
            if not self.healthy():
                self._rebuild()
                return 0
            return self._apply_changes()

    def _apply_changes(self) -> int:
        from portal.search.models import SearchChange

        state = self.read_state()
        applied, holes = state["applied"], state["holes"]
        low = min([applied, *(hole - 1 for hole in holes)])
        with Session(self.engine) as session:
            rows = session.execute(
                select(SearchChange.id, SearchChange.doc_type, SearchChange.doc_id)
                .where(SearchChange.id > low).order_by(SearchChange.id)).all()
            todo = [row for row in rows if row.id > applied or row.id in holes]
            if not todo:
                return 0
            targets = list(dict.fromkeys((row.doc_type, row.doc_id) for row in todo))
            writer = self.open().writer(timeout=30.0)
            try:
                for doc_type, doc_id in targets:
                    document = document_for(session, doc_type, doc_id)
                    if document is None:
                        writer.delete_by_term("key", f"{doc_type}:{doc_id}")
                    else:
                        writer.update_document(**whoosh_fields(document))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
        seen = {row.id for row in rows}
        now = time.time()
        newest = max(applied, *(row.id for row in rows))
        kept = {hole: since for hole, since in holes.items()
                if hole not in seen and now - since < HOLE_SECONDS}
        kept.update({missing: now for missing in range(applied + 1, newest) if missing not in seen})
        self._write_state({"applied": newest, "holes": kept})
        return len(targets)

    # -- reading -------------------------------------------------------------------------------

    def search(self, terms: QueryTerms, *, doc_type: str = "", category: str = "", page: int = 1,
               per_page: int = 10, now: datetime | None = None) -> SearchResults:
        """One page of ranked results for ``terms`` among documents visible at ``now``."""
        return self.reader.search(terms, doc_type=doc_type, category=category, page=page, per_page=per_page,
                                  now=now)

    def warm(self, budget: int | None = None) -> int:
        """Open the index and decode its most read postings now, about ``budget`` bytes (by
        default :data:`portal.search.ranking.WARM_BYTES`; before workers fork)."""
        return self.reader.warm() if budget is None else self.reader.warm(budget)

    def clear_cache(self) -> None:
        """Forget this process's cached results."""
        self.reader.clear_cache()
