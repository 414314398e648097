"""Who sees and acts on consultations (registered with lianxin.accounts.access).

- the deputy-affairs office of a congress opens its consultations, reads every opinion and
  decides each; offices above and leaders read them (roll-up of their region);
- a deputy sees the consultations of a congress they serve in whose audience includes them (all
  the congress's deputies, or those of the chosen fields of expertise), and their own opinions;
- another county's office, a deputy outside the audience: the same 404 as a missing one."""

from __future__ import annotations

from django.db.models import Q

from lianxin.accounts.access import Grants, prefix_q, rule, view_action, visibility


@visibility("consultation.consultation", to_many=True)
def _consultations(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    seats = list(g.deputy_ids)
    return (
        prefix_q("congress__region__code", g.congress_read_regions)
        | Q(audience="all", congress__deputies__id__in=seats)
        | Q(
            audience="fields",
            congress__deputies__id__in=seats,
            expertise__people__id=g.person_id or 0,
        )
    )


@visibility("consultation.opinion")
def _opinions(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return prefix_q("consultation__congress__region__code", g.congress_read_regions) | Q(
        deputy_id__in=list(g.deputy_ids)
    )


view_action("consultation.view", "consultation.consultation")
view_action("consultationopinion.view", "consultation.opinion")


@rule("consultation.open")
def _open(g: Grants, congress) -> bool:
    """Consultations are opened by the deputy-affairs office of the congress."""
    return congress is not None and congress.pk in g.staff_congresses


@rule("consultation.manage")
def _manage(g: Grants, consultation) -> bool:
    """Read every opinion, decide each, export the summary: the congress's own office."""
    return consultation.congress_id in g.staff_congresses


@rule("consultation.list")
def _list(g: Grants, _obj) -> bool:
    return g.is_admin or bool(g.congress_read_regions) or g.is_deputy
