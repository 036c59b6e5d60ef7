"""Checking uploads by their content, never by their name.

A file is accepted only when its bytes are a PDF, JPEG or PNG and it parses whole as that type:
PDFs are refused when they carry scripts, launch actions or embedded files
(:mod:`portal.matters.upload_pdf`); images are decoded under a pixel limit and stored
re-encoded without metadata (:mod:`portal.matters.upload_images`). A refusal raises
:class:`FieldError` before anything is written, so a refused file leaves no trace.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.core.errors import FieldError
from portal.matters.upload_images import ImageRefused, clean_image
from portal.matters.upload_pdf import PdfRefused, check_pdf

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Leading bytes of each accepted format, and the type recorded for it.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
WRONG_TYPE = "只接受 PDF、JPEG 或 PNG 文件（按文件内容判断，改扩展名无效）。"


@dataclass(frozen=True)
class CheckedFile:
    """An accepted upload: a safe display name, its real type and its bytes as stored."""

    filename: str
    content_type: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The content type ``data`` claims to be by its first bytes (PDF, JPEG or PNG), or None."""
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def safe_filename(filename: str | None) -> str:
    """The last path part of ``filename``, printable and without characters files cannot hold."""
    base = (filename or "附件").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')[:120] or "附件"


def stored_bytes(content_type: str, data: bytes) -> bytes:
    """The bytes to keep for an upload of ``content_type``: a PDF as sent once checked, an
    image decoded and re-encoded. Raises ``PdfRefused`` or ``ImageRefused``."""
    if content_type == "application/pdf":
        check_pdf(data)
        return data
    return clean_image(data, content_type)


def check_upload(field_name: str, filename: str, data: bytes) -> CheckedFile:
    """Accept a safe PDF, JPEG or PNG of at most 10 MB, judged by its content; else FieldError."""
    if not data:
        raise FieldError(field_name, "上传的文件是空的。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise FieldError(field_name, "文件不能超过 10 MB。")
    content_type = sniff(data)
    if content_type is None:
        raise FieldError(field_name, WRONG_TYPE)
    try:
        stored = stored_bytes(content_type, data)
    except (PdfRefused, ImageRefused) as refusal:
        raise FieldError(field_name, str(refusal)) from refusal
    return CheckedFile(safe_filename(filename), content_type, stored)
