"""The station workbench through its pages: who may see and do what, the grid's counts, the
schedule and record forms, import, batch printing and the leaders' quarterly page."""

import datetime as dt
import io

import pytest
from django.db.models import Sum
from django.urls import reverse
from pypdf import PdfReader

from lianxin.liaison.models import (
    Point,
    ReceptionDay,
    ReceptionRecord,
    Station,
    StationMembership,
)
from lianxin.org.models import Deputy

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client, users):
    def login(username):
        client.force_login(users[username])
        return client

    return login


@pytest.fixture
def beiguan():
    return Station.objects.get(code="YC-BGJD")


@pytest.fixture
def other_yc():
    return Station.objects.get(code="YC-002")


@pytest.fixture
def taigu():
    return Station.objects.filter(region__code__startswith="140703").first()


def test_the_station_manager_manages_the_own_station_only(as_user, beiguan, other_yc):
    client = as_user("yc_station")
    assert client.get(reverse("liaison_grid")).url == reverse("liaison_station", args=[beiguan.pk])
    for name in (
        "liaison_station",
        "liaison_station_edit",
        "liaison_rule_create",
        "liaison_records",
    ):
        assert client.get(reverse(name, args=[beiguan.pk])).status_code == 200, name
        assert client.get(reverse(name, args=[other_yc.pk])).status_code == 404, name
    response = client.post(
        reverse("liaison_day_create", args=[other_yc.pk]),
        {"date": "2030-01-01", "start_time": "09:00", "end_time": "10:00"},
    )
    assert response.status_code == 404
    assert not ReceptionDay.objects.filter(station=other_yc, date="2030-01-01").exists()


def test_another_county_sees_none_of_yuci_inside_the_workbench(as_user, beiguan):
    client = as_user("tg_staff")
    for name in (
        "liaison_station",
        "liaison_station_edit",
        "liaison_records",
        "liaison_record_create",
    ):
        assert client.get(reverse(name, args=[beiguan.pk])).status_code == 404, name
    page = client.get(reverse("liaison_station_list"), {"region": "140702"})
    assert page.status_code == 200
    assert "北关街道代表联络站" not in page.content.decode()
    export = client.get(reverse("liaison_export"))
    assert b"YC-BGJD" not in _xlsx_text(export.content)
    record = ReceptionRecord.objects.filter(station=beiguan).first()
    assert record is not None
    assert client.get(reverse("liaison_records", args=[beiguan.pk])).status_code == 404


def _xlsx_text(data: bytes) -> bytes:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    return " ".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
    ).encode()


def test_the_city_reads_the_county_stations_but_does_not_change_them(as_user, beiguan):
    client = as_user("jz_staff")
    assert client.get(reverse("liaison_station", args=[beiguan.pk])).status_code == 200
    assert client.get(reverse("liaison_station_edit", args=[beiguan.pk])).status_code == 403
    deputy = as_user("deputy_demo")
    assert deputy.get(reverse("liaison_station", args=[beiguan.pk])).status_code == 200
    assert deputy.get(reverse("liaison_station_edit", args=[beiguan.pk])).status_code == 403
    assert as_user("unit_demo").get(reverse("liaison_grid")).status_code == 403


def test_the_grid_counts_stations_points_deputies_and_receptions(as_user):
    client = as_user("yc_staff")
    response = client.get(reverse("liaison_grid"))
    assert response.status_code == 200
    total = response.context["total"]
    year = dt.date.today().year
    yc = Station.objects.filter(region__code__startswith="140702", is_active=True)
    assert total.stations == yc.count()
    assert total.points == Point.objects.filter(station__in=yc, is_active=True).count()
    assert (
        total.deputies
        == StationMembership.objects.filter(station__in=yc, deputy__status="serving").count()
    )
    records = ReceptionRecord.objects.filter(station__in=yc, date__year=year)
    assert total.receptions == records.count()
    assert total.people == (records.aggregate(n=Sum("visitor_count"))["n"] or 0)
    labels = [row.label for row in response.context["rows"]]
    assert "北关街道" in labels and "本级" in labels  # the county centre sits at the county itself
    # Opinions raised through the stations this year, counted by the opinions app's registration.
    from lianxin.casework.models import Case

    raised = Case.objects.filter(
        kind="opinion", station__in=yc, created_at__year=year, merged_into__isnull=True
    )
    assert raised.exists() and total.opinions == raised.count()
    assert f'id="grid-opinions">{raised.count()}<' in response.content.decode()
    assert "功能上线后显示" not in response.content.decode()
    city = as_user("jz_staff").get(reverse("liaison_grid"))
    assert {row.label for row in city.context["rows"]} >= {"榆次区", "太谷区", "平遥县"}


def test_a_bad_form_is_shown_again_with_the_message_and_a_4xx(as_user, beiguan):
    client = as_user("yc_station")
    response = client.post(
        reverse("liaison_station_edit", args=[beiguan.pk]),
        {
            "code": "YC-BGJD",
            "name": "北关",
            "kind": "ordinary",
            "region": "140702001",
            "latitude": "37.7",
            "longitude": "300",
        },
    )
    assert response.status_code == 422
    assert "经度应在 -180 至 180 之间。" in response.content.decode()
    past = client.post(
        reverse("liaison_day_create", args=[beiguan.pk]),
        {"date": "2020-01-01", "start_time": "09:00", "end_time": "10:00"},
    )
    assert past.status_code == 422
    assert "接待日不能安排在今天之前。" in past.content.decode()


def test_the_manager_adds_a_rule_a_day_and_a_record_through_the_pages(as_user, beiguan):
    client = as_user("yc_station")
    duty = Deputy.objects.filter(station_membership__station=beiguan).first()
    response = client.post(
        reverse("liaison_rule_create", args=[beiguan.pk]),
        {
            "frequency": "weekly",
            "weekday": "3",
            "start_time": "14:30",
            "end_time": "17:00",
            "holiday_policy": "postpone",
            "deputies": [duty.pk],
        },
    )
    assert response.status_code == 302
    rule = beiguan.rules.get(frequency="weekly", weekday=3)
    assert list(rule.deputies.all()) == [duty]
    day = dt.date.today() + dt.timedelta(days=10)
    response = client.post(
        reverse("liaison_day_create", args=[beiguan.pk]),
        {
            "date": day.isoformat(),
            "start_time": "09:00",
            "end_time": "11:00",
            "deputies": [duty.pk],
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("liaison_station", args=[beiguan.pk])).content.decode()
    assert "每星期四 14:30—17:00" in page
    response = client.post(
        reverse("liaison_record_create", args=[beiguan.pk]),
        {
            "date": dt.date.today().isoformat(),
            "kind": "reception",
            "deputies": [duty.pk],
            "visitor_name": "赵女士",
            "visitor_phone": "13700001234",
            "visitor_count": "1",
            "subject": "路灯不亮",
            "content": "小区门口路灯坏了一个月。",
        },
    )
    assert response.status_code == 302
    record = ReceptionRecord.objects.get(subject="路灯不亮")
    assert record.recorded_by.username == "yc_station"
    listing = client.get(reverse("liaison_records", args=[beiguan.pk])).content.decode()
    assert "路灯不亮" in listing and "13700001234" not in listing


def test_cancelling_a_date_from_the_station_page(as_user, beiguan):
    client = as_user("yc_station")
    page = client.get(reverse("liaison_station", args=[beiguan.pk]))
    first = page.context["upcoming"][0]
    response = client.post(reverse("liaison_day_cancel", args=[beiguan.pk]), {"key": first.key})
    assert response.status_code == 302
    again = client.get(reverse("liaison_station", args=[beiguan.pk])).context["upcoming"]
    assert (first.date, first.start_time) not in {(o.date, o.start_time) for o in again}


def test_staff_assign_an_unassigned_deputy_from_the_list(as_user, other_yc):
    deputy = Deputy.objects.filter(congress__region__code="140702", status="serving").first()
    StationMembership.objects.filter(deputy=deputy).delete()
    client = as_user("yc_staff")
    page = client.get(reverse("liaison_unassigned"))
    assert deputy.person.name in page.content.decode()
    response = client.post(
        reverse("liaison_assign", args=[other_yc.pk]), {"deputy": deputy.pk, "next": "unassigned"}
    )
    assert response.url == reverse("liaison_unassigned")
    assert StationMembership.objects.get(deputy=deputy).station == other_yc


def test_the_import_page_reports_a_bad_file(as_user):
    client = as_user("yc_staff")
    page = client.get(reverse("liaison_import"))
    assert page.status_code == 200 and "下载 Excel 模板" in page.content.decode()
    upload = io.BytesIO(b"not a workbook")
    upload.name = "stations.xlsx"
    response = client.post(reverse("liaison_import"), {"file": upload})
    assert response.status_code == 422
    assert "文件不是有效的 Excel 文件" in response.content.decode()
    template = client.get(reverse("liaison_import_template"))
    assert template.content[:2] == b"PK"
    assert as_user("yc_station").get(reverse("liaison_import")).status_code == 403


def test_a_station_batch_of_deputy_cards_prints_in_one_pdf(as_user, beiguan):
    client = as_user("yc_station")
    response = client.get(reverse("liaison_cards"), {"kind": "deputy", "station": beiguan.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    for name in Deputy.objects.filter(station_membership__station=beiguan).values_list(
        "person__name", flat=True
    ):
        assert name in text
    county = as_user("yc_staff").get(
        reverse("liaison_cards"), {"kind": "station", "region": "140702"}
    )
    assert county.status_code == 200
    pages = PdfReader(io.BytesIO(county.content)).pages
    assert len(pages) == -(-Station.objects.filter(region__code__startswith="140702").count() // 10)


def test_a_batch_that_cannot_be_printed_is_said_so_on_the_page_not_by_a_redirect(as_user):
    empty = (
        Station.objects.filter(region__code__startswith="140702", memberships__isnull=True)
        .order_by("pk")
        .first()
    )
    response = as_user("yc_staff").get(
        reverse("liaison_cards"), {"kind": "deputy", "station": empty.pk}
    )
    assert response.status_code == 422
    assert "所选联络站暂无进站代表。" in response.content.decode()
    assert 'data-busy="正在生成…"' in response.content.decode()


def test_the_quarterly_page_shows_leaders_who_have_and_have_not_received(as_user):
    client = as_user("jz_staff")
    response = client.get(reverse("liaison_leaders"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows, "the demo has leading cadres among the deputies"
    assert any(r.missing for r in rows) and any(sum(r.quarters) for r in rows)
    html = response.content.decode()
    assert "未接待" in html and "已接待" in html
    missing_only = client.get(reverse("liaison_leaders"), {"missing": "1"}).context["rows"]
    assert missing_only and all(r.missing for r in missing_only)
    assert as_user("yc_station").get(reverse("liaison_leaders")).status_code == 403


def test_deputies_publish_their_commitments(as_user):
    seat = Deputy.objects.get(person__user__username="deputy_demo", congress__level="county")
    client = as_user("deputy_demo")
    response = client.post(
        reverse("liaison_commitments", args=[seat.pk]),
        {"year": "2026", "content": "每月走访十户群众"},
    )
    assert response.status_code == 302
    public = client.get(reverse("portal_deputy", args=[seat.pk])).content.decode()
    assert "每月走访十户群众" in public
    other = Deputy.objects.filter(congress__region__code="140703").first()
    assert client.get(reverse("liaison_commitments", args=[other.pk])).status_code == 404


def _record_form(beiguan, phone: str) -> dict:
    duty = Deputy.objects.filter(station_membership__station=beiguan).order_by("pk").first()
    return {
        "date": dt.date.today().isoformat(),
        "kind": "reception",
        "deputies": [duty.pk],
        "visitor_name": "钱先生",
        "visitor_phone": phone,
        "visitor_count": "1",
        "subject": "井盖缺失",
        "content": "菜市场门口的井盖丢了。",
        "raise_opinion": "on",
    }


def test_a_short_phone_is_refused_on_the_record_form_under_its_own_field(as_user, beiguan):
    client = as_user("yc_station")
    before = ReceptionRecord.objects.count()
    response = client.post(
        reverse("liaison_record_create", args=[beiguan.pk]), _record_form(beiguan, "12345")
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors == {
        "visitor_phone": ["联系电话格式不正确：请填写手机号码或带区号的固定电话。"]
    }
    assert ReceptionRecord.objects.count() == before


def test_a_record_with_a_valid_phone_is_raised_into_the_loop(as_user, beiguan):
    from lianxin.casework.models import Case

    client = as_user("yc_station")
    response = client.post(
        reverse("liaison_record_create", args=[beiguan.pk]), _record_form(beiguan, "0354-3012345")
    )
    assert response.status_code == 302
    record = ReceptionRecord.objects.get(subject="井盖缺失")
    assert record.opinion_state == ReceptionRecord.OpinionState.RAISED
    case = Case.objects.get(tracking_code=record.opinion_ref)
    assert case.contact_phone == "0354-3012345"
