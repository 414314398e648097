"""Full-text search (casework.search): the index kept by the trail, what each user may find,
filters, highlights, bad input, the page, the API, the export and the similar-items panel.
Runs on SQLite (FTS5) and, with DATABASE_URL, on PostgreSQL (tsvector + GIN)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook

from lianxin.casework import actions, search
from lianxin.casework.models import Case, Kind, SearchEntry
from lianxin.casework.tests.helpers import advance, client_for, new_opinion, user
from lianxin.testing.search import make_street_lamp_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def lamps():
    return make_street_lamp_cases()


def _ids(results) -> set[int]:
    return {h.case.pk for h in results.hits}


def test_the_index_lives_in_the_database_in_use():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'casework_search'")
            assert "fts5" in cursor.fetchone()[0].lower()
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'casework_search'"
                " AND indexname = 'casework_search_tsv'"
            )
            assert "gin" in cursor.fetchone()[0].lower()


def test_tokens_keep_words_and_the_pairs_of_chinese_runs():
    words, grams = search.tokens("路灯不亮，NEAR(3.5米)")
    assert "near" in words.split()
    assert "路灯" in grams.split() and "灯不" in grams.split()
    # What a user types is segmented the same way; operators are words like any other.
    assert search.query_terms('" * NEAR( OR') == ["near", "or"]
    assert search.query_terms("！！，。……") == []
    assert len(search.query_terms("路灯" * 500)) <= search.MAX_TERMS


def test_staff_find_an_old_suggestion_and_this_months_opinions_but_not_another_district(lamps):
    found = search.search(user("yc_staff"), "路灯")
    ids = _ids(found)
    assert lamps["suggestion"].pk in ids  # three years old, a suggestion
    assert {c.pk for c in lamps["opinions"]} <= ids
    assert lamps["taigu"].pk not in ids
    assert not any(h.case.scope_code.startswith("140703") for h in found.hits)
    hit = next(h for h in found.hits if h.case.pk == lamps["opinions"][0].pk)
    assert "<mark>路灯</mark>" in hit.snippet
    # 太谷区's staff find only 太谷区's.
    theirs = search.search(user("tg_staff"), "路灯")
    assert lamps["taigu"].pk in _ids(theirs)
    assert all(h.case.scope_code.startswith("140703") for h in theirs.hits)


def test_a_word_the_segmenter_cut_otherwise_is_still_found():
    case = new_opinion("顺城街北口路灯不亮半月有余。")
    assert case.pk in _ids(search.search(user("yc_staff"), "路灯"))
    assert case.pk in _ids(search.search(user("yc_staff"), "灯不亮 顺城街"))
    # Every word must be there.
    assert case.pk not in _ids(search.search(user("yc_staff"), "路灯 游泳池"))


def test_replies_are_searched_and_a_reply_reindexes_the_case():
    case = new_opinion("幸福街垃圾桶满溢无人清运。")
    staff, officer = user("yc_staff"), user("unit_demo")
    assert case.pk not in _ids(search.search(staff, "压缩式垃圾车"))
    advance(case, "handling")
    actions.do_reply_case(
        case, content="已调派压缩式垃圾车每日清运两次。", is_public=True, acting_user=officer
    )
    found = search.search(staff, "压缩式垃圾车")
    assert case.pk in _ids(found)
    assert "<mark>" in next(h for h in found.hits if h.case.pk == case.pk).snippet
    assert SearchEntry.objects.filter(case=case).count() == 1


def test_filters_narrow_and_bad_filters_are_refused(lamps):
    staff = user("yc_staff")
    only = search.search(staff, "路灯", {"kind": Kind.SUGGESTION})
    assert _ids(only) == {lamps["suggestion"].pk}
    year = lamps["suggestion"].created_at.year
    assert lamps["suggestion"].pk in _ids(search.search(staff, "路灯", {"year": str(year)}))
    assert not {c.pk for c in lamps["opinions"]} & _ids(
        search.search(staff, "路灯", {"year": str(year)})
    )
    from lianxin.core.errors import ValidationFailed

    for bad in (
        {"kind": "nonsense"},
        {"year": "二〇二四"},
        {"since": "2026-05-01", "until": "2026-01-01"},
        {"colour": "red"},
        {"category": "no-such"},
        {"reply": "Z"},
        {"since": "yesterday"},
    ):
        with pytest.raises(ValidationFailed):
            search.search(staff, "路灯", bad)
    by_date = search.search(staff, "路灯", sort="date")
    dates = [h.case.created_at for h in by_date.hits]
    assert dates == sorted(dates, reverse=True)


def test_operators_punctuation_and_long_strings_never_fail(lamps):
    staff = user("yc_staff")
    for q in ['" * NEAR( OR', '路灯" OR "', "NEAR(路灯 幸福街)", "路灯*", "-路灯 ^", "'); --"]:
        search.search(staff, q)  # no exception, whatever it finds
    assert search.search(staff, "！？。，、").message
    assert search.search(staff, "").message
    long = search.search(staff, "路灯" + "啊" * 998)
    assert long.message  # cut, and said so


def test_rebuild_writes_every_case_again():
    n = Case.objects.count()
    out = io.StringIO()
    call_command("rebuild_search", stdout=out)
    assert f"已索引 {n} 件" in out.getvalue()
    assert SearchEntry.objects.count() == n
    assert "#" in out.getvalue()  # the progress bar


def test_similar_cases_of_any_kind(lamps):
    found = search.similar(user("yc_staff"), lamps["opinions"][0])
    ids = [h.case.pk for h in found]
    assert lamps["taigu"].pk not in ids
    assert ids and lamps["opinions"][0].pk not in ids


def test_search_page_api_and_export(lamps, api):
    c = client_for("yc_staff")
    page = c.get("/search/", {"q": "路灯"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<mark>路灯</mark>" in html and "幸福街" in html and "胡村镇" not in html
    assert c.get("/search/", {"q": "路灯", "year": "abc"}).status_code == 422
    assert c.get("/search/", {"q": '" * NEAR( OR'}).status_code == 200
    assert c.get("/search/", {"q": "路灯", "page": "99999999"}).status_code == 200

    got = api.as_user("yc_staff").get("/api/v1/search", {"q": "路灯", "kind": "suggestion"})
    assert got.status_code == 200, got.content
    body = got.json()
    assert [i["id"] for i in body["items"]] == [lamps["suggestion"].pk]
    assert "<mark>" in body["items"][0]["snippet_html"]
    bad = api.as_user("yc_staff").get("/api/v1/search", {"q": "路灯", "colour": "red"})
    assert bad.status_code == 422 and bad.json()["code"]
    bad = api.as_user("yc_staff").get(
        "/api/v1/search", {"q": "路灯", "since": "2026-05-01", "until": "2026-01-01"}
    )
    assert bad.status_code == 422 and "起始日期" in bad.json()["message"]

    export = c.get("/search/export.xlsx", {"q": "路灯"})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    codes = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert lamps["opinions"][0].tracking_code in codes
    assert lamps["taigu"].tracking_code not in codes


def test_case_page_shows_similar_items_visible_to_the_reader(lamps):
    c = client_for("yc_staff")
    html = c.get(f"/cases/{lamps['opinions'][0].pk}/").content.decode()
    assert 'id="similar-cases"' in html
    assert lamps["taigu"].tracking_code not in html
    assert "<mark>" in html.split('id="similar-cases"')[1]
