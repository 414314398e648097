"""The printed issue (期刊) of a CPPCC's sentiment reports (core.pdf.render_pdf)."""

from __future__ import annotations

from lianxin.core import dates
from lianxin.core.pdf import render_pdf

from . import queries
from .models import SentimentIssue


def issue_pdf(issue: SentimentIssue) -> bytes:
    return render_pdf(
        "sentiment/print/issue.html",
        {
            "issue": issue,
            "reports": queries.issue_reports(issue),
            "printed": dates.today(),
        },
    )


def issue_filename(issue: SentimentIssue) -> str:
    return f"社情民意信息-{issue.year}-{issue.number:02d}.pdf"
