"""Risks and reviews for the tests, reviews moved through the real workflow."""

from __future__ import annotations

import datetime

import factory

from organisation.tests.factories import OrgUnitFactory, UserFactory
from risks.models import Risk, RiskLevel, RiskReview
from risks.workflow import approve_review, record_review


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    reference = factory.Sequence(lambda n: f"SR-{n:02d}")
    title = factory.Sequence(lambda n: f"Risk {n}")
    level = RiskLevel.SERVICE
    cause = "Contractor capacity is stretched"
    event = "Collections are missed"
    effect = "Complaints and a backlog"
    owner = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    target_likelihood = 2
    target_impact = 2
    opened_on = datetime.date(2025, 4, 1)


def scores(
    current: tuple[int, int],
    *,
    on: datetime.date,
    inherent: tuple[int, int] = (5, 5),
    target: tuple[int, int] = (2, 2),
    note: str = "",
) -> dict:
    """A review's entries: (likelihood, impact) pairs and its date."""
    return {
        "reviewed_on": on,
        "inherent_likelihood": inherent[0],
        "inherent_impact": inherent[1],
        "current_likelihood": current[0],
        "current_impact": current[1],
        "target_likelihood": target[0],
        "target_impact": target[1],
        "note": note,
    }


def signed_off_review(risk: Risk, *, by, approver, **entries) -> RiskReview:
    """A review recorded, submitted by `by` and signed off by `approver`."""
    review = record_review(risk=risk, entries=scores(**entries), by=by, submitting=True)
    return approve_review(review=review, by=approver)
