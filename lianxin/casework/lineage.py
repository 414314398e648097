"""Lineage across kinds: a case made from other cases carries them as its origins.

Today citizens' opinions become a deputy's suggestion; later a hot issue becomes a CPPCC
proposal and an opinion a sentiment report. The mechanism is the loop's, not a kind's:

- an **origin kind** (opinions) has, in its workflow, a transition `derive` (into a state that
  waits for the derived case) and a transition `origin_reply` (from that state, when the
  derived case's reply reaches it); its `conclude` follows the citizen's rating of that reply;
- a **target kind** (suggestions) declares, from its own app, how a draft of its kind is made
  from origins (`declare_target(kind, create=…)`), which of its states are private (a draft:
  the citizen reads "being written"), and in which states its reply has been given.

`derive(origins, kind=…, acting_user=…)` makes the new case, links it (`CaseOrigin`) and moves
every origin through its `derive` transition, each with its own timeline entry, in one
transaction. When the derived case enters one of its reply states, every origin still waiting
gets the reply (a copy of it on the origin, a timeline entry, an SMS to whoever raised it);
when its citizen rates it, the origin concludes (`conclude` as the system). All of it goes
through `begin` / `finish`, so every change is a workflow transition with its event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.errors import NotFound, ValidationFailed

from .actions import begin, finish, lock_case, register_follow_up
from .models import Case, CaseEvent, CaseOrigin, Reply

MAX_ORIGINS = 20


@dataclass(frozen=True)
class Target:
    """A kind other cases may be turned into."""

    kind: str
    label: object
    # (origins, *, acting_user, **fields) → the new case (a draft of the kind). `origins` are
    # locked and checked; the function checks what is the kind's own (whose seat it is).
    create: Callable[..., Case]
    # (origins) → the initial fields of the form (title, content, problem).
    prefill: Callable[[Sequence[Case]], dict] | None = None
    # States in which the derived case is not shown to the origins' citizens (a draft).
    private_states: frozenset[str] = field(default_factory=frozenset)
    # Entering one of these states, the derived case has its reply: it goes to the origins.
    reply_states: frozenset[str] = field(default_factory=frozenset)
    # Entering one of these states, the derived case ends without a reply (withdrawn): each
    # origin goes back to be handled on its own; merged into another case, the origins follow
    # it there instead.
    dropped_states: frozenset[str] = field(default_factory=frozenset)


_TARGETS: dict[str, Target] = {}


def declare_target(
    kind: str,
    *,
    label,
    create: Callable[..., Case],
    prefill: Callable[[Sequence[Case]], dict] | None = None,
    private_states: Iterable[str] = (),
    reply_states: Iterable[str] = (),
    dropped_states: Iterable[str] = (),
) -> Target:
    target = Target(
        kind=kind,
        label=label,
        create=create,
        prefill=prefill,
        private_states=frozenset(private_states),
        reply_states=frozenset(reply_states),
        dropped_states=frozenset(dropped_states),
    )
    _TARGETS[kind] = target
    return target


def forget_target(kind: str) -> None:
    _TARGETS.pop(kind, None)


def targets() -> list[Target]:
    return list(_TARGETS.values())


def target_for(kind: str | None) -> Target:
    if kind is None and len(_TARGETS) == 1:
        return next(iter(_TARGETS.values()))
    target = _TARGETS.get(kind or "")
    if target is None:
        raise ValidationFailed(_("不能转为该类别的案件。"), field="kind")
    return target


def origin_kinds() -> list[str]:
    """The kinds whose workflow has a `derive` transition."""
    from .workflow import workflows

    return [wf.kind for wf in workflows() if "derive" in wf.actions]


# --- Reading ------------------------------------------------------------------------------------


def _links():
    """The links in force (not released)."""
    return CaseOrigin.objects.filter(released_at__isnull=True)


def derived_from(origin: Case) -> list[Case]:
    """The cases made from `origin` that still carry it, oldest first."""
    return [
        link.case
        for link in _links().filter(origin=origin).select_related("case").order_by("at", "id")
    ]


def origins_of(case: Case) -> list[Case]:
    return [
        link.origin
        for link in _links().filter(case=case).select_related("origin").order_by("origin_id")
    ]


def is_derived(origin: Case) -> bool:
    """True when another case was made from `origin` (its handling lies there)."""
    return _links().filter(origin_id=origin.pk).exists()


def refusal(origin: Case, target: Target | None = None) -> str | None:
    """Why `origin` cannot be turned into a case of another kind now, in plain words; None if
    it can (the caller's permission is checked by the transition)."""
    what = _("%(kind)s“%(title)s”") % {
        "kind": origin.get_kind_display(),
        "title": origin.display_title,
    }
    if is_derived(origin):
        return _("%(what)s已转为%(label)s，不能再次转办。") % {
            "what": what,
            "label": derived_label(origin),
        }
    if origin.is_closed:
        return _("%(what)s已%(state)s，不能再转为%(label)s。") % {
            "what": what,
            "state": origin.state_label,
            "label": target.label if target else _("其他案件"),
        }
    wf = origin.workflow
    if wf.transition("derive", origin.state) is None:
        return _("%(what)s当前为“%(state)s”状态，不能转办。") % {
            "what": what,
            "state": origin.state_label,
        }
    return None


def derived_label(origin: Case) -> str:
    first = CaseOrigin.objects.filter(origin=origin).select_related("case").first()
    if first is None:
        return ""
    return str(first.case.get_kind_display())


def candidates(user, *, limit: int = 100) -> list[Case]:
    """Cases the user may turn into a case of another kind now (their own work list of
    opinions), newest first."""
    from lianxin.accounts.access import can, visible_to

    kinds = origin_kinds()
    if not kinds:
        return []
    states = {
        state
        for kind in kinds
        for t in _workflow(kind).transitions
        if t.action == "derive"
        for state in t.sources
    }
    qs = (
        visible_to(user, Case)
        .filter(kind__in=kinds, state__in=states, merged_into__isnull=True)
        .exclude(pk__in=_links().values("origin_id"))
        .select_related("category", "deputy__person", "station")
        .order_by("-created_at", "-id")
    )
    out = []
    for case in qs[: limit * 2]:
        t = case.workflow.transition("derive", case.state)
        if t is not None and not t.refusal(case) and can(user, t.permission, case):
            out.append(case)
        if len(out) >= limit:
            break
    return out


def _workflow(kind: str):
    from .workflow import workflow_for

    return workflow_for(kind)


def resolve_origins(user, ids: Iterable) -> list[Case]:
    """The cases named by `ids` that `user` may see, in the order given; one the user may not
    see is the same 404 as everywhere (nothing is said about it)."""
    from lianxin.accounts.access import get_visible_or_404

    seen: dict[int, Case] = {}
    for raw in ids:
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            raise NotFound(_("案件不存在或您无权查看。")) from None
        if pk in seen:
            continue
        try:
            seen[pk] = get_visible_or_404(user, Case.objects.all(), pk=pk)
        except Http404:
            raise NotFound(_("案件不存在或您无权查看。")) from None
    if not seen:
        raise ValidationFailed(_("请至少选择一件意见。"), field="origins")
    if len(seen) > MAX_ORIGINS:
        raise ValidationFailed(_("一次最多选择 %(n)s 件。") % {"n": MAX_ORIGINS}, field="origins")
    return list(seen.values())


def prefill(origins: Sequence[Case], kind: str | None = None) -> dict:
    target = target_for(kind)
    if target.prefill is not None:
        return target.prefill(origins)
    return {"title": origins[0].display_title, "content": origins[0].content}


# --- Writing ------------------------------------------------------------------------------------


@transaction.atomic
def derive(
    origins: Sequence[Case],
    *,
    kind: str | None = None,
    acting_user,
    trusted: bool = False,
    limit: int = MAX_ORIGINS,
    **fields,
) -> Case:
    """Make a case of `kind` (a draft) from `origins`, which it carries as its origins; each
    origin takes its `derive` transition (its citizen is told). Refused as a whole (nothing
    stored) if one origin is closed, already turned into another case, or not the caller's to
    turn (403); a case the caller may not see is 404 (see `resolve_origins`).

    `trusted`: the caller holds a wider right that the origins' own rule does not know (a hot
    issue pushed to a deputy, `casework.hot`, checked there), so neither whether the acting
    user sees each origin nor the `derive` rule is asked again; the events still name the
    acting user. `limit`: how many origins at most (`MAX_ORIGINS` for a hand-picked set)."""
    from lianxin.accounts.access import is_visible

    target = target_for(kind)
    origins = list({o.pk: o for o in origins}.values())
    if not origins:
        raise ValidationFailed(_("请至少选择一件意见。"), field="origins")
    if len(origins) > limit:
        raise ValidationFailed(_("一次最多选择 %(n)s 件。") % {"n": limit}, field="origins")
    steps = []
    # Locked in id order, so two callers turning overlapping sets cannot deadlock.
    for origin in sorted(origins, key=lambda c: c.pk):
        if acting_user is not None and not trusted and not is_visible(acting_user, origin):
            raise NotFound(_("案件不存在或您无权查看。"))
        locked = lock_case(origin)
        reason = refusal(locked, target)
        if reason:
            raise ValidationFailed(reason, field="origins", code="not_derivable")
        if trusted:
            t = locked.workflow.transition("derive", locked.state)
            if t is None or t.refusal(locked):
                raise ValidationFailed(
                    refusal(locked) or _("不能转办。"), field="origins", code="not_derivable"
                )
        else:
            locked, t = begin(locked, "derive", acting_user)
        steps.append((locked, t))
    locked_origins = [locked for locked, _t in steps]
    case = target.create(locked_origins, acting_user=acting_user, **fields)
    now = timezone.now()
    CaseOrigin.objects.bulk_create(
        [CaseOrigin(case=case, origin=o, at=now, by=acting_user) for o in locked_origins]
    )
    for locked, t in steps:
        finish(
            locked,
            t,
            acting_user,
            note=_("已转为%(label)s。") % {"label": target.label},
            data={"case": case.pk, "kind": case.kind, "tracking_code": case.tracking_code},
            is_public=True,
        )
    case = lock_case(case)
    finish(
        case,
        None,
        acting_user,
        action="origins",
        data={
            "origins": [o.pk for o in locked_origins],
            "tracking_codes": [o.tracking_code for o in locked_origins],
        },
    )
    return case


def _reply_of(case: Case, event: CaseEvent) -> Reply | None:
    reply_id = (event.data or {}).get("reply")
    qs = Reply.objects.filter(case=case).select_related("unit", "deputy__person", "category")
    if reply_id:
        found = qs.filter(pk=reply_id).first()
        if found is not None:
            return found
    return qs.order_by("-created_at", "-id").first()


def deliver_reply(case: Case, event: CaseEvent) -> int:
    """The derived case has its reply: every origin still waiting for it takes `origin_reply`
    (the reply copied onto it, its citizen told by SMS). Returns how many were reached."""
    reply = _reply_of(case, event)
    if reply is None:
        return 0
    reached = 0
    for link in _links().filter(case=case).order_by("origin_id"):
        origin = lock_case(Case(pk=link.origin_id))
        wf = origin.workflow
        t = wf.transition("origin_reply", origin.state)
        if t is None or t.refusal(origin):
            continue  # already answered (a second reply after re-handling), or closed
        origin, t = begin(origin, "origin_reply", None)
        copy = Reply.objects.create(
            case=origin,
            round=origin.round,
            unit=reply.unit,
            deputy=reply.deputy,
            author=reply.author,
            category=reply.category,
            content=reply.content,
            is_public=reply.is_public,
        )
        now = timezone.now()
        origin.replied_at = now
        origin.fed_back_at = now
        label = case.get_kind_display()
        if reply.is_public:
            note = _("%(label)s“%(title)s”已由%(by)s答复，答复内容见上方。") % {
                "label": label,
                "title": case.display_title,
                "by": reply.replier,
            }
        else:
            note = _("%(label)s“%(title)s”已由%(by)s答复（答复未公开，详情可向代表了解）。") % {
                "label": label,
                "title": case.display_title,
                "by": reply.replier,
            }
        finish(
            origin,
            t,
            None,
            fields=["replied_at", "fed_back_at"],
            note=note,
            data={"case": case.pk, "kind": case.kind, "reply": copy.pk, "source_reply": reply.pk},
            is_public=True,
        )
        reached += 1
    return reached


def _conclude_after_rating(origin: Case, event: CaseEvent) -> None:
    """The citizen rated the reply of the case made from theirs: the origin concludes with it
    (there is nothing left to handle on the origin itself)."""
    from .actions import do_conclude_case

    wf = origin.workflow
    t = wf.transition("conclude", origin.state)
    if t is None or t.refusal(origin):
        return
    do_conclude_case(
        origin,
        note=_("群众已对%(label)s的答复作出评价，本件随之办结。")
        % {"label": derived_label(origin)},
        acting_user=None,
    )


def release(case: Case) -> int:
    """The derived case ended without a reply (withdrawn): each origin still waiting for it
    takes `origin_release` and goes back to be handled on its own (its citizen is told); the
    links end. Returns how many went back."""
    now = timezone.now()
    released = 0
    for link in _links().filter(case=case).order_by("origin_id"):
        origin = lock_case(Case(pk=link.origin_id))
        t = origin.workflow.transition("origin_release", origin.state)
        link.released_at = now
        link.save(update_fields=["released_at"])
        if t is None or t.refusal(origin):
            continue
        origin, t = begin(origin, "origin_release", None)
        finish(
            origin,
            t,
            None,
            note=_("所转%(label)s“%(title)s”已撤回，本件重新进入梳理办理。")
            % {"label": case.get_kind_display(), "title": case.display_title},
            data={"case": case.pk, "kind": case.kind},
            is_public=True,
        )
        released += 1
    return released


def move_to_merged(case: Case) -> int:
    """The derived case was merged into another: its origins now wait for that one's reply."""
    now = timezone.now()
    into = case.merged_into_id
    moved = 0
    for link in _links().filter(case=case).order_by("origin_id"):
        link.released_at = now
        link.save(update_fields=["released_at"])
        if not _links().filter(case_id=into, origin_id=link.origin_id).exists():
            CaseOrigin.objects.create(case_id=into, origin_id=link.origin_id, at=now, by=link.by)
            moved += 1
    return moved


def follow(case: Case, event: CaseEvent) -> None:
    """Called by `actions.finish` after every change of state (same transaction)."""
    target = _TARGETS.get(case.kind)
    if target is not None and event.to_state in target.reply_states:
        if _links().filter(case_id=case.pk).exists():
            deliver_reply(case, event)
        return
    if target is not None and event.to_state in target.dropped_states:
        if case.merged_into_id:
            move_to_merged(case)
        else:
            release(case)
        return
    if event.action == "evaluate" and is_derived(case):
        _conclude_after_rating(case, event)


register_follow_up(follow)


# --- The citizen's view -------------------------------------------------------------------------


def public_derived(origin: Case) -> list[dict]:
    """What the origin's citizen may read of the cases made from it: a private one (a draft)
    only as "being written"; afterwards its title, state, public timeline and public replies."""
    from .workflow import EVENT_LABELS

    out = []
    for case in derived_from(origin):
        target = _TARGETS.get(case.kind)
        label = str(target.label) if target else str(case.get_kind_display())
        private = target is None or case.state in target.private_states
        item = {
            "id": case.pk,
            "kind": case.kind,
            "kind_label": label,
            "private": private,
            "title": "",
            "state": "",
            "state_label": "",
            "timeline": [],
            "replies": [],
        }
        if not private:
            wf = case.workflow
            item.update(
                {
                    "title": case.display_title,
                    "state": case.state,
                    "state_label": wf.state_label(case.state),
                    "timeline": [
                        {
                            "at": e.at,
                            "action_label": str(
                                EVENT_LABELS.get(e.action) or wf.action_label(e.action)
                            ),
                            "state_label": wf.state_label(e.to_state) if e.to_state else "",
                        }
                        for e in case.events.filter(is_public=True).order_by("at", "id")
                    ],
                    "replies": [
                        {
                            "at": r.created_at,
                            "by": r.replier,
                            "category_label": r.category.label if r.category_id else "",
                            "content": r.content,
                        }
                        for r in _delivered_replies(case)
                    ],
                }
            )
        out.append(item)
    return out


def _delivered_replies(case: Case) -> list[Reply]:
    """The derived case's public replies that have reached its origins (a reply letter still
    waiting to be signed off is not shown)."""
    delivered = {
        (data or {}).get("source_reply")
        for data in CaseEvent.objects.filter(
            case__derived_links__case=case, action="origin_reply"
        ).values_list("data", flat=True)
    }
    return [
        r
        for r in case.replies.filter(is_public=True).select_related(
            "unit", "deputy__person", "category"
        )
        if r.pk in delivered
    ]
