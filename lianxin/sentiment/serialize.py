"""A report and an issue as plain data (the API's bodies)."""

from __future__ import annotations

from lianxin.accounts.access import grants

from .models import SentimentIssue, SentimentReport


def reads_original(user, report: SentimentReport) -> bool:
    """The CPPCCs' staff and leaders read the original beside the edited text."""
    g = grants(user)
    return g.is_admin or any(
        report.cppcc.region.code.startswith(code) for code in g.cppcc_read_regions
    )


def report(r: SentimentReport, user) -> dict:
    original = reads_original(user, r) or not r.edited_content
    return {
        "id": r.pk,
        "cppcc": {"id": r.cppcc_id, "name": r.cppcc.name},
        "state": r.state,
        "state_label": str(r.get_state_display()),
        "title": r.shown_title,
        "original_title": r.title if original else None,
        "content": r.content if original else None,
        "edited_title": r.edited_title,
        "edited_content": r.edited_content,
        "category": r.category.code if r.category_id else None,
        "author": r.author_label,
        "author_member": r.author_member_id,
        "author_sector": r.author_sector_id,
        "co_authors": [m.pk for m in r.co_authors.all()],
        "source_proposal": r.source_proposal_id,
        "submitted_at": r.submitted_at,
        "return_reason": r.return_reason,
        "issue": (
            {"id": r.issue_id, "label": r.issue.label, "position": r.position}
            if r.issue_id
            else None
        ),
        "adoption": (
            {
                "adopted_by": r.adopted_by,
                "level": r.adoption_level,
                "manner": r.adoption_manner,
                "adopted_on": r.adopted_on,
            }
            if r.adopted_on
            else None
        ),
        "instructions": [
            {
                "id": i.pk,
                "leader": i.leader,
                "level": i.level,
                "text": i.text,
                "given_on": i.given_on,
            }
            for i in r.instructions.all()
        ],
        "version": r.version,
        "created_at": r.created_at,
    }


def issue(i: SentimentIssue, reports: list[SentimentReport]) -> dict:
    return {
        "id": i.pk,
        "cppcc": {"id": i.cppcc_id, "name": i.cppcc.name},
        "year": i.year,
        "number": i.number,
        "label": i.label,
        "title": i.title,
        "reports": [{"id": r.pk, "title": r.shown_title, "position": r.position} for r in reports],
        "recipients": list(i.recipients),
        "sent_on": i.sent_on,
    }
