"""Pages of activities and invitations: the office's list, form and activity page (with the
proposed deputies and their reasons, the invitation list, sign-in by list and attendance), the
sign-in sheet PDF, the deputy's invitations on the phone and the scan sign-in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.accounts.access import can, get_visible_or_404, grants
from lianxin.core.errors import LianxinError
from lianxin.core.forms import run_form_page
from lianxin.org.models import Body, Congress, HandlingUnit

from . import actions, forms, printing, proposals, queries
from .models import Activity, Invitation, Material


def _activity(request, activity_id: int) -> Activity:
    return get_visible_or_404(
        request.user,
        Activity.objects.select_related("congress__region", "organiser_body", "organiser_unit"),
        pk=activity_id,
    )


def _managed(request, activity_id: int) -> Activity:
    activity = _activity(request, activity_id)
    if not can(request.user, "activity.manage", activity):
        raise PermissionDenied
    return activity


def _refuse(request, exc: LianxinError, activity: Activity):
    messages.error(request, exc.message)
    return redirect(activity)


@login_required
def activity_list(request):
    if not can(request.user, "activity.list"):
        raise PermissionDenied
    g = grants(request.user)
    qs = queries.activities(request.user)
    status = request.GET.get("status") or ""
    if status in Activity.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "duty/activity_list.html",
        {
            "activities": qs[:200],
            "status": status,
            "statuses": Activity.Status.choices,
            "can_create": bool(g.staff_congresses),
            "can_propose": bool(g.unit_ids),
        },
    )


@login_required
def activity_create(request):
    g = grants(request.user)
    congresses = list(Congress.objects.filter(pk__in=list(g.staff_congresses)))
    units = list(HandlingUnit.objects.filter(pk__in=list(g.unit_ids)))
    if congresses:
        congress, unit = congresses[0], None
    elif units:
        congress, unit = None, units[0]
    else:
        raise PermissionDenied
    form = forms.ActivityForm(request.POST or None, congress=congress, propose=unit is not None)

    def act(_cd):
        if unit is not None:
            return actions.do_propose_activity(unit, form.action_data(), acting_user=request.user)
        return actions.do_create_activity(congress, form.action_data(), acting_user=request.user)

    return run_form_page(
        request,
        form,
        act,
        success=_("活动申请已提交，待人大代表工作机构审批。") if unit else _("活动已创建。"),
        on_success=redirect,
        template="duty/activity_form.html",
        context={"activity": None, "unit": unit, "congress": congress},
    )


@login_required
def activity_edit(request, activity_id: int):
    activity = _managed(request, activity_id)
    form = forms.ActivityForm(
        request.POST or None,
        initial=forms.ActivityForm.initial_of(activity),
        congress=activity.congress,
        propose=activity.organiser_unit_id is not None,
    )
    return run_form_page(
        request,
        form,
        lambda _cd: actions.do_change_activity(
            activity, form.action_data(), acting_user=request.user
        ),
        success=_("活动已修改。"),
        on_success=redirect,
        template="duty/activity_form.html",
        context={"activity": activity, "unit": activity.organiser_unit, "congress": None},
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def activity_detail(request, activity_id: int):
    activity = _activity(request, activity_id)
    manage = can(request.user, "activity.manage", activity)
    invitations = list(
        activity.invitations.select_related("deputy__person", "deputy__delegation").order_by(
            "deputy__person__name", "pk"
        )
    )
    context = {
        "activity": activity,
        "manage": manage,
        "invitations": invitations,
        "materials": list(activity.materials.all()),
        "expertise": list(activity.expertise.all()),
        "attendance_form": forms.AttendanceForm(),
        "material_form": forms.MaterialForm(),
    }
    if manage and activity.status == Activity.Status.PUBLISHED:
        delegation = _int(request.GET.get("delegation"))
        region = (request.GET.get("region") or "").strip()[:12]
        context.update(
            proposals=proposals.propose(activity, delegation_id=delegation, region_code=region),
            delegations=Body.objects.filter(
                congress=activity.congress, kind=Body.Kind.DELEGATION
            ).order_by("name"),
            delegation=delegation,
            region=region,
        )
    return render(request, "duty/activity_detail.html", context)


@login_required
@require_POST
def activity_decide(request, activity_id: int):
    activity = _managed(request, activity_id)
    approve = request.POST.get("decision") == "approve"
    try:
        actions.do_decide_activity(
            activity,
            approve=approve,
            reason=request.POST.get("reason", ""),
            acting_user=request.user,
        )
    except LianxinError as exc:
        return _refuse(request, exc, activity)
    messages.success(request, _("已批准该活动。") if approve else _("已退回该活动申请。"))
    return redirect(activity)


@login_required
def activity_cancel(request, activity_id: int):
    activity = _managed(request, activity_id)
    form = forms.ReasonForm(request.POST or None)
    form.fields["reason"].label = _("取消原因")
    return run_form_page(
        request,
        form,
        lambda cd: actions.do_cancel_activity(
            activity, reason=cd["reason"], acting_user=request.user
        ),
        success=_("活动已取消，已通知受邀代表。"),
        on_success=lambda row: redirect(row),
        template="duty/cancel_form.html",
        context={"activity": activity},
    )


@login_required
@require_POST
def activity_invite(request, activity_id: int):
    activity = _managed(request, activity_id)
    ids = [i for i in (_int(v) for v in request.POST.getlist("deputies")) if i is not None]
    reasons = {
        p.deputy.pk: p.reason
        for p in proposals.propose(activity, limit=10000)
        if p.deputy.pk in ids
    }
    try:
        made = actions.do_send_invitations(activity, ids, reasons=reasons, acting_user=request.user)
    except LianxinError as exc:
        return _refuse(request, exc, activity)
    messages.success(request, _("已向 %(n)s 位代表发出邀请。") % {"n": len(made)})
    return redirect(activity)


def _invitation_of(activity: Activity, invitation_id: int) -> Invitation:
    inv = (
        activity.invitations.select_related("activity", "deputy__person")
        .filter(pk=invitation_id)
        .first()
    )
    if inv is None:
        raise Http404
    return inv


@login_required
@require_POST
def invitation_sign_in(request, activity_id: int, invitation_id: int):
    """Sign-in on the organiser's list."""
    activity = _managed(request, activity_id)
    inv = _invitation_of(activity, invitation_id)
    try:
        actions.do_sign_in(inv, how=Invitation.SignIn.LIST, acting_user=request.user)
    except LianxinError as exc:
        return _refuse(request, exc, activity)
    messages.success(request, _("%(name)s已签到。") % {"name": inv.deputy.person.name})
    return redirect(activity)


@login_required
@require_POST
def invitation_attendance(request, activity_id: int, invitation_id: int):
    activity = _managed(request, activity_id)
    inv = _invitation_of(activity, invitation_id)
    form = forms.AttendanceForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.ValidationFailed(_("请选择出席情况。"), field="attendance")
        actions.do_record_attendance(
            inv,
            attendance=form.cleaned_data["attendance"],
            note=form.cleaned_data["note"],
            acting_user=request.user,
        )
    except LianxinError as exc:
        return _refuse(request, exc, activity)
    messages.success(request, _("出席情况已登记。"))
    return redirect(activity)


@login_required
@require_POST
def material_upload(request, activity_id: int):
    activity = _managed(request, activity_id)
    try:
        actions.do_add_material(activity, request.FILES.get("file"), acting_user=request.user)
    except LianxinError as exc:
        return _refuse(request, exc, activity)
    messages.success(request, _("材料已上传。"))
    return redirect(activity)


@login_required
def material_download(request, activity_id: int, material_id: int):
    activity = _activity(request, activity_id)
    item = Material.objects.filter(activity=activity, pk=material_id).first()
    if item is None or not item.file:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(True, item.original_name)
    return response


@login_required
def sign_in_sheet(request, activity_id: int):
    activity = _managed(request, activity_id)
    response = HttpResponse(printing.sign_in_sheet_pdf(activity), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"sign-in-{activity.pk}.pdf"
    )
    return response


# --- Deputies -------------------------------------------------------------------------------------
@login_required
def my_invitations(request):
    if not grants(request.user).is_deputy:
        raise PermissionDenied
    return render(
        request,
        "duty/my_invitations.html",
        {"invitations": queries.my_invitations(request.user)[:100]},
    )


@login_required
def invitation_detail(request, invitation_id: int):
    inv = get_visible_or_404(
        request.user,
        Invitation.objects.select_related(
            "activity__congress",
            "activity__organiser_body",
            "activity__organiser_unit",
            "deputy__person",
            "deputy__congress",
        ),
        pk=invitation_id,
    )
    answer = can(request.user, "invitation.answer", inv)
    form = forms.AnswerForm(request.POST or None)

    def act(cd):
        return actions.do_answer_invitation(
            inv,
            accept=cd["answer"] == "accept",
            reason=cd["reason"],
            acting_user=request.user,
        )

    if request.method == "POST" and not answer:
        raise PermissionDenied
    return run_form_page(
        request,
        form,
        act,
        success=None,
        on_success=lambda row: (
            messages.success(
                request,
                _("已答复参加。")
                if row.answer == Invitation.Answer.ACCEPTED
                else _("已请假，组织单位将收到您的请假事由。"),
            ),
            redirect(row),
        )[1],
        template="duty/invitation_detail.html",
        context={
            "inv": inv,
            "activity": inv.activity,
            "can_answer": answer,
            "materials": list(inv.activity.materials.all()),
        },
    )


@login_required
def checkin(request, code: str):
    """The address of the activity's QR code: the invited deputy confirms and is signed in."""
    try:
        activity = actions.activity_for_code(code)
    except LianxinError as exc:
        return render(request, "duty/checkin.html", {"error": exc.message}, status=exc.status)
    context = {"activity": activity, "starts": activity.starts_at}
    try:
        inv = actions.invitation_for_scan(activity, request.user)
    except LianxinError as exc:
        return render(
            request, "duty/checkin.html", {**context, "error": exc.message}, status=exc.status
        )
    context["inv"] = inv
    if request.method == "POST":
        try:
            inv = actions.do_sign_in(inv, how=Invitation.SignIn.SCAN, acting_user=request.user)
        except LianxinError as exc:
            inv.refresh_from_db()
            return render(
                request,
                "duty/checkin.html",
                {**context, "inv": inv, "error": exc.message},
                status=exc.status,
            )
        messages.success(request, _("签到成功。"))
        return redirect("duty_checkin", code)
    return render(request, "duty/checkin.html", context)


# --- The duty record, posts and scores (M11) ---------------------------------------------------
def _year(request) -> int:
    from lianxin.core import dates

    value = request.GET.get("year") or ""
    this = dates.today().year
    return int(value) if value.isdigit() and 2000 <= int(value) <= this + 1 else this


def _quarter(request) -> int | None:
    value = request.GET.get("quarter") or ""
    return int(value) if value in ("1", "2", "3", "4") else None


@login_required
def my_record(request):
    """The deputy's own record and rank, seat by seat (a city and a county seat are two)."""
    from . import record, scoring

    if not can(request.user, "duty.record"):
        raise PermissionDenied
    year, quarter = _year(request), _quarter(request)
    start, end = scoring.quarter_range(year, quarter)
    seats = []
    for seat in queries.my_seats(request.user):
        board = scoring.scoreboard(seat.congress_id, year, quarter)
        row = board.of(seat.pk)
        entries = list(
            queries.record_of(request.user, seat.pk).filter(date__gte=start, date__lte=end)[:200]
        )
        for e in entries:
            e.link = record.link_of(e)
        seats.append({"seat": seat, "row": row, "of": len(board.rows), "entries": entries})
    return render(
        request,
        "duty/my_record.html",
        {
            "seats": seats,
            "year": year,
            "quarter": quarter,
            "posts": queries.posts(request.user)
            .filter(deputy_id__in=list(grants(request.user).deputy_ids))
            .order_by("-created_at")[:20],
        },
    )


@login_required
def post_create(request):
    seats = list(queries.my_seats(request.user))
    if not seats:
        raise PermissionDenied
    form = forms.PostForm(request.POST or None, request.FILES or None, seats=seats)

    def act(data):
        seat = next(s for s in seats if s.pk == data["seat"])
        return actions.do_submit_post(
            seat,
            title=data["title"],
            content=data["content"],
            date=data["date"],
            photos=request.FILES.getlist("photos"),
            acting_user=request.user,
        )

    return run_form_page(
        request,
        form,
        act,
        success=_("履职登记已提交，待联络站或代表工作机构审核。"),
        on_success=redirect,
        template="duty/post_form.html",
        context={},
    )


def _post(request, post_id: int):
    from .models import DutyPost

    return get_visible_or_404(
        request.user,
        DutyPost.objects.select_related("deputy__person", "deputy__congress", "station"),
        pk=post_id,
    )


@login_required
def post_detail(request, post_id: int):
    post = _post(request, post_id)
    decide = can(request.user, "dutypost.decide", post) and post.status == post.Status.PENDING
    form = forms.DecidePostForm(request.POST or None)
    if request.method == "POST" and not can(request.user, "dutypost.decide", post):
        raise PermissionDenied

    def act(data):
        return actions.do_decide_post(
            post,
            approve=data["decision"] == "approve",
            reason=data.get("reason") or "",
            acting_user=request.user,
        )

    return run_form_page(
        request,
        form,
        act,
        success=_("审核意见已保存。"),
        on_success=lambda row: redirect(row),
        template="duty/post_detail.html",
        context={"post": post, "can_decide": decide, "photos": list(post.photos.all())},
    )


@login_required
def post_photo(request, post_id: int, photo_id: int):
    post = _post(request, post_id)
    photo = post.photos.filter(pk=photo_id).first()
    if photo is None or not photo.file:
        raise Http404
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, content_type="image/jpeg")


@login_required
def post_list(request):
    """Posts awaiting the user's review (station manager, office)."""
    rows = queries.posts_to_review(request.user)
    if not (grants(request.user).station_ids or grants(request.user).staff_congresses):
        raise PermissionDenied
    return render(request, "duty/post_list.html", {"posts": rows[:200]})


@login_required
def scores(request):
    """A congress's ranking of a quarter or the year, by delegation or station; with more than
    one congress in view (a city's office, leaders) the roll-up of them all first."""
    from lianxin.liaison.models import Station

    from . import scoring

    if not can(request.user, "duty.scores_list"):
        raise PermissionDenied
    congresses = list(queries.scored_congresses(request.user))
    year, quarter = _year(request), _quarter(request)
    chosen = request.GET.get("congress") or ""
    congress = next((c for c in congresses if str(c.pk) == chosen), None)
    own = list(grants(request.user).staff_congresses)
    if congress is None and not chosen and (len(congresses) == 1 or len(own) == 1):
        # The office's own congress first; the roll-up of those below is one choice away.
        congress = next(
            (c for c in congresses if c.pk in own), congresses[0] if congresses else None
        )
    if congress is None and chosen not in ("", "all"):
        raise Http404
    context = {"congresses": congresses, "congress": congress, "year": year, "quarter": quarter}
    if congress is None:
        rollup = []
        for c in congresses:
            board = scoring.scoreboard(c.pk, year, quarter)
            grades = {}
            for r in board.rows:
                if r.grade_label:
                    grades[r.grade_label] = grades.get(r.grade_label, 0) + 1
            total = sum(r.points for r in board.rows)
            rollup.append(
                {
                    "congress": c,
                    "deputies": len(board.rows),
                    "total": total,
                    "average": round(total / len(board.rows), 1) if board.rows else 0,
                    "grades": grades,
                }
            )
        context["rollup"] = rollup
    else:
        delegation = request.GET.get("delegation") or ""
        station = request.GET.get("station") or ""
        board = scoring.scoreboard(
            congress.pk,
            year,
            quarter,
            delegation_id=int(delegation) if delegation.isdigit() else None,
            station_id=int(station) if station.isdigit() else None,
        )
        context.update(
            board=board,
            delegation=delegation,
            station=station,
            delegations=Body.objects.filter(congress=congress, kind=Body.Kind.DELEGATION),
            stations=Station.objects.filter(memberships__deputy__congress=congress)
            .distinct()
            .order_by("name"),
        )
    return render(request, "duty/scores.html", context)


@login_required
def seat_record(request, deputy_id: int):
    """One seat's record with each point's source, for the staff who read the scoreboard."""
    from lianxin.org.models import Deputy

    from . import record

    seat = Deputy.objects.select_related("person", "congress__region").filter(pk=deputy_id).first()
    if seat is None or not can(request.user, "dutyentry.read_seat", seat):
        raise Http404
    year = _year(request)
    entries = list(queries.record_of(request.user, seat.pk).filter(date__year=year)[:500])
    for e in entries:
        e.link = record.link_of(e)
    return render(
        request,
        "duty/seat_record.html",
        {"seat": seat, "entries": entries, "year": year, "total": sum(e.points for e in entries)},
    )
