"""The only writers of suggestions and motions. One function per change.

Steps the loop shares (assign, consult, reply, rehandle, conclude, return, remind) call
`casework.actions`, adding what is a suggestion's own around them in the same transaction
(complexity and calendar-month due dates, commitments, the sign-off, per-deputy ratings).
Steps that are only a suggestion's (submit, co-sign, the three-tier review, resubmit, the
co-handling units' opinions, the presidium's decision) lock the case and record the timeline
event through the loop's own helpers, so every change looks the same on the timeline.

`acting_user=None` is trusted code (imports, the demo loader).
"""

from lianxin.casework.shared import do_close_commitment

from .base import (
    MAX_CONTENT,
    MAX_TITLE,
    clean_cosponsors,
    co_opinion_due,
    detail_url,
    due_after_assignment,
    seat_for,
)
from .central import MAX_BATCH, AssignItem, do_assign_suggestions
from .deadlines import (
    co_opinion_reminder,
    do_decide_extension,
    do_mark_co_opinion_overdue,
    do_request_extension,
    open_co_opinion_deadlines,
    renew_co_opinion_deadlines,
)
from .motions import (
    do_create_motion,
    do_decide_motion,
    do_submit_motion,
    min_cosponsors,
)
from .suggestions import (
    do_assess_quality,
    do_assign_suggestion,
    do_co_opinion,
    do_conclude_suggestion,
    do_cosign,
    do_create_suggestion,
    do_determine_outcome,
    do_evaluate_suggestion,
    do_key_supervise,
    do_record_supervision,
    do_rehandle_suggestion,
    do_reply_suggestion,
    do_resubmit_suggestion,
    do_return_suggestion,
    do_review_suggestion,
    do_sign_off_reply,
    do_submit_suggestion,
    do_update_draft,
    do_withdraw,
    lineage,
    timeline_with_history,
)
from .surveys import do_answer_survey, do_close_survey, do_open_survey

__all__ = [
    "MAX_BATCH",
    "MAX_CONTENT",
    "MAX_TITLE",
    "AssignItem",
    "clean_cosponsors",
    "co_opinion_due",
    "co_opinion_reminder",
    "detail_url",
    "do_answer_survey",
    "do_assess_quality",
    "do_assign_suggestion",
    "do_assign_suggestions",
    "do_close_commitment",
    "do_close_survey",
    "do_co_opinion",
    "do_conclude_suggestion",
    "do_cosign",
    "do_create_motion",
    "do_create_suggestion",
    "do_decide_extension",
    "do_decide_motion",
    "do_determine_outcome",
    "do_evaluate_suggestion",
    "do_key_supervise",
    "do_mark_co_opinion_overdue",
    "do_open_survey",
    "do_record_supervision",
    "do_rehandle_suggestion",
    "do_request_extension",
    "do_reply_suggestion",
    "do_resubmit_suggestion",
    "do_return_suggestion",
    "do_review_suggestion",
    "do_sign_off_reply",
    "do_submit_motion",
    "do_submit_suggestion",
    "do_update_draft",
    "do_withdraw",
    "due_after_assignment",
    "lineage",
    "min_cosponsors",
    "open_co_opinion_deadlines",
    "renew_co_opinion_deadlines",
    "seat_for",
    "timeline_with_history",
]
