"""The demo's activities and duty record: four deputies of 榆次区 with expertise in elderly care (养老服务, two of
them with logins `deputy_d` and `deputy_e`), a past inspection on elderly care that `deputy_d`
attended, an upcoming symposium to which `deputy_demo` is invited, a training with hours, and an
open day proposed by a city department awaiting the city office's approval; the default
scoring rules and bands of the year for every congress and three duty posts of deputy_demo."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from lianxin.accounts.actions import grant_role
from lianxin.accounts.models import Role, User
from lianxin.org.models import Congress, Deputy, Expertise, Level, SeatStatus

from . import actions
from .models import Activity, Invitation

ELDERLY_CARE = "养老服务"


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def load(ctx) -> None:
    staff = ctx.users["yc_staff"]
    yc = Congress.objects.get(region__code="140702", level=Level.COUNTY)
    care, _ = Expertise.objects.get_or_create(name=ELDERLY_CARE)
    demo = ctx.users["deputy_demo"].person
    seats = list(
        Deputy.objects.filter(congress=yc, status=SeatStatus.SERVING)
        .exclude(person=demo)
        .select_related("person")
        .order_by("pk")[:4]
    )
    for seat in seats:
        seat.person.expertise.add(care)
    logins = []
    for username, seat in zip(("deputy_d", "deputy_e"), seats[:2], strict=True):
        user = User.objects.create_user(
            username=username,
            password=settings.LIANXIN_DEMO_PASSWORD,
            display_name=seat.person.name,
            person=seat.person,
        )
        grant_role(user, Role.DEPUTY)
        ctx.users[username] = user
        logins.append(seat)

    past = actions.do_create_activity(
        yc,
        {
            "title": "养老服务机构运营情况视察",
            "kind": Activity.Kind.INSPECTION,
            "topic": "养老",
            "expertise": [care.pk],
            "starts_at": _at(-30, 9),
            "ends_at": _at(-30, 12),
            "place": "榆次区社会福利中心",
        },
        acting_user=staff,
    )
    # The past cannot be replayed through the sign-in (its window has closed): the attendance
    # of last month's inspection is written as it was recorded on the day.
    Invitation.objects.create(
        activity=past,
        deputy=logins[0],
        match_reason="专业领域：养老服务",
        answer=Invitation.Answer.ACCEPTED,
        answered_at=past.starts_at - dt.timedelta(days=3),
        attendance=Invitation.Attendance.PRESENT,
        signed_in_at=past.starts_at,
        signed_in_by=Invitation.SignIn.LIST,
    )

    symposium = actions.do_create_activity(
        yc,
        {
            "title": "优化营商环境代表座谈会",
            "kind": Activity.Kind.SYMPOSIUM,
            "topic": "营商环境",
            "starts_at": _at(7, 9),
            "ends_at": _at(7, 11),
            "place": "榆次区人大常委会第一会议室",
            "capacity": 20,
        },
        acting_user=staff,
    )
    demo_seat = Deputy.objects.get(person=demo, congress=yc)
    actions.do_send_invitations(
        symposium,
        [demo_seat.pk],
        reasons={demo_seat.pk: "专业领域：城乡建设"},
        acting_user=staff,
    )
    actions.do_create_activity(
        yc,
        {
            "title": "新任代表履职培训",
            "kind": Activity.Kind.TRAINING,
            "topic": "代表法",
            "starts_at": _at(14, 9),
            "ends_at": _at(14, 17),
            "place": "榆次区委党校",
            "hours": "6",
        },
        acting_user=staff,
    )
    unit = ctx.users["unit_demo"].roles.get(role=Role.UNIT_OFFICER).unit
    actions.do_propose_activity(
        unit,
        {
            "title": "交通运输局开放日",
            "kind": Activity.Kind.STATE_ORGANS,
            "topic": "交通",
            "starts_at": _at(10, 14),
            "ends_at": _at(10, 17),
            "place": "晋中市交通运输局",
            "capacity": 15,
        },
        acting_user=ctx.users["unit_demo"],
    )
    _scoring_and_posts(ctx, yc, demo_seat)
    ctx.stdout.write(f"  履职活动: {Activity.objects.count()} 项")


def _scoring_and_posts(ctx, yc, demo_seat) -> None:
    """The default scoring rules and bands of this year for every congress, and three duty posts
    of deputy_demo: one approved by the station (it counts), one returned, one awaiting
    review."""
    admin = ctx.users["admin"]
    year = timezone.localdate().year
    for congress in Congress.objects.order_by("pk"):
        actions.do_set_default_scoring(congress, year, acting_user=admin)
    station = ctx.users["yc_station"]
    posts = [
        ("走访辖区养老机构", "走访北关街道两家养老机构，了解护理人员短缺情况。", 5, True),
        ("参加社区议事会", "参加社区议事会，听取居民对老旧小区加装电梯的意见。", 4, False),
        ("调研背街小巷整治", "到北关街道三条背街小巷了解路面和照明情况。", 2, None),
    ]
    for title, content, days_ago, approve in posts:
        day = max(timezone.localdate() - dt.timedelta(days=days_ago), dt.date(year, 1, 1))
        post = actions.do_submit_post(
            demo_seat,
            title=title,
            content=content,
            date=day,
            acting_user=ctx.users["deputy_demo"],
        )
        if approve is not None:
            actions.do_decide_post(
                post,
                approve=approve,
                reason="" if approve else "请补充议事会的时间、地点和您提出的意见。",
                acting_user=station,
            )
