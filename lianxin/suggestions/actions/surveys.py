"""The satisfaction survey (满意度测评) of a key-supervision suggestion: the office opens a round,
the deputies concerned each rate the handling (and may change their answer while it is open),
the office closes it; the result goes into the key-supervision part of the special report."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lianxin.casework import shared
from lianxin.casework.actions import begin, finish
from lianxin.casework.models import Case, Rating, SurveyAnswer, SurveyRound
from lianxin.core.errors import Forbidden, ValidationFailed
from lianxin.core.validators import clean_text

from .. import queries


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
    survey = shared.open_survey(locked, seats, note=note, acting_user=acting_user)
    finish(
        locked,
        t,
        acting_user,
        note=note,
        data={"round": survey.number, "asked": len(seats)},
    )
    return survey


@transaction.atomic
def do_answer_survey(
    case: Case, *, rating: str, comment: str = "", acting_user, version: int | None = None
) -> SurveyAnswer:
    """A deputy asked in the open round rates the handling (满意 / 基本满意 / 不满意); answering
    again before the round closes replaces the answer."""
    comment = clean_text(
        comment, field="comment", label=_("测评意见"), required=False, max_length=2000
    )
    if rating not in Rating.values:
        raise ValidationFailed(_("请选择满意、基本满意或不满意。"), field="rating")
    if acting_user is None:
        raise Forbidden(_("满意度测评须由代表本人填写。"))
    locked, t = begin(case, "answer_survey", acting_user, version=version)
    try:
        answer = shared.answer_survey(
            locked, rating=rating, comment=comment, acting_user=acting_user
        )
    except Forbidden:
        raise Forbidden(_("只有受邀参加测评的代表可以填写。")) from None
    changed = answer.changed
    finish(
        locked,
        t,
        acting_user,
        note=comment,
        data={
            "round": answer.round.number,
            "deputy": answer.seat_name,
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
    survey = shared.close_survey(locked, acting_user=acting_user)
    tally = queries.survey_tally(survey)
    finish(
        locked,
        t,
        acting_user,
        note=note,
        data={"round": survey.number, **tally},
    )
    return survey
