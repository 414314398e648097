"""Template helpers of the staff pages."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from lianxin.accounts import access

register = template.Library()


@dataclass(frozen=True)
class NavGrants:
    grants: access.Grants

    @property
    def can_browse_deputies(self) -> bool:
        g = self.grants
        return bool(g.is_admin or g.congress_read_regions or g.station_ids or g.deputy_ids)

    @property
    def can_browse_congresses(self) -> bool:
        g = self.grants
        return bool(
            g.is_admin or g.congress_read_regions or g.deputy_congress_ids or g.station_congress_ids
        )


@register.simple_tag(takes_context=True)
def user_grants(context) -> NavGrants:
    """What the signed-in user holds, for showing only the menus that lead somewhere."""
    request = context.get("request")
    return NavGrants(access.grants(getattr(request, "user", None)))


@register.filter
def mask_phone(phone: str | None) -> str:
    """138****5678: lists never show a full number."""
    return access.mask_phone(phone)
