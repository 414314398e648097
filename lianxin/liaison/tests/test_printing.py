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


# --- The address the cards carry, shown before printing ---------------------------------------


def signed_in(client, users, username: str):
    client.force_login(users[username])
    return client


def test_the_printing_page_warns_that_loopback_cards_cannot_be_scanned(client, users, settings):
    settings.LIANXIN_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    settings.LIANXIN_PUBLIC_BASE_URL_SOURCE = "bind"
    html = signed_in(client, users, "yc_staff").get(reverse("liaison_cards")).content.decode()
    assert '<strong class="code" id="card-address-url">http://127.0.0.1:8000</strong>' in html
    assert "http://127.0.0.1:8000/s/" in html
    assert 'id="card-address-warning"' in html and "群众用手机扫码后无法访问" in html
    assert "LIANXIN_PUBLIC_BASE_URL" in html and "按服务的监听地址" in html


def test_a_station_page_with_print_links_warns_too(client, users, settings, station):
    settings.LIANXIN_PUBLIC_BASE_URL = "http://localhost:8000"
    page = signed_in(client, users, "yc_station").get(reverse("liaison_station", args=[station.pk]))
    assert 'id="card-address-warning"' in page.content.decode()
    settings.LIANXIN_PUBLIC_BASE_URL = "https://lianxin.example.gov.cn"
    page = client.get(reverse("liaison_station", args=[station.pk]))
    assert 'id="card-address"' not in page.content.decode()


@needs_poppler
def test_the_address_the_page_shows_is_the_one_the_cards_carry(client, users, settings, station):
    settings.LIANXIN_PUBLIC_BASE_URL = "https://lianxin.example.gov.cn"
    settings.LIANXIN_PUBLIC_BASE_URL_SOURCE = "setting"
    client = signed_in(client, users, "yc_staff")
    html = client.get(reverse("liaison_cards")).content.decode()
    assert 'id="card-address-url">https://lianxin.example.gov.cn</strong>' in html
    assert "由环境变量 LIANXIN_PUBLIC_BASE_URL 设定" in html
    assert 'id="card-address-warning"' not in html and 'data-loopback="0"' in html
    pdf = client.get(reverse("liaison_cards"), {"kind": "station", "station": station.pk})
    assert decode_qr(pdf.content) == [
        "https://lianxin.example.gov.cn" + reverse("scan_to_speak", args=[station.scan_code])
    ]


def test_the_admin_index_shows_the_address_the_cards_will_carry(client, users, settings):
    settings.LIANXIN_PUBLIC_BASE_URL = "http://vm:9001"
    settings.LIANXIN_PUBLIC_BASE_URL_SOURCE = "hostname"
    html = signed_in(client, users, "admin").get(reverse("admin:index")).content.decode()
    assert '<strong id="card-address-url">http://vm:9001</strong>' in html
    assert "按本机主机名推定" in html and "群众用手机扫码后无法访问" not in html
    settings.LIANXIN_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    html = client.get(reverse("admin:index")).content.decode()
    assert '<li class="warning">' in html and "群众用手机扫码后无法访问" in html
