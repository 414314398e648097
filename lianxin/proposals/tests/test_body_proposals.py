"""Proposals of a party organisation, a sector or a special committee (党派、界别、专门委员会提案):
a member writes one for his own party organisation or sector; the CPPCC's staff enter any
body's proposal naming a contact member; shown as the body's and counted under it."""

from __future__ import annotations

import pytest
from django.test import Client

from lianxin.casework.models import Case
from lianxin.core import dates
from lianxin.org.models import Body, Member

from .. import actions, figures
from ..models import Proposal
from .helpers import fresh, other_cppcc, seat, user


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def body(name: str, kind: str = Body.Kind.PARTY_ORG) -> Body:
    return Body.objects.get(cppcc=seat("member_demo").cppcc, kind=kind, name=name)


def place_member(username: str, *, party: Body | None = None, sector: Body | None = None):
    """Test setup: the seat's party organisation and sector (org data, not a proposal's)."""
    Member.objects.filter(pk=seat(username).pk).update(party_org=party, sector=sector)


def first(kind: str) -> Body:
    return Body.objects.filter(cppcc=seat("member_demo").cppcc, kind=kind).order_by("id").first()


@pytest.mark.django_db
def test_a_member_writes_for_his_party_organisation_and_it_is_shown_and_counted_as_its(api):
    party, sector = first(Body.Kind.PARTY_ORG), first(Body.Kind.SECTOR)
    place_member("member_demo", party=party, sector=sector)
    before = submitted_by(seat("member_demo").cppcc)
    member = api.as_user("member_demo")
    r = member.post(
        "/api/v1/proposals",
        {
            "title": "关于发展民办教育的提案",
            "content": "建议完善民办学校扶持政策。",
            "body": party.pk,
            "submit": True,
        },
    )
    assert r.status_code == 201, r.content
    case = Case.objects.get(pk=r.json()["id"])
    assert Proposal.objects.get(pk=case.pk).raised_by_body == party
    out = member.get(f"/api/v1/proposals/{case.pk}").json()
    assert out["proposer"] == party.name
    assert out["raised_by_body"]["kind"] == "party_org"
    assert out["raised_by_member"]["id"] == seat("member_demo").pk
    listed = api.as_user("cppcc_staff").get("/api/v1/proposals").json()["items"]
    assert [row["proposer"] for row in listed if row["id"] == case.pk] == [party.name]
    page = signed_in("cppcc_staff").get(f"/proposals/{case.pk}/").content.decode()
    assert party.name in page and "党派团体" in page
    assert party.name in signed_in("cppcc_staff").get("/proposals/").content.decode()

    # The figures count it under the party organisation, not under the writer's sector.
    after = submitted_by(case.cppcc)
    assert after["party"].get(party.name, 0) == before["party"].get(party.name, 0) + 1
    assert after["sector"].get(sector.name, 0) == before["sector"].get(sector.name, 0)
    label = "党派团体或专门委员会提案"
    assert after["sector"].get(label, 0) == before["sector"].get(label, 0) + 1


def submitted_by(cppcc) -> dict[str, dict[str, int]]:
    report = figures.build(cppcc, dates.today().year)
    return {s.key: {str(r[0]): r[1] for r in s.rows} for s in report.sections}


@pytest.mark.django_db
def test_a_member_may_not_write_for_a_body_he_does_not_belong_to_nor_another_cppccs(api):
    other = other_cppcc()
    party = first(Body.Kind.PARTY_ORG)
    place_member("member_demo", party=None, sector=None)
    foreign = Body.objects.create(cppcc=other, kind=Body.Kind.SECTOR, name="榆次区经济界")
    committee = first(Body.Kind.CPPCC_COMMITTEE)
    office = Body.objects.get(cppcc=party.cppcc, kind=Body.Kind.CPPCC_OFFICE)
    before = (Case.objects.count(), Proposal.objects.count())
    member = api.as_user("member_demo")
    for wanted, status, words in [
        (party.pk, 403, "本人所在党派团体或界别"),
        (committee.pk, 403, "本人所在党派团体或界别"),
        (foreign.pk, 422, "须为"),
        (office.pk, 422, "民主党派、界别或政协专门委员会"),
        (999999, 422, "民主党派、界别或政协专门委员会"),
    ]:
        r = member.post(
            "/api/v1/proposals", {"title": "关于某事的提案", "content": "内容", "body": wanted}
        )
        assert r.status_code == status, (wanted, r.content)
        assert words in r.json()["message"], r.json()
    assert (Case.objects.count(), Proposal.objects.count()) == before


@pytest.mark.django_db
def test_staff_enter_a_committees_proposal_with_a_contact_member_who_submits_it(api):
    other_cppcc()
    committee = first(Body.Kind.CPPCC_COMMITTEE)
    staff = api.as_user("cppcc_staff")
    r = staff.post(
        "/api/v1/proposals",
        {
            "title": "关于加强农村人居环境整治的提案",
            "content": "建议统筹推进农村改厕和污水治理。",
            "body": committee.pk,
            "contact_member": seat("member_b").pk,
        },
    )
    assert r.status_code == 201, r.content
    case = Case.objects.get(pk=r.json()["id"])
    assert case.entered_by == user("cppcc_staff") and case.raised_by_member == seat("member_b")
    # The contact member checks and submits it; then it is an ordinary proposal on the loop.
    r = api.as_user("member_b").post(f"/api/v1/cases/{case.pk}/actions/submit", {})
    assert r.status_code == 200 and r.json()["proposer"] == committee.name
    actions.do_register_proposal(fresh(case), decision="register", acting_user=user("cppcc_staff"))
    assert submitted_by(case.cppcc)["committee"] == {committee.name: 1}

    # Another CPPCC's staff cannot name this CPPCC's member; a contact member without a body,
    # or submission at entry, is refused; nothing is saved.
    before = Case.objects.count()
    r = api.as_user("yc_cppcc_staff").post(
        "/api/v1/proposals",
        {
            "title": "关于某事",
            "content": "内容",
            "body": committee.pk,
            "contact_member": seat("member_b").pk,
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "contact_member"
    r = staff.post(
        "/api/v1/proposals",
        {"title": "关于某事", "content": "内容", "contact_member": seat("member_b").pk},
    )
    assert r.status_code == 422
    r = staff.post(
        "/api/v1/proposals",
        {
            "title": "关于某事",
            "content": "内容",
            "body": committee.pk,
            "contact_member": seat("member_b").pk,
            "submit": True,
        },
    )
    assert r.status_code == 422
    # A party organisation's contact member belongs to it.
    party = first(Body.Kind.PARTY_ORG)
    place_member("member_b", party=None)
    r = staff.post(
        "/api/v1/proposals",
        {
            "title": "关于某事",
            "content": "内容",
            "body": party.pk,
            "contact_member": seat("member_b").pk,
        },
    )
    assert r.status_code == 422 and "联系委员须为" in r.json()["message"]
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_a_member_chooses_his_sector_on_the_new_proposal_page():
    sector = first(Body.Kind.SECTOR)
    place_member("member_demo", party=None, sector=sector)
    client = signed_in("member_demo")
    page = client.get("/proposals/new/").content.decode()
    assert 'name="body"' in page and sector.name in page
    r = client.post(
        "/proposals/new/",
        {
            "title": "关于扶持小微企业的提案",
            "content": "建议减轻小微企业负担。",
            "in_session": "0",
            "body": str(sector.pk),
        },
    )
    assert r.status_code == 302
    case = Case.objects.get(title="关于扶持小微企业的提案")
    assert case.proposal.raised_by_body == sector
    assert sector.name in client.get(f"/proposals/{case.pk}/").content.decode()
