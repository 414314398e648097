"""A small writer of OLE2 compound files (the container of .doc, .xls and .ppt) for tests:
olefile reads them but cannot write them.

`compound_file({"WordDocument": b"...", "Macros": {"VBA": {"dir": b"..."}}})` gives the bytes
of a version 3 file (512-byte sectors) whose root storage holds those streams (bytes) and
storages (dicts). Each stream is padded to the 4096-byte mini-stream cutoff, so that every
stream lives in ordinary sectors and the file needs no mini FAT. One FAT sector, so a file
holds at most 127 sectors (about 14 streams)."""

from __future__ import annotations

import struct

SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SECTOR = 512
CUTOFF = 4096
FREE, END, FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NONE = 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5


def _key(name: str) -> tuple[int, str]:
    # The order of siblings in the directory's tree: by length, then by upper case.
    return (len(name), name.upper())


def compound_file(tree: dict) -> bytes:
    entries: list[dict] = [{"name": "Root Entry", "type": ROOT, "child": NONE, "right": NONE}]
    streams: list[tuple[int, bytes]] = []  # (entry index, padded data)

    def add(children: dict) -> int:
        ids = []
        for name in sorted(children, key=_key):
            value = children[name]
            entry = {"name": name, "child": NONE, "right": NONE}
            entries.append(entry)
            index = len(entries) - 1
            ids.append(index)
            if isinstance(value, dict):
                entry["type"] = STORAGE
                entry["child"] = add(value)
            else:
                entry["type"] = STREAM
                data = bytes(value)
                data += b"\0" * (max(CUTOFF, -(-len(data) // SECTOR) * SECTOR) - len(data))
                streams.append((index, data))
        for a, b in zip(ids, ids[1:], strict=False):
            entries[a]["right"] = b
        return ids[0] if ids else NONE

    entries[0]["child"] = add(tree)
    dir_sectors = -(-len(entries) // 4)
    fat = [FAT]
    first_dir = len(fat)
    fat += [first_dir + i + 1 for i in range(dir_sectors - 1)] + [END]
    body = b""
    for index, data in streams:
        start = len(fat)
        count = len(data) // SECTOR
        fat += [start + i + 1 for i in range(count - 1)] + [END]
        entries[index]["start"], entries[index]["size"] = start, len(data)
        body += data
    if len(fat) > SECTOR // 4:
        raise ValueError("too large for one FAT sector")
    fat += [FREE] * (SECTOR // 4 - len(fat))

    directory = b""
    for entry in entries:
        name = entry["name"].encode("utf-16-le") + b"\0\0"
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            entry["type"],
            1,  # black
            NONE,
            entry["right"],
            entry["child"],
            b"\0" * 16,
            0,
            0,
            0,
            entry.get("start", END if entry["type"] == ROOT else 0),
            entry.get("size", 0),
        )
    directory += b"".join(
        struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NONE, NONE, NONE, b"\0" * 16, 0, 0, 0, 0, 0)
        for _ in range(dir_sectors * 4 - len(entries))
    )
    header = SIGNATURE + b"\0" * 16
    header += struct.pack(
        "<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, b"", 0, 1, first_dir, 0, CUTOFF, END, 0, END, 0
    )
    header += struct.pack("<109I", 0, *([FREE] * 108))
    assert len(header) == SECTOR
    return header + struct.pack(f"<{SECTOR // 4}I", *fat) + directory + body


def word_document(*, macros: bool = False) -> bytes:
    """A .doc's container: the WordDocument stream (and a VBA project's storage if `macros`)."""
    tree: dict = {"WordDocument": b"\xec\xa5" + b"\0" * 30, "1Table": b"\0" * 16}
    if macros:
        tree["Macros"] = {"VBA": {"dir": b"\x01" * 16, "ThisDocument": b"Attribute VB_Name"}}
        tree["Macros"]["PROJECT"] = b'ID="{00000000}"\r\nDocument=ThisDocument/&H00000000\r\n'
    return compound_file(tree)


def workbook(*, macros: bool = False) -> bytes:
    """An .xls's container: the Workbook stream (and `_VBA_PROJECT_CUR` if `macros`)."""
    tree: dict = {"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\0" * 24}
    if macros:
        tree["_VBA_PROJECT_CUR"] = {"VBA": {"dir": b"\x01" * 16}, "PROJECT": b'ID="{0}"'}
    return compound_file(tree)
