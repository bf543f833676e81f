"""Small, valid PDF files written byte by byte (one page, a few lines of Helvetica).

Used for the demo catalogue's documents (standard terms, DPA, price list) and by the tests.
"""
from __future__ import annotations

from typing import Sequence


def _escape(text: str) -> bytes:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")


def make_pdf(text: str | Sequence[str] = "Testdokument", *, min_size: int = 0, title: str = "") -> bytes:
    """A one-page PDF 1.4 with *text* (a line or a list of lines, the first as a heading); padded with a
    comment stream to at least *min_size* bytes. *title* goes into the document information."""
    lines = [text] if isinstance(text, str) else list(text)
    parts = [b"BT /F1 18 Tf 72 720 Td (" + _escape(lines[0] if lines else "") + b") Tj"]
    if len(lines) > 1:
        parts.append(b"/F1 11 Tf 0 -28 Td 15 TL")
        parts += [b"(" + _escape(line) + b") Tj T*" for line in lines[1:]]
    page_stream = b" ".join(parts) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(page_stream) + page_stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    info = None
    if title:
        objects.append(b"<< /Title (" + _escape(title) + b") >>")
        info = len(objects)
    if min_size:
        padding = b"%" + b"x" * 78 + b"\n"
        filler = padding * (min_size // len(padding) + 1)
        objects.append(b"<< /Length %d >>\nstream\n" % len(filler) + filler + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1) + (b" /Info %d 0 R" % info if info else b"") + b" >>"
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
