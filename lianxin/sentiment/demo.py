"""Demo sentiment reports of 晋中市政协, made by calling the real actions as the demo accounts
would: a draft, one submitted, one returned, one edited, and an issue of two reports sent up,
one of them adopted with a leader's instruction."""

from __future__ import annotations

import datetime as dt

from lianxin.core import dates

from . import actions

REPORTS = [
    # (title, author, category, stage)
    ("关于农村留守老人助餐服务覆盖不足的情况反映", "member_demo", "agriculture", "edited"),
    ("关于城区老旧小区加装电梯推进缓慢的情况反映", "member_b", "urban_construction", "edited"),
    ("关于中小学课后服务收费不一的情况反映", "member_demo", "education_culture", "edited_only"),
    (
        "关于冬季农村清洁取暖补贴发放滞后的情况反映",
        "member_b",
        "labour_social_security",
        "returned",
    ),
    ("关于城区早晚高峰学校周边拥堵的情况反映", "member_demo", "transport", "submitted"),
    ("关于乡村医生队伍老龄化的情况反映", "member_demo", "health", "draft"),
]

TEXT = (
    "近期在走访中了解到，{topic}。群众对此反映较多。\n"
    "建议有关部门摸清底数、明确责任、分步解决，并及时向群众公开进展。"
)


def load(ctx) -> None:
    users = ctx.users
    if not all(u in users for u in ("member_demo", "member_b", "cppcc_staff")):
        return
    staff = users["cppcc_staff"]
    made, edited = 0, []
    for title, author, category, stage in REPORTS:
        user = users[author]
        seat = next(k for k, _label in actions.author_choices(user) if k.startswith("member:"))
        report = actions.do_create_report(
            author=seat,
            title=title,
            content=TEXT.format(topic=title.removeprefix("关于").removesuffix("的情况反映")),
            category=category,
            acting_user=user,
        )
        made += 1
        if stage == "draft":
            continue
        actions.do_submit_report(report, acting_user=user)
        if stage == "submitted":
            continue
        if stage == "returned":
            actions.do_return_report(
                report, reason="请补充具体的村名和受影响户数。", acting_user=staff
            )
            continue
        actions.do_accept_report(report, acting_user=staff)
        report = actions.do_edit_report(
            report,
            edited_title=title.replace("的情况反映", ""),
            edited_content=TEXT.format(topic=title[2:-5]).split("\n")[0] + "建议有关部门分步解决。",
            acting_user=staff,
        )
        if stage == "edited":
            edited.append(report)
    if len(edited) == 2:
        issue = actions.do_compile_issue(
            edited[0].cppcc,
            title="民生领域社情民意专辑",
            reports=[r.pk for r in edited],
            acting_user=staff,
        )
        actions.do_send_issue(
            issue,
            recipients=["higher_cppcc", "party_committee", "government"],
            sent_on=dates.today() - dt.timedelta(days=3),
            acting_user=staff,
        )
        first = edited[0]
        actions.do_adopt_report(
            first,
            adopted_by="山西省政协",
            level="province",
            manner="adopted",
            adopted_on=dates.today() - dt.timedelta(days=1),
            acting_user=staff,
        )
        actions.do_instruct_report(
            first,
            leader="晋中市副市长",
            level="city",
            text="请市民政局牵头研究，拿出扩大农村助餐服务覆盖的具体办法。",
            given_on=dates.today(),
            acting_user=staff,
        )
    ctx.stdout.write(f"  社情民意信息: {made} 条")
