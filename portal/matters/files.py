"""Files of a matter: the office's reply attachments, and sending any file back safely."""

from __future__ import annotations

import hashlib

from flask import Response, abort

from portal.extensions import db
from portal.matters.models import Attachment, Matter
from portal.matters.uploads import CheckedFile

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def attach_file(matter: Matter, checked: CheckedFile, *, from_office: bool = False) -> Attachment:
    """Attach a file that passed :func:`portal.matters.uploads.check_upload` to ``matter``."""
    attachment = Attachment(filename=checked.filename, content_type=checked.content_type,
                            size=len(checked.data), sha256=hashlib.sha256(checked.data).hexdigest(),
                            data=checked.data, from_office=from_office)
    matter.attachments.append(attachment)
    db.session.flush()
    return attachment


def attach_office_file(matter: Matter, checked: CheckedFile) -> Attachment:
    """Attach a file the office sends with its reply (checked by content like any upload)."""
    return attach_file(matter, checked, from_office=True)


def office_files(matter: Matter) -> list[dict]:
    """The office's files as plain data for the applicant: a neutral name, type and size."""
    return [{"id": a.id, "label": f"答复附件 {index}（{EXTENSIONS[a.content_type].upper()}，"
                                  f"{max(1, a.size // 1024)} KB）"}
            for index, a in enumerate((a for a in matter.attachments if a.from_office), start=1)]


def send_attachment(matter: Matter, attachment_id: int, *, office_only: bool) -> Response:
    """The file as a download with its sniffed type; never rendered inline."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.matter_id != matter.id or (
            office_only and not attachment.from_office):
        abort(404)
    name = f"{matter.tracking_no}-{attachment.id}.{EXTENSIONS[attachment.content_type]}"
    return Response(attachment.data, mimetype=attachment.content_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
