"""Who enters opinions and reads the three logs (registered with lianxin.accounts.access)."""

from __future__ import annotations

from lianxin.accounts.access import (
    Grants,
    rule,
)


@rule("opinion.intake")
def _opinion_intake(g: Grants, target) -> bool:
    """Enter an opinion received at a station (`target` a Station) or by a deputy (`target` a
    Deputy seat)."""
    from lianxin.liaison.models import Station
    from lianxin.org.models import Deputy

    if isinstance(target, Station):
        return target.pk in g.station_ids or target.congress_id in g.staff_congresses
    if isinstance(target, Deputy):
        return target.pk in g.deputy_ids or target.congress_id in g.staff_congresses
    return False


@rule("logs.view")
def _logs_view(g: Grants, target) -> bool:
    """The three logs of a deputy, a station or a region (`target` one of them)."""
    from lianxin.liaison.models import Station
    from lianxin.org.models import Deputy, Region

    if g.is_admin:
        return True
    if isinstance(target, Deputy):
        return target.pk in g.deputy_ids or any(
            target.congress.region.code.startswith(c) for c in g.congress_read_regions
        )
    if isinstance(target, Station):
        return target.pk in g.station_ids or any(
            target.region.code.startswith(c) for c in g.congress_read_regions
        )
    if isinstance(target, Region):
        return any(target.code.startswith(c) for c in g.congress_read_regions)
    return False
