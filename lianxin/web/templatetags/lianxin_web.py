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

    @property
    def can_see_cases(self) -> bool:
        g = self.grants
        return bool(
            g.is_admin or g.congress_read_regions or g.unit_ids or g.station_ids or g.deputy_ids
        )

    @property
    def can_see_suggestions(self) -> bool:
        g = self.grants
        return bool(g.is_admin or g.congress_read_regions or g.unit_ids or g.deputy_ids)

    @property
    def can_enter_opinions(self) -> bool:
        g = self.grants
        return bool(g.staff_congresses or g.station_ids or g.deputy_ids)

    @property
    def can_see_logs(self) -> bool:
        g = self.grants
        return bool(g.is_admin or g.congress_read_regions or g.station_ids or g.deputy_ids)

    @property
    def can_see_grid(self) -> bool:
        g = self.grants
        return bool(g.is_admin or g.congress_read_regions or g.station_ids)

    @property
    def can_see_proposals(self) -> bool:
        return access.allowed(self.grants, "proposal.list")

    @property
    def can_see_work_orders(self) -> bool:
        return access.allowed(self.grants, "work_order.list")

    @property
    def can_see_sentiment(self) -> bool:
        return access.allowed(self.grants, "sentiment.list")

    @property
    def can_see_activities(self) -> bool:
        return access.allowed(self.grants, "activity.list")

    @property
    def can_see_consultations(self) -> bool:
        return access.allowed(self.grants, "consultation.list")

    @property
    def can_see_bulletins(self) -> bool:
        return access.allowed(self.grants, "bulletin.list")

    @property
    def can_see_scores(self) -> bool:
        """Deputies' duty points: the offices and leaders (the scoreboard page refines it)."""
        g = self.grants
        return bool(g.is_admin or g.congress_read_regions)

    @property
    def can_see_dashboard(self) -> bool:
        from lianxin.casework.rules import may_see_figures

        return may_see_figures(self.grants)

    @property
    def has_duty_record(self) -> bool:
        return bool(self.grants.deputy_ids)

    @property
    def can_see_figures(self) -> bool:
        g = self.grants
        return bool(g.is_admin or g.congress_read_regions)


@register.simple_tag(takes_context=True)
def user_grants(context) -> NavGrants:
    """What the signed-in user holds, for showing only the menus that lead somewhere."""
    request = context.get("request")
    return NavGrants(access.grants(getattr(request, "user", None)))


@register.filter
def mask_phone(phone: str | None) -> str:
    """138****5678: lists never show a full number."""
    return access.mask_phone(phone)


@register.simple_tag(takes_context=True)
def unread_count(context) -> int:
    """Unread in-app notifications of the signed-in user, for the menu badge."""
    from lianxin.notifications.queries import unread_count as count

    request = context.get("request")
    user = getattr(request, "user", None)
    return count(user) if user is not None and user.is_authenticated else 0
