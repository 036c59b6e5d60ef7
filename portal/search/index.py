"""The Whoosh index replica of one machine: one writer at a time, rebuilt when broken.

Writers (the after-commit hook of every worker, ``portal reindex``) take an exclusive
``fcntl`` lock on ``<index dir>.lock`` before touching the index, so several gunicorn workers
publishing at once queue up instead of corrupting it. The replica applies the change log
(:class:`portal.search.models.SearchChange`) in id order and remembers how far it got in
``replica-state.json`` inside the index folder. Ids whose transaction had not committed yet
when a later id was applied (PostgreSQL sequences are not commit-ordered) are kept as holes
and retried for :data:`HOLE_SECONDS`. A missing or unreadable index is rebuilt from the
database.
"""

from __future__ import annotations

import contextlib
import fcntl
import html
import json
import logging
import os
import shutil
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.highlight import ContextFragmenter, Formatter, Highlighter, WholeFragmenter, get_text
from whoosh.query import And, DateRange, Or, Term
from whoosh.sorting import FieldFacet

from portal.core.timefmt import utcnow
from portal.search.analysis import QueryTerms, chinese_analyzer

if TYPE_CHECKING:
    from portal.search.documents import SearchDocument

log = logging.getLogger(__name__)

HOLE_SECONDS = 600  # how long a skipped change id is waited for
STATE_FILE = "replica-state.json"
BOOSTS = {"title": 6.0, "body": 1.0, "synonym": 0.7, "initials": 8.0, "pieces": 1.5}


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


class MarkFormatter(Formatter):
    """Highlights as ``<mark>``; every other character is HTML-escaped."""

    between = " … "

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        """One matched word, escaped, inside ``<mark>``."""
        return f"<mark>{html.escape(get_text(text, token, replace), quote=False)}</mark>"


@dataclass(frozen=True)
class Hit:
    """One result, safe to show: title and snippet are escaped HTML with ``<mark>`` only."""

    title: Markup
    snippet: Markup
    doc_type: str
    category: str
    category_name: str
    url: str
    score: float
    date: datetime | None


@dataclass(frozen=True)
class SearchResults:
    """One page of results with the per-type counts of the whole result set."""

    hits: list[Hit]
    total: int
    page: int
    pages: int
    type_counts: dict[str, int] = field(default_factory=dict)


class SearchIndex:
    """This machine's index replica in ``directory``."""

    def __init__(self, directory: str | os.PathLike, engine) -> None:
        self.directory = Path(directory)
        self.lock_path = self.directory.with_name(self.directory.name + ".lock")
        self.engine = engine

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

    def healthy(self) -> bool:
        """True when the index opens and its state file reads."""
        # Whoosh leaves a corrupt file open when it fails: drop that warning with the handle.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                self.open().doc_count()
                self._read_state()
            except Exception:  # any failure to read means: rebuild
                return False
        return True

    # -- state -------------------------------------------------------------------------------

    def _read_state(self) -> dict:
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
        from portal.search.documents import all_documents
        from portal.search.models import SearchChange

        with Session(self.engine) as session:
            applied = session.scalar(select(func.max(SearchChange.id))) or 0
            count = self.build(all_documents(session), applied, progress)
        log.info("search index rebuilt: %d documents", count)
        return count

    def build(self, documents: Iterable[SearchDocument], applied: int = 0,
              progress: Callable[[int], None] | None = None) -> int:
        """Write a new index of ``documents`` in place of the old one (caller holds the lock);
        ``applied`` is the last change-log id they reflect. Returns the number of documents."""
        if self.directory.exists():
            shutil.rmtree(self.directory)
        self.directory.mkdir(parents=True)
        ix = whoosh_index.create_in(str(self.directory), schema())
        writer = ix.writer(limitmb=128)
        count = 0
        try:
            for document in documents:
                writer.add_document(**document.fields())
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
        from portal.search.documents import document_for
        from portal.search.models import SearchChange

        state = self._read_state()
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
                        writer.update_document(**document.fields())
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

    def _reader(self):
        if self.healthy():
            return self.open()
        log.warning("search index missing or unreadable; rebuilding from the database")
        self.sync()
        return self.open()

    def search(self, terms: QueryTerms, *, doc_type: str = "", category: str = "", page: int = 1,
               per_page: int = 10, now: datetime | None = None) -> SearchResults:
        """One page of ranked results for ``terms`` among documents visible at ``now``."""
        if terms.empty:
            return SearchResults([], 0, 1, 0)
        query = build_query(terms)
        visible = DateRange("visible_from", None, now or utcnow())
        narrowed = [visible]
        if doc_type:
            narrowed.append(Term("type", doc_type))
        if category:
            narrowed.append(Term("category", category))
        ix = self._reader()
        with ix.searcher() as searcher:
            grouped = searcher.search(query, filter=visible, groupedby=FieldFacet("type"), limit=1)
            type_counts = {name: len(docs) for name, docs in grouped.groups("type").items()}
            page = max(1, page)
            results = searcher.search_page(query, page, pagelen=per_page, filter=And(narrowed))
            pages = (results.total + per_page - 1) // per_page
            hits = [_hit(hit) for hit in results] if page <= max(pages, 1) else []
            return SearchResults(hits, results.total, page, pages, type_counts)


def build_query(terms: QueryTerms):
    """OR of every term over title and body (title weighs more), synonyms weigh less, plus
    pinyin initials and title bigrams."""
    clauses = []
    for words, weight in ((terms.words, 1.0), (terms.synonyms, BOOSTS["synonym"])):
        for word in words:
            clauses.append(Term("title", word, boost=BOOSTS["title"] * weight))
            clauses.append(Term("body", word, boost=BOOSTS["body"] * weight))
    clauses.extend(Term("initials", letters, boost=BOOSTS["initials"]) for letters in terms.letters)
    clauses.extend(Term("title_pieces", piece, boost=BOOSTS["pieces"]) for piece in terms.pieces)
    return Or(clauses)


_BODY_HIGHLIGHTER = Highlighter(fragmenter=ContextFragmenter(maxchars=140, surround=45),
                                formatter=MarkFormatter())
_TITLE_HIGHLIGHTER = Highlighter(fragmenter=WholeFragmenter(), formatter=MarkFormatter())


def _hit(hit) -> Hit:
    title = _TITLE_HIGHLIGHTER.highlight_hit(hit, "title", top=1) or html.escape(hit["title"], quote=False)
    snippet = _BODY_HIGHLIGHTER.highlight_hit(hit, "body", top=2)
    if not snippet:
        body = hit.get("body", "")
        snippet = html.escape(body[:120] + ("…" if len(body) > 120 else ""), quote=False)
    return Hit(title=Markup(title), snippet=Markup(snippet), doc_type=hit["type"],  # noqa: S704
               category=hit.get("category", ""), category_name=hit.get("category_name", ""),
               url=hit["url"], score=round(float(hit.score), 4), date=hit.get("date"))
