"""Browsing deputies: scope, filters, paging, constant queries, profiles, phone reveals."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianxin.accounts import access
from lianxin.core.models import AuditLog
from lianxin.org.models import Congress, Deputy, Expertise, Level

from .helpers import cells, client_for, deputy_links, text

pytestmark = pytest.mark.django_db


def all_pages(client, params: str = "") -> list:
    """Every page of the deputies list for these filters."""
    pages, number = [], 1
    while True:
        response = client.get(f"/deputies/?{params}&page={number}")
        assert response.status_code == 200
        pages.append(response)
        if 'rel="next"' not in response.content.decode():
            return pages
        number += 1


def listed_ids(client, params: str = "") -> list[int]:
    return [i for r in all_pages(client, params) for i in deputy_links(r)]


def shown_count(response) -> int:
    return int(re.search(r"共 (\d+) 名代表", text(response)).group(1))


# --- Scope ---------------------------------------------------------------------------------


def test_yuci_staff_see_every_yuci_deputy_and_nothing_of_taigu(users):
    client = client_for(users, "yc_staff")
    ids = listed_ids(client)
    yuci = set(
        Deputy.objects.filter(congress__region__code__startswith="140702").values_list(
            "pk", flat=True
        )
    )
    assert set(ids) == yuci
    assert len(ids) == len(yuci)  # each once
    names = {c for r in all_pages(client) for c in cells(r, "人大")}
    assert names and all(name.startswith("榆次区") for name in names)
    assert shown_count(client.get("/deputies/?region=140703")) == 0


def test_taigu_staff_see_every_taigu_deputy_and_nothing_of_yuci(users):
    client = client_for(users, "tg_staff")
    ids = listed_ids(client)
    taigu = set(
        Deputy.objects.filter(congress__region__code__startswith="140703").values_list(
            "pk", flat=True
        )
    )
    assert taigu and set(ids) == taigu
    names = {c for r in all_pages(client) for c in cells(r, "人大")}
    assert all(name.startswith("太谷区") for name in names)
    assert shown_count(client.get("/deputies/?region=140702")) == 0


def test_a_handling_unit_officer_sees_no_deputies(users):
    response = client_for(users, "unit_demo").get("/deputies/")
    assert response.status_code == 200
    assert shown_count(response) == 0
    assert "没有符合条件的代表。" in text(response)


def test_the_list_shows_thirty_deputies_a_page(users):
    client = client_for(users, "jz_staff")
    first = client.get("/deputies/")
    total = access.visible_to(users["jz_staff"], Deputy).count()
    assert shown_count(first) == total
    assert len(deputy_links(first)) == 30
    last = client.get(f"/deputies/?page={(total + 29) // 30}")
    assert len(deputy_links(last)) == total - 30 * ((total - 1) // 30)


def test_a_page_number_out_of_range_shows_the_last_page_not_an_error(users):
    response = client_for(users, "yc_staff").get("/deputies/?page=9999")
    assert response.status_code == 200
    assert deputy_links(response)
    assert client_for(users, "yc_staff").get("/deputies/?page=abc").status_code == 200


# --- Filters -------------------------------------------------------------------------------


def test_filtering_by_level_lists_only_that_level(users):
    client = client_for(users, "yc_staff")
    ids = listed_ids(client, "level=township")
    expected = Deputy.objects.filter(
        congress__region__code__startswith="140702", congress__level=Level.TOWNSHIP
    )
    assert ids and set(ids) == set(expected.values_list("pk", flat=True))


def test_filtering_by_region_code_takes_the_whole_subtree(users):
    client = client_for(users, "jz_staff")
    ids = listed_ids(client, "region=140702")
    expected = Deputy.objects.filter(congress__region__code__startswith="140702")
    assert ids and set(ids) == set(expected.values_list("pk", flat=True))


def test_filtering_by_congress_lists_its_deputies(users):
    congress = Congress.objects.get(region__code="140702", level=Level.COUNTY)
    ids = listed_ids(client_for(users, "yc_staff"), f"congress={congress.pk}")
    assert ids and set(ids) == set(
        Deputy.objects.filter(congress=congress).values_list("pk", flat=True)
    )


def test_filtering_by_expertise_lists_only_deputies_of_that_field(users):
    client = client_for(users, "jz_staff")
    visible = access.visible_to(users["jz_staff"], Deputy)
    field = Expertise.objects.filter(people__deputy_seats__in=visible).first()
    ids = listed_ids(client, f"expertise={field.name}")
    assert ids and set(ids) == set(
        visible.filter(person__expertise=field).values_list("pk", flat=True)
    )


def test_filtering_leading_cadres_lists_only_leading_cadres(users):
    client = client_for(users, "jz_staff")
    visible = access.visible_to(users["jz_staff"], Deputy)
    cadres = set(visible.filter(person__is_leading_cadre=True).values_list("pk", flat=True))
    assert cadres
    assert set(listed_ids(client, "leading_cadre=1")) == cadres
    assert not cadres & set(listed_ids(client, "leading_cadre=0"))


def test_searching_finds_a_deputy_by_name_and_by_occupation(users):
    client = client_for(users, "yc_staff")
    deputy = Deputy.objects.filter(congress__region__code="140702").select_related("person").first()
    assert deputy.pk in deputy_links(client.get("/deputies/", {"q": deputy.person.name}))
    by_job = deputy_links(client.get("/deputies/", {"q": deputy.person.occupation}))
    assert deputy.pk in by_job


def test_a_search_for_someone_out_of_scope_finds_nothing(users):
    taigu = Deputy.objects.filter(congress__region__code="140703").select_related("person").first()
    response = client_for(users, "yc_staff").get("/deputies/", {"q": taigu.person.name})
    assert taigu.pk not in deputy_links(response)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"level": "galaxy"}, "级别 galaxy 不存在。"),
        ({"region": "999999"}, "区划代码 999999 不存在。"),
        ({"region": "abc' OR 1=1"}, "不存在"),
        ({"expertise": "炼金术"}, "专业领域“炼金术”不存在。"),
        ({"congress": "abc"}, "人大参数“abc”无效。"),
        ({"congress": "-3"}, "人大参数“-3”无效。"),
        ({"leading_cadre": "maybe"}, "领导干部参数“maybe”无效。"),
        ({"station": "x"}, "联络站参数“x”无效。"),
    ],
)
def test_a_bad_filter_value_shows_a_chinese_message_not_an_error(users, params, message):
    client = client_for(users, "yc_staff")
    response = client.get("/deputies/", params)
    assert response.status_code == 422
    assert message in text(response)
    assert 'role="alert"' in response.content.decode()
    partial = client.get("/deputies/", params, headers={"HX-Request": "true"})
    assert partial.status_code == 422
    assert message in text(partial)


def test_an_htmx_request_gets_only_the_results(users):
    response = client_for(users, "yc_staff").get(
        "/deputies/", {"level": "county"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="results" id="results"')
    assert "<html" not in body and 'name="expertise"' not in body
    assert deputy_links(response)


def test_phones_are_masked_in_the_list(users):
    client = client_for(users, "yc_staff")
    response = client.get("/deputies/")
    body = response.content.decode()
    deputies = Deputy.objects.filter(pk__in=deputy_links(response)).select_related("person")
    phones = [d.person.phone for d in deputies if d.person.phone]
    assert phones
    for phone in phones:
        assert phone not in body
        assert access.mask_phone(phone) in body


# --- Constant queries ---------------------------------------------------------------------


def count_queries(client, params: dict, **kwargs) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/deputies/", params, **kwargs)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(deputy_links(response))


def test_the_list_takes_the_same_number_of_queries_for_one_row_and_a_full_page(users):
    client = client_for(users, "jz_staff")
    one = Deputy.objects.filter(congress__region__code__startswith="1407").select_related("person")
    name = next(
        d.person.name for d in one if Deputy.objects.filter(person__name=d.person.name).count() == 1
    )
    few_queries, few_rows = count_queries(client, {"q": name})
    many_queries, many_rows = count_queries(client, {"q": ""})
    assert few_rows == 1 and many_rows == 30
    assert few_queries == many_queries
    htmx = {"headers": {"HX-Request": "true"}}
    assert count_queries(client, {"q": name}, **htmx)[0] == count_queries(client, {}, **htmx)[0]


# --- Profile -------------------------------------------------------------------------------


def test_a_profile_shows_who_the_deputy_is(users):
    deputy = (
        Deputy.objects.filter(congress__region__code="140702", congress__level=Level.COUNTY)
        .exclude(delegation=None, electoral_unit=None)
        .select_related("person", "congress", "electoral_unit")
        .first()
    )
    response = client_for(users, "yc_staff").get(f"/deputies/{deputy.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert deputy.person.name in page
    assert deputy.congress.name in page
    assert deputy.person.occupation in page
    if deputy.electoral_unit:
        assert deputy.electoral_unit.name in page
    for field in deputy.person.expertise.all():
        assert field.name in page
    assert ("领导干部 是" if deputy.person.is_leading_cadre else "领导干部 否") in page
    assert f"http://testserver/s/{deputy.scan_code}" in page
    assert "<svg" in response.content.decode()  # the scan-to-speak QR code
    assert access.mask_phone(deputy.person.phone) in page
    assert deputy.person.phone not in response.content.decode()


def test_a_profile_lists_every_seat_of_the_person_the_reader_may_see(users):
    person = users["deputy_demo"].person
    city_seat = Deputy.objects.get(person=person, congress__level=Level.CITY)
    county_seat = Deputy.objects.get(person=person, congress__level=Level.COUNTY)
    city_view = client_for(users, "jz_staff").get(f"/deputies/{county_seat.pk}/")
    assert f'href="/deputies/{city_seat.pk}/"' in city_view.content.decode()
    assert "晋中市人民代表大会" in text(city_view) and "榆次区人民代表大会" in text(city_view)
    # Yuci's office does not see the city seat, so it is not listed there.
    county_view = client_for(users, "yc_staff").get(f"/deputies/{county_seat.pk}/")
    assert county_view.status_code == 200
    assert f'href="/deputies/{city_seat.pk}/"' not in county_view.content.decode()
    assert client_for(users, "yc_staff").get(f"/deputies/{city_seat.pk}/").status_code == 404


def test_a_taigu_profile_is_not_found_for_yuci_staff_and_the_reverse(users):
    yuci = Deputy.objects.filter(congress__region__code__startswith="140702").first()
    taigu = Deputy.objects.filter(congress__region__code__startswith="140703").first()
    missing = Deputy.objects.order_by("-pk").first().pk + 1000
    yc, tg = client_for(users, "yc_staff"), client_for(users, "tg_staff")
    not_yours = yc.get(f"/deputies/{taigu.pk}/")
    not_there = yc.get(f"/deputies/{missing}/")
    assert not_yours.status_code == not_there.status_code == 404
    assert text(not_yours) == text(not_there)
    assert "页面不存在" in text(not_yours)
    assert tg.get(f"/deputies/{yuci.pk}/").status_code == 404
    assert tg.get(f"/deputies/{taigu.pk}/").status_code == 200


# --- Revealing a phone number ---------------------------------------------------------------


def yuci_county_deputy() -> Deputy:
    return (
        Deputy.objects.filter(congress__region__code="140702", congress__level=Level.COUNTY)
        .exclude(person__phone="")
        .select_related("person")
        .first()
    )


def test_the_deputys_own_office_reveals_the_number_and_it_is_logged(users):
    deputy = yuci_county_deputy()
    client = client_for(users, "yc_staff")
    profile = client.get(f"/deputies/{deputy.pk}/")
    assert "查看完整号码" in text(profile)
    before = AuditLog.objects.filter(kind=AuditLog.Kind.PERSONAL_DATA_VIEWED).count()
    response = client.post(f"/deputies/{deputy.pk}/phone", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert deputy.person.phone in response.content.decode()
    assert "<html" not in response.content.decode()
    log = AuditLog.objects.filter(kind=AuditLog.Kind.PERSONAL_DATA_VIEWED).order_by("-pk").first()
    assert AuditLog.objects.filter(kind=AuditLog.Kind.PERSONAL_DATA_VIEWED).count() == before + 1
    assert log.username == "yc_staff"
    assert log.target == f"deputy:{deputy.pk}"
    assert log.detail == {"field": "phone"}


def test_revealing_without_htmx_shows_the_profile_with_the_number(users):
    deputy = yuci_county_deputy()
    response = client_for(users, "yc_staff").post(f"/deputies/{deputy.pk}/phone")
    assert response.status_code == 200
    assert deputy.person.phone in response.content.decode()
    assert deputy.person.name in text(response)


def test_a_roll_up_reader_cannot_reveal_the_number(users):
    deputy = yuci_county_deputy()
    client = client_for(users, "jz_staff")
    assert client.get(f"/deputies/{deputy.pk}/").status_code == 200
    assert "查看完整号码" not in text(client.get(f"/deputies/{deputy.pk}/"))
    before = AuditLog.objects.count()
    response = client.post(f"/deputies/{deputy.pk}/phone", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert deputy.person.phone not in response.content.decode()
    # No reveal is logged; the refused attempt is (one access_refused entry, level 3 audit).
    new = list(AuditLog.objects.order_by("id")[before:].values_list("kind", flat=True))
    assert new == [AuditLog.Kind.ACCESS_REFUSED]


def test_revealing_a_number_outside_ones_scope_is_not_found_and_not_logged(users):
    deputy = yuci_county_deputy()
    client = client_for(users, "tg_staff")
    before = AuditLog.objects.count()
    response = client.post(f"/deputies/{deputy.pk}/phone")
    assert response.status_code == 404
    assert deputy.person.phone not in response.content.decode()
    # No reveal is logged; the "not yours" 404 is a refused attempt (level 3 audit).
    new = list(AuditLog.objects.order_by("id")[before:].values_list("kind", flat=True))
    assert new == [AuditLog.Kind.ACCESS_REFUSED]


def test_a_deputy_may_reveal_their_own_number(users):
    seat = (
        Deputy.objects.filter(person=users["deputy_demo"].person).select_related("person").first()
    )
    response = client_for(users, "deputy_demo").post(f"/deputies/{seat.pk}/phone")
    assert response.status_code == 200
    assert seat.person.phone in response.content.decode()


def test_the_number_is_revealed_only_by_a_post(users):
    deputy = yuci_county_deputy()
    assert client_for(users, "yc_staff").get(f"/deputies/{deputy.pk}/phone").status_code == 405


def test_the_back_button_gets_the_whole_page_not_the_partial(users):
    response = client_for(users, "yc_staff").get(
        "/deputies/",
        {"level": "county"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]
