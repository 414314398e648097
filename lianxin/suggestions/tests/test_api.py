"""The suggestion and motion API: the issue's story over HTTP, the bad input it lists, and the
answers each caller gets."""

from __future__ import annotations

import datetime as dt

import pytest

from lianxin.casework import deadlines
from lianxin.casework.models import Case, CaseEvent, Commitment, CoSponsor
from lianxin.core import dates

from .helpers import advance, city, fresh, new_suggestion, open_session, seat

pytestmark = pytest.mark.django_db


def act(client, case_id: int, action: str, body: dict | None = None, *, via: str = "cases"):
    prefix = "/api/v1/cases" if via == "cases" else "/api/v1/suggestions"
    return client.post(f"{prefix}/{case_id}/actions/{action}", body or {})


def actions_of(response) -> set[str]:
    return {a["action"] for a in response.json()["available_actions"]}


def test_the_story_of_a_joint_suggestion_through_the_api(api):
    """Every step through the loop's shared endpoint /cases/{id}/actions/{action}: the shared
    actions (assign, reply, evaluate, rehandle, conclude) are dispatched by the case's kind."""
    open_session()
    demo, b, c = api.as_user("deputy_demo"), api.as_user("deputy_b"), api.as_user("deputy_c")
    staff, lead, co = api.as_user("jz_staff"), api.as_user("unit_demo"), api.as_user("unit_other")
    signer = api.as_user("unit_signer")  # another officer of the lead unit, its 签发人
    r = demo.post(
        "/api/v1/suggestions",
        {
            "title": "关于增设顺城街公交站台遮雨棚的建议",
            "content": "顺城街公交站台无遮雨棚，雨天候车不便。",
            "congress": city().pk,
            "category": "transport",
            "co_sponsors": [seat("deputy_b").pk, seat("deputy_c").pk],
        },
    )
    assert r.status_code == 201, r.json()
    case_id = r.json()["id"]
    assert r.json()["state"] == "draft"
    # The invited deputies see the draft and may confirm; the office does not see it yet.
    assert "cosign" in actions_of(b.get(f"/api/v1/suggestions/{case_id}"))
    assert staff.get(f"/api/v1/suggestions/{case_id}").status_code == 404
    assert act(demo, case_id, "submit").status_code == 409
    assert b.post(f"/api/v1/suggestions/{case_id}/cosign", {}).status_code == 200
    assert c.post(f"/api/v1/suggestions/{case_id}/cosign", {"accept": True}).status_code == 200
    r = act(demo, case_id, "submit")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "submitted"
    assert r.json()["authors"] == ["连心代表", "晋联代表", "中和代表"]

    # Three tiers, one return and resubmission.
    assert act(staff, case_id, "review", {"decision": "accept"}).json()["state"] == "in_review"
    r = act(staff, case_id, "review", {"decision": "return", "note": "请写明具体站点。"})
    assert r.json()["state"] == "returned"
    assert "resubmit" in actions_of(demo.get(f"/api/v1/suggestions/{case_id}"))
    r = act(demo, case_id, "resubmit", {"content": "顺城街北口、中段两处公交站台无遮雨棚。"})
    assert r.json()["state"] == "in_review"
    assert r.json()["suggestion"]["review_tier"] == 2
    act(staff, case_id, "review", {"decision": "accept"})
    r = act(staff, case_id, "review", {"decision": "accept"})
    assert r.json()["state"] == "accepted"

    # Assignment to a lead and a co-handling unit, due in three calendar months.
    r = act(
        staff,
        case_id,
        "assign",
        {"lead_unit": "JZ-JTYSJ", "co_units": ["JZ-ZFCXJSJ"]},
    )
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "assigned"
    assert {a["unit"]["code"]: a["role"] for a in r.json()["assignments"]} == {
        "JZ-JTYSJ": "lead",
        "JZ-ZFCXJSJ": "co",
    }
    assert dt.date.fromisoformat(r.json()["due_date"]) >= deadlines.add_months(dates.today(), 3)
    assert actions_of(co.get(f"/api/v1/suggestions/{case_id}")) >= {"co_opinion", "consult"}
    assert "reply" not in actions_of(co.get(f"/api/v1/suggestions/{case_id}"))
    assert act(co, case_id, "co_opinion", {"content": "同意，纳入改造计划。"}).status_code == 200
    r = act(
        lead,
        case_id,
        "consult",
        {"stage": "before", "form": "phone", "summary": "与代表电话沟通站点位置。"},
    )
    assert r.json()["state"] == "handling"
    due = (dates.today() + dt.timedelta(days=150)).isoformat()
    r = act(
        lead,
        case_id,
        "reply",
        {
            "content": "年内完成两处站台遮雨棚建设。",
            "category": "B",
            "commitment": {"content": "年内建成两处站台遮雨棚", "due_on": due},
            "public": True,
        },
    )
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "reply_pending_signoff"
    assert "evaluate" not in actions_of(demo.get(f"/api/v1/suggestions/{case_id}"))
    assert "sign_off" not in actions_of(lead.get(f"/api/v1/suggestions/{case_id}"))
    r = act(signer, case_id, "sign_off", {"approve": True})
    assert r.json()["state"] == "replied"
    assert r.json()["replies"][0]["signoff"] == "approved"

    # The deputy is dissatisfied; it is handled again and then rated satisfied.
    r = act(
        demo,
        case_id,
        "evaluate",
        {"rating": "dissatisfied", "comment": "选址不妥"},
    )
    assert r.json()["state"] == "evaluated"
    r = act(staff, case_id, "rehandle", {"reason": "请重新研究选址。"})
    assert r.json()["state"] == "handling" and r.json()["round"] == 2
    act(lead, case_id, "reply", {"content": "已调整选址。", "category": "A"})
    act(signer, case_id, "sign_off", {"approve": True})
    r = act(demo, case_id, "evaluate", {"rating": "satisfied"})
    assert r.json()["rating"] == "satisfied"
    act(staff, case_id, "determine", {"handling_rating": "good", "outcome": "being_solved"})
    r = act(staff, case_id, "conclude", {})
    assert r.json()["state"] == "concluded"

    # The commitment is listed; the public reply is published.
    listed = staff.get("/api/v1/commitments", {"status": "open"}).json()["items"]
    assert [c["content"] for c in listed if c["case"] == case_id] == ["年内建成两处站台遮雨棚"]
    public = api.anon().get("/api/v1/public/suggestion-replies").json()
    mine = [p for p in public if p["title"] == "关于增设顺城街公交站台遮雨棚的建议"]
    assert mine and mine[0]["deputies"] == ["连心代表", "晋联代表", "中和代表"]


def test_a_suggestion_without_title_or_content_is_refused_and_nothing_is_stored(api):
    demo = api.as_user("deputy_b")
    before = Case.objects.count()
    for body, field in [
        ({"title": "", "content": "内容"}, "title"),
        ({"title": "标题", "content": "   "}, "content"),
    ]:
        r = demo.post("/api/v1/suggestions", {**body, "in_session": False})
        assert r.status_code == 422
        assert r.json()["field"] == field
    r = demo.post("/api/v1/suggestions", {"content": "缺标题"})
    assert r.status_code == 422
    assert Case.objects.count() == before


def test_a_deputy_of_two_congresses_must_name_the_congress(api):
    r = api.as_user("deputy_demo").post(
        "/api/v1/suggestions", {"title": "标题", "content": "内容", "in_session": False}
    )
    assert r.status_code == 422
    assert r.json()["field"] == "congress"


def test_a_cosponsor_who_is_not_a_deputy_of_the_same_congress_is_refused(api):
    county_seat = seat("deputy_demo", "county")
    r = api.as_user("deputy_b").post(
        "/api/v1/suggestions",
        {"title": "标题", "content": "内容", "in_session": False, "co_sponsors": [county_seat.pk]},
    )
    assert r.status_code == 422
    assert r.json()["field"] == "co_sponsors"
    assert "不是本级人民代表大会的代表" in r.json()["message"]


def test_only_deputies_write_suggestions(api):
    r = api.as_user("jz_staff").post("/api/v1/suggestions", {"title": "标题", "content": "内容"})
    assert r.status_code == 403


def test_a_reply_without_category_is_refused_even_through_the_loops_endpoint(api):
    case = advance(new_suggestion(), "handling")
    lead = api.as_user("unit_demo")
    r = act(lead, case.pk, "reply", {"content": "答复"}, via="suggestions")
    assert r.status_code == 422 and r.json()["field"] == "category"
    r = lead.post(f"/api/v1/cases/{case.pk}/actions/reply", {"content": "答复"})
    assert r.status_code == 422 and r.json()["field"] == "category"
    assert fresh(case).state == "handling"
    assert not fresh(case).replies.exists()


def test_an_evaluation_from_anyone_but_the_suggestions_deputies_is_refused(api):
    case = advance(new_suggestion(co=("deputy_b",)), "replied")
    for username, status in [("deputy_c", 404), ("jz_staff", 403), ("unit_demo", 403)]:
        r = act(
            api.as_user(username), case.pk, "evaluate", {"rating": "satisfied"}, via="suggestions"
        )
        assert r.status_code == status, (username, r.json())
    r = act(
        api.as_user("deputy_b"), case.pk, "evaluate", {"rating": "satisfied"}, via="suggestions"
    )
    assert r.status_code == 200
    assert fresh(case).evaluations.count() == 1


def test_an_action_out_of_turn_is_409_and_changes_nothing(api):
    case = advance(new_suggestion(), "submitted")
    events = CaseEvent.objects.filter(case=case).count()
    r = act(
        api.as_user("unit_demo"),
        case.pk,
        "reply",
        {"content": "x", "category": "A"},
        via="suggestions",
    )
    assert r.status_code == 404  # the unit does not see a suggestion not assigned to it
    r = act(
        api.as_user("jz_staff"), case.pk, "assign", {"lead_unit": "JZ-JTYSJ"}, via="suggestions"
    )
    assert r.status_code == 409
    assert r.json()["code"] == "invalid_transition"
    assert CaseEvent.objects.filter(case=case).count() == events


def test_unknown_actions_and_bad_bodies_get_clear_answers(api):
    case = advance(new_suggestion(), "submitted")
    staff = api.as_user("jz_staff")
    assert act(staff, case.pk, "fly", via="suggestions").json()["code"] == "unknown_action"
    assert act(staff, case.pk, "fly").json()["code"] == "unknown_action"
    r = act(staff, case.pk, "review", {"decision": "maybe"})
    assert r.status_code == 422 and r.json()["field"] == "decision"
    r = staff.post(f"/api/v1/cases/{case.pk}/actions/review", raw="{not json")
    assert r.status_code == 400
    r = act(staff, case.pk, "review", {"decision": "merge"})
    assert r.status_code == 422 and r.json()["field"] == "merge_into"
    # A suggestion-only action on an opinion is unknown there.
    from lianxin.casework.tests.helpers import new_opinion

    opinion = new_opinion()
    r = act(api.as_user("yc_staff"), opinion.pk, "review", {"decision": "accept"})
    assert r.status_code == 404 and r.json()["code"] == "unknown_action"


def test_a_stale_version_is_refused_with_409_stale(api):
    case = advance(new_suggestion(), "submitted")
    staff = api.as_user("jz_staff")
    version = case.version
    assert (
        act(staff, case.pk, "review", {"decision": "accept", "version": version}).status_code == 200
    )
    r = act(staff, case.pk, "review", {"decision": "accept", "version": version})
    assert r.status_code == 409 and r.json()["code"] == "stale"


# --- Motions ------------------------------------------------------------------------------------


def _motion(api, co: list[int], **extra) -> int:
    open_session()
    r = api.as_user("deputy_b").post(
        "/api/v1/motions",
        {
            "title": "关于制定《晋中市公交站台管理条例》的议案",
            "content": "案据和方案。",
            "co_sponsors": co,
            **extra,
        },
    )
    assert r.status_code == 201, r.json()
    return r.json()["id"]


def _fellows(n: int) -> list[int]:
    from lianxin.org.models import Deputy

    return list(
        Deputy.objects.filter(congress=city(), status="serving")
        .exclude(person__user__username__in=["deputy_b"])
        .order_by("pk")
        .values_list("pk", flat=True)[:n]
    )


def test_a_motion_short_of_cosponsors_is_refused_with_too_few_cosponsors(api):
    fellows = _fellows(12)
    motion = _motion(api, fellows)
    staff = api.as_user("jz_staff")
    # The office records nine signatures given on paper: one short of ten.
    for deputy in fellows[:9]:
        r = staff.post(f"/api/v1/motions/{motion}/cosign", {"deputy": deputy})
        assert r.status_code == 200, r.json()
    r = act(api.as_user("deputy_b"), motion, "submit")
    assert r.status_code == 422
    assert r.json()["code"] == "too_few_cosponsors"
    assert Case.objects.get(pk=motion).state == "draft"


def test_a_motion_with_enough_cosponsors_is_converted_and_keeps_its_history(api):
    fellows = _fellows(11)
    motion = _motion(api, fellows)
    staff = api.as_user("jz_staff")
    for deputy in fellows[:10]:
        staff.post(f"/api/v1/motions/{motion}/cosign", {"deputy": deputy})
    r = act(api.as_user("deputy_b"), motion, "submit")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "submitted"
    # The unanswered invitation lapsed at submission.
    assert CoSponsor.objects.filter(case_id=motion, status="declined").count() == 1
    r = act(
        staff, motion, "decide", {"decision": "convert", "note": "作为建议交有关部门研究办理。"}
    )
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "converted"
    new_id = CaseEvent.objects.get(case_id=motion, action="decide").data["suggestion"]
    r = staff.get(f"/api/v1/suggestions/{new_id}")
    body = r.json()
    assert body["kind"] == "suggestion" and body["state"] == "accepted"
    assert body["parent"]["id"] == motion
    assert len(body["authors"]) == 11  # the lead sponsor and the ten co-sponsors
    history = body["history"][0]
    assert history["id"] == motion
    assert [e["action"] for e in history["timeline"]][:3] == ["register", "invite", "cosign"]
    assert "decide" in [e["action"] for e in history["timeline"]]
    # It enters the suggestion loop: the office assigns it.
    r = act(staff, new_id, "assign", {"lead_unit": "JZ-JTYSJ"}, via="suggestions")
    assert r.json()["state"] == "assigned"


def test_a_delegations_motion_needs_no_cosponsors_and_may_go_on_the_agenda(api):
    from lianxin.org.models import Body

    motion = _motion(api, [], by_delegation=True)
    assert Case.objects.get(pk=motion).motion.delegation == seat("deputy_b").delegation
    assert act(api.as_user("deputy_b"), motion, "submit").status_code == 200
    committee = Body.objects.filter(congress=city(), kind="committee").first()
    r = act(
        api.as_user("jz_staff"),
        motion,
        "decide",
        {"decision": "agenda", "referred_to": committee.pk},
    )
    assert r.json()["state"] == "on_agenda"
    assert r.json()["motion"]["referred_to"] == committee.name


# --- Batch, commitments, report ---------------------------------------------------------------


def test_central_assignment_assigns_many_at_once_each_with_its_event(api):
    cases = [
        advance(new_suggestion(f"第{i}件建议", in_session=False), "accepted") for i in range(3)
    ]
    r = api.as_user("jz_staff").post(
        "/api/v1/suggestions/assign",
        {
            "items": [
                {"case": cases[0].pk, "lead_unit": "JZ-JTYSJ", "co_units": ["JZ-ZFCXJSJ"]},
                {"case": cases[1].pk, "lead_unit": "JZ-ZFCXJSJ", "complex": True},
                {"case": cases[2].pk, "lead_unit": "JZ-JTYSJ"},
            ],
            "note": "集中交办。",
        },
    )
    assert r.status_code == 200, r.json()
    assert r.json()["assigned"] == 3
    for case in cases:
        case = fresh(case)
        assert case.state == "assigned"
        assert case.events.filter(action="assign").count() == 1
    assert fresh(cases[1]).due_date > fresh(cases[0]).due_date
    assert fresh(cases[0]).assignments.count() == 2


def test_central_assignment_is_all_or_nothing_when_another_office_member_came_first(api):
    a = advance(new_suggestion("甲", in_session=False), "accepted")
    b = advance(new_suggestion("乙", in_session=False), "accepted")
    staff = api.as_user("jz_staff")
    act(staff, b.pk, "assign", {"lead_unit": "JZ-JTYSJ"}, via="suggestions")
    r = staff.post(
        "/api/v1/suggestions/assign",
        {
            "items": [
                {"case": a.pk, "lead_unit": "JZ-JTYSJ"},
                {"case": b.pk, "lead_unit": "JZ-JTYSJ"},
            ]
        },
    )
    assert r.status_code == 409
    assert "乙" in r.json()["message"]
    assert fresh(a).state == "accepted"
    assert fresh(b).assignments.count() == 1


def test_central_assignment_refuses_unknown_units_and_cases(api):
    a = advance(new_suggestion("甲", in_session=False), "accepted")
    staff = api.as_user("jz_staff")
    r = staff.post("/api/v1/suggestions/assign", {"items": [{"case": a.pk, "lead_unit": "NOPE"}]})
    assert r.status_code == 422 and r.json()["field"] == "lead_unit"
    r = staff.post(
        "/api/v1/suggestions/assign", {"items": [{"case": 99999999, "lead_unit": "JZ-JTYSJ"}]}
    )
    assert r.status_code == 422 and r.json()["field"] == "items"
    r = api.as_user("yc_staff").post(
        "/api/v1/suggestions/assign", {"items": [{"case": a.pk, "lead_unit": "JZ-JTYSJ"}]}
    )
    assert r.status_code == 422  # not visible to another congress's office
    assert fresh(a).state == "accepted"


def test_a_unit_reports_a_commitment_kept(api):
    case = advance(new_suggestion(), "replied")
    commitment = Commitment.objects.get(case=case)
    r = api.as_user("unit_demo").post(
        f"/api/v1/commitments/{commitment.pk}/close", {"kept": True, "note": "已建成投用。"}
    )
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "kept"
    r = api.as_user("unit_other").post(
        f"/api/v1/commitments/{commitment.pk}/close", {"kept": False, "note": "x"}
    )
    assert r.status_code in (403, 404)


def test_the_special_report_counts_by_reply_category_and_satisfaction(api):
    session = open_session()
    before = (
        api.as_user("jz_staff")
        .get("/api/v1/suggestions/report", {"congress": city().pk, "session": session.pk})
        .json()
    )
    advance(new_suggestion("报告用建议一"), "concluded")
    advance(new_suggestion("报告用建议二"), "replied")
    r = api.as_user("jz_staff").get(
        "/api/v1/suggestions/report", {"congress": city().pk, "session": session.pk}
    )
    assert r.status_code == 200, r.json()
    after = r.json()

    def figure(rep, label):
        return next(f["value"] for f in rep["figures"] if f["label"] == label)

    def cell(rep, key, first):
        section = next(s for s in rep["sections"] if s["key"] == key)
        return next(row[1] for row in section["rows"] if str(row[0]).startswith(first))

    assert figure(after, "收到建议") == figure(before, "收到建议") + 2
    # The concluded one's final reply is A (after re-handling), the other's B.
    assert cell(after, "reply_category", "A") == cell(before, "reply_category", "A") + 1
    assert cell(after, "reply_category", "B") == cell(before, "reply_category", "B") + 1
    assert cell(after, "satisfaction", "满意") == cell(before, "satisfaction", "满意") + 1
    assert api.as_user("deputy_b").get(
        "/api/v1/suggestions/report", {"congress": city().pk}
    ).status_code in (403, 404)


def test_the_share_consulted_before_handling_is_a_figure_of_the_report(api):
    session = open_session()
    staff = api.as_user("jz_staff")

    def consulted_and_assigned():
        rep = staff.get(
            "/api/v1/suggestions/report", {"congress": city().pk, "session": session.pk}
        ).json()
        figures = {f["label"]: f["value"] for f in rep["figures"]}
        assigned = figures["已交办"]
        share = figures["办前沟通率"]
        consulted = 0 if share == "—" else round(float(share.rstrip("%")) * assigned / 100)
        return consulted, assigned

    c0, a0 = consulted_and_assigned()
    talked = advance(new_suggestion("报告用建议：办前沟通"), "assigned")
    advance(new_suggestion("报告用建议：未沟通"), "assigned")
    r = api.as_user("unit_demo").post(
        f"/api/v1/cases/{talked.pk}/actions/consult",
        {"stage": "before", "form": "phone", "summary": "电话联系代表，了解站台位置和诉求。"},
    )
    assert r.status_code == 200, r.json()
    assert consulted_and_assigned() == (c0 + 1, a0 + 2)
