"""The same issue across channels and kinds, measured as used: every message of a real message
board (TipDM 2020 C, development part, 2,986 messages, read from the shared folder) loaded as
open cases of one county, and each message of a same-issue cluster asked for its duplicates
(`lianxin.testing.same_issue`; `bench/casework_same_issue.py` prints the same figures)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from lianxin.casework import duplicates
from lianxin.casework.models import Case, CaseTerm, CaseTerms
from lianxin.casework.similar import possible_duplicates
from lianxin.org.models import Congress
from lianxin.testing import same_issue

from .helpers import fresh, new_opinion, station, user

pytestmark = pytest.mark.django_db

needs_data = pytest.mark.skipif(
    not same_issue.available(),
    reason=f"the TipDM same-issue data is not at {same_issue.TIPDM} (kept outside the repository)",
)


@pytest.fixture(autouse=True)
def _demo_cases_out_of_the_window(db):
    Case.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    # Each test counts keywords over its own cases.
    duplicates.clear_counts()


@pytest.fixture
def board():
    b = same_issue.read()
    yc = Congress.objects.select_related("region").get(region__code="140702")
    return b, same_issue.load(b, congress=yc, station=station())


@needs_data
def test_on_a_real_board_the_first_offer_is_the_same_issue_and_no_other_issue_is_offered(board):
    b, ids = board
    assert len(ids) > 2900
    figures = same_issue.measure(b, ids, user("yc_staff"), possible_duplicates)
    print("\n".join(f"{k}: {v}" for k, v in figures.lines()))
    assert figures.queries > 100
    # Nothing offered is labelled another issue (or sits in another issue's cluster).
    assert figures.offered_wrong == 0, figures.lines()
    assert figures.offered_right > 300
    # Every first offer among labelled messages is right; the few first offers of unlabelled
    # messages (near-copies nobody clustered) stay few.
    assert figures.judged_first_accuracy >= 0.95, figures.lines()
    assert figures.first_accuracy >= 0.9, figures.lines()
    # Stored terms and an index: a lookup segments one text, whatever the number of cases.
    assert figures.p95_ms < 1000, figures.lines()


@needs_data
def test_the_same_complaint_at_another_estate_street_or_school_is_never_offered(board):
    b, ids = board
    yc = Congress.objects.select_related("region").get(region__code="140702")
    moved, originals = {}, {}
    for m in sorted(b.labelled):
        title, text = b.messages[m]
        places, _districts = duplicates.places_of(f"{title}\n{text}")
        if not places:
            continue
        for i, elsewhere in enumerate(same_issue.ELSEWHERE):
            new_title, new_text = title, text
            for place in sorted(places, key=len, reverse=True):
                new_title = new_title.replace(place, elsewhere)
                new_text = new_text.replace(place, elsewhere)
            moved[f"{m}-{i}"] = (new_title, new_text)
            originals[f"{m}-{i}"] = m
    assert len(moved) > 150
    copies = same_issue.load(same_issue.Board(moved, {}, set()), congress=yc, station=station())
    copy_ids = set(copies.values())
    staff = user("yc_staff")
    cases = Case.objects.in_bulk([ids[m] for m in set(originals.values())] + list(copy_ids))
    for m in set(originals.values()):
        offered = {f.case.pk for f in possible_duplicates(staff, cases[ids[m]])}
        assert not offered & copy_ids, (m, b.messages[m][0])
    for key, pk in list(copies.items())[::7]:
        original = ids[originals[key]]
        offered = {f.case.pk for f in possible_duplicates(staff, cases[pk])}
        assert original not in offered, (key, moved[key][0])


LIGHT = "北关街道顺城街路灯不亮，夜间出行不便。"
LIGHT_AGAIN = "顺城街的路灯坏了好几天，晚上走路很黑，希望尽快维修。"
RUBBISH = "北关街道顺城街垃圾清运不及时，门口堆满垃圾，气味难闻。"


def test_places_are_recognised_by_rules_and_words_wrongly_tagged_as_places_are_not():
    places, districts = duplicates.places_of("投诉A2区丽发新城附近建搅拌站噪音扰民")
    assert places == ["丽发新城"] and districts == ["A2区"]
    places, _ = duplicates.places_of("A市经济学院强制学生外出实习，A7县凉塘路旧城改造")
    assert {"经济学院", "凉塘路"} <= set(places)
    assert duplicates.places_of("二房东乱收费，治安差，我们小区门口的马路") == ([], [])
    places, districts = duplicates.places_of("山西省晋中市榆次区锦纶小区")
    assert "锦纶小区" in places and districts == ["榆次区"]


def test_same_street_other_problem_and_same_problem_other_street_are_told_apart():
    light = new_opinion(LIGHT)
    again = new_opinion(LIGHT_AGAIN, contact_phone="13900001111")
    rubbish = new_opinion(RUBBISH, contact_phone="13900002222")
    elsewhere = new_opinion("迎宾西路路灯不亮，夜间出行不便。", contact_phone="13900003333")
    [match] = possible_duplicates(user("yc_staff"), fresh(light))
    assert match.case.pk == again.pk
    assert match.reason == "同一地点：顺城街；相同问题：路灯"
    assert {f.case.pk for f in possible_duplicates(user("yc_staff"), fresh(rubbish))} == set()
    assert elsewhere.pk not in {
        f.case.pk for f in possible_duplicates(user("yc_staff"), fresh(again))
    }


def test_terms_are_stored_at_intake_and_follow_an_edit():
    light = new_opinion(LIGHT)
    stored = CaseTerms.objects.get(case=light)
    assert "顺城街" in stored.places and "灯不亮" in stored.words
    assert set(CaseTerm.objects.filter(case=light).values_list("term", flat=True)) == set(
        stored.words
    )
    Case.objects.filter(pk=light.pk).update(content=RUBBISH)
    duplicates.index_cases([light.pk])
    assert "垃圾" in CaseTerms.objects.get(case=light).words
    assert not CaseTerm.objects.filter(case=light, term="灯不亮").exists()


def test_a_case_of_another_kind_is_offered_with_its_reason_but_not_for_merging():
    light = new_opinion(LIGHT)
    yc = Congress.objects.select_related("region").get(region__code="140702")
    [suggestion] = same_issue.load(
        same_issue.Board({"s": ("关于修复顺城街路灯的建议", LIGHT_AGAIN)}, {}, set()),
        congress=yc,
        kind="suggestion",
    ).values()
    Case.objects.filter(pk=suggestion).update(state="submitted")
    found = possible_duplicates(user("yc_staff"), fresh(light))
    assert suggestion in [f.case.pk for f in found]
    client = Client()
    client.force_login(user("yc_staff"))
    page = client.get(f"/cases/{light.pk}/").content.decode()
    row = re.search(rf'<tr data-duplicate="{suggestion}">(.*?)</tr>', page, re.S).group(1)
    assert "代表建议" in row and "同一地点：顺城街" in row
    assert "类别不同，不能并入" in row and "data-merge-into" not in row
