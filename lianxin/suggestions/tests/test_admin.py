"""The admin site shows the records of the suggestions' actions — extension requests,
co-handling opinion deadlines, survey rounds and answers — to the system administrator, who
reads them there but cannot add, change or delete them (they change only through the
actions)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from lianxin.casework.models import ExtensionRequest, SurveyAnswer, SurveyRound

from .. import actions
from ..models import CoOpinionDeadline
from .helpers import advance, fresh, new_suggestion, user

pytestmark = pytest.mark.django_db

TITLE = "后台查看用建议"


def admin_client() -> Client:
    c = Client()
    c.force_login(user("admin"))
    return c


def records():
    """One suggestion with a pending extension request, a co-handling deadline and a survey
    round with one answer, all made by the actions."""
    case = advance(new_suggestion(TITLE, co=("deputy_b",)), "handling")
    actions.do_request_extension(
        case,
        reason="需协调资金。",
        due_date=(fresh(case).due_date + dt.timedelta(days=30)).isoformat(),
        acting_user=user("unit_demo"),
    )
    actions.do_key_supervise(
        fresh(case), note="列为重点督办。", leader="王副主任", acting_user=user("jz_staff")
    )
    actions.do_open_survey(fresh(case), acting_user=user("jz_staff"))
    actions.do_answer_survey(fresh(case), rating="satisfied", acting_user=user("deputy_b"))
    return {
        "extensionrequest": ExtensionRequest.objects.get(case=case),
        "coopiniondeadline": CoOpinionDeadline.objects.get(case=case),
        "surveyround": SurveyRound.objects.get(case=case),
        "surveyanswer": SurveyAnswer.objects.get(
            round__case=case, deputy__person__user__username="deputy_b"
        ),
    }


def test_the_administrator_reads_the_records_of_the_actions():
    rows = records()
    client = admin_client()
    for model, row in rows.items():
        app = "suggestions" if model == "coopiniondeadline" else "casework"
        base = f"/admin/{app}/{model}/"
        listing = client.get(base)
        assert listing.status_code == 200, model
        assert TITLE in listing.content.decode(), model
        searched = client.get(base, {"q": TITLE})
        assert searched.status_code == 200 and TITLE in searched.content.decode(), model
        page = client.get(f"{base}{row.pk}/change/")
        assert page.status_code == 200, model
        assert 'name="_save"' not in page.content.decode(), model  # read only
        assert client.get(f"{base}add/").status_code == 403, model
        assert client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403, model
    assert ExtensionRequest.objects.filter(pk=rows["extensionrequest"].pk).exists()


def test_the_lists_filter_by_what_they_show():
    records()
    client = admin_client()
    for path, query in [
        ("extensionrequest", {"status__exact": "pending"}),
        ("coopiniondeadline", {"is_overdue__exact": "0"}),
        ("surveyround", {"closed_at__isempty": "1"}),
        ("surveyanswer", {"rating__exact": "satisfied"}),
    ]:
        app = "suggestions" if path == "coopiniondeadline" else "casework"
        r = client.get(f"/admin/{app}/{path}/", query)
        assert r.status_code == 200, path
        assert TITLE in r.content.decode(), path
    survey = client.get("/admin/casework/surveyround/").content.decode()
    assert "1 / 2" in survey  # answered / asked
    pending = client.get("/admin/casework/extensionrequest/", {"status__exact": "approved"})
    assert TITLE not in pending.content.decode()


def test_everyone_else_is_refused_these_lists():
    c = Client()
    c.force_login(user("jz_staff"))
    for model in ("extensionrequest", "coopiniondeadline", "surveyround", "surveyanswer"):
        app = "suggestions" if model == "coopiniondeadline" else "casework"
        assert c.get(f"/admin/{app}/{model}/", follow=True).status_code == 403
