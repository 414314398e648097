"""Building suggestions and motions in every state by calling the real actions (never by
writing rows).

The test world: deputy_demo (city and county seats), deputy_b and deputy_c (city deputies),
jz_staff (the city congress's office), unit_demo (晋中市交通运输局, lead) and unit_other
(晋中市住房和城乡建设局, co-handling), and unit_signer, the signer (签发人) of unit_demo's unit."""

from __future__ import annotations

import datetime as dt

from lianxin.accounts.models import User
from lianxin.casework.models import Case
from lianxin.core import dates
from lianxin.org.models import Congress, Deputy, HandlingUnit, Level

from .. import actions
from ..models import Session

PASSWORD = "lianxin-demo"

# Suggestion states in the order the loop passes them (one path through the review).
STATES = [
    "draft",
    "submitted",
    "in_review",
    "returned",
    "accepted",
    "assigned",
    "handling",
    "reply_pending_signoff",
    "replied",
    "evaluated",
    "concluded",
]


def user(username: str) -> User:
    return User.objects.get(username=username)


def city() -> Congress:
    return Congress.objects.get(region__code="1407", level=Level.CITY)


def seat(username: str, level: str = "city") -> Deputy:
    return Deputy.objects.select_related("person", "congress__region").get(
        person__user__username=username, congress__level=level
    )


def unit(code: str = "JZ-JTYSJ") -> HandlingUnit:
    return HandlingUnit.objects.get(code=code)


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def open_session(congress: Congress | None = None) -> Session:
    """A session of the congress in progress today (the demo has one; a test may make its own)."""
    congress = congress or city()
    today = dates.today()
    found = Session.objects.filter(
        congress=congress, opens_on__lte=today, closes_on__gte=today
    ).first()
    if found:
        return found
    number = (Session.objects.filter(congress=congress).count() or 0) + 90
    return Session.objects.create(
        congress=congress,
        term=congress.term,
        number=number,
        name=f"{congress.name}第{number}次会议",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=5),
    )


def new_suggestion(
    title: str = "关于改善顺城街公交站台的建议",
    *,
    author: str = "deputy_demo",
    co: tuple[str, ...] = (),
    in_session: bool = True,
    content: str = "顺城街公交站台无遮雨棚，雨天候车不便，建议增设遮雨棚和座椅。",
    **kwargs,
) -> Case:
    if in_session:
        open_session()
    return actions.do_create_suggestion(
        author=seat(author),
        title=title,
        content=content,
        in_session=in_session,
        co_sponsors=[seat(u) for u in co],
        acting_user=user(author),
        **kwargs,
    )


def advance(case: Case, to: str, *, rating: str = "dissatisfied") -> Case:
    """Walk a suggestion along the loop to state `to`, as the people who do it: jz_staff reviews
    and assigns (unit_demo lead, unit_other co), unit_demo replies (B with a commitment),
    unit_signer (the same unit's signer) signs it off, deputy_demo rates."""
    staff, lead, co = user("jz_staff"), user("unit_demo"), user("unit_other")
    signer = user("unit_signer")
    path = STATES[STATES.index(fresh(case).state) + 1 : STATES.index(to) + 1]
    for step in path:
        c = fresh(case)
        author = User.objects.get(person__deputy_seats=c.raised_by_deputy_id)
        if step == "submitted":
            for cs in c.cosponsors.filter(status="invited"):
                actions.do_cosign(c, acting_user=User.objects.get(person=cs.deputy.person))
            actions.do_submit_suggestion(c, acting_user=author)
        elif c.state == "accepted" and step in ("in_review", "returned", "accepted"):
            continue  # a recess suggestion has a single tier
        elif step == "in_review":
            actions.do_review_suggestion(c, decision="accept", acting_user=staff)
        elif step == "returned":
            actions.do_review_suggestion(
                c, decision="return", note="请补充具体站点位置。", acting_user=staff
            )
        elif step == "accepted":
            if c.state == "returned":
                actions.do_resubmit_suggestion(
                    c, content=c.content + "涉及顺城街北口、中段两处站台。", acting_user=author
                )
            while fresh(case).state in ("submitted", "in_review"):
                actions.do_review_suggestion(fresh(case), decision="accept", acting_user=staff)
        elif step == "assigned":
            actions.do_assign_suggestion(
                c, lead_unit=unit(), co_units=[unit("JZ-ZFCXJSJ")], acting_user=staff
            )
        elif step == "handling":
            actions.do_co_opinion(c, content="同意增设，纳入今年站台改造计划。", acting_user=co)
        elif step == "reply_pending_signoff":
            actions.do_reply_suggestion(
                c,
                content="经研究，将于年内完成两处站台遮雨棚建设。",
                category="B",
                commitment={
                    "content": "年内完成顺城街两处公交站台遮雨棚建设",
                    "due_on": (dates.today() + dt.timedelta(days=120)).isoformat(),
                },
                is_public=True,
                acting_user=lead,
            )
        elif step == "replied":
            actions.do_sign_off_reply(c, approve=True, acting_user=signer)
        elif step == "evaluated":
            actions.do_evaluate_suggestion(c, rating=rating, acting_user=author)
        elif step == "concluded":
            if c.rating == "dissatisfied" and c.round == 1:
                actions.do_rehandle_suggestion(
                    c, reason="站台选址不合理，请重新研究。", acting_user=staff
                )
                actions.do_reply_suggestion(
                    fresh(case), content="已调整选址并开工建设。", category="A", acting_user=lead
                )
                actions.do_sign_off_reply(fresh(case), approve=True, acting_user=signer)
                actions.do_evaluate_suggestion(fresh(case), rating="satisfied", acting_user=author)
            actions.do_determine_outcome(
                fresh(case), handling_rating="good", outcome="being_solved", acting_user=staff
            )
            actions.do_conclude_suggestion(fresh(case), acting_user=staff)
    return fresh(case)
