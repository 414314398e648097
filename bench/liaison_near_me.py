""" "Near me" and the region drill-down at a national-scale grid of 200,000 stations, and
1,000 deputy contact cards printed into one PDF.

Targets (issue 4): ≤ 20 ms per "near me" query; 1,000 cards in ≤ 60 s. Each query is also
given as a ratio to the bare query measured in the same process: the same bounding box (or
the same grouped count) sent straight through the cursor. Prints figures; never fails.

Run: .venv/bin/python bench/liaison_near_me.py — SQLite always, and PostgreSQL too when
DATABASE_URL is set (each in a throwaway database of its own).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time

from common import bulk_insert, drop_database, report, setup_django, summary, timeit

STATIONS = int(os.environ.get("BENCH_STATIONS", "200000"))
CARDS = int(os.environ.get("BENCH_CARDS", "1000"))
SEED = 20261122


def build_grid(rng: random.Random) -> dict:
    """200,000 stations clustered around every prefecture-level city, as a national grid is."""
    from django.db import connection

    from lianxin.liaison.models import Station
    from lianxin.org.models import Congress, Level, Region

    provinces = {r.code: r for r in Region.objects.filter(kind=Region.Kind.PROVINCE)}
    congresses = {
        code: Congress.objects.create(level=Level.PROVINCE, region=r, name=f"{r.name}人民代表大会")
        for code, r in provinces.items()
    }
    cities = list(Region.objects.filter(kind=Region.Kind.CITY).order_by("code"))
    townships: dict[str, list[int]] = {}
    for pk, code in Region.objects.filter(kind=Region.Kind.TOWNSHIP).values_list("pk", "code"):
        townships.setdefault(code[:4], []).append(pk)
    centres = [(rng.uniform(21.0, 46.0), rng.uniform(98.0, 126.0)) for _ in cities]
    weights = [rng.paretovariate(1.5) for _ in cities]
    started = time.perf_counter()

    def stations():
        picks = rng.choices(range(len(cities)), weights=weights, k=STATIONS)
        for i, city_index in enumerate(picks):
            city = cities[city_index]
            lat0, lng0 = centres[city_index]
            lat = min(53.0, max(4.0, rng.gauss(lat0, 0.35)))
            lng = min(135.0, max(74.0, rng.gauss(lng0, 0.35)))
            local = townships.get(city.code[:4])
            yield Station(
                code=f"B{i:07d}",
                scan_code=f"S{i:07d}",
                name=f"{city.name}第{i}代表联络站",
                region_id=rng.choice(local) if local else city.pk,
                congress=congresses[city.code[:2]],
                latitude=f"{lat:.6f}",
                longitude=f"{lng:.6f}",
                address=f"{city.name}某街道{i}号",
            )

    bulk_insert(Station, stations())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"centres": centres, "cities": cities, "seconds": time.perf_counter() - started}


def near_me(rng: random.Random) -> list[tuple[str, str]]:
    from django.db import connection

    from lianxin.liaison import queries
    from lianxin.liaison.models import Station

    # Where people stand: mostly in towns (near stations), some in the countryside.
    spots = []
    sample = list(Station.objects.order_by("?").values_list("latitude", "longitude")[:240])
    for lat, lng in sample:
        spots.append((float(lat) + rng.uniform(-0.02, 0.02), float(lng) + rng.uniform(-0.02, 0.02)))
    for _ in range(60):
        spots.append((rng.uniform(22.0, 45.0), rng.uniform(100.0, 124.0)))
    rng.shuffle(spots)
    it = iter(spots * 10)

    def near():
        lat, lng = next(it)
        return queries.nearest_station_ids(lat, lng, limit=10)

    near_s = summary(timeit(near, repeat=len(spots), warmup=10))
    table = Station._meta.db_table
    bare_sql = (
        f"SELECT id, latitude, longitude FROM {table} WHERE is_active = %s AND latitude >= %s "
        "AND latitude <= %s AND longitude >= %s AND longitude <= %s"
    )
    it_bare = iter(spots * 10)

    def bare():
        lat, lng = next(it_bare)
        box = queries._box(lat, lng, queries.NEAR_START_KM)
        with connection.cursor() as cursor:
            cursor.execute(bare_sql, [True, *box])
            cursor.fetchall()

    bare_s = summary(timeit(bare, repeat=len(spots), warmup=10))
    exact = 0
    for lat, lng in spots[:20]:
        got = [pk for pk, _d in queries.nearest_station_ids(lat, lng, limit=10)]
        box = queries._box(lat, lng, 150)
        rows = Station.objects.filter(
            latitude__gte=box[0], latitude__lte=box[1], longitude__gte=box[2], longitude__lte=box[3]
        ).values_list("pk", "latitude", "longitude")
        brute = sorted(
            (queries.haversine_m(lat, lng, float(a), float(b)), pk) for pk, a, b in rows
        )[:10]
        exact += got == [pk for _d, pk in brute]
    return [
        (
            "near me (10 nearest), median",
            f"{near_s['median_ms']:.2f} ms (p95 {near_s['p95_ms']:.2f} ms)  target ≤ 20 ms",
        ),
        (
            "bare bounding-box query, median",
            f"{bare_s['median_ms']:.2f} ms (p95 {bare_s['p95_ms']:.2f} ms)",
        ),
        ("ratio near me / bare (median)", f"{near_s['median_ms'] / bare_s['median_ms']:.2f}×"),
        ("same answer as brute force", f"{exact} of 20 spots"),
    ]


def drill_down(rng: random.Random) -> list[tuple[str, str]]:
    from django.db import connection

    from lianxin.liaison import queries
    from lianxin.liaison.models import Station
    from lianxin.org.models import Region

    provinces = list(Region.objects.filter(kind=Region.Kind.PROVINCE))
    cities = list(Region.objects.filter(kind=Region.Kind.CITY))
    it_p = iter(rng.choices(provinces, k=1000))
    it_c = iter(rng.choices(cities, k=1000))

    def province_page():
        queries.drilldown(next(it_p))

    def city_list():
        city = next(it_c)
        qs = queries.filter_stations(queries.public_stations(), region=city.code)
        qs.count()
        list(qs.select_related("region").order_by("region__code", "code")[:20])

    table = Station._meta.db_table
    subtree = {
        p.pk: list(Region.objects.filter(code__startswith=p.code).values_list("pk", flat=True))
        for p in provinces
    }
    it_b = iter(rng.choices(provinces, k=1000))

    def bare():
        # The one grouped count the drill-down rests on, straight through the cursor.
        ids = subtree[next(it_b).pk]
        marks = ",".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT region_id, COUNT(*) FROM {table} WHERE is_active = %s "
                f"AND region_id IN ({marks}) GROUP BY region_id",
                [True, *ids],
            )
            cursor.fetchall()

    province_s = summary(timeit(province_page, repeat=100))
    city_s = summary(timeit(city_list, repeat=100))
    bare_s = summary(timeit(bare, repeat=100))
    return [
        (
            "province → cities with counts, median",
            f"{province_s['median_ms']:.2f} ms (p95 {province_s['p95_ms']:.2f} ms)",
        ),
        (
            "a city's stations, page of 20 + count",
            f"{city_s['median_ms']:.2f} ms (p95 {city_s['p95_ms']:.2f} ms)",
        ),
        (
            "bare grouped count of a province",
            f"{bare_s['median_ms']:.2f} ms (p95 {bare_s['p95_ms']:.2f} ms)",
        ),
        (
            "ratio drill-down / bare (median)",
            f"{province_s['median_ms'] / bare_s['median_ms']:.2f}×",
        ),
    ]


def cards() -> list[tuple[str, str]]:
    import datetime as dt
    import io

    from pypdf import PdfReader

    from lianxin.liaison import printing
    from lianxin.liaison.models import ReceptionRule, Station, StationMembership
    from lianxin.org.models import Congress, Deputy, Person

    station = Station.objects.select_related("congress").order_by("pk").first()
    congress: Congress = station.congress
    people = Person.objects.bulk_create(
        [Person(name=f"代表{i:04d}", occupation="某单位职工") for i in range(CARDS)]
    )
    deputies = Deputy.objects.bulk_create(
        [Deputy(person=p, congress=congress, term=1) for p in people]
    )
    stations = list(Station.objects.order_by("pk")[: max(1, CARDS // 10)])
    StationMembership.objects.bulk_create(
        [
            StationMembership(station=stations[i % len(stations)], deputy=d)
            for i, d in enumerate(deputies)
        ]
    )
    ReceptionRule.objects.bulk_create(
        [
            ReceptionRule(
                station=s,
                frequency="monthly",
                day_of_month=15,
                start_time=dt.time(9),
                end_time=dt.time(11, 30),
                valid_from=dt.date(2026, 1, 1),
            )
            for s in stations
        ]
    )
    deputies = list(
        Deputy.objects.filter(pk__in=[d.pk for d in deputies]).select_related(
            "person", "congress__region"
        )
    )
    started = time.perf_counter()
    data = printing.deputy_cards_pdf(deputies)
    seconds = time.perf_counter() - started
    pages = len(PdfReader(io.BytesIO(data)).pages)
    return [
        (f"{CARDS} deputy cards in one PDF", f"{seconds:.1f} s  target ≤ 60 s"),
        ("pages / size", f"{pages} pages, {len(data) / 1024 / 1024:.1f} MB"),
    ]


def child() -> None:
    label = setup_django("liaison")
    rng = random.Random(SEED)
    try:
        grid = build_grid(rng)
        report(
            f"near me and drill-down ({label}, {STATIONS:,} stations, built in {grid['seconds']:.0f} s)",
            near_me(rng) + drill_down(rng),
        )
        report(f"cards ({label})", cards())
    finally:
        drop_database()


def main() -> int:
    if "--child" in sys.argv:
        child()
        return 0
    here = os.path.dirname(os.path.abspath(__file__))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    status = subprocess.call(
        [sys.executable, os.path.abspath(__file__), "--child"], cwd=here, env=env
    )
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        status |= subprocess.call(
            [sys.executable, os.path.abspath(__file__), "--child"], cwd=here, env=dict(os.environ)
        )
    return status


if __name__ == "__main__":
    sys.exit(main())
