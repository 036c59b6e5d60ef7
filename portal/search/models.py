"""The search change log: one row per write to an indexed record, in commit order.

Rows are written in the same transaction as the change (so a rolled-back write leaves no
row), and each machine's indexer applies them in id order to its own index replica: adding a
machine needs no shared disk, only the database. The log holds only (type, id): the indexer
re-reads the record and indexes what :func:`portal.disclose.disclose` gives the public.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.classification import INTERNAL_FIELD
from portal.core.timefmt import utcnow
from portal.extensions import Model


class SearchChange(Model):
    """A record of one indexed document that changed (or disappeared)."""

    __tablename__ = "search_changes"
    __table_args__ = (Index("ix_search_changes_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=INTERNAL_FIELD)
    doc_type: Mapped[str] = mapped_column(String(16), info=INTERNAL_FIELD)
    doc_id: Mapped[int] = mapped_column(info=INTERNAL_FIELD)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=INTERNAL_FIELD)
