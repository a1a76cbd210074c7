"""Project updates, risk reviews, forecasts, action updates and service plans tell people through
the one workflow: a submission tells whoever signs it off, a return with a reason tells whoever
entered and submitted it, a revision asks for sign-off again. Shown here with risk reviews on
the personas' council; the other kinds are checked in their own apps' tests."""

from __future__ import annotations

import datetime

import pytest

from notices.models import Notice, NoticeKind
from risks.tests.factories import RiskFactory, scores
from risks.workflow import approve_review, record_review, return_review, revise_review

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 10, 15)


def told(kind: str) -> dict[str, Notice]:
    return {n.recipient.username: n for n in Notice.objects.filter(kind=kind)}


@pytest.fixture
def depot(people):
    return RiskFactory(
        reference="SR-07", title="Depot fire", owner=people["officer"], unit=people.town.waste
    )


def test_a_submitted_review_tells_the_units_approver_and_nobody_else(people, depot):
    record_review(risk=depot, entries=scores((3, 4), on=ON), by=people["officer"], submitting=True)

    notices = told(NoticeKind.RETURN_SUBMITTED)
    assert set(notices) == {people["approver"].username}
    notice = notices[people["approver"].username]
    assert notice.subject == "To sign off: risk review, SR-07 Depot fire (reviewed 15 October 2026)"
    assert "submitted the risk review for SR-07 Depot fire" in notice.summary
    assert notice.link == f"/risks/{depot.pk}/"


def test_a_directorate_risk_tells_its_director(people):
    fleet = RiskFactory(
        reference="DR-03", title="Fleet", owner=people["officer"], unit=people.town.place
    )

    record_review(risk=fleet, entries=scores((3, 3), on=ON), by=people["officer"], submitting=True)

    assert set(told(NoticeKind.RETURN_SUBMITTED)) == {people["director"].username}


def test_a_returned_review_tells_who_submitted_it_with_the_reason(people, depot):
    review = record_review(
        risk=depot, entries=scores((3, 4), on=ON), by=people["officer"], submitting=True
    )

    return_review(review=review, by=people["approver"], reason="The fire drill failed in May")

    notices = told(NoticeKind.RETURN_SENT_BACK)
    assert set(notices) == {people["officer"].username}
    notice = notices[people["officer"].username]
    assert notice.subject == "Returned for correction: SR-07 Depot fire (reviewed 15 October 2026)"
    assert "Their reason: The fire drill failed in May" in notice.summary


def test_a_revised_review_asks_for_sign_off_again_once(people, depot):
    review = record_review(
        risk=depot, entries=scores((3, 4), on=ON), by=people["officer"], submitting=True
    )
    review = approve_review(review=review, by=people["approver"])

    revise_review(
        review=review,
        entries={"current_likelihood": 4},
        by=people["officer"],
        reason="A second fire at the transfer station",
    )

    notices = Notice.objects.filter(
        kind=NoticeKind.RETURN_SUBMITTED, recipient=people["approver"]
    ).order_by("pk")
    assert len(notices) == 2  # the submission, then the revision: two events
    assert "revised the signed-off risk review" in notices[1].summary
    assert "A second fire at the transfer station" in notices[1].summary
    # Whoever acts is never told of their own act.
    assert not Notice.objects.filter(recipient=people["officer"]).exists()


def test_a_review_to_sign_off_is_read_once_it_is_decided(people, depot):
    review = record_review(
        risk=depot, entries=scores((3, 4), on=ON), by=people["officer"], submitting=True
    )
    asked = told(NoticeKind.RETURN_SUBMITTED)[people["approver"].username]
    assert asked.read_at is None

    approve_review(review=review, by=people["approver"])

    asked.refresh_from_db()
    assert asked.read_at is not None
