"""The special report on the handling of deputies' suggestions (建议办理情况专项报告) to the
chairs' council: counts by category, handling unit, reply category, satisfaction, overdue and
key supervision, for one session or for all; on a page, as a printable PDF and as Excel.

Every figure is counted from the database by a bounded number of queries; the same `Report`
is rendered three ways (casework.reportdoc), so the page, the PDF and the workbook can never
disagree."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.casework import metrics
from lianxin.casework.models import (
    Assignment,
    Case,
    CaseEvent,
    Commitment,
    Consultation,
    Kind,
    Rating,
    Reply,
)
from lianxin.casework.reportdoc import XLSX, Report, Section, export, to_pdf, to_xlsx
from lianxin.casework.reportdoc import pct as _pct

from .models import KeySupervision
from .queries import latest_survey_tallies
from .workflow import SuggestionState as S

REGISTERED = (
    S.ACCEPTED,
    S.ASSIGNED,
    S.HANDLING,
    S.REPLY_PENDING_SIGNOFF,
    S.REPLIED,
    S.EVALUATED,
    S.CONCLUDED,
)
ANSWERED = (S.REPLIED, S.EVALUATED, S.CONCLUDED)


def build(congress, session=None) -> Report:
    base = Case.objects.filter(kind=Kind.SUGGESTION, congress=congress).exclude(
        state__in=[S.DRAFT, S.WITHDRAWN]
    )
    if session is not None:
        base = base.filter(suggestion__session=session)
    ids = base.values("pk")
    head = base.aggregate(
        received=Count("pk"),
        in_session=Count("pk", filter=Q(suggestion__in_session=True)),
        merged=Count("pk", filter=Q(state=S.MERGED)),
        registered=Count("pk", filter=Q(state__in=REGISTERED)),
        answered=Count("pk", filter=Q(state__in=ANSWERED)),
        concluded=Count("pk", filter=Q(state=S.CONCLUDED)),
        overdue_now=Count("pk", filter=Q(is_overdue=True)),
        key=Count("pk", filter=Q(is_key_supervision=True)),
    )
    ever_overdue = (
        CaseEvent.objects.filter(case__in=ids, action="overdue")
        .values("case_id")
        .distinct()
        .count()
    )
    assigned_ids = Assignment.objects.filter(case__in=ids).values("case_id").distinct()
    assigned = assigned_ids.count()
    consulted_before = (
        Consultation.objects.filter(case__in=ids, stage=Consultation.Stage.BEFORE)
        .values("case_id")
        .distinct()
        .count()
    )
    # The reply that counts is the last one signed off (a second reply after re-handling).
    final_category: dict[int, str] = {}
    for case_id, code in (
        Reply.objects.filter(case__in=ids, signoff__approved=True)
        .order_by("case_id", "round", "created_at", "id")
        .values_list("case_id", "category__code")
    ):
        final_category[case_id] = code or ""
    ratings = dict(
        base.exclude(rating="").values("rating").annotate(n=Count("pk")).values_list("rating", "n")
    )
    rated = sum(ratings.values())
    # Satisfaction as every dashboard counts it (casework.metrics: the facts of these cases).
    counts = metrics.counts_of(ids)

    figures = [
        (_("收到建议"), head["received"]),
        (_("其中会议期间"), head["in_session"]),
        (_("其中闭会期间"), head["received"] - head["in_session"]),
        (_("合并处理"), head["merged"]),
        (_("审查通过（立案）"), head["registered"]),
        (_("已交办"), assigned),
        (_("已答复"), head["answered"]),
        (_("已办结"), head["concluded"]),
        (_("办前沟通率"), _pct(consulted_before, assigned)),
        (_("满意率（含基本满意）"), metrics.FIGURES["satisfaction"].display(counts)),
        (_("当前逾期"), head["overdue_now"]),
        (_("曾经逾期"), ever_overdue),
        (_("重点督办"), head["key"]),
    ]

    by_category = Section(
        "category",
        _("按类别"),
        [_("类别"), _("件数"), _("占比")],
        [
            [row["category__name"] or _("未分类"), row["n"], _pct(row["n"], head["received"])]
            for row in base.values("category__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "category__name")
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
            satisfied=Count(
                "case",
                filter=Q(case__rating__in=[Rating.SATISFIED, Rating.BASICALLY_SATISFIED]),
                distinct=True,
            ),
            rated=Count("case", filter=~Q(case__rating=""), distinct=True),
        )
        .order_by("-n", "unit__name")
    )
    co_counts = dict(
        Assignment.objects.filter(case__in=ids, role=Assignment.Role.CO)
        .exclude(status=Assignment.Status.RETURNED)
        .values("unit__name")
        .annotate(n=Count("case", distinct=True))
        .values_list("unit__name", "n")
    )
    by_unit = Section(
        "unit",
        _("按承办单位"),
        [_("承办单位"), _("主办件数"), _("协办件数"), _("已答复"), _("逾期"), _("满意率")],
        [
            [
                r["unit__name"],
                r["n"],
                co_counts.get(r["unit__name"], 0),
                r["answered"],
                r["overdue"],
                metrics.FIGURES["satisfaction"].display(r),
            ]
            for r in unit_rows
        ],
    )

    counted = Counter(final_category.values())
    answered_total = sum(counted.values())
    by_reply = Section(
        "reply_category",
        _("按答复类别"),
        [_("答复类别"), _("件数"), _("占比")],
        [
            [label, counted.get(code, 0), _pct(counted.get(code, 0), answered_total)]
            for code, label in [
                ("A", _("A 类（已解决或采纳）")),
                ("B", _("B 类（正在解决或列入计划）")),
                ("C", _("C 类（留作参考）")),
            ]
        ],
    )

    by_rating = Section(
        "satisfaction",
        _("代表评价"),
        [_("评价"), _("件数"), _("占比")],
        [
            [str(label), ratings.get(value, 0), _pct(ratings.get(value, 0), rated)]
            for value, label in Rating.choices
        ],
    )

    overdue_rows = list(
        base.filter(is_overdue=True)
        .select_related("raised_by_deputy__person")
        .prefetch_related("assignments__unit")
        .order_by("due_date", "pk")[:200]
    )
    overdue = Section(
        "overdue",
        _("逾期未答复"),
        [_("建议"), _("领衔代表"), _("主办单位"), _("答复期限")],
        [
            [
                c.display_title,
                c.raised_by_deputy.person.name if c.raised_by_deputy_id else "",
                "、".join(
                    a.unit.name
                    for a in c.assignments.all()
                    if a.role == "lead" and a.status == "active"
                ),
                c.due_date.isoformat() if c.due_date else "",
            ]
            for c in overdue_rows
        ],
    )

    keys = list(
        KeySupervision.objects.filter(case__in=ids)
        .select_related("case", "committee")
        .order_by("case__created_at", "pk")
    )
    # The latest survey round of each key suggestion: answered / asked, and each rating.
    surveys = latest_survey_tallies([k.case_id for k in keys])
    key_section = Section(
        "key_supervision",
        _("重点督办建议"),
        [
            _("建议"),
            _("督办领导或委员会"),
            _("办理状态"),
            _("代表评价"),
            _("督办结果"),
            _("满意度测评（已填/应填）"),
            _("满意"),
            _("基本满意"),
            _("不满意"),
        ],
        [
            [
                k.case.display_title,
                k.supervisor,
                k.case.state_label,
                str(k.case.get_rating_display()) if k.case.rating else "",
                k.result,
                *_survey_cells(surveys.get(k.case_id)),
            ]
            for k in keys
        ],
    )

    commitments = dict(
        Commitment.objects.filter(case__in=ids)
        .exclude(status__in=[Commitment.Status.PENDING, Commitment.Status.VOID])
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    commitment_section = Section(
        "commitments",
        _("承诺事项"),
        [_("状态"), _("件数")],
        [
            [str(label), commitments.get(value, 0)]
            for value, label in Commitment.Status.choices
            if value not in (Commitment.Status.PENDING, Commitment.Status.VOID)
        ],
    )

    period = session.name if session is not None else _("全部会议及闭会期间")
    return Report(
        title=_("关于代表建议办理情况的专项报告"),
        owner=congress.name,
        audit_target=f"suggestion_report:{congress.name}:{period}",
        period=period,
        generated_at=timezone.localtime(),
        figures=figures,
        sections=[
            by_category,
            by_unit,
            by_reply,
            by_rating,
            overdue,
            key_section,
            commitment_section,
        ],
        slug=f"建议办理专项报告-{congress.name}-{session.name if session else '全部'}",
    )


def _survey_cells(tally: dict | None) -> list:
    if tally is None:
        return [_("未开展"), "", "", ""]
    answered = _("%(answered)s/%(asked)s") % tally
    if tally["is_open"]:
        answered = _("%(answered)s（进行中）") % {"answered": answered}
    return [
        answered,
        tally[Rating.SATISFIED],
        tally[Rating.BASICALLY_SATISFIED],
        tally[Rating.DISSATISFIED],
    ]


__all__ = ["XLSX", "Report", "Section", "build", "export", "to_pdf", "to_xlsx"]
