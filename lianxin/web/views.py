"""Staff pages: the workbench, browsing regions, congresses and deputies, a deputy's profile.

Every object is fetched through `access.visible_to` / `get_visible_or_404`; what a user may
not see answers the same 404 as what does not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from lianxin.accounts import access
from lianxin.core.errors import Forbidden, ValidationFailed
from lianxin.liaison.models import Station
from lianxin.org import personal, queries
from lianxin.org.models import (
    Body,
    Congress,
    Deputy,
    Expertise,
    HandlingUnit,
    Level,
    Region,
    SeatStatus,
)
from lianxin.org.scan import scan_url as org_scan_url

from . import workbench as workbench_sections

DEPUTIES_PER_PAGE = 30
CONGRESSES_PER_PAGE = 50


def home(request):
    """Staff land on their workbench; everyone else on the public site (find my deputy)."""
    if request.user.is_authenticated:
        return redirect("workbench")
    return redirect("portal_home")


@login_required
@require_GET
def workbench(request):
    return render(request, "web/workbench.html", workbench_sections.build(request.user))


# --- Regions --------------------------------------------------------------------------------


def _ancestors(region: Region | None) -> list[Region]:
    """The chain from the province down to `region`, in one query (codes nest by prefix)."""
    if region is None:
        return []
    code = region.code
    prefixes = {code[:n] for n in (2, 4, 6, 9) if n < len(code)}
    chain = list(Region.objects.filter(code__in=prefixes).order_by("code"))
    return [*chain, region]


def _default_region(user) -> Region | None:
    """Where browsing starts: the widest region the user works in, else the province list."""
    g = access.grants(user)
    codes = list(g.congress_read_regions) + list(g.cppcc_read_regions)
    congress_ids = g.deputy_congress_ids | g.station_congress_ids
    if congress_ids:
        codes += Congress.objects.filter(pk__in=congress_ids).values_list("region__code", flat=True)
    if g.unit_ids:
        codes += HandlingUnit.objects.filter(pk__in=g.unit_ids).values_list(
            "region__code", flat=True
        )
    if not codes:
        return None
    return Region.objects.filter(code=min(codes, key=len)).first()


@login_required
@require_GET
def region_children(request):
    """One level of a region picker's cascade: the children of `parent` within the user's
    scope, as a select (empty when there are none); a parent outside the scope is a 404."""
    from lianxin.core.widgets import level

    scope = queries.regions_in_scope(request.user)
    parent = (request.GET.get("parent") or "").strip()[:12]
    if not scope.filter(code=parent).exists():
        raise Http404
    kinds = dict(Region.Kind.choices)
    options = [
        {"code": code, "name": name, "kind": str(kinds.get(kind, ""))}
        for code, name, kind in scope.filter(parent__code=parent).values_list(
            "code", "name", "kind"
        )
    ]
    if not options:
        return HttpResponse("")
    return render(request, "core/widgets/region_level.html", {"level": level(options)})


@login_required
@require_GET
def region_list(request):
    error = None
    raw = request.GET.get("parent")
    parent = None
    try:
        parent = queries.region_or_422(raw, field="parent")
    except ValidationFailed as exc:
        error = exc.message
    if raw is None:
        parent = _default_region(request.user)
    regions = list(Region.objects.filter(parent=parent).order_by("code")) if not error else []
    # Visible congresses and deputies under this level, counted per child in two queries.
    prefix = parent.code if parent else ""
    congress_codes = list(
        access.visible_to(request.user, Congress)
        .filter(region__code__startswith=prefix)
        .values_list("region__code", flat=True)
    )
    deputy_counts = dict(
        access.visible_to(request.user, Deputy)
        .filter(congress__region__code__startswith=prefix, status=SeatStatus.SERVING)
        .order_by()
        .values_list("congress__region__code")
        .annotate(n=Count("pk"))
    )
    own_congresses = {
        c.region_id: c
        for c in access.visible_to(request.user, Congress).filter(
            region__in=[r.pk for r in regions]
        )
    }
    rows = []
    for r in regions:
        rows.append(
            {
                "region": r,
                "congresses": sum(1 for c in congress_codes if c.startswith(r.code)),
                "deputies": sum(n for c, n in deputy_counts.items() if c.startswith(r.code)),
                "congress": own_congresses.get(r.pk),
                "has_children": r.kind
                not in (Region.Kind.TOWNSHIP.value, Region.Kind.VILLAGE.value),
            }
        )
    return render(
        request,
        "web/region_list.html",
        {
            "parent": parent,
            "ancestors": _ancestors(parent)[:-1] if parent else [],
            "rows": rows,
            "error": error,
            "congress_here": sum(1 for c in congress_codes if parent and c == parent.code),
        },
        status=422 if error else 200,
    )


# --- Congresses -----------------------------------------------------------------------------


@login_required
@require_GET
def congress_list(request):
    error = None
    level = request.GET.get("level") or ""
    region_code = request.GET.get("region") or ""
    qs = access.visible_to(request.user, Congress).select_related("region")
    try:
        if level and level not in Level.values:
            raise ValidationFailed(
                _("级别 %(level)s 不存在。") % {"level": level[:20]}, field="level"
            )
        if level:
            qs = qs.filter(level=level)
        if (region := queries.region_or_422(region_code)) is not None:
            qs = qs.filter(region__code__startswith=region.code)
    except ValidationFailed as exc:
        error = exc.message
        qs = qs.none()
    qs = qs.annotate(
        deputy_count=Count(
            "deputies", filter=Q(deputies__status=SeatStatus.SERVING), distinct=True
        ),
        body_count=Count("bodies", distinct=True),
    ).order_by("region__code", "level")
    page = Paginator(qs, CONGRESSES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/congress_list.html",
        {
            "page": page,
            "error": error,
            "levels": Level.choices,
            "level": level,
            "region": region_code,
        },
        status=422 if error else 200,
    )


BODY_ORDER = [
    Body.Kind.STANDING_COMMITTEE,
    Body.Kind.CHAIRS_COUNCIL,
    Body.Kind.PRESIDIUM,
    Body.Kind.DEPUTY_AFFAIRS_OFFICE,
    Body.Kind.COMMITTEE,
    Body.Kind.DELEGATION,
    Body.Kind.ELECTORAL_UNIT,
]


@login_required
@require_GET
def congress_detail(request, congress_id: int):
    congress = access.get_visible_or_404(
        request.user, Congress.objects.select_related("region", "parent"), pk=congress_id
    )
    serving = SeatStatus.SERVING
    bodies = list(
        congress.bodies.annotate(
            delegation_count=Count(
                "delegation_deputies",
                filter=Q(delegation_deputies__status=serving),
                distinct=True,
            ),
            electoral_count=Count(
                "electoral_unit_deputies",
                filter=Q(electoral_unit_deputies__status=serving),
                distinct=True,
            ),
        ).order_by("pk")  # the order the office entered them: official order
    )
    groups = []
    for kind in BODY_ORDER:
        members = [b for b in bodies if b.kind == kind]
        if members:
            groups.append(
                {
                    "kind": kind,
                    "label": Body.Kind(kind).label,
                    "bodies": members,
                    "counted": kind in (Body.Kind.DELEGATION, Body.Kind.ELECTORAL_UNIT),
                }
            )
    deputies = Deputy.objects.filter(congress=congress, status=serving)
    children = (
        access.visible_to(request.user, Congress)
        .filter(parent=congress)
        .select_related("region")
        .annotate(deputy_count=Count("deputies", filter=Q(deputies__status=serving), distinct=True))
        .order_by("region__code")
    )
    return render(
        request,
        "web/congress_detail.html",
        {
            "congress": congress,
            "groups": groups,
            "deputy_count": deputies.count(),
            "leading_cadre_count": deputies.filter(person__is_leading_cadre=True).count(),
            "station_count": access.visible_to(request.user, Station)
            .filter(congress=congress, is_active=True)
            .count(),
            "children": children,
            "can_manage": access.can(request.user, "congress.manage", congress),
        },
    )


# --- Deputies -------------------------------------------------------------------------------

FILTER_NAMES = ("q", "region", "level", "congress", "expertise", "leading_cadre", "station")


def _int_or_422(value: str | None, field: str, label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise ValidationFailed(
            _("%(label)s参数“%(value)s”无效。") % {"label": label, "value": str(value)[:20]},
            field=field,
        )
    return number


def _bool_or_422(value: str | None, field: str, label: str) -> bool | None:
    if value in (None, ""):
        return None
    if value in ("1", "0"):
        return value == "1"
    raise ValidationFailed(
        _("%(label)s参数“%(value)s”无效。") % {"label": label, "value": str(value)[:20]},
        field=field,
    )


def _deputy_filters(params) -> dict:
    return {
        "q": (params.get("q") or "").strip()[:50] or None,
        "region": (params.get("region") or "").strip() or None,
        "level": params.get("level") or None,
        "expertise": params.get("expertise") or None,
        "congress": _int_or_422(params.get("congress"), "congress", _("人大")),
        "station": _int_or_422(params.get("station"), "station", _("联络站")),
        "leading_cadre": _bool_or_422(params.get("leading_cadre"), "leading_cadre", _("领导干部")),
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def deputy_list(request):
    """The deputies list; an htmx request gets only the results partial."""
    error = None
    values = {name: request.GET.get(name, "") for name in FILTER_NAMES}
    try:
        filters = _deputy_filters(request.GET)
        qs = queries.deputies_for(request.user, **filters)
    except ValidationFailed as exc:
        error = exc.message
        qs = Deputy.objects.none()
    qs = queries.with_details(qs.order_by("congress__region__code", "person__name", "id"))
    page = Paginator(qs, DEPUTIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "error": error, "values": values}
    status = 422 if error else 200
    # A partial for htmx, but the whole page when htmx restores history (back button).
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        return render(request, "web/deputy_list.html#results", context, status=status)
    visible_congresses = access.visible_to(request.user, Congress).select_related("region")
    congresses = list(visible_congresses.order_by("region__code", "level"))
    present = {c.level for c in congresses} | {values["level"]}
    context |= {
        "levels": [(v, label) for v, label in Level.choices if v in present],
        "congresses": congresses,
        "regions": _filter_regions(visible_congresses, values["region"]),
        "expertise_options": list(Expertise.objects.values_list("name", flat=True)),
        "station": _station_named(request.user, values["station"]),
    }
    return render(request, "web/deputy_list.html", context, status=status)


def _filter_regions(congresses, chosen: str) -> list[Region]:
    """Cities and counties that have a visible congress (the useful choices of region), and
    the region chosen in the address if it is another one (a township, say)."""
    q = Q(
        pk__in=congresses.values("region_id"),
        kind__in=[Region.Kind.PROVINCE, Region.Kind.CITY, Region.Kind.COUNTY],
    )
    if chosen:
        q |= Q(code=chosen.strip()[:12])
    return list(Region.objects.filter(q).order_by("code"))


def _station_named(user, station_id: str) -> Station | None:
    if not station_id or not station_id.isdigit():
        return None
    return access.visible_to(user, Station).filter(pk=int(station_id)).first()


def _qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=True)


def _deputy_context(request, deputy: Deputy) -> dict:
    seats = list(
        queries.with_details(
            access.visible_to(request.user, Deputy).filter(person_id=deputy.person_id)
        ).order_by("congress__region__code")
    )
    scan_url = org_scan_url(deputy.scan_code)
    membership = getattr(deputy, "station_membership", None) if _has_station(deputy) else None
    return {
        "deputy": deputy,
        "person": deputy.person,
        "seats": seats,
        "station": membership.station if membership else None,
        "masked_phone": access.mask_phone(deputy.person.phone),
        "can_view_personal": access.can(request.user, "deputy.view_personal", deputy),
        "can_change": access.can(request.user, "deputy.change", deputy),
        "scan_url": scan_url,
        "scan_qr": _qr_svg(scan_url),
    }


def _has_station(deputy: Deputy) -> bool:
    try:
        deputy.station_membership  # noqa: B018 - loaded by select_related
    except Deputy.station_membership.RelatedObjectDoesNotExist:
        return False
    return True


@login_required
@require_GET
def deputy_detail(request, deputy_id: int):
    deputy = access.get_visible_or_404(
        request.user, queries.with_details(Deputy.objects.all()), pk=deputy_id
    )
    return render(request, "web/deputy_detail.html", _deputy_context(request, deputy))


@never_cache
@login_required
@require_POST
def deputy_reveal_phone(request, deputy_id: int):
    """The full number, on purpose and on the record (security trail)."""
    deputy = access.get_visible_or_404(
        request.user, queries.with_details(Deputy.objects.all()), pk=deputy_id
    )
    try:
        phone = personal.reveal_phone(deputy, acting_user=request.user, request=request)
    except Forbidden:
        return forbidden(request)
    context = _deputy_context(request, deputy) | {"revealed_phone": phone}
    if request.htmx:
        return render(request, "web/deputy_detail.html#phone", context)
    return render(request, "web/deputy_detail.html", context)


# --- Error pages ----------------------------------------------------------------------------


def _error(request, status: int, title: str, message: str, *, bare: bool = False):
    context = {"status": status, "title": title, "message": message}
    if bare:
        # A 500 page must not need the database (it may be the reason for the error).
        html = loader.render_to_string("web/error_bare.html", context)
        return HttpResponse(html, status=status)
    return render(request, "web/error.html", context, status=status)


def error_page(request, status: int, title: str, message: str):
    """An error page that needs neither the database nor the signed-in user (middleware)."""
    return _error(request, status, title, message, bare=True)


def not_found(request, exception=None):
    return _error(request, 404, _("页面不存在"), _("您要找的页面或记录不存在，或您无权查看。"))


def forbidden(request, exception=None):
    return _error(request, 403, _("无权访问"), _("您没有权限进行此操作。"))


def bad_request(request, exception=None):
    return _error(request, 400, _("请求有误"), _("请求内容有误，请返回重试。"))


def server_error(request):
    return _error(
        request,
        500,
        _("系统繁忙"),
        _("系统暂时无法处理您的请求，请稍后再试。"),
        bare=True,
    )
