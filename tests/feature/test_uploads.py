"""Uploads are judged by what they are inside: active PDFs, image bombs, disguised and broken
files are refused with a Chinese message and leave nothing behind; photos lose their metadata."""

import io
from html import unescape

import pytest
from PIL import Image

from portal.matters.models import Attachment, Matter
from tests import upload_samples as samples
from tests.feature.test_requests import count, submit

REFUSED = [
    ("a script run on opening", samples.pdf_with_open_action_script, "evidence.pdf", "脚本（JavaScript）"),
    ("a script behind #xx escapes", samples.pdf_with_escaped_script_names, "evidence.pdf", "脚本（JavaScript）"),
    ("a script in an object stream", samples.pdf_with_script_in_object_stream, "evidence.pdf",
     "脚本（JavaScript）"),
    ("an embedded file", samples.pdf_with_embedded_file, "evidence.pdf", "嵌入的文件"),
    ("a launch action", samples.pdf_with_launch_annotation, "evidence.pdf", "启动外部程序的动作"),
    ("a zip named .pdf", samples.zip_named_pdf, "evidence.pdf", "只接受 PDF、JPEG 或 PNG"),
    ("a zip behind a PDF header", lambda: b"%PDF-1.7\n" + samples.zip_named_pdf(), "evidence.pdf",
     "PDF 文件已损坏或不是真正的 PDF"),
    ("a PNG declaring 60000×60000 pixels", lambda: samples.png_declaring(60000, 60000), "photo.png",
     "图片像素过多"),
    ("a truncated JPEG", lambda: samples.image_bytes("JPEG", (400, 300))[:1500], "photo.jpg",
     "图片文件不完整或已损坏"),
    ("a truncated PNG", lambda: samples.image_bytes("PNG", (400, 300))[:600], "photo.png",
     "图片文件不完整或已损坏"),
]


def _stored(app) -> list[Attachment]:
    from sqlalchemy import select

    from portal.extensions import db

    with app.app_context():
        rows = list(db.session.scalars(select(Attachment)))
        db.session.expunge_all()
        return rows


@pytest.mark.parametrize(("what", "make", "name", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_hostile_or_broken_file_is_refused_and_nothing_is_stored(client, app, what, make, name, message):
    response, _data = submit(client, attachment=(io.BytesIO(make()), name))
    body = unescape(response.get_data(as_text=True))
    assert message in body, what
    assert "GK-" not in body  # no receipt
    assert "示例市示例路1号" in body  # the rest of the form is kept for a second try
    assert count(app, Matter) == 0 and count(app, Attachment) == 0


def test_a_plain_pdf_is_kept_as_sent(client, app):
    pdf = samples.plain_pdf()
    response, _data = submit(client, attachment=(io.BytesIO(pdf), "材料.pdf"))
    assert response.status_code == 200 and "GK-" in response.get_data(as_text=True)
    [stored] = _stored(app)
    assert (stored.content_type, stored.data) == ("application/pdf", pdf)


def test_a_photo_is_stored_without_its_gps_position_or_camera(client, app):
    photo = samples.jpeg_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)  # the upload does carry GPS
    response, _data = submit(client, attachment=(io.BytesIO(photo), "现场.jpg"))
    assert response.status_code == 200
    [stored] = _stored(app)
    kept = Image.open(io.BytesIO(stored.data))
    assert stored.content_type == "image/jpeg" and kept.format == "JPEG"
    assert kept.size == (120, 90)
    assert not kept.getexif() and "exif" not in kept.info
    assert b"PhoneMaker" not in stored.data and b"Exif" not in stored.data


def test_a_photo_taken_sideways_is_stored_upright():
    from PIL import ExifTags

    from portal.matters.uploads import check_upload

    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: show rotated by 90°
    checked = check_upload("attachment", "photo.jpg", samples.image_bytes("JPEG", (120, 90), exif=exif))
    assert Image.open(io.BytesIO(checked.data)).size == (90, 120)


def test_a_png_is_judged_by_content_whatever_its_name(client, app):
    response, _data = submit(client, attachment=(io.BytesIO(samples.image_bytes("PNG")), "photo.pdf"))
    assert response.status_code == 200
    [stored] = _stored(app)
    assert stored.content_type == "image/png" and Image.open(io.BytesIO(stored.data)).format == "PNG"
