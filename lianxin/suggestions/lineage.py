"""Citizens' opinions turned into a deputy's suggestion: how the draft is made (the loop's
lineage mechanism, casework.lineage, does the rest)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts.access import grants
from lianxin.casework import lineage
from lianxin.casework.models import Case, Kind
from lianxin.core.errors import ValidationFailed
from lianxin.org.models import Deputy, SeatStatus

from .actions import MAX_TITLE, do_create_suggestion
from .workflow import S


def author_for(origins: Sequence[Case], acting_user) -> Deputy:
    """Whose suggestion it is: the caller's own seat the opinions are addressed to (a deputy);
    for the office, the one deputy they are all addressed to."""
    own = grants(acting_user).deputy_ids if acting_user is not None else frozenset()
    for origin in origins:
        if origin.deputy_id in own:
            return Deputy.objects.select_related("congress__region", "person").get(
                pk=origin.deputy_id
            )
    deputies = {o.deputy_id for o in origins}
    if None in deputies:
        raise ValidationFailed(
            _("意见“%(title)s”没有责任代表，请先梳理并指定代表。")
            % {"title": next(o for o in origins if o.deputy_id is None).display_title},
            field="origins",
        )
    if len(deputies) > 1:
        raise ValidationFailed(_("所选意见的责任代表不同，不能合为一件代表建议。"), field="origins")
    seat = Deputy.objects.select_related("congress__region", "person").get(pk=deputies.pop())
    if seat.status != SeatStatus.SERVING:
        raise ValidationFailed(_("该代表已不在任。"), field="origins")
    return seat


def prefill(origins: Sequence[Case]) -> dict:
    first = origins[0].display_title.rstrip("…")
    if len(origins) == 1:
        title = _("关于%(title)s的建议") % {"title": first}
    else:
        title = _("关于%(title)s等%(n)s件群众反映问题的建议") % {"title": first, "n": len(origins)}
    lines = [
        _("%(n)s. %(content)s（查询码 %(code)s）")
        % {"n": i, "content": " ".join(o.content.split()), "code": o.tracking_code}
        for i, o in enumerate(origins, 1)
    ]
    problem = _("群众反映：") + "\n" + "\n".join(lines)
    return {
        "title": title[:MAX_TITLE],
        "problem": problem,
        "content": _("针对群众反映的上述问题，建议："),
    }


def create(
    origins: Sequence[Case],
    *,
    acting_user,
    title: str | None = None,
    content: str | None = None,
    problem: str | None = None,
    author: Deputy | None = None,
) -> Case:
    """The draft of a suggestion made from `origins`, written by their deputy (or by the office
    for that deputy); the deputy edits and submits it as any other draft. `author`: a serving
    seat of the caller's own, named by a caller that checked why this deputy may carry these
    opinions (a hot issue pushed to them)."""
    if author is not None:
        own = grants(acting_user).deputy_ids if acting_user is not None else frozenset()
        if author.pk not in own or author.status != SeatStatus.SERVING:
            raise ValidationFailed(_("只能以本人在任的代表身份提出建议。"), field="origins")
    else:
        author = author_for(origins, acting_user)
    initial = prefill(origins)
    return do_create_suggestion(
        author=author,
        title=initial["title"] if title is None else title,
        content=initial["content"] if content is None else content,
        problem=initial["problem"] if problem is None else problem,
        category=origins[0].category,
        acting_user=acting_user,
        for_origins=True,
    )


def register() -> None:
    lineage.declare_target(
        Kind.SUGGESTION,
        label=gettext_lazy("代表建议"),
        create=create,
        prefill=prefill,
        private_states=[S.DRAFT],
        reply_states=[S.REPLIED],
        # Withdrawn, the opinions go back to the office; merged, they follow the other one.
        dropped_states=[S.WITHDRAWN, S.MERGED],
    )
