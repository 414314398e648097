"""Browsing regions and congresses within one's scope."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianxin.accounts import access
from lianxin.org.models import Body, Congress, Deputy, Level, Region, SeatStatus

from .helpers import cells, client_for, text

pytestmark = pytest.mark.django_db


def test_regions_drill_down_from_the_city_to_its_eleven_counties(users):
    response = client_for(users, "jz_staff").get("/regions/", {"parent": "1407"})
    assert response.status_code == 200
    codes = cells(response, "区划代码")
    expected = list(
        Region.objects.filter(parent__code="1407").order_by("code").values_list("code", flat=True)
    )
    assert codes == expected and len(codes) == 11
    assert "140702" in codes and "140703" in codes


def test_region_rows_count_the_congresses_the_reader_may_see(users):
    response = client_for(users, "jz_staff").get("/regions/", {"parent": "1407"})
    counts = dict(zip(cells(response, "区划代码"), cells(response, "人大"), strict=True))
    visible = access.visible_to(users["jz_staff"], Congress)
    assert int(counts["140702"]) == visible.filter(region__code__startswith="140702").count() > 1
    yc = client_for(users, "yc_staff").get("/regions/", {"parent": "1407"})
    yc_counts = dict(zip(cells(yc, "区划代码"), cells(yc, "人大"), strict=True))
    assert int(yc_counts["140703"]) == 0  # nothing of Taigu for Yuci's office
    assert int(yc_counts["140702"]) > 0


def test_a_county_drills_down_to_its_townships(users):
    response = client_for(users, "yc_staff").get("/regions/", {"parent": "140702"})
    codes = cells(response, "区划代码")
    assert codes and all(code.startswith("140702") and len(code) == 9 for code in codes)
    assert "北关街道" in text(response)


def test_regions_start_at_the_readers_own_region(users):
    page = text(client_for(users, "yc_staff").get("/regions/"))
    assert "榆次区 区划代码 140702" in page


def test_an_unknown_region_code_is_a_message(users):
    response = client_for(users, "yc_staff").get("/regions/", {"parent": "99x"})
    assert response.status_code == 422
    assert "区划代码 99x 不存在。" in text(response)


def test_region_browsing_takes_the_same_queries_for_few_and_many_rows(users):
    client = client_for(users, "jz_staff")

    def queries(parent: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/regions/", {"parent": parent})
        return len(ctx.captured_queries), len(cells(response, "区划代码"))

    few, many = queries("1407"), queries("140702")
    assert few[1] != many[1]
    assert few[0] == many[0]


def test_yuci_staff_see_yuci_congresses_and_none_of_taigu(users):
    response = client_for(users, "yc_staff").get("/congresses/")
    assert response.status_code == 200
    regions = cells(response, "行政区划")
    assert regions and all(r.split()[-1].startswith("140702") for r in regions)
    taigu = Congress.objects.get(region__code="140703", level=Level.COUNTY)
    assert client_for(users, "yc_staff").get(f"/congresses/{taigu.pk}/").status_code == 404
    assert client_for(users, "tg_staff").get(f"/congresses/{taigu.pk}/").status_code == 200


def test_the_congress_list_filters_by_level_and_refuses_an_unknown_one(users):
    client = client_for(users, "jz_staff")
    counties = cells(client.get("/congresses/", {"level": "county"}), "级别")
    assert len(counties) == 11 and set(counties) == {"县级"}
    bad = client.get("/congresses/", {"level": "moon"})
    assert bad.status_code == 422 and "级别 moon 不存在。" in text(bad)


def test_the_congress_list_counts_serving_deputies(users):
    response = client_for(users, "yc_staff").get("/congresses/")
    yuci = Congress.objects.get(region__code="140702", level=Level.COUNTY)
    shown = re.search(rf'href="/deputies/\?congress={yuci.pk}">(\d+)<', response.content.decode())
    assert int(shown.group(1)) == yuci.deputies.filter(status=SeatStatus.SERVING).count()


def test_a_congress_page_shows_its_bodies_with_deputy_counts(users):
    city = Congress.objects.get(region__code="1407", level=Level.CITY)
    response = client_for(users, "jz_staff").get(f"/congresses/{city.pk}/")
    assert response.status_code == 200
    page = text(response)
    for label in ("常务委员会", "代表工作机构", "代表团", "选举单位（选区）"):
        assert label in page
    delegation = Body.objects.filter(
        congress=city, kind=Body.Kind.DELEGATION, name__startswith="榆次区"
    ).first()
    n = Deputy.objects.filter(delegation=delegation, status=SeatStatus.SERVING).count()
    assert n > 0
    assert f"{delegation.name} {n}" in page
    # The city office sees the county congresses below it.
    assert "榆次区人民代表大会" in page and "太谷区人民代表大会" in page


def test_a_county_office_reads_its_own_congress_as_manager(users):
    yuci = Congress.objects.get(region__code="140702", level=Level.COUNTY)
    own = text(client_for(users, "yc_staff").get(f"/congresses/{yuci.pk}/"))
    rollup = text(client_for(users, "jz_staff").get(f"/congresses/{yuci.pk}/"))
    assert "只读" not in own
    assert "您对本级人大为只读查看。" in rollup


@pytest.mark.parametrize(
    ("username", "proposals", "activities"),
    [
        ("cppcc_staff", True, False),
        ("member_demo", True, False),
        ("unit_demo", True, True),
        ("yc_staff", False, True),
        ("deputy_demo", False, True),
        ("yc_station", False, False),
    ],
)
def test_the_menu_leads_to_proposals_and_activities_for_those_who_have_them(
    users, username, proposals, activities
):
    page = client_for(users, username).get("/workbench/").content.decode()
    nav = page[page.index('class="top-nav"') : page.index("</nav>")]
    assert ('href="/proposals/"' in nav) is proposals
    assert ('href="/duty/activities/"' in nav) is activities
    record = {"deputy_demo": "/duty/record/", "yc_staff": "/duty/scores/"}.get(username)
    if record:
        assert f'href="{record}"' in nav
        assert client_for(users, username).get(record).status_code == 200
    else:
        assert 'href="/duty/record/"' not in nav and 'href="/duty/scores/"' not in nav
    if proposals:
        assert client_for(users, username).get("/proposals/").status_code == 200
    if activities:
        assert client_for(users, username).get("/duty/activities/").status_code == 200
