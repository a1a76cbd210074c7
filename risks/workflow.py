"""State changes of a risk review: record, submit, return, approve, revise.

A risk review is one kind of return: these pass its `ReturnKind` to the one workflow in
`signoff.workflow`, which locks the review, checks the caller's copy is current (optimistic
locking through `lock_version`) and writes a revision row. Each function first checks the
caller may act on the risk: the risk's owner or a data owner in scope records and submits, an
approver in scope signs off or returns.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from organisation.permissions import Action, can, require
from risks.models import Risk, RiskReview, RiskReviewRevision, RiskStatus
from signoff import workflow
from signoff.models import SIGNED_OFF_STATES
from signoff.workflow import (  # noqa: F401  (callers catch these from here)
    REASON_REQUIRED,
    InvalidEntry,
    StaleError,
    WorkflowError,
)
from status.risks import SCORE_RANGE, check_review_dates

SCORE_FIELDS = {
    "inherent_likelihood": "Inherent likelihood",
    "inherent_impact": "Inherent impact",
    "current_likelihood": "Current likelihood",
    "current_impact": "Current impact",
    "target_likelihood": "Target likelihood",
    "target_impact": "Target impact",
}
ENTRY_FIELDS = ("reviewed_on", *SCORE_FIELDS, "note")

SCORE_OUT_OF_RANGE = "{label}: enter a whole number from 1 to 5"
DATE_REQUIRED = "Review date: enter the date of the review"
DATE_PROBLEM = "Review date: {problem}"
REVIEW_IN_PROGRESS = (
    "This risk already has a review that is not signed off: finish that one (or ask for it to "
    "be signed off) before starting another"
)
RISK_CLOSED = "This risk is closed: it is no longer reviewed"
OTHER_RISK = "This review belongs to another risk"


def _is_rating(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in SCORE_RANGE


def review_problems(review: RiskReview, submitting: bool) -> dict[str, str]:
    """Scores outside 1-5, a review dated in the future, two reviews on one day (STATUS-RULES
    "Decided details: Risk review"), each under its field."""
    problems = {
        name: SCORE_OUT_OF_RANGE.format(label=label)
        for name, label in SCORE_FIELDS.items()
        if not _is_rating(getattr(review, name))
    }
    day = review.reviewed_on
    if day is None:
        problems["reviewed_on"] = DATE_REQUIRED
        return problems
    same_day = list(
        RiskReview.objects.filter(risk_id=review.risk_id, reviewed_on=day)
        .exclude(pk=review.pk)
        .values_list("reviewed_on", flat=True)
    )
    try:
        check_review_dates([*same_day, day], timezone.localdate())
    except ValueError as error:
        problems["reviewed_on"] = DATE_PROBLEM.format(problem=error)
    return problems


def _about(review: RiskReview) -> workflow.About:
    risk = review.risk
    return workflow.About(
        title=f"{risk.reference} {risk.title} (reviewed {review.reviewed_on:%-d %B %Y})",
        unit=risk.unit,
        link=reverse("risks:risk", args=[risk.pk]),
    )


RISK_REVIEW = workflow.ReturnKind(
    noun="risk review",
    nouns="risk reviews",
    model=RiskReview,
    revision_model=RiskReviewRevision,
    revision_of="review",
    entry_fields=ENTRY_FIELDS,
    problems=review_problems,
    about=_about,
    select_related=("risk",),
)

# The messages, in a risk review's words (tests and pages compare with these).
STALE = RISK_REVIEW.says(workflow.STALE)
NOT_EDITABLE = workflow.NOT_EDITABLE.replace("{noun}", RISK_REVIEW.noun)
CANNOT_SUBMIT = RISK_REVIEW.says(workflow.CANNOT_SUBMIT)
CANNOT_DECIDE = RISK_REVIEW.says(workflow.CANNOT_DECIDE)
OWN_SUBMISSION = RISK_REVIEW.says(workflow.OWN_SUBMISSION)
NOT_SIGNED_OFF = RISK_REVIEW.says(workflow.NOT_SIGNED_OFF)


def may_review(user, risk: Risk) -> bool:
    """The risk's owner, or whoever may enter returns for its unit, records its reviews."""
    owner = user.is_authenticated and user.is_active and user.pk == risk.owner_id
    return owner or can(user, Action.ENTER_VALUE, risk)


def require_reviewer(by, risk: Risk) -> None:
    """Refuse anyone who may not review the risk: out of scope looks like not found (404)."""
    if not may_review(by, risk):
        require(by, Action.ENTER_VALUE, risk)


def open_review(risk: Risk) -> RiskReview | None:
    """The risk's review still on its way to sign-off (at most one), if any."""
    return RiskReview.objects.filter(risk=risk).exclude(state__in=SIGNED_OFF_STATES).first()


@transaction.atomic
def record_review(
    *,
    risk: Risk,
    entries: dict,
    by,
    review: RiskReview | None = None,
    expected_version: int | None = None,
    submitting: bool = False,
) -> RiskReview:
    """Start a risk's next review as a draft, or (given `review`) change the draft; with
    `submitting`, send it for sign-off too, all or nothing."""
    require_reviewer(by, risk)
    if review is not None:
        if review.risk_id != risk.pk:
            raise WorkflowError(OTHER_RISK)
        review = workflow.edit(
            RISK_REVIEW, item=review, entries=entries, by=by, expected_version=expected_version
        )
    else:
        risk = Risk.objects.select_for_update().get(pk=risk.pk)
        if risk.status != RiskStatus.OPEN:
            raise WorkflowError(RISK_CLOSED)
        if open_review(risk) is not None:
            raise WorkflowError(REVIEW_IN_PROGRESS)
        review = workflow.create(RISK_REVIEW, item=RiskReview(risk=risk), entries=entries, by=by)
    if submitting:
        review = workflow.submit(RISK_REVIEW, item=review, by=by)
    return review


@transaction.atomic
def submit_review(*, review: RiskReview, by, expected_version: int | None = None) -> RiskReview:
    require_reviewer(by, review.risk)
    return workflow.submit(RISK_REVIEW, item=review, by=by, expected_version=expected_version)


@transaction.atomic
def return_review(
    *, review: RiskReview, by, reason: str, expected_version: int | None = None
) -> RiskReview:
    """Return a submitted review for correction, with the reason its owner will read."""
    require(by, Action.APPROVE_VALUE, review.risk)
    return workflow.send_back(
        RISK_REVIEW, item=review, by=by, reason=reason, expected_version=expected_version
    )


@transaction.atomic
def approve_review(*, review: RiskReview, by, expected_version: int | None = None) -> RiskReview:
    # The risk, not the review: the workflow refuses one's own submission in its own words.
    require(by, Action.APPROVE_VALUE, review.risk)
    return workflow.sign_off(RISK_REVIEW, item=review, by=by, expected_version=expected_version)


@transaction.atomic
def revise_review(
    *, review: RiskReview, entries: dict, by, reason: str, expected_version: int | None = None
) -> RiskReview:
    """Change a signed-off review: needs a reason, and sends it for sign-off again (refused
    while a newer review is on its way to sign-off, so a risk has one open review at most)."""
    require_reviewer(by, review.risk)
    if open_review(review.risk) is not None:
        raise WorkflowError(REVIEW_IN_PROGRESS)
    return workflow.revise(
        RISK_REVIEW,
        item=review,
        entries=entries,
        by=by,
        reason=reason,
        expected_version=expected_version,
    )


def revisions(review: RiskReview):
    """The review's kept revisions, oldest first."""
    return workflow.revisions_of(RISK_REVIEW, review).select_related("changed_by")
