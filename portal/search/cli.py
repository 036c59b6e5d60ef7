"""``portal reindex``: rebuild this machine's search index from the database."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database (with a progress bar)."""
    from portal.search.analysis import jieba_module
    from portal.search.documents import count_records
    from portal.search.services import search_index

    jieba_module()
    index = search_index()
    with Session(index.engine) as session:
        total = count_records(session)
    with click.progressbar(length=total, label="重建搜索索引") as bar:
        count = index.rebuild(progress=bar.update)
    click.echo(f"搜索索引已重建：{count} 篇公开文档（{index.directory}）。")
