"""Checking uploads by their content, never by their name."""

from __future__ import annotations

from dataclasses import dataclass

from portal.core.errors import FieldError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Leading bytes of each accepted format, and the type recorded for it.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


@dataclass(frozen=True)
class CheckedFile:
    """An accepted upload: a safe display name, its real type and its bytes."""

    filename: str
    content_type: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The content type ``data`` really is (PDF, JPEG or PNG), or None."""
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def check_upload(field_name: str, filename: str, data: bytes) -> CheckedFile:
    """Accept a PDF, JPEG or PNG of at most 10 MB, judged by its bytes; else FieldError."""
    if not data:
        raise FieldError(field_name, "上传的文件是空的。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise FieldError(field_name, "文件不能超过 10 MB。")
    content_type = sniff(data)
    if content_type is None:
        raise FieldError(field_name, "只接受 PDF、JPEG 或 PNG 文件（按文件内容判断，改扩展名无效）。")
    safe_name = "".join(ch for ch in (filename or "附件").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
                        if ch.isprintable() and ch not in '<>:"|?*')[:120] or "附件"
    return CheckedFile(safe_name, content_type, data)
