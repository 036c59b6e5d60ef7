"""The publication preview: before publishing, staff see exactly what the public will read.

Any staff form that publishes text (a complaint's reply or summary, a disclosure reply, a notice)
can send its text here with a second button (``formaction`` with ``?field=<the field's name>``);
the preview can also be used on its own. It shows the public version, every span the detector
will mask (with what the public sees instead), the spans kept public and withheld, each with its
reason, and how to add or remove a span.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from portal.auth.access import staff_required
from portal.withholding.forms import MAX_PREVIEW_LENGTH, PreviewForm
from portal.withholding.preview import Preview, build_preview, keep_reasons, withhold_reasons

bp = Blueprint("withholding_staff", __name__, url_prefix="/staff/preview")


def _text_from_another_form(form: PreviewForm) -> None:
    """Take the text from the publishing form that posted here (its field named in ``?field=``)."""
    source = request.args.get("field", "")
    if request.method == "POST" and source and "text" not in request.form:
        form.text.data = request.form.get(source, "")


@bp.route("/", methods=["GET", "POST"])
@staff_required
def preview():
    """The text as the public will see it, and every masked, kept and withheld span."""
    form = PreviewForm()
    _text_from_another_form(form)
    if request.method == "GET":
        return _page(form, None)
    text = form.text.data or ""
    if not text.strip():
        form.text.errors = ["请填写要预览的文字。"]
    elif len(text) > MAX_PREVIEW_LENGTH:
        form.text.errors = [f"预览的文字不能超过 {MAX_PREVIEW_LENGTH} 字。"]
    if form.text.errors:
        return _page(form, None), 422
    result = build_preview(text)
    return _page(form, result), 422 if result.error else 200


def _page(form: PreviewForm, result: Preview | None) -> str:
    return render_template("withholding/preview.html", form=form, result=result,
                           keep_reasons=keep_reasons(), withhold_reasons=withhold_reasons())
