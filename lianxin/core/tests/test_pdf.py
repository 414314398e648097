"""The shared printing set-up: column widths from the content, landscape when a table needs it,
and nothing fetched over the network while a PDF is made."""

from __future__ import annotations

import http.server
import io
import threading

from pypdf import PdfReader

from lianxin.core.pdf import html_to_pdf, table_layout, text_width

LOG_COLUMNS = ["序号", "日期", "方式", "代表", "联络站", "群众", "联系电话", "反映的问题", "查询码"]


def log_row(i: int, text: str) -> list[str]:
    return [
        str(i),
        "2026-04-01",
        "扫码说事",
        "连心代表",
        "北关街道代表联络站",
        "王建国",
        "139****5678",
        text,
        "MWK7M2X9QF",
    ]


def test_a_wide_table_goes_landscape_its_short_columns_whole_and_the_text_takes_the_rest():
    rows = [
        log_row(i, "顺城街社区路灯已经坏了半个月，晚上出行不安全，希望尽快维修。" * 3)
        for i in range(50)
    ]
    layout = table_layout(LOG_COLUMNS, rows)
    assert layout.landscape
    by_label = {c.label: c for c in layout.columns}
    assert not by_label["反映的问题"].nowrap
    assert all(c.nowrap for c in layout.columns if c.label != "反映的问题")
    assert by_label["反映的问题"].width == max(c.width for c in layout.columns)
    assert abs(sum(c.width for c in layout.columns) - 100) < 0.1
    # A short column is as wide as its longest cell: the tracking code is wider than the date.
    assert by_label["查询码"].width > by_label["日期"].width > by_label["序号"].width
    cells = layout.cells(rows[:1])[0]
    assert cells[6] == ("139****5678", True) and cells[7][1] is False


def test_a_narrow_table_stays_portrait_and_a_text_column_stops_at_its_longest_cell():
    layout = table_layout(
        ["类别", "件数", "占比"], [["城乡建设", "12", "40.0%"], ["交通", "3", "10%"]]
    )
    assert not layout.landscape and all(c.nowrap for c in layout.columns)
    texts = table_layout(
        ["标题", "内容"], [["路灯", "短句。"], ["公交站台", "另一句较长的内容。" * 20]]
    )
    assert not texts.landscape
    assert texts.columns[0].nowrap and not texts.columns[1].nowrap


def test_too_many_short_columns_for_a_landscape_page_let_the_widest_wrap():
    columns = [f"第{i}列" for i in range(14)]
    rows = [["北关街道代表联络站接待室"] * 14]
    layout = table_layout(columns, rows)
    assert layout.landscape
    assert not all(c.nowrap for c in layout.columns)


def test_text_widths_follow_the_font():
    assert text_width("联络站") == 3
    assert text_width("13912345678") == 11 * 0.59
    assert text_width("WWW") > text_width("iii") * 2


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_pdf_reads_the_site_static_files_from_disk_and_fetches_nothing_over_the_network():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        outside = f"http://127.0.0.1:{server.server_address[1]}"
        data = html_to_pdf(
            f'<html><head><link rel="stylesheet" href="{outside}/print.css"></head><body>'
            f'<img src="{outside}/logo.png"><img src="/static/lianxin/favicon.svg" '
            'style="width:20mm">联络站</body></html>'
        )
    finally:
        server.shutdown()
        server.server_close()
    assert _Counter.hits == []
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert "联络站" in page.extract_text()
    # The favicon, read from the app's static folder, is drawn: its red (#a4161a) is painted.
    assert b"0.643" in page.get_contents().get_data()
