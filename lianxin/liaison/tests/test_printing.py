"""Cards and notices as real PDFs: the Chinese text read back with pypdf, and the QR codes
rendered with pdftoppm and decoded with zxing-cpp."""

import io
import math

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from lianxin.liaison import printing, queries
from lianxin.liaison.models import Station
from lianxin.org.models import Deputy

from .helpers import decode_qr, needs_poppler, pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


def scan_url(code: str) -> str:
    return settings.LIANXIN_PUBLIC_BASE_URL + reverse("scan_to_speak", args=[code])


@pytest.fixture
def station():
    return Station.objects.select_related("region", "congress").get(code="YC-BGJD")


@pytest.fixture
def deputy(station):
    return (
        Deputy.objects.filter(station_membership__station=station)
        .select_related("person", "congress__region")
        .order_by("pk")
        .first()
    )


@needs_poppler
def test_the_deputy_card_carries_the_name_and_a_qr_code_of_the_scan_url(api, deputy, station):
    response = api.anon().get(f"/api/v1/deputies/{deputy.pk}/card.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    text = pdf_text(data)
    assert "代表连心卡" in text
    assert deputy.person.name in text
    assert station.name in text
    assert "照片" in text
    assert any("Noto-Sans-CJK-SC" in f for f in pdf_fonts(data))
    assert decode_qr(data) == [scan_url(deputy.scan_code)]


@needs_poppler
def test_the_station_card_carries_the_station_scan_url(api, station):
    response = api.anon().get(f"/api/v1/stations/{station.pk}/card.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "联络站服务卡" in text and station.name in text and station.address in text
    assert decode_qr(response.content) == [scan_url(station.scan_code)]


@needs_poppler
def test_a_batch_of_cards_prints_ten_to_a_page_and_every_code_scans(station):
    deputies = list(Deputy.objects.select_related("person", "congress__region").order_by("pk")[:23])
    assert len(deputies) == 23
    data = printing.deputy_cards_pdf(deputies)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == math.ceil(len(deputies) / 10)
    assert decode_qr(data, page=1) == sorted(scan_url(d.scan_code) for d in deputies[:10])
    assert decode_qr(data, page=3) == sorted(scan_url(d.scan_code) for d in deputies[20:])


def test_the_station_notice_prints_the_schedule_in_chinese(api, station):
    upcoming = queries.next_reception_days(station, count=2)
    response = api.anon().get(f"/api/v1/stations/{station.pk}/notice.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "北关街道代表联络站接待日公示表" in text
    assert "公示期间" in text and "固定接待日" in text and "每月15日" in text
    for o in upcoming:
        assert f"{o.date.year}年{o.date.month}月{o.date.day}日" in text
        for d in o.deputies:
            assert d.person.name in text
    assert any("Noto-Sans-CJK-SC" in f for f in pdf_fonts(response.content))


@needs_poppler
def test_the_notice_qr_code_is_the_station_scan_url(api, station):
    response = api.anon().get(f"/api/v1/stations/{station.pk}/notice.pdf")
    assert decode_qr(response.content, dpi=150) == [scan_url(station.scan_code)]


def test_the_county_notice_lists_every_station_of_the_county(client):
    response = client.get(reverse("portal_county_notice", args=["140702"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content).replace("\n", "")
    assert "榆次区人大代表联络站接待日公示表" in text
    for name in Station.objects.filter(region__code__startswith="140702").values_list(
        "name", flat=True
    ):
        assert name in text


def test_a_notice_for_a_bad_period_is_refused(api, station):
    bad = api.anon().get(f"/api/v1/stations/{station.pk}/notice.pdf", {"from": "2026-13-01"})
    assert bad.status_code == 422
    assert bad.json()["message"] == "日期格式应为 YYYY-MM-DD，例如 2026-12-15。"
    too_long = api.anon().get(
        f"/api/v1/stations/{station.pk}/notice.pdf", {"from": "2026-01-01", "to": "2028-01-01"}
    )
    assert too_long.status_code == 422
    backwards = api.anon().get(
        f"/api/v1/stations/{station.pk}/schedule", {"from": "2026-05-01", "to": "2026-04-01"}
    )
    assert backwards.status_code == 422


def test_cards_of_unknown_or_former_deputies_are_not_found(api, deputy):
    assert api.anon().get("/api/v1/deputies/99999999/card.pdf").status_code == 404
    Deputy.objects.filter(pk=deputy.pk).update(status="ended")
    response = api.anon().get(f"/api/v1/deputies/{deputy.pk}/card.pdf")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
