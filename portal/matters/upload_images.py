"""Photos and scans: decoded under a pixel limit and stored re-encoded, without metadata.

Re-encoding drops everything a camera or phone writes beside the pixels (EXIF with the GPS
position, the device, the time; XMP; comments). The orientation EXIF asked for is applied to
the pixels first, so the picture still stands the right way up.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

MAX_PIXELS = 40_000_000  # 40 megapixels: more than any phone camera, far below a memory bomb
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
JPEG_QUALITY = 90


class ImageRefused(ValueError):
    """The image cannot be accepted; the message says why, in Chinese, for the uploader."""


def _opened(data: bytes, content_type: str) -> Image.Image:
    """The image opened (header only) after checking its format and declared size."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[FORMATS[content_type]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused(_too_large()) from exc
    except Exception as exc:  # Pillow raises several kinds of errors on a damaged header
        raise ImageRefused("图片文件已损坏或格式与内容不符，无法打开。") from exc
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise ImageRefused(_too_large())
    return image


def _too_large() -> str:
    return f"图片像素过多（上限 {MAX_PIXELS // 1_000_000} 百万像素），请缩小后再上传。"


def _pixels_only(image: Image.Image, content_type: str) -> Image.Image:
    """The decoded, upright pixels in a mode the output format can store, with no metadata."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a damaged EXIF block only loses its orientation
            upright = ImageOps.exif_transpose(image)
    except Exception:  # an unreadable orientation: keep the pixels as stored
        upright = image
    wanted = ("RGB", "L", "CMYK") if content_type == "image/jpeg" else ("RGB", "RGBA", "L", "LA", "P", "1", "I;16")
    if upright.mode not in wanted:
        upright = upright.convert("RGBA" if "A" in upright.mode and content_type == "image/png" else "RGB")
    clean = upright.copy()
    clean.info = {}
    return clean


def _ends_whole(data: bytes, content_type: str) -> bool:
    # Pillow decodes a cut-off image without complaint when another library in the process (WeasyPrint
    # does) has switched on its tolerance for truncated files, so the end marker is checked here.
    if content_type == "image/jpeg":
        return data.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9")
    return b"IEND" in data[-64:]


def clean_image(data: bytes, content_type: str) -> bytes:
    """Decode ``data`` (JPEG or PNG) fully and return it re-encoded without metadata.

    Raises :class:`ImageRefused` when it is not a whole, decodable image of that type, or
    declares more than :data:`MAX_PIXELS` pixels.
    """
    image = _opened(data, content_type)
    try:
        if not _ends_whole(data, content_type):
            raise ValueError("no end marker")
        image.load()
    except Exception as exc:  # truncated or corrupt pixel data
        raise ImageRefused("图片文件不完整或已损坏，无法读取，请重新导出后上传。") from exc
    clean = _pixels_only(image, content_type)
    output = io.BytesIO()
    if content_type == "image/jpeg":
        clean.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        clean.save(output, format="PNG", optimize=True)
    return output.getvalue()
