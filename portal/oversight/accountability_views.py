"""The public accountability page: how promises were kept, per department."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.core.timefmt import local_today
from portal.matters.labels import KIND_LABELS
from portal.oversight.performance import accountability

bp = Blueprint("accountability", __name__)


@bp.route("/performance")
def performance():
    """On-time figures for the last 12 months, computed from the data."""
    return render_template("oversight/performance.html", figures=accountability(local_today()),
                           kinds=KIND_LABELS)
