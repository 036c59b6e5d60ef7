"""Refusing PDFs that can act when opened: scripts, launch actions, embedded files.

The file is parsed with pypdf, which resolves cross-reference streams, object streams,
compressed streams and ``#xx`` escapes in names, so an obfuscated ``/J#61vaScript`` is seen as
``/JavaScript``. Every object reachable from the trailer (the catalogue, pages, annotations,
name trees, outlines, forms, document information) is walked; a forbidden name anywhere, as a
key or as a value, refuses the whole file.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

# Names that make a PDF run something, or carry another file, when it is opened.
ACTIVE_NAMES = {
    "/JS": "脚本（JavaScript）",
    "/JavaScript": "脚本（JavaScript）",
    "/Launch": "启动外部程序的动作",
    "/EmbeddedFile": "嵌入的文件",
    "/EmbeddedFiles": "嵌入的文件",
    "/RichMedia": "嵌入的多媒体内容",
    "/XFA": "动态表单（XFA）",
}
MAX_OBJECTS = 200_000  # a walk longer than this is refused rather than trusted


class PdfRefused(ValueError):
    """The PDF cannot be accepted; the message says why, in Chinese, for the uploader."""


def _children(value: PdfObject) -> Iterator[PdfObject]:
    """The values directly inside a dictionary (or stream dictionary) or an array."""
    if isinstance(value, DictionaryObject):
        yield from value.values()
    elif isinstance(value, ArrayObject):
        yield from value


def _forbidden(value: PdfObject) -> str | None:
    """The description of the active content ``value`` declares, if any."""
    if isinstance(value, NameObject) and str(value) in ACTIVE_NAMES:
        return ACTIVE_NAMES[str(value)]
    if isinstance(value, DictionaryObject):
        found = next((str(key) for key in value if str(key) in ACTIVE_NAMES), None)
        if found is not None:
            return ACTIVE_NAMES[found]
    return None


def _walk(reader: PdfReader) -> Iterator[PdfObject]:
    """Every object reachable from the trailer, each once (indirect references resolved)."""
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [reader.trailer]
    visited = 0
    while stack:
        value = stack.pop()
        if isinstance(value, IndirectObject):
            reference = (value.idnum, value.generation)
            if reference in seen:
                continue
            seen.add(reference)
            resolved = value.get_object()
            if resolved is None:  # a reference to an object that is not there
                continue
            value = resolved
        visited += 1
        if visited > MAX_OBJECTS:
            raise PdfRefused("PDF 文件结构过于复杂，无法检查，请另存为普通 PDF 后再上传。")
        yield value
        stack.extend(_children(value))


def check_pdf(data: bytes) -> None:
    """Raise :class:`PdfRefused` unless ``data`` parses as a PDF with no active content."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise PdfRefused("不接受加密或设有密码的 PDF 文件，请去除密码后再上传。")
        if len(reader.pages) == 0:
            raise PdfRefused("PDF 文件没有任何页面。")
        for value in _walk(reader):
            found = _forbidden(value)
            if found is not None:
                raise PdfRefused(f"PDF 文件含有{found}，出于安全考虑不予接收。"
                                 "请使用“打印为 PDF”另存一份不含这些内容的文件后再上传。")
    except PdfRefused:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on a damaged file
        raise PdfRefused("PDF 文件已损坏或不是真正的 PDF，无法打开。") from exc
