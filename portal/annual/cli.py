"""``portal annual-report YEAR``: print section 三 and its check, optionally write the CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from portal.annual.services import build, table_csv
from portal.annual.table import COLUMNS, ROWS


@click.command("annual-report")
@click.argument("year", type=int)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write section 三 to this CSV file.")
@with_appcontext
def annual_report_command(year: int, csv_path: Path | None) -> None:
    """Build the year's application table from the data and check 一 + 二 = (七) + 四."""
    table = build(year)
    click.echo("\t".join(["项目", *(label for _, label in COLUMNS)]))
    for key, label in ROWS:
        click.echo("\t".join([label, *(str(table.cells[key][col]) for col, _ in COLUMNS)]))
    if csv_path:
        csv_path.write_text(table_csv(table), encoding="utf-8")
    if table.balanced:
        click.echo("校验通过：一 + 二 = (七) + 四。")
    else:
        click.echo("校验不通过：一 + 二 ≠ (七) + 四。", err=True)
        sys.exit(1)
