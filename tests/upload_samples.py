"""Files made in code for upload tests: honest PDFs and images, and hostile ones.

PDFs are written byte by byte (with a correct cross-reference table or stream), so a test can
place a script where a real attacker would: the opening action, a name tree, an annotation, a
compressed object stream, behind ``#xx`` escapes in names.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import ExifTags, Image

CATALOG = b"<< /Type /Catalog /Pages 2 0 R %s>>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] %s>>"


def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF whose objects 1, 2 … are ``objects``, with a classic cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
    return bytes(out)


def plain_pdf(catalog_extra: bytes = b"", page_extra: bytes = b"", more: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF; ``catalog_extra``/``page_extra`` go into those dictionaries, ``more`` are
    objects 4, 5 … they may refer to."""
    return pdf_from_objects([CATALOG % catalog_extra, PAGES, PAGE % page_extra, *more])


def pdf_with_open_action_script() -> bytes:
    return plain_pdf(b"/OpenAction 4 0 R ", more=(b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>",))


def pdf_with_escaped_script_names() -> bytes:
    """``/J#61vaScript`` and ``/J#53`` are /JavaScript and /JS once the escapes are read."""
    return plain_pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.launchURL\\(1\\)) >> ")


def pdf_with_embedded_file() -> bytes:
    payload = b"MZ pretend executable"
    return plain_pdf(b"/Names << /EmbeddedFiles << /Names [(invoice.exe) 4 0 R] >> >> ", more=(
        b"<< /Type /Filespec /F (invoice.exe) /EF << /F 5 0 R >> >>",
        b"<< /Type /EmbeddedFile /Length %d >>\nstream\n%s\nendstream" % (len(payload), payload)))


def pdf_with_launch_annotation() -> bytes:
    return plain_pdf(page_extra=b"/Annots [4 0 R] ", more=(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 200 200] /A << /S /Launch /F (cmd.exe) >> >>",))


def pdf_with_script_in_object_stream() -> bytes:
    """The opening action lives, hex-escaped, inside a compressed object stream (PDF 1.5)."""
    action = b"<< /S /Jav#61Script /JS (app.alert\\(1\\)) >>"
    header = b"4 0 "
    packed = zlib.compress(header + action)
    objects = [CATALOG % b"/OpenAction 4 0 R ", PAGES, PAGE % b""]
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in enumerate(objects, start=1):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    offsets[5] = len(out)
    out += (b"5 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (len(header), len(packed)) + packed + b"\nendstream\nendobj\n")
    offsets[6] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in (1, 2, 3)]
    rows += [struct.pack(">BIH", 2, 5, 0), struct.pack(">BIH", 1, offsets[5], 0), struct.pack(">BIH", 1, offsets[6], 0)]
    table = b"".join(rows)
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
            + table + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


def zip_named_pdf() -> bytes:
    """A zip archive (what a .docx or a malware bundle is), to be sent as ``x.pdf``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.txt", "not a pdf")
    return buffer.getvalue()


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (64, 48), **save) -> bytes:
    """A small photo-like image (a gradient, so it does not compress to nothing)."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format=kind, **save)
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    """A JPEG whose EXIF holds the camera's make and a GPS position (北京天安门)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (39.0, 54.0, 27.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (116.0, 23.0, 29.0)
    return image_bytes("JPEG", (120, 90), exif=exif)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` pixels, with a few bytes of data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + _chunk(b"IEND", b""))
