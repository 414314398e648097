"""Two-way evaluation (双向评议): whoever raised a case rates its handling, and a handling unit
rates the submission's quality. Every kind may record both; a kind that declares
`blind_evaluation` (casework.kinds) shows each side the other's rating of a round only after it
has given its own (背靠背评), while the office of the case sees both at once.

The functions here write the row and check what is the same for every kind; the kind's action
wraps them between `actions.begin` and `actions.finish`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from lianxin.accounts.access import grants
from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.core.validators import clean_text

from . import kinds
from .models import Assignment, Case, Evaluation, Quality, Rating
from .rules import case_office
from .shared import seat_field

HANDLING = Evaluation.Direction.HANDLING
SUBMISSION = Evaluation.Direction.SUBMISSION


def _comment(comment: str) -> str:
    return clean_text(comment, field="comment", label=_("意见"), required=False, max_length=2000)


def rate_handling(
    locked: Case, *, rating: str, comment: str = "", seat=None, acting_user
) -> Evaluation:
    """The raiser's seat (a deputy's or a member's) rates the handling of the current round,
    once per seat and round."""
    if rating not in Rating.values:
        raise ValidationFailed(_("请选择满意、基本满意或不满意。"), field="rating")
    comment = _comment(comment)
    if seat is None:
        raise Forbidden(_("只有提出人可以评价办理工作。"))
    field = seat_field(seat)
    done = Evaluation.objects.filter(
        case=locked, round=locked.round, direction=HANDLING, **{f"by_{field}": seat}
    )
    if done.exists():
        raise Conflict(_("您已对本轮办理作出评价。"), code="already_evaluated")
    return Evaluation.objects.create(
        case=locked,
        round=locked.round,
        direction=HANDLING,
        rating=rating,
        comment=comment,
        recorded_by=acting_user,
        **{f"by_{field}": seat},
    )


def rate_submission(locked: Case, *, quality: str, comment: str = "", acting_user) -> Evaluation:
    """A unit assigned to the case (lead or co-handling, still active) rates the submission's
    quality, once per unit and round."""
    if quality not in Quality.values:
        raise ValidationFailed(_("请选择优秀、良好、一般或较差。"), field="quality")
    comment = _comment(comment)
    units = grants(acting_user).unit_ids if acting_user is not None else set()
    unit_id = (
        Assignment.objects.filter(case=locked, unit_id__in=units, status=Assignment.Status.ACTIVE)
        .order_by("-role", "id")  # the lead unit before a co-handling one
        .values_list("unit_id", flat=True)
        .first()
    )
    if unit_id is None:
        raise Forbidden(_("只有承办单位可以评价提交件的质量。"))
    done = Evaluation.objects.filter(
        case=locked, round=locked.round, direction=SUBMISSION, by_unit_id=unit_id
    )
    if done.exists():
        raise Conflict(_("本单位已对本轮提交件作出评价。"), code="already_evaluated")
    return Evaluation.objects.create(
        case=locked,
        round=locked.round,
        direction=SUBMISSION,
        quality=quality,
        comment=comment,
        by_unit_id=unit_id,
        recorded_by=acting_user,
    )


def _mine(g, ev: Evaluation) -> bool:
    if ev.direction == SUBMISSION:
        return ev.by_unit_id in g.unit_ids
    return (ev.by_deputy_id is not None and ev.by_deputy_id in g.deputy_ids) or (
        ev.by_member_id is not None and ev.by_member_id in g.member_ids
    )


def shown_to(user, case: Case, evaluations: Iterable[Evaluation]) -> list[Evaluation]:
    """The evaluations of `case` that `user` may read. Without `blind_evaluation` every one;
    with it, the office of the case (and administrators) read all, and a side reads the other
    side's ratings of a round only once it has rated in that round itself."""
    rows = list(evaluations)
    spec = kinds.kind_spec(case.kind)
    if spec is None or not spec.blind_evaluation:
        return rows
    g = grants(user)
    if g.is_admin or case_office(g, case):
        return rows
    given = {(ev.round, ev.direction) for ev in rows if _mine(g, ev)}
    shown = []
    for ev in rows:
        other = SUBMISSION if ev.direction == HANDLING else HANDLING
        if _mine(g, ev) or (ev.round, other) in given:
            shown.append(ev)
    return shown
