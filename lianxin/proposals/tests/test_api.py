"""Proposals through the API: writing jointly, the registration review, bad input, and the
blind two-way evaluation (each side reads the other's rating only after giving its own)."""

from __future__ import annotations

import pytest

from lianxin.casework import actions as loop
from lianxin.casework.models import Case, CoSponsor, Evaluation
from lianxin.core.models import TrailEvent

from ..models import Proposal
from .helpers import advance, fresh, new_proposal, other_cppcc, seat, unit, user


def act(client, case_id, action, body=None):
    return client.post(f"/api/v1/cases/{case_id}/actions/{action}", body or {})


@pytest.mark.django_db
def test_a_member_writes_a_joint_proposal_and_the_co_sponsor_confirms_before_submission(api):
    member = api.as_user("member_demo")
    r = member.post(
        "/api/v1/proposals",
        {
            "title": "关于加快发展职业教育的提案",
            "content": "建议扩大职业院校招生。",
            "co_sponsors": [seat("member_b").pk],
            "respond_by": "2099-01-01",
        },
    )
    assert r.status_code == 201, r.content
    case_id = r.json()["id"]
    assert act(member, case_id, "submit").status_code == 409  # member_b has not answered
    assert act(api.as_user("member_b"), case_id, "cosign", {"accept": True}).status_code == 200
    r = act(member, case_id, "submit")
    assert r.status_code == 200 and r.json()["state"] == "submitted"
    assert [c["status"] for c in r.json()["co_sponsors"]] == ["confirmed"]
    mine = api.as_user("member_b").get("/api/v1/proposals", {"mine": True}).json()
    assert case_id in [row["id"] for row in mine["items"]]


@pytest.mark.django_db
def test_a_member_may_not_propose_in_another_cppcc(api):
    cppcc = other_cppcc()
    before = Case.objects.count()
    r = api.as_user("member_demo").post(
        "/api/v1/proposals", {"title": "关于某事的提案", "content": "内容", "cppcc": cppcc.pk}
    )
    assert r.status_code == 422
    assert "只能在本人所在的政协提出提案" in r.json()["message"]
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_a_co_sponsor_from_another_cppcc_is_refused_and_nothing_is_saved(api):
    other_cppcc()
    before = (Case.objects.count(), CoSponsor.objects.count(), Proposal.objects.count())
    r = api.as_user("member_demo").post(
        "/api/v1/proposals",
        {
            "title": "关于某事的提案",
            "content": "内容",
            "co_sponsors": [seat("member_b").pk, seat("yc_member").pk],
        },
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] and "榆次委员" in body["message"] and "不是本政协委员" in body["message"]
    assert (Case.objects.count(), CoSponsor.objects.count(), Proposal.objects.count()) == before


@pytest.mark.django_db
def test_registering_twice_is_refused_in_chinese_and_changes_nothing(api):
    case = advance(new_proposal(), "submitted", co=())
    staff = api.as_user("cppcc_staff")
    assert act(staff, case.pk, "register", {"decision": "register"}).status_code == 200
    version, events = fresh(case).version, TrailEvent.objects.count()
    r = act(staff, case.pk, "register", {"decision": "register"})
    assert r.status_code == 409
    assert r.json()["code"] == "invalid_transition" and "已立案" in r.json()["message"]
    assert fresh(case).version == version and TrailEvent.objects.count() == events


@pytest.mark.django_db
def test_declining_needs_a_reason_and_records_the_disposition(api):
    case = advance(new_proposal(), "submitted", co=())
    staff = api.as_user("cppcc_staff")
    r = act(staff, case.pk, "register", {"decision": "decline", "disposition": "letter"})
    assert r.status_code == 422 and "理由" in r.json()["message"]
    assert fresh(case).state == "submitted"
    r = act(
        staff,
        case.pk,
        "register",
        {"decision": "decline", "note": "不属于提案范围。", "disposition": "sentiment"},
    )
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["state"] == "declined" and out["disposition"] == "sentiment"
    assert (
        out["decline_reason"] == "不属于提案范围。"
        and out["disposition_label"] == "留作社情民意信息"
    )
    event = TrailEvent.objects.filter(object_id=str(case.pk)).order_by("-id").first()
    assert event.action == "casework.register"


@pytest.mark.django_db
def test_merging_keeps_every_proposer_as_an_author_of_the_one_it_joins(api):
    target = advance(new_proposal("关于城区慢行交通的提案"), "registered", co=())
    merged = advance(
        new_proposal("关于自行车道建设的提案", author="member_b"),
        "submitted",
        author="member_b",
        co=(),
    )
    r = act(
        api.as_user("cppcc_staff"),
        merged.pk,
        "register",
        {"decision": "merge", "merge_into": target.pk},
    )
    assert r.status_code == 200 and r.json()["state"] == "merged"
    rows = CoSponsor.objects.filter(case=target)
    assert [(r.member_id, r.status, r.source) for r in rows] == [
        (seat("member_b").pk, "confirmed", "merged")
    ]
    # member_b now sees the proposal it joined and rates it as one of its proposers.
    assert api.as_user("member_b").get(f"/api/v1/proposals/{target.pk}").status_code == 200


@pytest.mark.django_db
def test_another_cppccs_staff_and_an_unrelated_unit_get_404(api):
    other_cppcc()
    case = advance(new_proposal(), "registered", co=())
    loop.do_assign_case(case, lead_unit=unit(), acting_user=user("cppcc_staff"))
    # unit_other (晋中市住房和城乡建设局) has nothing to do with this proposal.
    for username in ("yc_cppcc_staff", "unit_other", "yc_staff", "deputy_demo"):
        client = api.as_user(username)
        assert client.get(f"/api/v1/proposals/{case.pk}").status_code == 404
        assert act(client, case.pk, "remind").status_code == 404
    assert case.pk not in [
        r["id"] for r in api.as_user("yc_cppcc_staff").get("/api/v1/proposals").json()["items"]
    ]


@pytest.mark.django_db
def test_the_reply_reaches_the_proposers_only_after_the_units_signer_signs_it(api):
    case = advance(new_proposal(), "handling", co=())
    officer, signer = api.as_user("unit_demo"), api.as_user("unit_signer")
    r = act(officer, case.pk, "reply", {"content": "已列入计划。", "category": "A"})
    assert r.status_code == 200 and r.json()["state"] == "reply_pending_signoff"
    r = act(officer, case.pk, "sign_off", {"approve": True})
    assert r.status_code == 403 and r.json()["code"] == "not_signer"
    r = act(signer, case.pk, "sign_off", {"approve": True})
    assert r.status_code == 200 and r.json()["state"] == "replied"


def _ratings(client, case_id):
    out = client.get(f"/api/v1/proposals/{case_id}").json()
    return {e["direction"]: e for e in out["evaluations"]}, out["rating"]


@pytest.mark.django_db
def test_each_side_reads_the_others_rating_only_after_giving_its_own(api):
    case = advance(new_proposal(), "replied", co=())
    member, unit, staff = (api.as_user(u) for u in ("member_demo", "unit_demo", "cppcc_staff"))
    # Evaluating before the reply would be refused (see the matrix); now the unit rates first.
    r = act(unit, case.pk, "rate_submission", {"quality": "excellent", "comment": "调研扎实"})
    assert r.status_code == 200
    assert act(unit, case.pk, "rate_submission", {"quality": "good"}).status_code == 409
    seen, rating = _ratings(member, case.pk)
    assert set(seen) == set() and rating == ""  # the member has not rated: the unit's is hidden
    r = act(member, case.pk, "evaluate", {"rating": "dissatisfied", "comment": "未解决实际问题"})
    assert r.status_code == 200 and r.json()["state"] == "evaluated"
    seen, rating = _ratings(member, case.pk)
    assert (
        seen["submission"]["quality"] == "excellent" and seen["submission"]["comment"] == "调研扎实"
    )
    assert seen["handling"]["rating"] == "dissatisfied"
    seen, _ = _ratings(unit, case.pk)
    assert seen["handling"]["rating"] == "dissatisfied"
    seen, rating = _ratings(staff, case.pk)
    assert set(seen) == {"handling", "submission"} and rating == "dissatisfied"
    assert act(member, case.pk, "evaluate", {"rating": "satisfied"}).status_code in (403, 409)
    # Dissatisfied: the office has the proposal handled again, and may not conclude it yet.
    assert act(staff, case.pk, "conclude").status_code == 409
    r = act(staff, case.pk, "rehandle", {"reason": "请重新研究提案者意见。"})
    assert r.status_code == 200 and r.json()["state"] == "handling" and r.json()["round"] == 2


@pytest.mark.django_db
def test_a_unit_does_not_read_the_proposers_rating_before_giving_its_own(api):
    case = advance(new_proposal(), "replied", co=())
    member, unit = api.as_user("member_demo"), api.as_user("unit_demo")
    assert act(member, case.pk, "evaluate", {"rating": "satisfied"}).status_code == 200
    seen, rating = _ratings(unit, case.pk)
    assert seen == {} and rating == ""
    r = act(unit, case.pk, "evaluate", {"rating": "satisfied"})
    assert r.status_code == 403
    assert Evaluation.objects.filter(case=case).count() == 1
    act(unit, case.pk, "rate_submission", {"quality": "fair"})
    seen, rating = _ratings(unit, case.pk)
    assert seen["handling"]["rating"] == "satisfied" and rating == "satisfied"


@pytest.mark.django_db
def test_evaluating_before_the_reply_is_refused(api):
    case = advance(new_proposal(), "reply_pending_signoff", co=())
    r = act(api.as_user("member_demo"), case.pk, "evaluate", {"rating": "satisfied"})
    assert r.status_code == 409 and "不能进行" in r.json()["message"]
    r = act(api.as_user("unit_demo"), case.pk, "rate_submission", {"quality": "good"})
    assert r.status_code == 409
    assert not Evaluation.objects.filter(case=case).exists()
