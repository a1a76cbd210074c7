"""Project updates in "Your returns" and the sign-off queue (`signoff.due`)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from delivery.queries import updates_awaiting, updates_due
from delivery.service_plan_queries import financial_year_on, plans_awaiting_sign_off
from organisation.permissions import is_corporate
from signoff.due import OtherReturn

KIND = "Project update"


def owed(user, today: date) -> list[OtherReturn]:
    """The open cycle's project updates not yet submitted, for the projects led in the
    person's scope (the performance team chases them; it does not owe them)."""
    if is_corporate(user):
        return []
    return [
        OtherReturn(
            kind=KIND,
            title=f"{due.project.reference} {due.project.title}",
            period=due.period.label,
            state=due.state_label,
            url=reverse("delivery:project", args=[due.project.pk]),
        )
        for due in updates_due(user)
        if due.update is None or due.update.is_editable
    ]


def awaiting(user) -> list[OtherReturn]:
    year = financial_year_on(timezone.localdate())
    plans = plans_awaiting_sign_off(user, year) if year is not None else []
    return [
        OtherReturn(
            kind="Service plan",
            title=plan.service.name,
            period=year.label,
            state="Submitted",
            url=reverse("delivery:service_plan", args=[plan.service.code, year.code]),
        )
        for plan in plans
    ] + [
        OtherReturn(
            kind=KIND,
            title=f"{update.project.reference} {update.project.title}",
            period=update.period.label,
            state="Submitted",
            url=reverse("delivery:project", args=[update.project_id]),
        )
        for update in updates_awaiting(user)
    ]
