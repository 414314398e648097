"""The hotline's test world: a source of 晋中市's congress (staff `jz_staff`) whose files use
the TipDM message board's own columns, and files built from those real messages (read from
the shared data folder, never copied)."""

from __future__ import annotations

import csv
import io
import itertools

import pytest

from lianxin.org.models import Congress, Region
from lianxin.testing.data import shared_data

from ..models import Source

MESSAGES = shared_data("tipdm2020c_smartgov", "messages_labeled_full_dev.csv")
HEADER = [
    "留言编号",
    "留言时间",
    "留言主题",
    "留言详情",
    "渠道",
    "一级分类",
    "承办单位",
    "状态",
    "来电人",
    "电话",
]
MAPPING = {
    "number": "留言编号",
    "received_at": "留言时间",
    "title": "留言主题",
    "content": "留言详情",
    "channel": "渠道",
    "category": "一级分类",
    "unit": "承办单位",
    "state": "状态",
    "contact_name": "来电人",
    "contact_phone": "电话",
}
STATES = {"待处理": "received", "已分类": "triaged", "已派发": "dispatched", "已办结": "concluded"}


def messages() -> list[dict]:
    if not MESSAGES.exists():
        pytest.skip(f"TipDM messages not found at {MESSAGES}")
    with MESSAGES.open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["detail"].strip()]


def source(name: str = "晋中市12345热线（测试）") -> Source:
    return Source.objects.create(
        name=name,
        congress=Congress.objects.get(region__code="1407", level="city"),
        default_region=Region.objects.get(code="1407"),
        mapping=MAPPING,
        state_mapping=STATES,
    )


def rows(n: int, *, prefix: str = "T") -> list[list[str]]:
    """`n` rows of real messages (repeated when n is larger than the board), numbered
    `prefix`000001 …; every tenth is already dispatched to 晋中市交通运输局."""
    board = messages()
    out = []
    for i, m in enumerate(itertools.islice(itertools.cycle(board), n)):
        dispatched = i % 10 == 0
        out.append(
            [
                f"{prefix}{i + 1:06d}",
                f"2020-0{1 + i % 9}-{1 + i % 28:02d} {8 + i % 10:02d}:30:00",
                m["title"][:200],
                m["detail"].strip(),
                "电话" if i % 2 else "网络",
                m["label"],
                "晋中市交通运输局" if dispatched else "",
                "已派发" if dispatched else "待处理",
                "",
                "",
            ]
        )
    return out


def csv_bytes(table: list[list[str]], *, encoding: str = "gbk", header=HEADER) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(table)
    return buf.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(table: list[list[str]], header=HEADER) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
