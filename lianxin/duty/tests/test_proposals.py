"""The ranked proposal of deputies for an activity, with its reasons in words."""

import datetime as dt

import pytest

from lianxin.duty import actions
from lianxin.duty.proposals import propose
from lianxin.org.models import Deputy

pytestmark = pytest.mark.django_db


def test_deputies_with_the_expertise_come_first_with_their_reason(make_activity, users, seat_of):
    ranked = propose(make_activity())
    d, e, demo = (seat_of(users[u]) for u in ("deputy_d", "deputy_e", "deputy_demo"))
    by_seat = {p.deputy.pk: p for p in ranked}
    # deputy_d attended last month's inspection on elderly care: expertise and one past visit.
    assert by_seat[d.pk].reason == "专业领域：养老服务；曾参加 1 次同类视察"
    assert by_seat[d.pk].score == 4
    assert by_seat[e.pk].reason == "专业领域：养老服务"
    # deputy_demo works in social security and urban construction: no match, listed after.
    assert by_seat[demo.pk].reason == "" and by_seat[demo.pk].score == 0
    assert ranked[0].deputy.pk == d.pk
    matched = [p for p in ranked if p.score]
    assert {p.deputy.pk for p in matched} >= {d.pk, e.pk}
    assert all(not p.reason for p in ranked if not p.score)
    assert [p.score for p in ranked] == sorted((p.score for p in ranked), reverse=True)


def test_the_occupation_counts_when_it_names_the_topic(make_activity, users, seat_of):
    seat = (
        Deputy.objects.filter(congress=seat_of(users["deputy_e"]).congress)
        .exclude(person__expertise__name="养老服务")
        .order_by("pk")
        .first()
    )
    seat.person.occupation = "榆次区第一养老院院长"
    seat.person.save()
    p = next(p for p in propose(make_activity()) if p.deputy.pk == seat.pk)
    assert p.reason == "工作单位及职务：榆次区第一养老院院长"
    assert p.score == 2


def test_it_leaves_out_deputies_invited_to_an_overlapping_activity(make_activity, users, seat_of):
    first = make_activity()
    e = seat_of(users["deputy_e"])
    actions.do_send_invitations(first, [e.pk], acting_user=users["yc_staff"])
    overlapping = make_activity(starts_in=dt.timedelta(minutes=90), title="另一场视察")
    later = make_activity(starts_in=dt.timedelta(days=2), title="后天的视察")
    assert e.pk not in {p.deputy.pk for p in propose(overlapping)}
    assert e.pk not in {p.deputy.pk for p in propose(first)}  # already on its list
    assert e.pk in {p.deputy.pk for p in propose(later)}


def test_the_region_filter_narrows_the_list(make_activity, users, seat_of):
    activity = make_activity()
    everyone = propose(activity, limit=1000)
    assert {p.deputy.congress_id for p in everyone} == {activity.congress_id}
    assert propose(activity, region_code="140703", limit=1000) == []
    demo = seat_of(users["deputy_demo"])
    station_region = demo.station_membership.station.region.code
    near = propose(activity, region_code=station_region, limit=1000)
    assert demo.pk in {p.deputy.pk for p in near}
    assert len(near) < len(everyone)


def test_the_query_count_does_not_grow_with_the_congress(
    make_activity, django_assert_max_num_queries
):
    activity = make_activity()
    with django_assert_max_num_queries(6):
        assert len(propose(activity, limit=1000)) > 5


def test_the_delegation_filter_keeps_only_that_delegation(users):
    from django.utils import timezone

    from lianxin.org.models import Congress

    city = Congress.objects.get(level="city")
    starts = timezone.now() + dt.timedelta(days=3)
    activity = actions.do_create_activity(
        city,
        {
            "title": "市级执法检查",
            "kind": "law_enforcement_check",
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=3),
            "place": "晋中市",
        },
        acting_user=users["jz_staff"],
    )
    b = Deputy.objects.get(person=users["deputy_b"].person)
    c = Deputy.objects.get(person=users["deputy_c"].person)
    ids = {p.deputy.pk for p in propose(activity, delegation_id=b.delegation_id, limit=1000)}
    assert b.pk in ids and c.pk not in ids
    assert {Deputy.objects.get(pk=i).delegation_id for i in ids} == {b.delegation_id}


def test_members_of_the_organising_committee_rank_higher_with_the_reason(
    make_activity, users, seat_of
):
    from lianxin.org.models import Body

    d, e = seat_of(users["deputy_d"]), seat_of(users["deputy_e"])
    committee = Body.objects.filter(congress=e.congress, kind=Body.Kind.COMMITTEE).first()
    e.committees.add(committee)
    ranked = propose(make_activity(organiser_body=committee.pk))
    by_seat = {p.deputy.pk: p for p in ranked}
    assert by_seat[e.pk].reason == f"专业领域：养老服务；所在专门委员会：{committee.name}"
    assert by_seat[e.pk].score == 6
    assert ranked[0].deputy.pk == e.pk and by_seat[d.pk].score == 4
    # Organised by the office itself, the membership is no reason.
    assert {p.deputy.pk: p for p in propose(make_activity(title="另一场"))}[e.pk].score == 3
