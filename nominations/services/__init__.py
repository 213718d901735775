"""Writes of the nominations app, by concern: ``rubrics``, ``cycles``,
``setup`` (a cycle, its categories, rubric, award levels
and committee), ``drafts`` (nominations by supervisors, submission, screening),
``evidence_files``, ``reviews`` (conflicts, scoring, reopening) and
``rounds`` (a cycle's rounds, advancing a shortlist, interviews),
``verification`` (field verification: claims, findings, photos), ``results``
(decisions, publication) and ``promotion`` (winners put forward to a
higher-level cycle). Other apps and the views call them as
``nominations.services.<name>``.

Every nomination state change goes through ``workflow.nomination_transition``.
"""

from .calendar import calendar_feed, calendar_rotate
from .cycles import cycle_set_phase, cycles_advance_due
from .drafts import (
    nomination_create,
    nomination_delete,
    nomination_missing,
    nomination_screen,
    nomination_submit,
    nomination_update,
    nomination_withdraw,
    nominations_screen_eligible,
)
from .evidence_files import evidence_add, evidence_delete
from .promotion import NotPromotableError, Promotion, nomination_promote
from .results import cycle_publish, nomination_decide, publication_jobs_message
from .reviews import (
    assignment_add,
    assignment_remove,
    conflict_declare,
    review_changes_prune,
    review_reopen,
    review_save,
)
from .rounds import (
    interview_move,
    interviews_schedule,
    round_advance,
    round_create,
    round_delete,
    round_update,
    shortlist_publish,
)
from .rubrics import rubric_create, rubric_default, rubric_in_use, rubric_new_version
from .setup import (
    award_level_add,
    award_level_delete,
    award_level_update,
    category_add,
    category_delete,
    category_update,
    committee_member_add,
    committee_member_remove,
    committee_member_update,
    cycle_create,
    cycle_rubric_replace,
    cycle_update,
)
from .verification import check_file_add, check_file_delete, claims_set, verification_save

__all__ = [
    "NotPromotableError",
    "Promotion",
    "assignment_add",
    "assignment_remove",
    "award_level_add",
    "award_level_delete",
    "award_level_update",
    "calendar_feed",
    "calendar_rotate",
    "category_add",
    "category_delete",
    "category_update",
    "check_file_add",
    "check_file_delete",
    "claims_set",
    "committee_member_add",
    "committee_member_remove",
    "committee_member_update",
    "conflict_declare",
    "cycle_create",
    "cycle_publish",
    "cycle_rubric_replace",
    "cycle_set_phase",
    "cycle_update",
    "cycles_advance_due",
    "evidence_add",
    "evidence_delete",
    "interview_move",
    "interviews_schedule",
    "nomination_create",
    "nomination_decide",
    "nomination_delete",
    "nomination_missing",
    "nomination_promote",
    "nomination_screen",
    "nomination_submit",
    "nomination_update",
    "nomination_withdraw",
    "nominations_screen_eligible",
    "publication_jobs_message",
    "review_changes_prune",
    "review_reopen",
    "review_save",
    "round_advance",
    "round_create",
    "round_delete",
    "round_update",
    "rubric_create",
    "rubric_default",
    "rubric_in_use",
    "rubric_new_version",
    "shortlist_publish",
    "verification_save",
]
