"""Back-office pages for guides: list, edit (with validation) and version history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.auth.access import require_department, staff_required
from portal.catalog.forms import GuideForm
from portal.catalog.history import version_changes
from portal.catalog.queries import GuideFilter, filtered_guides, guide_by_slug, guide_versions
from portal.catalog.schema import parse_guide
from portal.catalog.services import save_guide
from portal.core.errors import FieldError

bp = Blueprint("catalog_staff", __name__, url_prefix="/staff/guides")

# Validator field names (``fees[2].amount``) mapped to the form field that shows the error.
def _form_field(form: GuideForm, field_name: str):
    root = field_name.split("[")[0].split(".")[0]
    aliases = {"statutory_limit": "statutory_days", "promised_limit": "promised_days"}
    return getattr(form, aliases.get(root, root), None)


@bp.route("/")
@staff_required
def index():
    """Every guide, with the ones this user may edit marked."""
    return render_template("catalog/staff_index.html", guides=filtered_guides(GuideFilter()))


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@staff_required
def edit(slug: str):
    """Edit a guide of the user's department; every save keeps the previous version."""
    guide = guide_by_slug(slug)
    if guide is None:
        abort(404)
    require_department(guide.department_id)
    form = GuideForm()
    if not form.is_submitted():
        form.load(guide)
    elif form.validate():
        try:
            data = parse_guide(form.to_raw(guide), form.body_md.data or "")
            _, changed = save_guide(data, source="staff", author_id=current_user.id)
        except FieldError as exc:
            target = _form_field(form, exc.field)
            message = f"{exc.field}：{exc.message}" if "[" in exc.field else exc.message
            if target is not None:
                target.errors = [*target.errors, message]
            flash("保存失败，请检查标出的字段。", "error")
        else:
            flash("已保存，新版本已生效。" if changed else "内容没有变化，未生成新版本。", "success")
            return redirect(url_for("catalog_staff.history", slug=slug))
    else:
        flash("保存失败，请检查标出的字段。", "error")
    return render_template("catalog/staff_edit.html", form=form, guide=guide)


@bp.route("/<slug>/history")
@staff_required
def history(slug: str):
    """Who changed the guide, when, which fields, and a line diff of each change."""
    guide = guide_by_slug(slug)
    if guide is None:
        abort(404)
    versions = guide_versions(guide)  # newest first
    changes = version_changes([v.snapshot for v in reversed(versions)])[::-1]
    return render_template("catalog/staff_history.html", guide=guide,
                           versions=list(zip(versions, changes, strict=True)))
