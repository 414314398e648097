"""Regions and handling units are chosen by name (lianxin/core/widgets.py): the triage and
assign forms, the case list's filter, the three logs and central assignment show names, never a
bare region code; they still submit codes and ids, and the cascade's children endpoint answers
only within the user's scope."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lianxin.casework.tests.helpers import advance, fresh, new_opinion, unit, user
from lianxin.org.models import HandlingUnit, Region

pytestmark = pytest.mark.django_db

BEIGUAN = "140702001"  # 北关街道, 榆次区
YUCI = "140702"


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def bare_codes(html: str) -> list[str]:
    """Nine-digit region codes a person would read: in text, not in value attributes."""
    text = re.sub(r'value="[^"]*"', "", html)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.findall(r"(?<!\d)14\d{7}(?!\d)", text)


def test_the_triage_form_shows_the_cases_region_by_name_and_takes_a_township():
    case = new_opinion()
    client = signed_in("yc_staff")
    html = client.get(f"/cases/{case.pk}/actions/triage/").content.decode()
    assert "所涉区划代码" not in html and bare_codes(html) == []
    # Every township of 榆次区 is offered by name, and the case's own region is the one chosen.
    assert '<option value="140702002">\u3000锦纶街道</option>' in html
    assert case.region.code == BEIGUAN
    assert '<option value="140702001" selected>\u3000北关街道</option>' in html
    assert "data-region-picker" in html and 'data-children-url="/regions/children/"' in html
    from lianxin.casework.models import Category

    r = client.post(
        f"/cases/{case.pk}/actions/triage/",
        {
            "category": Category.objects.get(code="transport").pk,
            "region": "140702002",
            "version": case.version,
        },
    )
    assert r.status_code == 302
    assert fresh(case).region.code == "140702002"


def test_the_triage_form_still_refuses_an_unknown_code_by_name():
    case = new_opinion()
    from lianxin.casework.models import Category

    r = signed_in("yc_staff").post(
        f"/cases/{case.pk}/actions/triage/",
        {
            "category": Category.objects.get(code="transport").pk,
            "region": "999999999",
            "version": case.version,
        },
    )
    assert r.status_code == 422 and "区划代码 999999999 不存在" in r.content.decode()
    assert fresh(case).state == "registered"


def test_the_assign_form_lists_units_as_radios_and_checkboxes_under_a_filter_box():
    case = advance(new_opinion(), "triaged")
    client = signed_in("yc_staff")
    html = client.get(f"/cases/{case.pk}/actions/assign/").content.decode()
    assert "<select" not in html.split('id="action-form-assign"')[1].split("</form>")[0]
    assert html.count('name="lead_unit"') == html.count('type="radio" name="lead_unit"') > 5
    assert 'type="checkbox" name="co_units"' in html
    assert 'class="picklist-filter"' in html and "<legend>主办单位</legend>" in html
    lead, co1, co2 = (
        unit("JZ-JTYSJ"),
        unit("JZ-ZFCXJSJ"),
        _another_unit(case, "JZ-JTYSJ", "JZ-ZFCXJSJ"),
    )
    assert lead.name in html and co1.name in html and co2.name in html
    r = client.post(
        f"/cases/{case.pk}/actions/assign/",
        {"lead_unit": lead.pk, "co_units": [co1.pk, co2.pk], "version": fresh(case).version},
    )
    assert r.status_code == 302
    roles = {(a.unit.code, a.role) for a in fresh(case).assignments.select_related("unit")}
    assert roles == {(lead.code, "lead"), (co1.code, "co"), (co2.code, "co")}


def _another_unit(case, *codes) -> HandlingUnit:
    return (
        HandlingUnit.objects.filter(is_active=True, region__code__in=["14", "1407", YUCI])
        .exclude(code__in=codes)
        .order_by("code")
        .first()
    )


def test_the_case_list_filters_by_a_region_chosen_by_name():
    inside = new_opinion("北关街道顺城街井盖缺失")
    client = signed_in("yc_staff")
    html = client.get("/cases/").content.decode()
    assert "区划代码" not in html and bare_codes(html) == []
    assert '<select name="region" id="f-region">' in html and "北关街道" in html
    html = client.get("/cases/", {"region": BEIGUAN}).content.decode()
    assert '<option value="140702001" selected>' in html and inside.tracking_code in html
    other = Region.objects.filter(parent__code=YUCI).exclude(code=inside.region.code).first()
    html = client.get("/cases/", {"region": other.code}).content.decode()
    assert inside.tracking_code not in html


def test_the_logs_choose_a_region_by_name():
    client = signed_in("yc_staff")
    html = client.get("/logs/").content.decode()
    assert "区划代码" not in html and bare_codes(html) == []
    assert '<select name="region" id="id_region">' in html and "北关街道" in html
    r = client.get("/logs/", {"kind": "contact", "region": BEIGUAN}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "晋中市榆次区北关街道" in r.content.decode()


def test_the_children_endpoint_answers_only_within_the_users_scope():
    client = signed_in("yc_staff")
    r = client.get("/regions/children/", {"parent": YUCI})
    names = re.findall(r'<option value="(\d+)">([^<]+)</option>', r.content.decode())
    expected = list(
        Region.objects.filter(parent__code=YUCI).order_by("code").values_list("code", "name")
    )
    assert r.status_code == 200 and names == expected and ("140702001", "北关街道") in names
    assert 'aria-label="乡镇（街道）"' in r.content.decode()
    # Another county, the city above and a made-up code: not in yc_staff's scope.
    for parent in ("140703", "1407", "14", "99", ""):
        assert client.get("/regions/children/", {"parent": parent}).status_code == 404
    # The city's office sees the city's counties; a township has nothing below it to pick.
    city = signed_in("jz_staff")
    html = city.get("/regions/children/", {"parent": "1407"}).content.decode()
    assert f'<option value="{YUCI}">榆次区</option>' in html
    r = city.get("/regions/children/", {"parent": BEIGUAN})
    assert r.status_code == 200 and r.content == b""
    assert Client().get("/regions/children/", {"parent": YUCI}).status_code == 302


def test_central_assignment_picks_units_by_name():
    from lianxin.suggestions.tests.helpers import advance as advance_suggestion
    from lianxin.suggestions.tests.helpers import new_suggestion

    case = advance_suggestion(new_suggestion(), "accepted")
    client = signed_in("jz_staff")
    html = client.get("/suggestions/assign/").content.decode()
    assert f'type="radio" name="lead_{case.pk}"' in html
    assert f'type="checkbox" name="co_{case.pk}"' in html
    assert f'name="co_{case.pk}" multiple' not in html
    lead, co = unit("JZ-JTYSJ"), unit("JZ-ZFCXJSJ")
    r = client.post(
        "/suggestions/assign/",
        {
            "congress": case.congress_id,
            f"lead_{case.pk}": lead.pk,
            f"co_{case.pk}": [co.pk],
            f"version_{case.pk}": fresh(case).version,
        },
    )
    assert r.status_code == 302
    roles = {(a.unit.code, a.role) for a in fresh(case).assignments.select_related("unit")}
    assert roles == {(lead.code, "lead"), (co.code, "co")}
