"""Duty reports to the voters (述职报告): drafted from the record, edited and submitted by the
deputy, approved or returned by the office, counted as a duty, printed as a PDF and published
on the deputy's public page with the way to comment on it; the office's choice of what the
public page shows. Real database, real PDF read back, the pages, the API."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.duty import actions, reports, scoring
from lianxin.duty.models import DutyEntry, DutyReport, ProfilePublication

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


@pytest.fixture
def seat(users, seat_of):
    return seat_of(users["deputy_demo"])


@pytest.fixture
def year_range():
    today = timezone.localdate()
    return today.replace(month=1, day=1), today


def _reception(users, seat):
    from lianxin.liaison.actions import do_record_reception
    from lianxin.liaison.models import Station

    station = Station.objects.get(pk=users["yc_station"].roles.get().station_id)
    return do_record_reception(
        station,
        date=timezone.localdate(),
        subject="老旧小区加装电梯",
        content="居民反映加装电梯审批慢。",
        deputy_ids=[seat.pk],
        acting_user=users["yc_station"],
    )


def test_the_draft_lists_the_suggestion_the_reception_and_the_inspection(users, year_range):
    """The city seat of the demo's deputy: his suggestions of this year, a city inspection he
    attended, a reception at his station."""
    from lianxin.duty.models import Activity
    from lianxin.org.models import Congress, Deputy, Level

    city = Congress.objects.get(level=Level.CITY, region__name="晋中市")
    seat = Deputy.objects.get(person=users["deputy_demo"].person, congress=city)
    starts = timezone.now() - dt.timedelta(minutes=5)
    activity = actions.do_create_activity(
        city,
        {
            "title": "全市养老服务工作视察",
            "kind": Activity.Kind.INSPECTION,
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=2),
            "place": "晋中市社会福利院",
        },
        acting_user=users["jz_staff"],
    )
    inv = actions.do_send_invitations(activity, [seat.pk], acting_user=users["jz_staff"])[0]
    actions.do_sign_in(inv, how="list", acting_user=users["jz_staff"])
    _reception(users, seat)
    suggestion = DutyEntry.objects.filter(
        deputy=seat, kind="suggestion", outcome="submitted"
    ).first()
    assert suggestion is not None  # the demo's deputy raised suggestions as a city deputy
    start, end = year_range
    report = reports.do_draft_report(
        seat, period_start=start, period_end=end, acting_user=users["deputy_demo"]
    )
    assert report.status == DutyReport.Status.DRAFT
    assert report.title == f"{seat.person.name}代表{end.year}年度述职报告"
    assert "全市养老服务工作视察" in report.body
    assert "老旧小区加装电梯" in report.body
    assert suggestion.title in report.body
    # The suggestion's present state is named beside it.
    line = next(x for x in report.body.splitlines() if suggestion.title in x)
    assert re.search(r"（[^）]+）$", line)
    entries = DutyEntry.objects.filter(deputy=seat, date__gte=start, date__lte=end)
    assert report.figures["receptions"] == entries.filter(kind="reception").count() >= 1
    assert report.figures["activities"] == entries.filter(kind__in=["activity", "training"]).count()
    assert (
        report.figures["suggestions"]
        == entries.filter(kind__in=["suggestion", "motion"]).count()
        >= 1
    )

    # The PDF prints the same text.
    text = _pdf_text(reports.report_pdf(report))
    for needle in ("全市养老服务工作视察", "老旧小区加装电梯", suggestion.title[:12], "述职期间"):
        assert needle in text


def test_the_loop_draft_submit_return_submit_approve_publish(users, seat, year_range):
    deputy, staff = users["deputy_demo"], users["yc_staff"]
    start, end = year_range
    before = scoring.year_totals(seat.congress_id, end.year, [seat.pk]).get(seat.pk, 0)
    report = reports.do_draft_report(
        seat, period_start=start, period_end=end, title="我的述职报告", acting_user=deputy
    )
    report = reports.do_edit_report(
        report, title="2026 年度述职报告", body="各位选民：\n\n一、……", acting_user=deputy
    )
    report = reports.do_submit_report(report, acting_user=deputy)
    assert report.status == DutyReport.Status.SUBMITTED
    # Submitted: the deputy may no longer change it.
    with pytest.raises(Conflict):
        reports.do_edit_report(report, title="x", body="y", acting_user=deputy)
    # A return needs a reason; the deputy then edits and submits again.
    with pytest.raises(ValidationFailed):
        reports.do_decide_report(report, approve=False, reason="", acting_user=staff)
    report = reports.do_decide_report(
        report, approve=False, reason="请补充接待群众情况", acting_user=staff
    )
    assert (report.status, report.reason) == (DutyReport.Status.RETURNED, "请补充接待群众情况")
    report = reports.do_edit_report(
        report, title="2026 年度述职报告", body="各位选民：\n\n补充后的报告", acting_user=deputy
    )
    report = reports.do_submit_report(report, acting_user=deputy)
    # Publishing needs an approval first.
    with pytest.raises(Conflict):
        reports.do_publish_report(report, acting_user=staff)
    report = reports.do_decide_report(report, approve=True, acting_user=staff)
    # The approval is a duty in the record, with the year's points.
    entry = DutyEntry.objects.get(source_type="duty.dutyreport", source_id=str(report.pk))
    assert (entry.kind, entry.outcome, entry.points) == ("report", "approved", 5)
    assert entry.trail.action == "duty.approve_report"
    after = scoring.year_totals(seat.congress_id, end.year, [seat.pk]).get(seat.pk, 0)
    assert after == before + 5
    with pytest.raises(Conflict):
        reports.do_decide_report(report, approve=True, acting_user=staff)
    report = reports.do_publish_report(report, acting_user=staff)
    assert report.status == DutyReport.Status.PUBLISHED and report.published_at
    report = reports.do_publish_report(report, publish=False, acting_user=staff)
    assert report.status == DutyReport.Status.APPROVED and report.published_at is None
    actions_written = list(
        __import__("lianxin.core.models", fromlist=["TrailEvent"])
        .TrailEvent.objects.filter(object_type="duty.dutyreport", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions_written == [
        "duty.draft_report",
        "duty.edit_report",
        "duty.submit_report",
        "duty.return_report",
        "duty.edit_report",
        "duty.submit_report",
        "duty.approve_report",
        "duty.publish_report",
        "duty.withdraw_report",
    ]


def test_who_may_write_and_decide(users, seat, seat_of, year_range):
    start, end = year_range
    # Another deputy may not draft for this seat; the office may not draft either.
    for name in ("yc_staff", "tg_staff"):
        with pytest.raises(Forbidden):
            reports.do_draft_report(
                seat, period_start=start, period_end=end, acting_user=users[name]
            )
    report = reports.do_draft_report(
        seat, period_start=start, period_end=end, acting_user=users["deputy_demo"]
    )
    reports.do_submit_report(report, acting_user=users["deputy_demo"])
    # The deputy does not approve his own report; another county's office does not either.
    for name in ("deputy_demo", "tg_staff", "yc_station"):
        with pytest.raises(Forbidden):
            reports.do_decide_report(report, approve=True, acting_user=users[name])
    report.refresh_from_db()
    assert report.status == DutyReport.Status.SUBMITTED


def test_bad_periods_are_refused_with_a_message(users, seat):
    today = timezone.localdate()
    deputy = users["deputy_demo"]
    cases = [
        (today, today - dt.timedelta(days=1), "不能早于开始日期"),
        (today, today + dt.timedelta(days=1), "不能晚于今天"),
        (today.replace(year=today.year - 7), today, "不能超过五年"),
        ("2026-13-01", today, "格式有误"),
        ("", today, "请填写述职期间的开始日期"),
    ]
    for start, end, message in cases:
        with pytest.raises(ValidationFailed) as exc:
            reports.do_draft_report(seat, period_start=start, period_end=end, acting_user=deputy)
        assert message in exc.value.message
    assert not DutyReport.objects.exists()


def test_pages_draft_edit_submit_approve_publish_and_public_comment(users, seat, year_range):
    deputy, staff = _client(users["deputy_demo"]), _client(users["yc_staff"])
    start, end = year_range
    r = deputy.post(
        "/duty/reports/new/",
        {"seat": seat.pk, "period_start": start.isoformat(), "period_end": end.isoformat()},
    )
    assert r.status_code == 302
    report = DutyReport.objects.get()
    page = deputy.get(report.get_absolute_url()).content.decode()
    assert "修改述职报告" in page and "述职期间" in page
    r = deputy.post(
        report.get_absolute_url(),
        {"form": "edit", "title": "述职报告（页面）", "body": report.body, "submit": "on"},
    )
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == DutyReport.Status.SUBMITTED
    # The office sees it waiting; an empty return reason is refused on the page (422).
    assert "述职报告（页面）" in staff.get("/duty/reports/").content.decode()
    r = staff.post(report.get_absolute_url(), {"form": "decide", "decision": "return"})
    assert r.status_code == 422 and "退回原因" in r.content.decode()
    r = staff.post(report.get_absolute_url(), {"form": "decide", "decision": "approve"})
    assert r.status_code == 302
    # The deputy cannot decide, not even by posting the form.
    assert (
        deputy.post(
            report.get_absolute_url(), {"form": "decide", "decision": "approve"}
        ).status_code
        == 403
    )
    # Before publication the public page does not exist.
    public = f"/public/deputies/{seat.pk}/reports/{report.pk}/"
    assert Client().get(public).status_code == 404
    assert staff.post(f"/duty/reports/{report.pk}/publish/", {"publish": "1"}).status_code == 302
    r = Client().get(public)
    assert r.status_code == 200
    body = r.content.decode()
    assert "述职报告（页面）" in body
    # Voters comment through the deputy's scan-to-speak page, the subject filled in.
    link = re.search(r'href="(/s/[^"]+)"', body).group(1).replace("&amp;", "&")
    form = Client().get(link).content.decode()
    assert "对《述职报告（页面）》的意见" in form
    # The deputy's public page links the report, and names the city seat's committee.
    profile = Client().get(f"/public/deputies/{seat.pk}/").content.decode()
    assert public in profile
    assert "晋中市人大社会建设委员会" in profile
    # The PDF through the page, for the deputy and the office; 404 for another county.
    pdf = deputy.get(f"/duty/reports/{report.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "述职报告（页面）" in _pdf_text(pdf.content)
    assert (
        _client(users["tg_staff"]).get(f"/duty/reports/{report.pk}/report.pdf").status_code == 404
    )
    assert _client(users["tg_staff"]).get(report.get_absolute_url()).status_code == 404


def test_the_office_chooses_what_the_public_page_shows(users, seat, year_range):
    staff = _client(users["yc_staff"])
    profile = Client().get(f"/public/deputies/{seat.pk}/").content.decode()
    assert 'id="fig-suggestions"' in profile and 'id="fig-activities"' in profile
    r = staff.post("/duty/publication/", {"receptions": "on", "activities": "on"})
    assert r.status_code == 302
    choice = ProfilePublication.objects.get(congress=seat.congress)
    assert (choice.receptions, choice.suggestions, choice.activities, choice.reports) == (
        True,
        False,
        True,
        False,
    )
    # The deputy also holds a city seat whose office chose nothing: its figures still show;
    # a person with only this seat would show none. Check the county seat's own figures go.
    figures = reports.public_performance(seat)
    assert figures["shown"]["activities"] is True
    other_seats = type(seat).objects.filter(person=seat.person).exclude(pk=seat.pk)
    for s in other_seats:
        ProfilePublication.objects.update_or_create(
            congress=s.congress,
            defaults={"suggestions": False, "reports": False, "opinions": False},
        )
    profile = Client().get(f"/public/deputies/{seat.pk}/").content.decode()
    assert 'id="fig-suggestions"' not in profile and 'id="fig-activities"' in profile
    # Only offices set it.
    assert _client(users["deputy_demo"]).get("/duty/publication/").status_code == 403


def test_the_api_drafts_edits_submits_and_the_office_decides(api, users, seat, year_range):
    start, end = year_range
    me, office, other = (
        api.as_user("deputy_demo"),
        api.as_user("yc_staff"),
        api.as_user("tg_staff"),
    )
    r = me.post(
        "/api/v1/duty/reports",
        {"deputy_id": seat.pk, "period_start": str(start), "period_end": str(end)},
    )
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert r.json()["status"] == "draft" and "各位选民" in r.json()["body"]
    bad = me.post(
        "/api/v1/duty/reports",
        {
            "deputy_id": seat.pk,
            "period_start": str(end),
            "period_end": str(start - dt.timedelta(1)),
        },
    )
    assert bad.status_code == 422 and bad.json()["code"]
    r = me.client.put(
        f"/api/v1/duty/reports/{rid}",
        '{"title": "API 述职报告", "body": "正文"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {me.token}"},
    )
    assert r.status_code == 200 and r.json()["title"] == "API 述职报告"
    assert me.post(f"/api/v1/duty/reports/{rid}/submit").json()["status"] == "submitted"
    assert other.get(f"/api/v1/duty/reports/{rid}").status_code == 404
    assert other.post(f"/api/v1/duty/reports/{rid}/decide", {"approve": True}).status_code == 404
    r = me.post(f"/api/v1/duty/reports/{rid}/decide", {"approve": True})
    assert r.status_code == 403
    r = office.post(f"/api/v1/duty/reports/{rid}/decide", {"approve": True})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = office.post(f"/api/v1/duty/reports/{rid}/decide", {"approve": True})
    assert r.status_code == 409 and r.json()["code"] == "report_state"
    r = office.post(f"/api/v1/duty/reports/{rid}/publish", {"publish": True})
    assert r.json()["status"] == "published"
    assert [x["id"] for x in me.get("/api/v1/duty/reports").json()] == [rid]


def test_stories_are_reviewed_by_the_office_and_published_on_the_deputy_page(users, seat):
    deputy, staff = _client(users["deputy_demo"]), _client(users["yc_staff"])
    r = deputy.post(
        "/duty/stories/new/",
        {"seat": seat.pk, "title": "为老旧小区加装电梯奔走", "body": "走访居民\n\n协调部门"},
    )
    assert r.status_code == 302
    from lianxin.duty.models import DutyStory

    story = DutyStory.objects.get()
    assert story.status == DutyStory.Status.PENDING and story.author == users["deputy_demo"]
    # Not public before the review; the deputy cannot review his own story.
    assert Client().get(f"/public/stories/{story.pk}/").status_code == 404
    assert deputy.post(story.get_absolute_url(), {"decision": "publish"}).status_code == 403
    assert _client(users["tg_staff"]).get(story.get_absolute_url()).status_code == 404
    assert "为老旧小区加装电梯奔走" in staff.get("/duty/stories/").content.decode()
    r = staff.post(story.get_absolute_url(), {"decision": "return"})
    assert r.status_code == 422  # a return needs its reason
    assert staff.post(story.get_absolute_url(), {"decision": "publish"}).status_code == 302
    story.refresh_from_db()
    assert story.status == DutyStory.Status.PUBLISHED and story.published_at
    page = Client().get(f"/public/stories/{story.pk}/")
    assert page.status_code == 200 and "协调部门" in page.content.decode()
    assert (
        f"/public/stories/{story.pk}/"
        in Client().get(f"/public/deputies/{seat.pk}/").content.decode()
    )
    # Decided once.
    with pytest.raises(Conflict):
        reports.do_decide_story(story, publish=True, acting_user=users["yc_staff"])


def test_the_office_writes_a_story_of_its_deputy_and_another_officer_reviews_it(users, seat):
    from lianxin.duty.models import DutyStory

    story = reports.do_write_story(
        seat, title="代表履职小记", body="……", acting_user=users["yc_staff"]
    )
    # The author does not review his own story.
    with pytest.raises(Forbidden):
        reports.do_decide_story(story, publish=True, acting_user=users["yc_staff"])
    # Another county's office may not write for this seat.
    with pytest.raises(Forbidden):
        reports.do_write_story(seat, title="x", body="y", acting_user=users["tg_staff"])
    with pytest.raises(ValidationFailed):
        reports.do_write_story(seat, title="", body="y", acting_user=users["deputy_demo"])
    assert DutyStory.objects.count() == 1


def test_the_api_writes_and_reviews_stories(api, users, seat):
    me, office, other = (
        api.as_user("deputy_demo"),
        api.as_user("yc_staff"),
        api.as_user("tg_staff"),
    )
    r = me.post("/api/v1/duty/stories", {"deputy_id": seat.pk, "title": "故事", "body": "正文"})
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    assert (
        other.post(
            "/api/v1/duty/stories", {"deputy_id": seat.pk, "title": "x", "body": "y"}
        ).status_code
        == 404
    )
    assert (
        me.post(
            "/api/v1/duty/stories", {"deputy_id": seat.pk, "title": "", "body": "y"}
        ).status_code
        == 422
    )
    assert other.get(f"/api/v1/duty/stories/{sid}").status_code == 404
    assert me.post(f"/api/v1/duty/stories/{sid}/decide", {"publish": True}).status_code == 403
    r = office.post(f"/api/v1/duty/stories/{sid}/decide", {"publish": True})
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert office.post(f"/api/v1/duty/stories/{sid}/decide", {"publish": True}).status_code == 409


def test_scoring_rules_and_bands_by_the_api_refuse_overlaps_with_a_4xx(api, users, seat):
    from lianxin.duty.models import GradeBand, ScoringRule

    admin = api.as_user("admin")
    year = timezone.localdate().year
    congress = seat.congress_id
    before = ScoringRule.objects.count(), GradeBand.objects.count()
    # The demo's year already has a rule for receptions: a second one is refused.
    r = admin.post(
        "/api/v1/duty/scoring-rules",
        {"congress_id": congress, "year": year, "kind": "reception", "points": 4},
    )
    assert r.status_code == 422 and r.json()["code"] == "duplicate_rule", r.content
    assert "同一履职事项在同一周期只能有一条规则" in r.json()["message"]
    r = admin.post(
        "/api/v1/duty/scoring-rules",
        {"congress_id": congress, "year": year + 1, "kind": "reception", "points": 4, "cap": 2},
    )
    assert r.status_code == 422 and r.json()["code"] == "cap_below_points"
    r = admin.post(
        "/api/v1/duty/scoring-rules",
        {"congress_id": congress, "year": year + 1, "kind": "nonsense", "points": 4},
    )
    assert r.status_code == 422
    # A band overlapping another of the year is refused.
    r = admin.post(
        "/api/v1/duty/grade-bands",
        {"congress_id": congress, "year": year, "grade": "excellent", "min_points": 50},
    )
    assert r.status_code == 422, r.content
    assert (ScoringRule.objects.count(), GradeBand.objects.count()) == before
    # A good rule is saved, changed and deleted; each recomputes the year's points.
    r = admin.post(
        "/api/v1/duty/scoring-rules",
        {"congress_id": congress, "year": year + 1, "kind": "reception", "points": 4, "cap": 8},
    )
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    body = {"congress_id": congress, "year": year + 1, "kind": "reception", "points": 5, "cap": 10}
    r = admin.client.put(
        f"/api/v1/duty/scoring-rules/{rid}",
        __import__("json").dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert r.status_code == 200 and r.json()["points"] == 5
    # Only the administrator edits rules; the others get the same 404 as a missing rule.
    office = api.as_user("yc_staff")
    assert office.post("/api/v1/duty/scoring-rules", body).status_code == 404
    r = admin.client.delete(
        f"/api/v1/duty/scoring-rules/{rid}", headers={"Authorization": f"Bearer {admin.token}"}
    )
    assert r.status_code == 204
    assert not ScoringRule.objects.filter(pk=rid).exists()


def _concluded_case(user):
    from lianxin.accounts.access import visible_to
    from lianxin.casework.models import Case, Reply

    for case in visible_to(user, Case).filter(kind="opinion").order_by("pk"):
        if case.is_closed and Reply.objects.filter(case=case).exists():
            return case
    raise AssertionError("the demo has a concluded opinion with a reply")


def test_a_typical_case_is_drawn_from_a_concluded_case_without_personal_data(users):
    from lianxin.casework.models import Case, Reply
    from lianxin.duty.models import TypicalCase

    staff = _client(users["yc_staff"])
    case = _concluded_case(users["yc_staff"])
    Case.objects.filter(pk=case.pk).update(
        contact_name="王秀英",
        content="王秀英反映：小区路灯不亮，电话13912345678，身份证140702198001011234。",
    )
    reply = Reply.objects.filter(case=case).order_by("-round", "-id").first()
    Reply.objects.filter(pk=reply.pk).update(
        content="经核实，已于三日内修复路灯，并电话告知王秀英（0354-2345678）。"
    )
    r = staff.post("/duty/typical-cases/", {"case": str(case.pk)})
    assert r.status_code == 302, r.content.decode()[:2000]
    row = TypicalCase.objects.get()
    text = row.title + row.problem + row.handling
    for secret in ("王秀英", "13912345678", "140702198001011234", "0354-2345678"):
        assert secret not in text
    assert "【电话已删除】" in row.problem and "群众反映" in row.problem
    assert "已于三日内修复路灯" in row.handling
    # Pasting a number back while editing takes it out again.
    r = staff.post(
        row.get_absolute_url(),
        {"title": "路灯修复", "problem": row.problem, "handling": row.handling + "联系13912345678"},
    )
    assert r.status_code == 302
    row.refresh_from_db()
    assert "13912345678" not in row.handling
    # Not public until published; then on the public site, never the source case's number.
    assert Client().get(f"/public/typical-cases/{row.pk}/").status_code == 404
    staff.post(row.get_absolute_url(), {"publish": "1"})
    page = Client().get(f"/public/typical-cases/{row.pk}/").content.decode()
    assert "路灯修复" in page and "已于三日内修复路灯" in page
    assert "路灯修复" in Client().get("/public/typical-cases/").content.decode()
    # A deputy of the congress reads it among the learning material; another office cannot
    # draw from this case (not theirs: 404) nor edit the case study.
    assert _client(users["deputy_demo"]).get(row.get_absolute_url()).status_code == 200
    assert (
        _client(users["tg_staff"]).post(row.get_absolute_url(), {"publish": "0"}).status_code == 404
    )
    r = _client(users["tg_staff"]).post("/duty/typical-cases/", {"case": str(case.pk)})
    assert r.status_code == 422 and "未找到该事项" in r.content.decode()


def test_only_concluded_cases_with_a_reply_become_typical_cases(users):
    from lianxin.accounts.access import visible_to
    from lianxin.casework.models import Case
    from lianxin.duty import typical
    from lianxin.duty.models import TypicalCase

    open_case = next(
        c for c in visible_to(users["yc_staff"], Case).filter(kind="opinion") if not c.is_closed
    )
    with pytest.raises(Conflict) as exc:
        typical.do_draw(open_case, acting_user=users["yc_staff"])
    assert exc.value.code == "case_not_concluded"
    with pytest.raises(ValidationFailed):
        typical.case_by_number(users["yc_staff"], "abc")
    assert not TypicalCase.objects.exists()
