"""The satisfaction survey (满意度测评) of a key-supervision suggestion: the office opens a round,
the deputies concerned each rate the handling (and may change their answer while it is open),
the office closes it; the result goes into the key-supervision part of the special report."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import grants
from lianxin.casework.actions import begin, finish
from lianxin.casework.models import Case, Rating
from lianxin.core.errors import Forbidden, ValidationFailed
from lianxin.core.validators import clean_text

from .. import queries
from ..models import SurveyAnswer, SurveyRound
from .base import _notify, _users_of_seats


@transaction.atomic
def do_open_survey(
    case: Case, *, note: str = "", acting_user, version: int | None = None
) -> SurveyRound:
    """Open a survey round: the lead sponsor and the confirmed co-sponsors are asked and told."""
    note = clean_text(note, field="note", label=_("测评说明"), required=False, max_length=2000)
    locked, t = begin(case, "open_survey", acting_user, version=version)
    seats = queries.authors(locked)
    if not seats:
        raise ValidationFailed(_("该建议没有可参加测评的代表。"), field="note")
    last = SurveyRound.objects.filter(case=locked).aggregate(n=Max("number"))["n"] or 0
    survey = SurveyRound.objects.create(
        case=locked, number=last + 1, note=note, opened_by=acting_user
    )
    SurveyAnswer.objects.bulk_create([SurveyAnswer(round=survey, deputy=s) for s in seats])
    finish(
        locked,
        t,
        acting_user,
        note=note,
        data={"round": survey.number, "asked": len(seats)},
    )
    _notify(
        _users_of_seats(s.pk for s in seats),
        verb="survey",
        title=_("请对重点督办建议的办理情况进行满意度测评：%(title)s")
        % {"title": locked.display_title},
        body=note,
        url=reverse("suggestion_action", args=[locked.pk, "answer_survey"]),
    )
    return survey


@transaction.atomic
def do_answer_survey(
    case: Case, *, rating: str, comment: str = "", acting_user, version: int | None = None
) -> SurveyAnswer:
    """A deputy asked in the open round rates the handling (满意 / 基本满意 / 不满意); answering
    again before the round closes replaces the answer."""
    if rating not in Rating.values:
        raise ValidationFailed(_("请选择满意、基本满意或不满意。"), field="rating")
    comment = clean_text(
        comment, field="comment", label=_("测评意见"), required=False, max_length=2000
    )
    if acting_user is None:
        raise Forbidden(_("满意度测评须由代表本人填写。"))
    locked, t = begin(case, "answer_survey", acting_user, version=version)
    answer = (
        SurveyAnswer.objects.select_for_update(of=("self",))
        .select_related("deputy__person", "round")
        .filter(
            round__case=locked,
            round__closed_at__isnull=True,
            deputy_id__in=grants(acting_user).deputy_ids,
        )
        .order_by("id")
        .first()
    )
    if answer is None:
        raise Forbidden(_("只有受邀参加测评的代表可以填写。"))
    changed = bool(answer.rating)
    answer.rating = rating
    answer.comment = comment
    answer.answered_at = timezone.now()
    answer.answered_by = acting_user
    answer.save(update_fields=["rating", "comment", "answered_at", "answered_by"])
    finish(
        locked,
        t,
        acting_user,
        note=comment,
        data={
            "round": answer.round.number,
            "deputy": answer.deputy.person.name,
            "rating": rating,
            "changed": changed,
        },
    )
    return answer


@transaction.atomic
def do_close_survey(
    case: Case, *, note: str = "", acting_user, version: int | None = None
) -> SurveyRound:
    """Close the open round; its tally is kept on the timeline and in the report."""
    note = clean_text(note, field="note", label=_("说明"), required=False, max_length=2000)
    locked, t = begin(case, "close_survey", acting_user, version=version)
    survey = SurveyRound.objects.select_for_update().get(case=locked, closed_at__isnull=True)
    survey.closed_at = timezone.now()
    survey.closed_by = acting_user
    survey.save(update_fields=["closed_at", "closed_by"])
    tally = queries.survey_tally(survey)
    finish(
        locked,
        t,
        acting_user,
        note=note,
        data={"round": survey.number, **tally},
    )
    return survey
