"""Who sees and acts on sentiment reports and issues (registered with lianxin.accounts.access).

- the author sees their own: the member seat that wrote it, its co-authors, every member of the
  sector it speaks for, and whoever typed it (a draft is seen by no one else);
- the CPPCC's staff see their CPPCC's reports once submitted and act on them (return, accept,
  edit, compile, send, record adoption and instructions); those of the CPPCCs above read them;
- leaders read the reports of their region subtree once submitted;
- everyone else gets the same 404 as for a report that does not exist."""

from __future__ import annotations

from django.db.models import Q

from lianxin.accounts.access import Grants, prefix_q, rule, view_action, visibility
from lianxin.org.models import Member

from .models import ReportState


def sector_ids(g: Grants) -> set[int]:
    """The sectors of the user's own member seats."""
    if not g.member_ids:
        return set()
    return set(
        Member.objects.filter(pk__in=g.member_ids, sector__isnull=False).values_list(
            "sector_id", flat=True
        )
    )


def own_q(g: Grants) -> Q:
    """Reports that are the user's own (as author, co-author, sector member or writer)."""
    q = Q(written_by_id=g.user_id) if g.user_id else Q(pk__in=[])
    if g.member_ids:
        members = list(g.member_ids)
        q |= Q(author_member_id__in=members) | Q(co_authors__in=members)
        q |= Q(author_sector_id__in=Member.objects.filter(pk__in=members).values("sector_id"))
    return q


@visibility("sentiment.sentimentreport", to_many=True)
def _reports(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    q = own_q(g)
    if g.cppcc_read_regions:
        q |= ~Q(state=ReportState.DRAFT) & prefix_q("cppcc__region__code", g.cppcc_read_regions)
    return q


@visibility("sentiment.sentimentissue")
def _issues(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return prefix_q("cppcc__region__code", g.cppcc_read_regions)


view_action("sentiment.view", "sentiment.sentimentreport")
view_action("sentiment.view_issue", "sentiment.sentimentissue")


def is_author(g: Grants, report) -> bool:
    """Who writes and submits: the writer, the author seat, or a member of the sector."""
    if g.user_id and report.written_by_id == g.user_id:
        return True
    if report.author_member_id and report.author_member_id in g.member_ids:
        return True
    return bool(report.author_sector_id and report.author_sector_id in sector_ids(g))


@rule("sentiment.list")
def _list(g: Grants, _obj) -> bool:
    return g.is_admin or bool(g.cppcc_read_regions or g.member_ids)


@rule("sentiment.write")
def _write(g: Grants, cppcc) -> bool:
    """Members write in their own CPPCC; its staff write too."""
    if cppcc is None:
        return bool(g.member_ids or g.cppcc_staff)
    return cppcc.pk in g.cppcc_staff or cppcc.pk in g.member_cppcc_ids


@rule("sentiment.submit")
def _submit(g: Grants, report) -> bool:
    return is_author(g, report)


@rule("sentiment.manage")
def _manage(g: Grants, report_or_issue) -> bool:
    """Return, accept, edit, compile, send, adoption, instructions: the CPPCC's own staff."""
    return report_or_issue.cppcc_id in g.cppcc_staff


@rule("sentiment.compile")
def _compile(g: Grants, cppcc) -> bool:
    return cppcc is not None and cppcc.pk in g.cppcc_staff


@rule("sentiment.rank")
def _rank(g: Grants, _obj) -> bool:
    return g.is_admin or bool(g.cppcc_read_regions)
