"""Figures counted from the cases and their timeline, within what the user may see."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lianxin.casework import stats
from lianxin.casework.scan import scan_deadlines
from lianxin.core.errors import ValidationFailed

from .helpers import advance, client_for, new_opinion, user

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def april(db):
    with time_machine.travel(dt.datetime(2026, 4, 1, 10, tzinfo=SHANGHAI), tick=False):
        cases = [
            advance(new_opinion("甲"), "evaluated", rating="satisfied"),
            advance(new_opinion("乙"), "evaluated", rating="dissatisfied"),
            advance(new_opinion("丙"), "fed_back"),
            advance(new_opinion("丁"), "handling"),
        ]
    with time_machine.travel(dt.datetime(2026, 5, 6, 10, tzinfo=SHANGHAI), tick=False):
        scan_deadlines()  # 丁 is past its 15 working days
    return cases


def test_the_totals_count_collected_fed_back_satisfaction_and_overdue(april):
    rows, total = stats.figures(
        user("yc_staff"),
        kind="opinion",
        by="month",
        start=dt.date(2026, 4, 1),
        end=dt.date(2026, 4, 30),
    )
    assert [r.label for r in rows] == ["2026-04"]
    assert (total.collected, total.fed_back, total.evaluated, total.satisfied, total.overdue) == (
        4,
        3,
        2,
        1,
        1,
    )
    assert total.feedback_rate == 75.0 and total.satisfaction == 50.0


def test_the_figures_group_by_deputy_station_category_and_region(april):
    start, end = dt.date(2026, 4, 1), dt.date(2026, 4, 30)
    for by, label in [
        ("deputy", "连心代表"),
        ("station", "北关街道代表联络站"),
        ("category", "交通运输"),
    ]:
        rows, _ = stats.figures(user("yc_staff"), kind="opinion", by=by, start=start, end=end)
        row = next(r for r in rows if r.label == label)
        assert row.collected >= 3, by
    rows, _ = stats.figures(user("yc_staff"), kind="opinion", by="region", start=start, end=end)
    assert sum(r.collected for r in rows) == 4


def test_figures_see_only_what_the_user_may_see(april):
    _, total = stats.figures(
        user("tg_staff"), kind="opinion", start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
    )
    assert total.collected == 0
    _, total = stats.figures(
        user("jz_staff"), kind="opinion", start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
    )
    assert total.collected == 4


def test_the_figures_page_shows_the_totals(client, april):
    client.force_login(user("yc_staff"))
    r = client.get("/cases/figures/", {"by": "month", "from": "2026-04-01", "to": "2026-04-30"})
    html = r.content.decode()
    assert r.status_code == 200 and "75.0%" in html and "50.0%" in html and "2026-04" in html
    assert client.get("/cases/figures/", {"by": "weather"}).status_code == 422
    client.force_login(user("unit_demo"))
    assert client.get("/cases/figures/").status_code == 403


def test_only_kinds_declared_with_figures_have_them():
    with pytest.raises(ValidationFailed):
        stats.figures(user("yc_staff"), kind="work_order")
    page = client_for("yc_staff").get("/cases/figures/?kind=work_order")
    assert page.status_code == 422 and "案件类别有误" in page.content.decode()
    ok = client_for("yc_staff").get("/cases/figures/")
    assert ok.status_code == 200 and "群众意见统计" in ok.content.decode()
