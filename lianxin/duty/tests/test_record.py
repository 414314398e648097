"""The duty record read from the trail, duty posts, the rules' points and caps, bands, the
scoreboard and the preview of a rule change (real database, the demo's rules of this year)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from lianxin.core.errors import Conflict, ValidationFailed
from lianxin.core.models import TrailEvent
from lianxin.duty import actions, record, scoring
from lianxin.duty.models import DutyEntry, DutyPost, DutyPostPhoto, GradeBand, ScoringRule
from lianxin.liaison.models import Station

pytestmark = pytest.mark.django_db


def photo(name="p.png", colour=(10, 120, 200)):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _points(seat) -> int:
    year = timezone.localdate().year
    return scoring.year_totals(seat.congress_id, year, [seat.pk]).get(seat.pk, 0)


def test_a_signed_in_attendance_enters_the_record_with_its_points(make_activity, users, seat_of):
    seat = seat_of(users["deputy_demo"])
    before = _points(seat)
    activity = make_activity(starts_in=dt.timedelta(minutes=-5))
    inv = actions.do_send_invitations(activity, [seat.pk], acting_user=users["yc_staff"])[0]
    actions.do_sign_in(inv, how="list", acting_user=users["yc_staff"])
    entry = DutyEntry.objects.get(source_type="duty.invitation", source_id=str(inv.pk))
    assert (entry.deputy_id, entry.kind, entry.outcome, entry.points) == (
        seat.pk,
        "activity",
        "attended",
        3,
    )
    assert entry.trail.action == "duty.sign_in"
    assert record.link_of(entry) == f"/duty/invitations/{inv.pk}/"
    assert _points(seat) == before + 3
    # Reading the same event again (the follower catching up) adds nothing.
    assert record.read([entry.trail]) == 0
    assert (
        DutyEntry.objects.filter(source_id=str(inv.pk), source_type="duty.invitation").count() == 1
    )

    # The office corrects it to absence: the entry becomes the deduction.
    actions.do_record_attendance(inv, attendance="absent", acting_user=users["yc_staff"])
    entry = DutyEntry.objects.get(source_type="duty.invitation", source_id=str(inv.pk))
    assert (entry.outcome, entry.points) == ("absent", -2)
    assert _points(seat) == before - 2
    # …and re-reading the older sign-in does not bring it back.
    assert record.read([TrailEvent.objects.get(action="duty.sign_in", object_id=str(inv.pk))]) == 0
    assert (
        DutyEntry.objects.filter(source_id=str(inv.pk), source_type="duty.invitation").count() == 1
    )


def test_a_reception_by_both_seats_of_one_person_goes_to_two_records(users):
    from lianxin.liaison.actions import do_record_reception
    from lianxin.org.models import Deputy

    seats = list(Deputy.objects.filter(person=users["deputy_demo"].person).order_by("pk"))
    assert len(seats) == 2
    station = Station.objects.get(pk=users["yc_station"].roles.get().station_id)
    rec = do_record_reception(
        station,
        date=timezone.localdate(),
        subject="小区停车难",
        content="居民反映小区停车位不足。",
        deputy_ids=[s.pk for s in seats],
        acting_user=users["yc_station"],
    )
    rows = DutyEntry.objects.filter(source_type="liaison.receptionrecord", source_id=str(rec.pk))
    assert sorted(rows.values_list("deputy_id", "kind", "points")) == sorted(
        (s.pk, "reception", 2) for s in seats
    )
    assert len({r.trail_id for r in rows}) == 1  # one event, two seats


def test_the_demo_record_holds_suggestions_opinions_and_an_approved_post(users, seat_of):
    seat = seat_of(users["deputy_demo"])
    kinds = set(DutyEntry.objects.values_list("kind", "outcome"))
    assert {("suggestion", "submitted"), ("suggestion", "cosponsored")} <= kinds
    assert ("opinion", "fed_back") in kinds
    post = DutyEntry.objects.get(deputy=seat, kind="post")
    assert post.points == 2 and post.trail.action == "duty.approve_post"


def test_rebuilding_from_the_trail_gives_the_same_record():
    before = sorted(
        DutyEntry.objects.values_list("deputy_id", "kind", "outcome", "trail_id", "points")
    )
    assert before
    record.rebuild()
    after = sorted(
        DutyEntry.objects.values_list("deputy_id", "kind", "outcome", "trail_id", "points")
    )
    assert after == before


def test_a_post_counts_once_approved_and_is_decided_once(users, seat_of):
    seat = seat_of(users["deputy_demo"])
    before = _points(seat)
    post = actions.do_submit_post(
        seat,
        title="走访困难群众",
        content="走访三户困难家庭。",
        date=timezone.localdate(),
        photos=[photo("a.png"), photo("b.png", (200, 10, 10))],
        acting_user=users["deputy_demo"],
    )
    assert post.status == DutyPost.Status.PENDING
    assert post.photos.count() == 2
    assert post.photos.first().file.read()[:3] == b"\xff\xd8\xff"  # re-encoded as JPEG
    assert not DutyEntry.objects.filter(source_type="duty.dutypost", source_id=str(post.pk))
    actions.do_decide_post(post, approve=True, acting_user=users["yc_station"])
    entry = DutyEntry.objects.get(source_type="duty.dutypost", source_id=str(post.pk))
    assert record.link_of(entry) == f"/duty/posts/{post.pk}/"
    assert _points(seat) == before + entry.points
    with pytest.raises(Conflict) as exc:
        actions.do_decide_post(post, approve=False, reason="重复", acting_user=users["yc_staff"])
    assert exc.value.code == "already_decided"
    post.refresh_from_db()
    assert post.status == DutyPost.Status.APPROVED


def test_posts_reach_the_cap_of_the_quarter(users, seat_of):
    seat = seat_of(users["deputy_demo"])
    ScoringRule.objects.filter(congress=seat.congress, kind="post").update(cap=6)
    scoring.recompute(seat.congress_id, timezone.localdate().year)
    quarter = scoring.quarter_of(timezone.localdate())
    start, _end = scoring.quarter_range(timezone.localdate().year, quarter)
    earned = sum(
        DutyEntry.objects.filter(deputy=seat, kind="post", date__gte=start).values_list(
            "points", flat=True
        )
    )
    for i in range(4):
        post = actions.do_submit_post(
            seat,
            title=f"履职 {i}",
            content="内容",
            date=timezone.localdate(),
            acting_user=users["deputy_demo"],
        )
        actions.do_decide_post(post, approve=True, acting_user=users["yc_station"])
    points = DutyEntry.objects.filter(deputy=seat, kind="post", date__gte=start).values_list(
        "points", flat=True
    )
    assert sum(points) == 6 >= earned


@pytest.mark.parametrize(
    "photos,message",
    [
        ([photo(f"{i}.png") for i in range(10)], "最多上传 9 张照片。"),
        (
            [photo(), SimpleUploadedFile("x.pdf", b"%PDF-1.4 not an image")],
            "“x.pdf”不是可识别的图片，请上传 JPG 或 PNG 照片。",
        ),
    ],
)
def test_a_bad_post_is_refused_and_nothing_is_stored(users, seat_of, photos, message):
    posts, files = DutyPost.objects.count(), DutyPostPhoto.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        actions.do_submit_post(
            seat_of(users["deputy_demo"]),
            title="走访",
            content="内容",
            date=timezone.localdate(),
            photos=photos,
            acting_user=users["deputy_demo"],
        )
    assert exc.value.message == message
    assert (DutyPost.objects.count(), DutyPostPhoto.objects.count()) == (posts, files)


def test_returning_needs_a_reason(users):
    post = DutyPost.objects.get(status="pending", title="调研背街小巷整治")
    with pytest.raises(ValidationFailed):
        actions.do_decide_post(post, approve=False, reason=" ", acting_user=users["yc_station"])
    post.refresh_from_db()
    assert post.status == "pending"


def test_a_second_rule_for_one_duty_and_overlapping_bands_are_refused(yuci):
    year = timezone.localdate().year
    rule = ScoringRule(congress=yuci, year=year, kind="post", outcome="", points=5)
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    assert "已有“履职登记”的积分规则" in " ".join(exc.value.messages)
    band = GradeBand.objects.get(congress=yuci, year=year, grade="competent")
    band.min_points = 30  # into 基本称职 (20–40)
    with pytest.raises(ValidationError) as exc:
        band.full_clean()
    assert "“称职”的积分区间与“基本称职”（20 至 40 分（不含））重叠" in " ".join(exc.value.messages)


def test_the_preview_counts_the_deputies_who_change_band(users, seat_of):
    seat = seat_of(users["deputy_demo"])
    year = timezone.localdate().year
    rule = ScoringRule.objects.get(congress=seat.congress, year=year, kind="post")
    total = _points(seat)
    posts = DutyEntry.objects.filter(deputy=seat, kind="post", date__year=year).count()
    assert posts >= 1
    rule.points, rule.cap = 100, None  # lifts deputy_demo into 优秀
    preview = scoring.preview_rules(seat.congress_id, year, [rule])
    who = [m for m in preview.moves if m[0] == seat.person.name]
    assert who and who[0][2] == "优秀"
    assert preview.changed == len(preview.moves) >= 1
    assert "位代表的等次发生变化" in preview.message()
    # Nothing was written.
    assert _points(seat) == total
    rule.refresh_from_db()
    assert rule.points == 2


def test_the_scoreboard_ranks_ties_together(yuci):
    board = scoring.scoreboard(yuci.pk, timezone.localdate().year)
    ranks = [(r.points, r.rank) for r in board.rows]
    assert ranks == sorted(ranks, key=lambda x: -x[0])
    for (p1, r1), (p2, r2) in zip(ranks, ranks[1:], strict=False):
        assert (r1 == r2) if p1 == p2 else (r2 > r1)
    assert all(r.grade_label for r in board.rows)


def test_the_follower_catches_up_without_duplicates_and_the_command_rebuilds():
    from django.core.management import call_command

    from lianxin.core import trail
    from lianxin.core.models import TrailCursor

    entry = DutyEntry.objects.filter(kind="post").first()
    count = DutyEntry.objects.count()
    entry.delete()  # as if the event had been written before the reader existed
    TrailCursor.objects.filter(name=record.READER).delete()
    while trail.deliver(record.READER, batch=500):
        pass
    assert DutyEntry.objects.count() == count
    assert DutyEntry.objects.filter(trail_id=entry.trail_id, deputy_id=entry.deputy_id).exists()
    out = io.StringIO()
    call_command("rebuild_duty_record", stdout=out)
    assert int(out.getvalue()) == count == DutyEntry.objects.count()
    last = TrailEvent.objects.order_by("-id").first().id
    assert TrailCursor.objects.get(name=record.READER).last_id == last
