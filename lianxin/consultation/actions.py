"""The only writers of consultations and their opinions.

Pages, the API and the demo call these. Each checks the caller's right with `access.can`,
validates (a clear Chinese message naming the field), writes inside one transaction and records
one trail row (`consultation.<verb>`), so nothing is half-saved. The duty record reads
`consultation.submit_opinion` and `consultation.decide_opinion` (duty/record.py) from the
trail's `change`: the seat, the consultation's title and the decision."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import can, get_visible_or_404
from lianxin.casework.attachments import clean_uploads
from lianxin.core import trail
from lianxin.core.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from lianxin.core.ratelimit import hit
from lianxin.core.validators import clean_phone, clean_text
from lianxin.liaison.models import Station
from lianxin.org.models import Congress, Deputy, Expertise, SeatStatus

from .models import Article, Consultation, ContactLink, Document, Opinion, OpinionFile

MAX_OPINION = 5000
ARTICLE_HEAD = re.compile(r"(?m)^[ \t\u3000]*(第[零〇一二三四五六七八九十百千两0-9]+条)")
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_\-:.]{8,100}$")


def _require(user, action: str, obj) -> None:
    if not can(user, action, obj):
        raise Forbidden(_("您没有权限进行此操作。"))


def _record(
    verb: str,
    obj,
    acting_user,
    *,
    consultation: Consultation,
    deputy_id=None,
    seat=None,
    **change,
):
    context = {"congress_id": consultation.congress_id}
    change["consultation"] = consultation.pk
    if deputy_id:
        context["deputy_id"] = deputy_id
    trail.record(
        f"consultation.{verb}",
        actor=acting_user,
        obj=obj,
        seat=seat,
        context=context,
        change=trail.jsonable(change),
    )


# --- The text and its articles -------------------------------------------------------------------
def parse_articles(text: str) -> list[tuple[str, str]]:
    """The articles of a draft: each line that begins with 第X条 starts one, running to the
    next; text before the first (the title, chapter headings) belongs to none."""
    heads = list(ARTICLE_HEAD.finditer(text or ""))
    out = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        out.append((m.group(1), text[m.start() : end].strip()))
    return out


def _datetime(value, *, field: str, label: str) -> dt.datetime:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValidationFailed(_("请填写%(label)s。") % {"label": label}, field=field)
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValidationFailed(
                _("%(label)s格式不正确，应为“年-月-日 时:分”。") % {"label": label}, field=field
            ) from None
    if not isinstance(value, dt.datetime):
        raise ValidationFailed(_("请填写%(label)s。") % {"label": label}, field=field)
    if not 2000 <= value.year <= 2199:
        raise ValidationFailed(
            _("%(label)s应在 2000 年至 2199 年之间。") % {"label": label}, field=field
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def clean_consultation(data: dict) -> dict:
    """The fields of a consultation from a form or an API body (kind, title, text, opens_at,
    closes_at, audience, expertise ids)."""
    kind = str(data.get("kind") or "")
    if kind not in Consultation.Kind.values:
        raise ValidationFailed(_("请选择征求意见的类别。"), field="kind")
    title = clean_text(
        data.get("title"), field="title", label=_("标题"), required=True, max_length=200
    )
    text = clean_text(
        data.get("text"), field="text", label=_("正文"), required=True, max_length=200000
    )
    opens = _datetime(data.get("opens_at"), field="opens_at", label=_("征求意见开始时间"))
    closes = _datetime(data.get("closes_at"), field="closes_at", label=_("征求意见截止时间"))
    if closes <= opens:
        raise ValidationFailed(_("截止时间应晚于开始时间。"), field="closes_at")
    if closes - opens > dt.timedelta(days=366):
        raise ValidationFailed(_("征求意见期限不能超过一年。"), field="closes_at")
    audience = str(data.get("audience") or Consultation.Audience.ALL)
    if audience not in Consultation.Audience.values:
        raise ValidationFailed(_("请选择征求对象。"), field="audience")
    ids = [int(x) for x in (data.get("expertise") or []) if str(x).strip().isdigit()]
    expertise = list(Expertise.objects.filter(pk__in=ids))
    if len(expertise) != len(set(ids)):
        raise ValidationFailed(_("所选专业领域不存在。"), field="expertise")
    if audience == Consultation.Audience.FIELDS and not expertise:
        raise ValidationFailed(
            _("按专业领域征求意见时，请至少选择一个专业领域。"), field="expertise"
        )
    if audience == Consultation.Audience.ALL:
        expertise = []
    articles = parse_articles(text)
    if kind == Consultation.Kind.DRAFT and not articles:
        raise ValidationFailed(_("法规草案的正文中未找到“第X条”，请按条文分行录入。"), field="text")
    return {
        "kind": kind,
        "title": title,
        "text": text,
        "opens_at": opens,
        "closes_at": closes,
        "audience": audience,
        "expertise": expertise,
        "articles": articles,
    }


def contact_points(congress: Congress):
    """The congress's grassroots legislative contact points: stations of that kind, and fused
    stations that include it (中心一站一点)."""
    kind = Station.Kind.LEGISLATIVE_CONTACT_POINT
    return Station.objects.filter(congress=congress, is_active=True).filter(
        Q(kind=kind) | Q(kind=Station.Kind.FUSION, fused_kinds__contains=kind)
    )


def do_open_consultation(congress: Congress, data: dict, *, files=(), acting_user) -> Consultation:
    """The office of `congress` opens an agenda topic or a draft to its deputies for a period;
    each of its legislative contact points gets its own scan-to-speak address for it."""
    _require(acting_user, "consultation.open", congress)
    fields = clean_consultation(data)
    specs = clean_uploads(files or [], field="documents")
    expertise = fields.pop("expertise")
    articles = fields.pop("articles")
    with transaction.atomic():
        c = Consultation.objects.create(congress=congress, created_by=acting_user, **fields)
        c.expertise.set(expertise)
        Article.objects.bulk_create(
            Article(consultation=c, number=i, label=label, text=body)
            for i, (label, body) in enumerate(articles, start=1)
        )
        for spec in specs:
            Document.objects.create(
                consultation=c,
                file=spec["file"],
                original_name=spec["original_name"][:200],
                content_type=spec["content_type"],
                size=spec["size"],
            )
        points = list(contact_points(congress))
        ContactLink.objects.bulk_create(ContactLink(consultation=c, station=s) for s in points)
        _record(
            "open",
            c,
            acting_user,
            consultation=c,
            kind=c.kind,
            opens_at=c.opens_at,
            closes_at=c.closes_at,
            audience=c.audience,
            expertise=[e.name for e in expertise],
            articles=len(articles),
            contact_points=[s.pk for s in points],
        )
    return c


# --- Deputies' opinions --------------------------------------------------------------------------
def audience_seats(consultation: Consultation, user) -> list[Deputy]:
    """The user's serving seats in the consultation's congress that its audience includes."""
    qs = Deputy.objects.filter(
        person__user=user, congress_id=consultation.congress_id, status=SeatStatus.SERVING
    ).select_related("person", "congress")
    if consultation.audience == Consultation.Audience.FIELDS:
        qs = qs.filter(person__expertise__in=consultation.expertise.all()).distinct()
    return list(qs)


def _closed_refusal(consultation: Consultation, now) -> Conflict | None:
    local = timezone.localtime
    if now < consultation.opens_at:
        return Conflict(
            _("征求意见尚未开始，将于 %(at)s 开始。")
            % {"at": local(consultation.opens_at).strftime("%Y-%m-%d %H:%M")},
            code="not_open",
        )
    if now >= consultation.closes_at:
        return Conflict(
            _("征求意见已于 %(at)s 截止，不再接收意见。")
            % {"at": local(consultation.closes_at).strftime("%Y-%m-%d %H:%M")},
            code="closed",
        )
    return None


def _article(consultation: Consultation, value) -> Article | None:
    if value in (None, "", 0, "0"):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("所选条文不存在。"), field="article") from None
    article = consultation.articles.filter(pk=number).first()
    if article is None:
        raise ValidationFailed(_("所选条文不存在。"), field="article")
    return article


def _clean_opinion(consultation: Consultation, data: dict) -> dict:
    return {
        "article": _article(consultation, data.get("article")),
        "theme": clean_text(
            data.get("theme"), field="theme", label=_("主题"), required=False, max_length=100
        ),
        "content": clean_text(
            data.get("content"),
            field="content",
            label=_("意见内容"),
            required=True,
            max_length=MAX_OPINION,
        ),
    }


def _save_files(opinion: Opinion, specs: list[dict]) -> None:
    for spec in specs:
        OpinionFile.objects.create(
            opinion=opinion,
            file=spec["file"],
            original_name=spec["original_name"][:200],
            content_type=spec["content_type"],
            size=spec["size"],
        )


def do_submit_opinion(
    consultation: Consultation, deputy: Deputy, data: dict, *, files=(), acting_user
) -> Opinion:
    """A deputy gives an opinion on the consultation for one of their seats in its audience,
    while it is open."""
    if deputy is None or deputy.pk not in {d.pk for d in audience_seats(consultation, acting_user)}:
        raise NotFound(_("未找到该征求意见，或您不在本次征求意见的范围内。"))
    fields = _clean_opinion(consultation, data)
    specs = clean_uploads(files or [], field="files")
    with transaction.atomic():
        row = Consultation.objects.select_for_update().get(pk=consultation.pk)
        refusal = _closed_refusal(row, timezone.now())
        if refusal:
            raise refusal
        opinion = Opinion.objects.create(
            consultation=row, source=Opinion.Source.DEPUTY, deputy=deputy, **fields
        )
        _save_files(opinion, specs)
        _record(
            "submit_opinion",
            opinion,
            acting_user,
            consultation=row,
            deputy_id=deputy.pk,
            deputy=deputy.pk,
            title=row.title,
            article=opinion.article.label if opinion.article_id else "",
            files=len(specs),
        )
    return opinion


# --- Citizens' opinions at a contact point -------------------------------------------------------
def clean_key(value) -> str | None:
    if value in (None, ""):
        return None
    value = str(value).strip()
    if not IDEMPOTENCY_KEY.match(value):
        raise ValidationFailed(
            _("Idempotency-Key 应为 8 至 100 位字母、数字或 - _ : ."), field="idempotency_key"
        )
    return value


def check_public_submission(address: str, phone: str = "") -> None:
    """The public intake's limits (the same settings as scan-to-speak): per client address and
    per phone number given; RateLimited (429) beyond them."""
    wait = hit(
        "consultation-ip",
        address,
        limit=settings.LIANXIN_PUBLIC_SUBMISSIONS_PER_IP,
        seconds=settings.LIANXIN_PUBLIC_SUBMISSION_WINDOW_SECONDS,
    )
    digits = re.sub(r"\D", "", phone or "")
    if wait is None and digits:
        wait = hit(
            "consultation-phone",
            digits,
            limit=settings.LIANXIN_PUBLIC_SUBMISSIONS_PER_PHONE,
            seconds=3600,
        )
    if wait is not None:
        minutes = max(1, (wait + 59) // 60)
        raise RateLimited(
            _("提交过于频繁，请 %(minutes)s 分钟后再试。") % {"minutes": minutes},
            retry_after=wait,
        )


def link_url(code: str) -> str:
    """The public address a contact point's QR code for one consultation carries."""
    return settings.LIANXIN_PUBLIC_BASE_URL + reverse("consultation_scan", args=[code])


def link_of(code: str) -> ContactLink | None:
    return (
        ContactLink.objects.select_related("consultation__congress", "station")
        .filter(code=code)
        .first()
    )


def do_submit_citizen_opinion(
    link: ContactLink, data: dict, *, idempotency_key: str | None = None
) -> tuple[Opinion, bool]:
    """A citizen's opinion on the draft, given at a legislative contact point by scanning its
    code; returns (opinion, created). The same submission sent again with the same key is the
    first one (nothing new); the same key with other content is refused (409)."""
    consultation = link.consultation
    fields = _clean_opinion(consultation, data)
    fields["citizen_name"] = clean_text(
        data.get("citizen_name"),
        field="citizen_name",
        label=_("姓名"),
        required=False,
        max_length=32,
    )
    fields["citizen_phone"] = clean_phone(
        data.get("citizen_phone"), field="citizen_phone", label=_("联系电话")
    )
    key = clean_key(idempotency_key)
    intake = f"consultation:{key}" if key else None
    if intake:
        earlier = Opinion.objects.filter(intake_key=intake).first()
        if earlier is not None:
            return _same_or_conflict(earlier, link, fields), False
    with transaction.atomic():
        row = Consultation.objects.select_for_update().get(pk=consultation.pk)
        refusal = _closed_refusal(row, timezone.now())
        if refusal:
            raise refusal
        try:
            with transaction.atomic():
                opinion = Opinion.objects.create(
                    consultation=row,
                    source=Opinion.Source.CITIZEN,
                    station=link.station,
                    intake_key=intake,
                    **fields,
                )
        except IntegrityError:
            earlier = Opinion.objects.filter(intake_key=intake).first()
            if earlier is None:
                raise
            return _same_or_conflict(earlier, link, fields), False
        _record(
            "submit_citizen_opinion",
            opinion,
            None,
            seat=trail.CITIZEN,
            consultation=row,
            station=link.station_id,
            article=opinion.article.label if opinion.article_id else "",
        )
    return opinion, True


def _same_or_conflict(earlier: Opinion, link: ContactLink, fields: dict) -> Opinion:
    same = (
        earlier.consultation_id == link.consultation_id
        and earlier.station_id == link.station_id
        and earlier.content == fields["content"]
        and earlier.article_id == (fields["article"].pk if fields["article"] else None)
    )
    if not same:
        raise Conflict(
            _("该表单已提交过，内容与此前不同。如需提出新的意见，请重新打开页面填写。"),
            code="idempotency_mismatch",
        )
    return earlier


# --- The office's decision ------------------------------------------------------------------------
DECISIONS = (Opinion.Decision.ADOPTED, Opinion.Decision.PARTLY, Opinion.Decision.NOT_ADOPTED)


def do_decide_opinion(opinion: Opinion, *, decision: str, reason: str = "", acting_user) -> Opinion:
    """The office marks an opinion adopted, partly adopted or not adopted, with a reason
    (required unless adopted). A later decision replaces an earlier one (the trail keeps both)."""
    _require(acting_user, "consultation.manage", opinion.consultation)
    if decision not in DECISIONS:
        raise ValidationFailed(_("请选择采纳情况。"), field="decision")
    reason = clean_text(
        reason,
        field="reason",
        label=_("理由"),
        required=decision != Opinion.Decision.ADOPTED,
        max_length=500,
    )
    with transaction.atomic():
        row = Opinion.objects.select_for_update().select_related("consultation").get(pk=opinion.pk)
        row.decision = decision
        row.decision_reason = reason
        row.decided_at = timezone.now()
        row.decided_by = acting_user
        row.save(
            update_fields=["decision", "decision_reason", "decided_at", "decided_by", "updated_at"]
        )
        _record(
            "decide_opinion",
            row,
            acting_user,
            consultation=row.consultation,
            deputy=row.deputy_id,
            title=row.consultation.title,
            decision=decision,
            reason=reason,
        )
    return row


def visible_consultation(user, pk: int) -> Consultation:
    return get_visible_or_404(user, Consultation.objects.select_related("congress__region"), pk=pk)
