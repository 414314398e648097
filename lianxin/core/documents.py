"""What an uploaded document holds, checked before it is stored or opened, with the standard
library and olefile only: nothing here unpacks an archive or parses a PDF beyond a few bytes.

- An Office Open XML file (.docx, .xlsx, .pptx) is a zip. Its central directory says how many
  entries it has and how large each is once unpacked; a "zip bomb" is a small file that unpacks
  to gigabytes. Refused: more than `ZIP_MAX_ENTRIES` entries, more than `ZIP_MAX_UNPACKED`
  bytes in all, or over `ZIP_RATIO_FROM` bytes at more than `ZIP_MAX_RATIO` times the file's
  size, and an entry that is itself an archive (Office embeds workbooks in documents) larger
  than `ZIP_NESTED_MAX` or failing the same checks; archives nest `ZIP_MAX_DEPTH` deep at most.
- A PDF has its header in the first 1024 bytes, `startxref` and `%%EOF` in its last
  `PDF_TAIL` bytes and at least one object; its top (`PDF_TOP` bytes, up to its first stream)
  holds no web page (`<html`, `<script`…) and no program (`MZ` or `#!/` at a line's start, a
  DOS stub, an ELF header).
- A legacy Office file (.doc, .xls, .ppt) is an OLE2 compound file: olefile reads its header,
  sector tables and directory (not the document). It must hold the stream its format is made
  of (`OLE2_STREAMS`: WordDocument, Workbook or Book, PowerPoint Document) and no VBA project
  (a `Macros` or `_VBA_PROJECT_CUR` storage, a `VBA` storage or `_VBA_PROJECT` stream
  anywhere): a document with macros is refused, not stored.

Each check returns None when the file passes, or the reason as a code below.
"""

from __future__ import annotations

import io
import re
import zipfile

import olefile

NOT_A_ZIP = "not_a_zip"
UNSAFE_ARCHIVE = "unsafe_archive"
NOT_A_PDF = "not_a_pdf"
INVALID_PDF = "invalid_pdf"
UNSAFE_CONTENT = "unsafe_content"
NOT_OLE2 = "not_ole2"
INVALID_DOCUMENT = "invalid_document"
MACROS = "macros"

# The stream each legacy format is made of (Excel 5/95 called its stream Book).
OLE2_STREAMS = {
    "doc": ("WordDocument",),
    "xls": ("Workbook", "Book"),
    "ppt": ("PowerPoint Document",),
}
VBA_STORAGES = {"macros", "_vba_project_cur", "vba", "_vba_project"}

MB = 1024 * 1024
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNPACKED = 256 * MB
ZIP_RATIO_FROM = 16 * MB
ZIP_MAX_RATIO = 100
ZIP_NESTED_MAX = 32 * MB
ZIP_MAX_DEPTH = 2  # the file and the archives inside it, not deeper

PDF_TOP = 4096
PDF_TAIL = 2048
PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
# Bounded and anchored after a non-digit: a long run of digits must not make it backtrack.
_SPACE = rb"[ \t\r\n\f\0]{1,10}"
PDF_OBJECT = re.compile(rb"(?<![0-9])[0-9]{1,10}" + _SPACE + rb"[0-9]{1,5}" + _SPACE + rb"obj\b")
MARKUP = (b"<html", b"<!doctype", b"<script", b"<body", b"<iframe", b"<?php")
PROGRAM = re.compile(rb"(?:^|[\r\n])(?:MZ|#!/)|\x7fELF|(?i:this program cannot be run in dos mode)")


def _entry_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> bytes:
    with archive.open(info) as fh:
        return fh.read(size)


def zip_problem(data: bytes, *, depth: int = 1) -> str | None:
    """None for an archive within the limits above, else `NOT_A_ZIP` or `UNSAFE_ARCHIVE`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return NOT_A_ZIP
    with archive:
        infos = archive.infolist()
        if len(infos) > ZIP_MAX_ENTRIES:
            return UNSAFE_ARCHIVE
        unpacked = sum(info.file_size for info in infos)
        if unpacked > ZIP_MAX_UNPACKED:
            return UNSAFE_ARCHIVE
        if unpacked > ZIP_RATIO_FROM and unpacked > ZIP_MAX_RATIO * len(data):
            return UNSAFE_ARCHIVE
        for info in infos:
            if info.is_dir() or info.file_size < 4:
                continue
            try:
                if _entry_head(archive, info, 4) != b"PK\x03\x04":
                    continue
                if depth >= ZIP_MAX_DEPTH or info.file_size > ZIP_NESTED_MAX:
                    return UNSAFE_ARCHIVE
                # Read no more than the directory declares (zipfile stops there).
                inner = _entry_head(archive, info, info.file_size)
            except (
                zipfile.BadZipFile,
                OSError,
                ValueError,
                EOFError,
                RuntimeError,
                NotImplementedError,
            ):
                return UNSAFE_ARCHIVE  # damaged, encrypted or an unknown compression
            if zip_problem(inner, depth=depth + 1) == UNSAFE_ARCHIVE:
                return UNSAFE_ARCHIVE
    return None


def zip_names(data: bytes) -> list[str]:
    """The entries of an archive that `zip_problem` passed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()


def pdf_problem(data: bytes) -> str | None:
    """None for a file with the structure of a PDF and nothing else at its top, else
    `NOT_A_PDF`, `UNSAFE_CONTENT` or `INVALID_PDF`."""
    start = data.find(b"%PDF-", 0, 1024)
    if start < 0 or not PDF_HEADER.match(data, start):
        return NOT_A_PDF
    top = data[:PDF_TOP]
    # Up to the first stream: compressed bytes may hold any two letters by chance.
    first_stream = top.find(b"stream")
    if first_stream >= 0:
        top = top[:first_stream]
    lowered = top.lower()
    if any(mark in lowered for mark in MARKUP) or PROGRAM.search(top):
        return UNSAFE_CONTENT
    tail = data[-PDF_TAIL:]
    end = tail.rfind(b"%%EOF")
    if end < 0 or tail.rfind(b"startxref", 0, end) < 0 or not PDF_OBJECT.search(data):
        return INVALID_PDF
    return None


def ole2_problem(data: bytes, kind: str) -> str | None:
    """None for a compound file holding the stream of `kind` ("doc", "xls", "ppt") and no VBA
    project, else `NOT_OLE2`, `INVALID_DOCUMENT` (damaged, or not that format) or `MACROS`."""
    if not data.startswith(olefile.MAGIC):
        return NOT_OLE2
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            entries = ole.listdir(streams=True, storages=True)
            found = {"/".join(path).lower() for path in entries}
    except Exception:  # olefile's parser meets hostile bytes: any failure is a damaged file
        return INVALID_DOCUMENT
    if any(part.lower() in VBA_STORAGES for path in entries for part in path):
        return MACROS
    if not any(name.lower() in found for name in OLE2_STREAMS[kind]):
        return INVALID_DOCUMENT
    return None
