"""The returns other than indicators' figures that people owe or wait to sign off: project
updates, risk reviews, finance forecasts and improvement actions' updates.

Each capability appends a function to `OWED` (what a person still has to enter or submit)
and to `AWAITING` (what waits for a person's sign-off); "Your returns" and the sign-off
queue list what comes back beside the figures, so every kind of return is found in the same
two places.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class OtherReturn:
    kind: str  # "Project update", "Risk review"…
    title: str  # what it is about: "DP-07 New leisure centre"
    period: str  # the period or date it is for: "Q2 2026/27", "Review due 30 November 2026"
    state: str  # "Not started", "Draft", "Returned for correction", "Submitted", "Overdue"…
    url: str
    is_late: bool = False


OWED: list[Callable[[object, date], list[OtherReturn]]] = []
AWAITING: list[Callable[[object], list[OtherReturn]]] = []


def returns_owed(user, today: date) -> list[OtherReturn]:
    """What `user` still has to enter or submit, late first, then by kind and title."""
    found = [item for owed in OWED for item in owed(user, today)]
    return sorted(found, key=lambda item: (not item.is_late, item.kind, item.title))


def returns_awaiting(user) -> list[OtherReturn]:
    """What waits for `user`'s sign-off, by kind and title."""
    found = [item for awaiting in AWAITING for item in awaiting(user)]
    return sorted(found, key=lambda item: (item.kind, item.title))


def submitted_for(user, returns, *, unit: str):
    """The submitted returns of `returns` (a queryset) that `user` may sign off: for the units
    they sign off for (`unit` is the lookup to the return's unit), never their own
    submissions."""
    from organisation.permissions import Action, can, sign_off_unit_ids
    from signoff.models import ReturnState

    if not can(user, Action.APPROVE_VALUE):
        return returns.none()
    return returns.filter(
        state=ReturnState.SUBMITTED, **{f"{unit}__in": sign_off_unit_ids(user)}
    ).exclude(submitted_by=user)
