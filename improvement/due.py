"""Improvement actions in "Your returns" and the sign-off queue (`signoff.due`)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.dateformat import format as format_date

from improvement.models import ActionUpdate
from improvement.queries import overdue_actions_for
from signoff.due import OtherReturn, submitted_for

KIND = "Improvement action"


def owed(user, today: date) -> list[OtherReturn]:
    """The overdue actions `user` owns: each needs an update or a new agreed date."""
    return [
        OtherReturn(
            kind=KIND,
            title=f"{row.action.reference} {row.action.description}",
            period=f"Due {format_date(row.action.revised_due_on or row.action.due_on, 'j F Y')}",
            state="Overdue",
            url=reverse("improvement:action", args=[row.action.pk]),
            is_late=True,
        )
        for row in overdue_actions_for(user, today)
    ]


def awaiting(user) -> list[OtherReturn]:
    updates = submitted_for(
        user, ActionUpdate.objects.select_related("action", "period"), unit="action__unit"
    )
    return [
        OtherReturn(
            kind=f"{KIND} update",
            title=f"{update.action.reference} {update.action.description}",
            period=update.period.label,
            state="Submitted",
            url=reverse("improvement:action", args=[update.action_id]),
        )
        for update in updates
    ]
