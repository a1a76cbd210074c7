"""A risk review through the one workflow: submit, return with a reason, correct, sign off,
revise; every revision kept, a stale save refused, the review's own checks named by field."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from organisation.models import Role
from organisation.tests.factories import UserFactory
from risks import workflow
from risks.models import RiskReview
from risks.tests.factories import RiskFactory, scores, signed_off_review
from risks.workflow import (
    InvalidEntry,
    StaleError,
    WorkflowError,
    approve_review,
    record_review,
    return_review,
    revise_review,
    submit_review,
)
from signoff.models import ReturnState, RevisionAction

pytestmark = pytest.mark.django_db

SEPT = datetime.date(2026, 9, 30)


@pytest.fixture
def risk(town, director):
    return RiskFactory(reference="WR-01", unit=town.waste, owner=director)


def test_a_review_goes_through_return_correction_sign_off_and_revision(risk, officer, approver):
    review = record_review(risk=risk, entries=scores((4, 4), on=SEPT), by=officer)
    review = submit_review(review=review, by=officer, expected_version=review.lock_version)
    review = return_review(review=review, by=approver, reason="Impact looks too high")
    assert review.state == ReturnState.RETURNED

    review = record_review(
        risk=risk,
        review=review,
        entries=scores((4, 3), on=SEPT),
        by=officer,
        expected_version=review.lock_version,
        submitting=True,
    )
    review = approve_review(review=review, by=approver)
    assert review.state == ReturnState.APPROVED
    assert (review.current_likelihood, review.current_impact) == (4, 3)

    review = revise_review(
        review=review,
        entries={"note": "Contract renewed"},
        by=officer,
        reason="Note the renewal",
        expected_version=review.lock_version,
    )
    approve_review(review=review, by=approver)

    kept = list(workflow.revisions(review))
    assert [r.action for r in kept] == [
        RevisionAction.RECORDED,
        RevisionAction.SUBMITTED,
        RevisionAction.RETURNED,
        RevisionAction.EDITED,
        RevisionAction.SUBMITTED,
        RevisionAction.APPROVED,
        RevisionAction.REVISED,
        RevisionAction.APPROVED,
    ]
    assert kept[2].reason == "Impact looks too high"
    assert kept[3].before["current_impact"] == 4
    assert kept[3].after["current_impact"] == 3
    assert kept[6].reason == "Note the renewal"
    assert kept[6].after["note"] == "Contract renewed"


def test_a_stale_save_is_refused_saying_someone_else_changed_it(risk, officer, town):
    review = record_review(risk=risk, entries=scores((3, 3), on=SEPT), by=officer)
    opened_version = review.lock_version
    record_review(
        risk=risk,
        review=review,
        entries={"note": "First"},
        by=town.person("performance"),
        expected_version=opened_version,
    )
    with pytest.raises(StaleError) as refused:
        record_review(
            risk=risk,
            review=review,
            entries={"note": "Mine"},
            by=officer,
            expected_version=opened_version,
        )
    assert str(refused.value) == workflow.STALE
    assert "risk review" in workflow.STALE
    assert RiskReview.objects.get(pk=review.pk).note == "First"


@pytest.mark.parametrize(
    ("field", "value"),
    [("current_impact", 6), ("inherent_likelihood", 0), ("target_impact", None)],
)
def test_a_score_outside_one_to_five_is_refused_naming_the_field(risk, officer, field, value):
    entries = {**scores((3, 3), on=SEPT), field: value}
    with pytest.raises(InvalidEntry) as refused:
        record_review(risk=risk, entries=entries, by=officer)
    assert set(refused.value.problems) == {field}
    label = workflow.SCORE_FIELDS[field]
    assert refused.value.problems[field] == workflow.SCORE_OUT_OF_RANGE.format(label=label)
    assert not RiskReview.objects.exists()


def test_a_review_dated_in_the_future_is_refused(risk, officer):
    tomorrow = datetime.date(2026, 10, 17)  # today is 16 October 2026
    with pytest.raises(InvalidEntry) as refused:
        record_review(risk=risk, entries=scores((3, 3), on=tomorrow), by=officer)
    message = refused.value.problems["reviewed_on"]
    assert message.startswith("Review date: ")
    assert "future" in message and "17 October 2026" in message


def test_today_is_not_the_future(risk, officer):
    review = record_review(
        risk=risk, entries=scores((3, 3), on=datetime.date(2026, 10, 16)), by=officer
    )
    assert review.pk is not None


def test_two_reviews_on_one_day_are_refused(risk, officer, approver):
    signed_off_review(risk, by=officer, approver=approver, current=(3, 3), on=SEPT)
    with pytest.raises(InvalidEntry) as refused:
        record_review(risk=risk, entries=scores((2, 3), on=SEPT), by=officer)
    assert refused.value.problems == {
        "reviewed_on": "Review date: two reviews on one day (30 September 2026)"
    }


def test_one_review_at_a_time(risk, officer):
    record_review(risk=risk, entries=scores((3, 3), on=SEPT), by=officer)
    with pytest.raises(WorkflowError, match="already has a review"):
        record_review(risk=risk, entries=scores((3, 3), on=SEPT.replace(day=29)), by=officer)


def test_nobody_signs_off_their_own_submission(risk, town):
    both = UserFactory(roles=[Role.DATA_OWNER, Role.APPROVER], units=[town.waste])
    review = record_review(risk=risk, entries=scores((3, 3), on=SEPT), by=both, submitting=True)
    with pytest.raises(WorkflowError) as refused:
        approve_review(review=review, by=both)
    assert str(refused.value) == workflow.OWN_SUBMISSION
    assert RiskReview.objects.get(pk=review.pk).state == ReturnState.SUBMITTED


def test_the_risk_owner_records_a_review_without_being_a_data_owner(risk, director):
    review = record_review(risk=risk, entries=scores((3, 3), on=SEPT), by=director)
    assert review.entered_by == director


def test_out_of_scope_people_cannot_review_or_sign_off(risk, officer, town):
    with pytest.raises(Http404):
        record_review(risk=risk, entries=scores((3, 3), on=SEPT), by=town.person("other_officer"))
    review = record_review(risk=risk, entries=scores((3, 3), on=SEPT), by=officer, submitting=True)
    with pytest.raises(Http404):
        approve_review(review=review, by=town.person("other_approver"))
    with pytest.raises(Http404):
        return_review(review=review, by=town.person("other_approver"), reason="No")


def test_a_signed_off_review_is_not_revised_while_another_is_open(risk, officer, approver):
    first = signed_off_review(risk, by=officer, approver=approver, current=(3, 3), on=SEPT)
    record_review(risk=risk, entries=scores((4, 4), on=datetime.date(2026, 10, 1)), by=officer)
    with pytest.raises(WorkflowError) as refused:
        revise_review(review=first, entries={"note": "x"}, by=officer, reason="Because")
    assert str(refused.value) == workflow.REVIEW_IN_PROGRESS
