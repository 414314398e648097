"""Small real files for upload tests: a PDF that passes the structure checks of
`core.documents` (header, objects, cross-reference table, `startxref`, `%%EOF`)."""

from __future__ import annotations

OBJECTS = (
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
)


def _pdf(note: bytes, padding: int) -> bytes:
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n% " + note + b"\n"
    if padding:
        out += b"%" + b"0" * (padding - 2) + b"\n"
    offsets = []
    for number, body in enumerate(OBJECTS, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(OBJECTS) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(OBJECTS) + 1)
    return out + b"startxref\n%d\n%%%%EOF\n" % xref


def pdf_bytes(note: str = "test", *, size: int | None = None) -> bytes:
    """A one-page blank PDF, with a comment line `note`, padded to `size` bytes if given."""
    plain = _pdf(note.encode(), 0)
    if size is None or size == len(plain):
        return plain
    padding = size - len(plain)
    if padding < 2:
        raise ValueError(f"a PDF with this note takes at least {len(plain) + 2} bytes")
    data = _pdf(note.encode(), padding)
    # The `startxref` offset grew by the padding, and so may its digits: pad a little less.
    return _pdf(note.encode(), padding - (len(data) - size))
