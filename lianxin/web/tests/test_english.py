"""English as the second language: chosen with ?lang=en, kept in a cookie, complete."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from .helpers import client_for, text

LOCALE = Path(settings.BASE_DIR) / "lianxin" / "locale" / "en" / "LC_MESSAGES"


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: context, id, plural id and translations."""

    def unquote(s: str) -> str:
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), s)

    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"ctx": None, "id": None, "plural": None, "strs": {}, "fuzzy": False}
        key = None
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d)\])?) "(.*)"$', line)
            if m:
                key = m[1] if not m[1].startswith("msgstr") else ("s", int(m[2] or 0))
                value = unquote(m[3])
                if isinstance(key, tuple):
                    entry["strs"][key[1]] = value
                else:
                    entry[{"msgctxt": "ctx", "msgid": "id", "msgid_plural": "plural"}[key]] = value
            elif line.startswith('"') and key is not None:
                value = unquote(line[1:-1])
                if isinstance(key, tuple):
                    entry["strs"][key[1]] += value
                else:
                    entry[{"msgctxt": "ctx", "msgid": "id", "msgid_plural": "plural"}[key]] += value
        if entry["id"]:
            entries.append(entry)
    return entries


def test_every_string_has_an_english_translation():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 500
    untranslated = [e["id"] for e in entries if not all(e["strs"].values()) or e["fuzzy"]]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_translations():
    with open(LOCALE / "django.mo", "rb") as f:
        catalogue = gettext.GNUTranslations(f)
    for e in po_entries(LOCALE / "django.po"):
        if e["plural"] is not None:
            got = (
                catalogue.npgettext(e["ctx"], e["id"], e["plural"], 2)
                if e["ctx"]
                else (catalogue.ngettext(e["id"], e["plural"], 2))
            )
            assert got == e["strs"][1], e["id"]
        elif e["ctx"]:
            assert catalogue.pgettext(e["ctx"], e["id"]) == e["strs"][0], e["id"]
        else:
            assert catalogue.gettext(e["id"]) == e["strs"][0], e["id"]


@pytest.mark.django_db
def test_the_login_page_switches_to_english_and_remembers_it():
    client = Client()
    response = client.get("/login/?lang=en")
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Sign in" in text(response) and "Password" in text(response)
    assert "登录" not in text(response)
    again = client.get("/login/")
    assert '<html lang="en">' in again.content.decode()
    back = client.get("/login/?lang=zh-hans")
    assert "登录" in text(back)


@pytest.mark.django_db
def test_the_workbench_and_the_deputies_list_read_in_english(users):
    client = client_for(users, "yc_staff")
    page = text(client.get("/workbench/?lang=en"))
    assert "Standing Committee of 榆次区人民代表大会 · Deputy-affairs staff" in page
    assert "Citizen opinions to triage" in page and "Nothing to do" in page
    listing = client.get("/deputies/", {"level": "galaxy"})
    assert listing.status_code == 422
    assert "Level galaxy does not exist." in text(listing)
    assert "Deputies" in text(client.get("/deputies/"))


@pytest.mark.django_db
def test_a_wrong_password_is_explained_in_english():
    client = Client()
    client.get("/login/?lang=en")
    response = client.post("/login/", {"username": "yc_staff", "password": "wrong-one"})
    assert "Incorrect username or password" in text(response)


@pytest.mark.django_db
def test_a_station_page_in_english_words_its_dates_and_rules_in_english():
    from lianxin.liaison.models import Station

    beiguan = Station.objects.get(code="YC-BGJD")
    client = Client()
    page = text(client.get(f"/public/stations/{beiguan.pk}/?lang=en"))
    assert "Weekday" not in page and "第一个" not in page
    assert "The first Monday of each month" in page
    day = r"(Jan|Feb|March|April|May|June|July|Aug|Sept|Oct|Nov|Dec)\.? \d{1,2}, \d{4}"
    assert re.search(day + r" (Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day", page)
    assert not re.search(r"\d{4}年|星期", page)


@pytest.mark.django_db
def test_every_page_offers_the_language_switch(users):
    public = Client().get("/public/").content.decode()
    assert 'hreflang="en"' in public and ">English<" in public
    staff = client_for(users, "yc_staff").get("/cases/?lang=en").content.decode()
    assert 'hreflang="zh-hans"' in staff and ">中文<" in staff
