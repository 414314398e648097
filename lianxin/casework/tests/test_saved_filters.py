"""A clerk's own named filters of the case list: saved from the list, shown above it as links
that give the same list, replaced by name, deleted, and nobody else's."""

from __future__ import annotations

import pytest
from django.test import Client

from lianxin.casework.models import SavedFilter

from .helpers import new_opinion, user

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def test_a_filter_is_saved_shown_and_gives_the_same_list():
    overdue_query = "overdue=1&kind=opinion&page=3&bogus=x"
    clerk = signed_in("yc_staff")
    r = clerk.post("/cases/filters/", {"name": "逾期意见", "query": overdue_query})
    assert r.status_code == 302 and r["Location"] == "/cases/?kind=opinion&overdue=1"
    row = SavedFilter.objects.get(user=user("yc_staff"))
    assert (row.name, row.query) == ("逾期意见", "kind=opinion&overdue=1")
    page = clerk.get("/cases/").content.decode()
    assert 'href="/cases/?kind=opinion&amp;overdue=1">逾期意见</a>' in page
    # The list it links to offers to save exactly its filters again.
    page = clerk.get("/cases/?kind=opinion&overdue=1&page=1").content.decode()
    assert 'name="query" value="kind=opinion&amp;overdue=1"' in page
    # The same name again replaces the conditions; nobody else sees it.
    clerk.post("/cases/filters/", {"name": "逾期意见", "query": "overdue=1"})
    assert list(SavedFilter.objects.values_list("query", flat=True)) == ["overdue=1"]
    assert "逾期意见" not in signed_in("tg_staff").get("/cases/").content.decode()


def test_deleting_is_only_for_the_owner():
    clerk = signed_in("yc_staff")
    clerk.post("/cases/filters/", {"name": "我的", "query": "mine=1"})
    row = SavedFilter.objects.get()
    assert signed_in("tg_staff").post(f"/cases/filters/{row.pk}/delete/").status_code == 404
    assert clerk.get(f"/cases/filters/{row.pk}/delete/").status_code == 405
    assert clerk.post(f"/cases/filters/{row.pk}/delete/").status_code == 302
    assert not SavedFilter.objects.exists()


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        ("", "mine=1", "请为常用筛选起一个名称"),
        ("长" * 31, "mine=1", "不超过 30 个字"),
        ("空的", "page=2&bogus=1", "没有选择任何筛选条件"),
    ],
)
def test_bad_input_says_why_and_keeps_nothing(name, query, message):
    clerk = signed_in("yc_staff")
    r = clerk.post("/cases/filters/", {"name": name, "query": query}, follow=True)
    assert r.status_code == 200 and message in r.content.decode()
    assert not SavedFilter.objects.exists()


def test_at_most_twenty_per_person():
    owner = user("yc_staff")
    SavedFilter.objects.bulk_create(
        SavedFilter(user=owner, name=f"筛选{i}", query="mine=1") for i in range(20)
    )
    r = signed_in("yc_staff").post(
        "/cases/filters/", {"name": "再一个", "query": "mine=1"}, follow=True
    )
    assert "最多保存 20 个" in r.content.decode()
    assert SavedFilter.objects.count() == 20


@pytest.mark.browser
def test_a_clerk_saves_a_filter_and_comes_back_to_it(page, login):
    new_opinion(title="北关街道路灯不亮")
    login(page, "yc_staff")
    page.goto("/cases/?q=路灯")
    page.fill("#save-filter-name", "路灯")
    page.click("#save-filter button[type=submit]")
    page.wait_for_selector(".saved-filters a:text('路灯')")
    page.goto("/cases/")
    page.click(".saved-filters a:text('路灯')")
    page.wait_for_url("**/cases/?q=*")
    assert page.input_value("#f-q") == "路灯"
    assert page.locator("table.cases tbody tr").count() >= 1
