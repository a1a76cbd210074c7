"""Risk reviews in "Your returns" (overdue or started ones, for the risk's owner) and in the
sign-off queue (submitted ones, for the approvers of the risk's unit). Today is 16 October
2026."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from organisation.tests.personas import sign_in
from risks.tests.factories import RiskFactory, scores, signed_off_review
from risks.workflow import approve_review, record_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def risk(town, officer, approver):
    """Owned by the Waste officer; last reviewed 30 June 2026, so due again 30 September."""
    risk = RiskFactory(reference="SR-07", title="Depot fire", owner=officer, unit=town.waste)
    signed_off_review(
        risk, by=officer, approver=approver, current=(3, 4), on=datetime.date(2026, 6, 30)
    )
    return risk


def page(client, person, name) -> str:
    return sign_in(client, person).get(reverse(name)).content.decode()


def test_an_overdue_review_waits_on_its_owners_returns(client, town, officer, risk):
    text = page(client, officer, "returns:mine")

    assert "SR-07 Depot fire" in text
    assert "Review due 30 September 2026" in text and "Overdue" in text
    assert reverse("risks:risk", args=[risk.pk]) in text
    assert "SR-07" not in page(client, town.person("other_officer"), "returns:mine")


def test_a_submitted_review_waits_for_the_units_approver_only(client, town, officer, risk):
    record_review(
        risk=risk,
        entries=scores((2, 4), on=datetime.date(2026, 10, 15)),
        by=officer,
        submitting=True,
    )

    assert "SR-07" not in page(client, officer, "returns:mine")
    waiting = page(client, town.person("approver"), "returns:sign_off")
    assert "SR-07 Depot fire" in waiting and "Reviewed 15 October 2026" in waiting
    assert "SR-07" not in page(client, town.person("other_approver"), "returns:sign_off")


def test_a_directorate_risks_review_waits_for_its_director(client, town, officer, director):
    """Place's own risk: nobody below the directorate signs it off; its director does, from
    the same queue, and never a review they submitted themselves."""
    risk = RiskFactory(reference="DR-03", title="Fleet replacement", owner=officer, unit=town.place)
    review = record_review(
        risk=risk,
        entries=scores((3, 3), on=datetime.date(2026, 10, 15)),
        by=officer,
        submitting=True,
    )

    waiting = page(client, director, "returns:sign_off")
    assert "DR-03 Fleet replacement" in waiting
    assert "DR-03" not in page(client, town.person("approver"), "returns:sign_off")

    approve_review(review=review, by=director)
    review.refresh_from_db()
    assert review.state == "approved" and review.approved_by == director
    assert "DR-03" not in page(client, director, "returns:sign_off")


def test_a_director_does_not_sign_off_a_services_review(town, officer, director, risk):
    review = record_review(
        risk=risk,
        entries=scores((2, 4), on=datetime.date(2026, 10, 15)),
        by=officer,
        submitting=True,
    )

    with pytest.raises(PermissionDenied):
        approve_review(review=review, by=director)
