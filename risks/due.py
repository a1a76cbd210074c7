"""Risk reviews in "Your returns" and the sign-off queue (`signoff.due`)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.dateformat import format as format_date

from organisation.permissions import is_corporate
from risks.models import Risk, RiskReview
from risks.queries import register
from signoff.due import OtherReturn, submitted_for
from signoff.models import EDITABLE_STATES, ReturnState

KIND = "Risk review"


def owed(user, today: date) -> list[OtherReturn]:
    """The open risks a person owns whose review is overdue and not yet submitted, or whose
    review is in draft or returned for correction (the performance team chases them; it does
    not owe them)."""
    if is_corporate(user) or not Risk.objects.filter(owner=user).exists():
        return []
    pending = RiskReview.objects.filter(
        risk__owner=user, state__in=(*EDITABLE_STATES, ReturnState.SUBMITTED)
    )
    started = {review.risk_id: review for review in pending}
    found = []
    for row in register(on=today, owner=user):
        draft = started.get(row.risk.pk)
        if draft is not None and draft.state == ReturnState.SUBMITTED:
            continue  # done, as far as its owner goes: it waits for sign-off
        if draft is None and not row.is_review_overdue:
            continue
        found.append(
            OtherReturn(
                kind=KIND,
                title=f"{row.risk.reference} {row.risk.title}",
                period=f"Review due {format_date(row.next_review_on, 'j F Y')}",
                state=draft.get_state_display() if draft else "Overdue",
                url=reverse("risks:risk", args=[row.risk.pk]),
                is_late=row.is_review_overdue,
            )
        )
    return found


def awaiting(user) -> list[OtherReturn]:
    reviews = submitted_for(user, RiskReview.objects.select_related("risk"), unit="risk__unit")
    return [
        OtherReturn(
            kind=KIND,
            title=f"{review.risk.reference} {review.risk.title}",
            period=f"Reviewed {format_date(review.reviewed_on, 'j F Y')}",
            state="Submitted",
            url=reverse("risks:risk", args=[review.risk_id]),
        )
        for review in reviews
    ]
