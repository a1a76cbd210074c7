"""Finance forecasts in "Your returns" and the sign-off queue (`signoff.due`)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from finance.models import Forecast
from organisation.permissions import Action, can, is_corporate, scope_unit_ids
from signoff.due import OtherReturn, submitted_for
from signoff.models import EDITABLE_STATES

KIND = "Finance forecast"


def owed(user, today: date) -> list[OtherReturn]:
    """Forecasts a finance business partner has started and not yet submitted (drafts, and
    those returned for correction) in their scope."""
    if is_corporate(user) or not can(user, Action.ENTER_FORECAST):
        return []  # the performance team is not a finance partner: it chases, it does not owe
    forecasts = Forecast.objects.filter(
        state__in=EDITABLE_STATES, line__unit_id__in=scope_unit_ids(user)
    ).select_related("line__unit", "period")
    return [
        OtherReturn(
            kind=KIND,
            title=forecast.line.unit.name,
            period=forecast.period.label,
            state=forecast.get_state_display(),
            url=reverse("finance:forecast", args=[forecast.pk]),
        )
        for forecast in forecasts
    ]


def awaiting(user) -> list[OtherReturn]:
    forecasts = submitted_for(
        user, Forecast.objects.select_related("line__unit", "period"), unit="line__unit"
    )
    return [
        OtherReturn(
            kind=KIND,
            title=forecast.line.unit.name,
            period=forecast.period.label,
            state="Submitted",
            url=reverse("finance:forecast", args=[forecast.pk]),
        )
        for forecast in forecasts
    ]
