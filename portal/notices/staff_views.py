"""Back-office pages for notices: list, write, edit, publish or schedule, withdraw, history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.auth.access import department_choices, require_department, staff_required
from portal.core.classification import PUBLIC
from portal.core.errors import FieldError
from portal.core.timefmt import local_to_utc
from portal.core.withhold import EXEMPTIONS
from portal.disclose import disclose, viewer_of
from portal.extensions import db
from portal.notices.forms import ConfirmForm, NoticeForm, PublishForm
from portal.notices.models import Notice, NoticeStatus
from portal.notices.services import publish_notice, save_notice, withdraw_notice
from portal.withholding.services import marks_for

bp = Blueprint("notices_staff", __name__, url_prefix="/staff/notices")


def _notice_or_404(notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        abort(404)
    require_department(notice.department_id)
    return notice


@bp.route("/")
@staff_required
def index():
    """Notices of the user's department (all departments for supervisors)."""
    query = select(Notice).order_by(Notice.updated_at.desc())
    if not current_user.is_overseer:
        query = query.where(Notice.department_id == current_user.department_id)
    return render_template("notices/staff_index.html", notices=list(db.session.scalars(query)),
                           Status=NoticeStatus)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:notice_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(notice_id: int | None = None):
    """Write a new draft or edit a notice; each save is a new version."""
    notice = _notice_or_404(notice_id) if notice_id else None
    form = NoticeForm(obj=notice)
    form.department_id.choices = department_choices()
    if form.validate_on_submit():
        require_department(form.department_id.data)
        try:
            notice = save_notice(notice, title=form.title.data, kind=form.kind.data,
                                 body_md=form.body_md.data, department_id=form.department_id.data,
                                 review_due_on=form.review_due_on.data,
                                 author_id=current_user.id)
        except FieldError as exc:
            getattr(form, exc.field, form.title).errors.append(exc.message)
        else:
            flash("已保存。", "success")
            return redirect(url_for("notices_staff.show", notice_id=notice.id))
    elif form.is_submitted():
        flash("保存失败，请检查标出的字段。", "error")
    codes = "、".join(f"{code}={e.label}" for code, e in EXEMPTIONS.items())
    return render_template("notices/staff_edit.html", form=form, notice=notice,
                           exemption_codes=codes)


@bp.route("/<int:notice_id>")
@staff_required
def show(notice_id: int):
    """A notice as staff see it, with publish/withdraw actions and its versions."""
    notice = _notice_or_404(notice_id)
    return render_template("notices/staff_show.html", notice=notice, Status=NoticeStatus,
                           public_version=disclose(notice, PUBLIC),
                           staff_version=disclose(notice, viewer_of(current_user)),
                           marks=marks_for("notice", notice.id),
                           publish_form=PublishForm(), withdraw_form=ConfirmForm())


@bp.route("/<int:notice_id>/publish", methods=["POST"])
@staff_required
def publish(notice_id: int):
    """Publish now or schedule."""
    notice = _notice_or_404(notice_id)
    form = PublishForm()
    if not form.validate_on_submit():
        flash("定时发布时间格式不正确。", "error")
        return redirect(url_for("notices_staff.show", notice_id=notice.id))
    when = local_to_utc(form.publish_at.data) if form.publish_at.data else None
    publish_notice(notice, author_id=current_user.id, publish_at=when)
    flash("已定时发布。" if when else "已发布，公众现在可以看到。", "success")
    return redirect(url_for("notices_staff.show", notice_id=notice.id))


@bp.route("/<int:notice_id>/withdraw", methods=["POST"])
@staff_required
def withdraw(notice_id: int):
    """Withdraw a published notice."""
    notice = _notice_or_404(notice_id)
    if ConfirmForm().validate_on_submit():
        withdraw_notice(notice, author_id=current_user.id)
        flash("已撤回。", "success")
    return redirect(url_for("notices_staff.show", notice_id=notice.id))
