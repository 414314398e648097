"""Print-ready PDFs: the deputy contact card (代表连心卡), the station service card (联络站服务卡)
and the reception schedule notice (接待日公示表), with the scan-to-speak QR codes.

WeasyPrint lays out HTML rendered from templates/liaison/print/, through `core.pdf.render_pdf`
(one font configuration per process). Each card carries its own QR code as a tiny PNG, one
pixel a module, printed with `image-rendering: pixelated` so that every module stays a sharp
square at any size: drawing it costs WeasyPrint a fraction of what parsing the same code as an
SVG path did (bench/printing_pdf.py), and a thousand cards print in one PDF in seconds.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import segno
from django.conf import settings

from lianxin.core import addresses, dates, pdf
from lianxin.org.models import Deputy
from lianxin.org.scan import scan_url, scan_url_prefix

from .models import ReceptionRule, Station, StationMembership
from .schedule import Occurrence, describe_rule

PDF_TYPE = pdf.PDF_TYPE


@dataclass(frozen=True)
class CardAddress:
    """The address the cards' QR codes will carry, shown before printing."""

    url: str  # the public address
    scan_prefix: str  # what every card's QR code starts with
    source: str  # where the address came from, in words
    loopback: bool  # opens only on the server itself: a phone cannot follow it

    @property
    def loopback_warning(self) -> str:
        return str(addresses.LOOPBACK_WARNING)


def card_address() -> CardAddress:
    url = settings.LIANXIN_PUBLIC_BASE_URL
    source = getattr(settings, "LIANXIN_PUBLIC_BASE_URL_SOURCE", addresses.SETTING)
    return CardAddress(
        url=url,
        scan_prefix=scan_url_prefix(),
        source=str(addresses.SOURCES.get(source, "")),
        loopback=addresses.is_loopback(url),
    )


@functools.lru_cache(maxsize=4096)
def qr_image(url: str) -> str:
    """The QR code of `url` as a `data:` URL of a PNG, one pixel a module with a quiet zone of
    two. Kept per process: a code depends on its URL alone, and choosing the best of the eight
    masks costs a few milliseconds a code."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=1, border=2)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


LEVEL_SHORT = {
    "national": "全国",
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "township": "乡镇级",
}


def _rules_by_station(station_ids: Iterable[int], *, short: bool = False) -> dict[int, list[str]]:
    today = dates.today()
    result: dict[int, list[str]] = defaultdict(list)
    for rule in ReceptionRule.objects.filter(
        station_id__in=list(station_ids), is_active=True
    ).order_by("station_id", "valid_from", "pk"):
        if rule.valid_until is None or rule.valid_until >= today:
            result[rule.station_id].append(describe_rule(rule, short=short))
    return result


def deputy_card_data(deputies: Iterable[Deputy]) -> list[dict]:
    deputies = list(deputies)
    memberships = {
        m.deputy_id: m.station
        for m in StationMembership.objects.filter(
            deputy__in=[d.pk for d in deputies]
        ).select_related("station")
    }
    rules = _rules_by_station({s.pk for s in memberships.values()}, short=True)
    cards = []
    for d in deputies:
        station = memberships.get(d.pk)
        url = scan_url(d.scan_code)
        cards.append(
            {
                "name": d.person.name,
                "congress": f"{d.congress.region.name}人大代表",
                "level": LEVEL_SHORT.get(d.congress.level, ""),
                "station": station.name if station else "",
                "hours": station.opening_hours if station else "",
                "reception": rules.get(station.pk, [])[:2] if station else [],
                "phone": station.contact_phone if station else "",
                "url": url,
                "qr": qr_image(url),
            }
        )
    return cards


def deputy_cards_pdf(deputies: Iterable[Deputy]) -> bytes:
    return pdf.render_pdf(
        "liaison/print/cards.html", {"cards": deputy_card_data(deputies), "kind": "deputy"}
    )


def station_card_data(stations: Iterable[Station]) -> list[dict]:
    stations = list(stations)
    rules = _rules_by_station((s.pk for s in stations), short=True)
    # People, not seats: a deputy of both the city and the county is one person.
    counts: dict[int, int] = defaultdict(int)
    for station_id, _person in (
        StationMembership.objects.filter(
            station__in=[s.pk for s in stations], deputy__status="serving"
        )
        .values_list("station_id", "deputy__person_id")
        .distinct()
    ):
        counts[station_id] += 1
    cards = []
    for s in stations:
        url = scan_url(s.scan_code)
        cards.append(
            {
                "name": s.name,
                "kind": s.kind_text,
                "address": s.address,
                "hours": s.opening_hours,
                "phone": s.contact_phone,
                "reception": rules.get(s.pk, [])[:2],
                "deputies": counts.get(s.pk, 0),
                "url": url,
                "qr": qr_image(url),
            }
        )
    return cards


def station_cards_pdf(stations: Iterable[Station]) -> bytes:
    return pdf.render_pdf(
        "liaison/print/cards.html", {"cards": station_card_data(stations), "kind": "station"}
    )


def period_text(start: dt.date, end: dt.date) -> str:
    return f"{start.year}年{start.month}月{start.day}日—{end.year}年{end.month}月{end.day}日"


def notice_pdf(
    station: Station,
    occurrences: list[Occurrence],
    deputies: list[Deputy],
    start: dt.date,
    end: dt.date,
) -> bytes:
    url = scan_url(station.scan_code)
    people: dict[int, dict] = {}
    for d in deputies:
        row = people.setdefault(d.person_id, {"name": d.person.name, "seats": []})
        row["seats"].append(f"{d.congress.name}代表")
    return pdf.render_pdf(
        "liaison/print/notice.html",
        {
            "station": station,
            "occurrences": occurrences,
            "deputies": list(people.values()),
            "rules": _rules_by_station([station.pk]).get(station.pk, []),
            "period": period_text(start, end),
            "url": url,
            "qr": qr_image(url),
            "issued": dates.today(),
        },
    )


def county_notice_pdf(
    region, stations: list[Station], occurrences: list[Occurrence], start: dt.date, end: dt.date
) -> bytes:
    by_station: dict[int, list[Occurrence]] = defaultdict(list)
    for o in occurrences:
        by_station[o.station_id].append(o)
    rules = _rules_by_station(s.pk for s in stations)
    sections = []
    for s in stations:
        url = scan_url(s.scan_code)
        sections.append(
            {
                "station": s,
                "occurrences": by_station.get(s.pk, []),
                "rules": rules.get(s.pk, []),
                "url": url,
                "qr": qr_image(url),
            }
        )
    return pdf.render_pdf(
        "liaison/print/county_notice.html",
        {
            "region": region,
            "sections": sections,
            "period": period_text(start, end),
            "issued": dates.today(),
        },
    )
