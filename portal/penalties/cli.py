"""``portal penalties retire``: drop decisions past their retention period from the search index.

The public list and pages stop showing such a decision on their own (the queries compare the
decision date with the retention period); the search index is updated from its change log, so this
periodic command touches each expired record once to have it removed there too.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.audit.services import record
from portal.core.timefmt import local_today
from portal.extensions import db
from portal.penalties.queries import expired_in_search
from portal.penalties.services import retire_decision

penalties_cli = AppGroup("penalties", help="执法结果公开（行政处罚决定）")


@penalties_cli.command("retire")
def retire_command() -> None:
    """Take decisions past the retention period off the public list and out of search."""
    expired = expired_in_search(local_today())
    for decision in expired:
        retire_decision(decision)
    record("penalty.retire", user_id=None, target_type="penalty", target_id="",
           detail={"count": len(expired)})
    db.session.commit()
    click.echo(f"{len(expired)} 条行政处罚决定已超过公开期限，已移出公开列表和搜索。")
