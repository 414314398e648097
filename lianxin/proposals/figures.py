"""The CPPCC's figures of a year (届次统计) for the chairs' meeting: proposals submitted and
registered (in session and between sessions), by sector and party, assignment and reply,
face-to-face consultation, satisfaction, the units' quality ratings of the proposals and the
lead units' league; the public-sentiment reports' section is contributed by lianxin.sentiment
(`casework.reportdoc.contribute("cppcc_figures", …)`). The rates are the metrics layer's
(`casework.metrics`): one definition of a figure everywhere."""

from __future__ import annotations

from django.db.models import Case as Choose
from django.db.models import Count, Q, Value, When
from django.db.models import F as Ref
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.casework import metrics, reportdoc
from lianxin.casework.models import Assignment, Case, Evaluation, Kind, Quality
from lianxin.casework.reportdoc import Report, Section, pct
from lianxin.org.models import Body

from .models import ProposalResult
from .workflow import ProposalState as P

REPORT = "cppcc_figures"
NOT_COUNTED = (P.DRAFT, P.WITHDRAWN)
NOT_REGISTERED = (P.SUBMITTED, P.DECLINED, P.MERGED)
ANSWERED = (P.REPLIED, P.EVALUATED, P.CONCLUDED)


def proposals_of(cppcc, year: int):
    """The proposals of a CPPCC submitted in `year` (by the date they were raised)."""
    return Case.objects.filter(kind=Kind.PROPOSAL, cppcc=cppcc, created_at__year=year).exclude(
        state__in=NOT_COUNTED
    )


def _group(kind: str, member_field: str, other_bodies: str):
    """The name a proposal counts under in a table by `kind` (sector or party organisation)."""
    return Choose(
        When(proposal__raised_by_body__kind=kind, then=Ref("proposal__raised_by_body__name")),
        When(proposal__raised_by_body__isnull=False, then=Value(str(other_bodies))),
        default=Ref(member_field),
    )


def build(cppcc, year: int) -> Report:
    base = proposals_of(cppcc, year)
    ids = base.values("pk")
    head = base.aggregate(
        submitted=Count("pk"),
        in_session=Count("pk", filter=Q(proposal__in_session=True)),
        registered=Count("pk", filter=~Q(state__in=NOT_REGISTERED)),
        declined=Count("pk", filter=Q(state=P.DECLINED)),
        merged=Count("pk", filter=Q(state=P.MERGED)),
        answered=Count("pk", filter=Q(state__in=ANSWERED)),
        concluded=Count("pk", filter=Q(state=P.CONCLUDED)),
        excellent=Count("pk", filter=Q(proposal__excellent_year__isnull=False)),
        by_body=Count("pk", filter=Q(proposal__raised_by_body__isnull=False)),
    )
    # Counted apart: joining the results would count a proposal once per result above.
    carried_out = (
        ProposalResult.objects.filter(proposal__case__in=ids).values("proposal").distinct().count()
    )
    counts = metrics.counts_of(ids)
    F = metrics.ALL_FIGURES
    figures = [
        (_("提交提案"), head["submitted"]),
        (_("其中大会提案"), head["in_session"]),
        (_("其中平时提案"), head["submitted"] - head["in_session"]),
        (_("其中党派团体、界别和专门委员会提案"), head["by_body"]),
        (_("立案"), head["registered"]),
        (_("立案率"), pct(head["registered"], head["submitted"])),
        (_("不予立案"), head["declined"]),
        (_("并案处理"), head["merged"]),
        (_("已交办"), F["assigned"].display(counts)),
        (_("已答复"), head["answered"]),
        (_("答复率"), pct(head["answered"], head["registered"])),
        (_("已办结"), head["concluded"]),
        (_("成果转化"), carried_out),
        (_("优秀提案"), head["excellent"]),
        (_("重点提案"), F["key_supervision"].display(counts)),
        (str(F["consultation_rate"].label), F["consultation_rate"].display(counts)),
        (str(F["satisfaction"].label), F["satisfaction"].display(counts)),
        (str(F["reply_a"].label), F["reply_a"].display(counts)),
        (str(F["reply_b"].label), F["reply_b"].display(counts)),
        (str(F["reply_c"].label), F["reply_c"].display(counts)),
    ]

    def by(field, title: str, column: str, key: str, qs=None) -> Section:
        rows = (
            (base if qs is None else qs)
            .annotate(group=field)
            .values("group")
            .annotate(
                n=Count("pk"),
                registered=Count("pk", filter=~Q(state__in=NOT_REGISTERED)),
                answered=Count("pk", filter=Q(state__in=ANSWERED)),
            )
            .order_by("-n", "group")
        )
        return Section(
            key,
            title,
            [column, _("提交"), _("立案"), _("已答复")],
            [[r["group"] or _("未填写"), r["n"], r["registered"], r["answered"]] for r in rows],
        )

    # A body's proposal counts under that body in the table of its kind; a member's under the
    # member's sector and party organisation.
    by_sector = by(
        _group(Body.Kind.SECTOR, "raised_by_member__sector__name", _("党派团体或专门委员会提案")),
        _("按界别"),
        _("界别"),
        "sector",
    )
    by_party = by(
        _group(Body.Kind.PARTY_ORG, "raised_by_member__party_org__name", _("界别或专门委员会提案")),
        _("按党派团体"),
        _("党派团体"),
        "party",
    )
    by_committee = by(
        Ref("proposal__raised_by_body__name"),
        _("专门委员会提案"),
        _("专门委员会"),
        "committee",
        qs=base.filter(proposal__raised_by_body__kind=Body.Kind.CPPCC_COMMITTEE),
    )

    quality = dict(
        Evaluation.objects.filter(case__in=ids, direction=Evaluation.Direction.SUBMISSION)
        .values("quality")
        .annotate(n=Count("case", distinct=True))
        .values_list("quality", "n")
    )
    rated_quality = sum(quality.values())
    by_quality = Section(
        "quality",
        _("承办单位对提案质量的评价"),
        [_("评价"), _("件数"), _("占比")],
        [
            [str(label), quality.get(value, 0), pct(quality.get(value, 0), rated_quality)]
            for value, label in Quality.choices
        ],
    )

    unit_rows = (
        Assignment.objects.filter(case__in=ids, role=Assignment.Role.LEAD)
        .exclude(status=Assignment.Status.RETURNED)
        .values("unit__name")
        .annotate(
            n=Count("case", distinct=True),
            answered=Count("case", filter=Q(case__state__in=ANSWERED), distinct=True),
            overdue=Count("case", filter=Q(case__is_overdue=True), distinct=True),
            satisfied=Count("case", filter=Q(case__rating__in=metrics.SATISFIED), distinct=True),
            rated=Count("case", filter=~Q(case__rating=""), distinct=True),
        )
        .order_by("-n", "unit__name")
    )
    by_unit = Section(
        "unit",
        _("按主办单位"),
        [_("主办单位"), _("主办件数"), _("已答复"), _("逾期"), _("满意率")],
        [
            [
                r["unit__name"],
                r["n"],
                r["answered"],
                r["overdue"],
                metrics.FIGURES["satisfaction"].display(r),
            ]
            for r in unit_rows
        ],
    )
    more_figures, more_sections = reportdoc.contributions(REPORT, cppcc, year)
    period = _("%(year)s 年度") % {"year": year}
    return Report(
        title=_("%(cppcc)s提案和社情民意信息工作情况") % {"cppcc": cppcc.name},
        owner=cppcc.name,
        period=period,
        generated_at=timezone.localtime(),
        figures=figures + more_figures,
        sections=[by_sector, by_party, by_committee, by_quality, by_unit, *more_sections],
        slug=f"政协提案统计-{cppcc.name}-{year}",
        audit_target=f"cppcc_figures:{cppcc.pk}:{year}",
    )
