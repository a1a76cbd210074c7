"""The sign-off workflow of a value: record, edit, submit, return, approve, revise.

Every change is checked through what a caller sees afterwards: the stored value and its
kept revisions (who, when, why, before and after).
"""

import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.entries import MAX_TEXT_LENGTH, TEXT_TOO_LONG, TOO_LARGE
from indicators.models import Baseline, RevisionAction, Value, ValueRevision, ValueState
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, period
from indicators.validation import FIGURE_MISMATCH, FIGURE_OR_REASON, PERCENT_RANGE
from indicators.workflow import (
    NOT_EDITABLE,
    NOT_SIGNED_OFF,
    OWN_SUBMISSION,
    REASON_REQUIRED,
    STALE,
    InvalidFigure,
    StaleValueError,
    WorkflowError,
    approve_value,
    record_value,
    return_value,
    revise_value,
    submit_value,
)
from organisation.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def q1():
    """Periods for 2024/25 exist; Q1 2024/25 is the period figures are entered for."""
    ensure_periods(first_year=2024, last_year=2024)
    return period("2024-25-Q1")


@pytest.fixture
def indicator():
    """A quarterly percentage indicator (higher is better), version 1 kept."""
    return IndicatorFactory(code="WST-01", title="Household waste recycled")


@pytest.fixture
def officer():
    return UserFactory(username="officer")


@pytest.fixture
def approver():
    return UserFactory(username="approver")


def record(indicator, q1, by, figure, **entries):
    return record_value(
        indicator=indicator,
        period=q1,
        entries={"figure": Decimal(figure), **entries},
        by=by,
    )


def trail(value):
    """The value's revisions as (number, action, who, reason), oldest first."""
    return [
        (r.number, r.action, r.changed_by.username if r.changed_by else None, r.reason)
        for r in ValueRevision.objects.filter(value=value).order_by("number")
    ]


def test_recording_a_figure_creates_a_draft_with_a_recorded_revision(indicator, q1, officer):
    before = timezone.now()

    value = record(indicator, q1, officer, "41.5", commentary="Up on last quarter")

    stored = Value.objects.get(indicator=indicator, period=q1)
    assert stored.pk == value.pk
    assert stored.state == ValueState.DRAFT
    assert stored.figure == Decimal("41.5")
    assert stored.commentary == "Up on last quarter"
    assert stored.lock_version == 1
    assert stored.entered_by == officer
    assert before <= stored.entered_at <= timezone.now()

    [revision] = stored.revisions.all()
    assert revision.number == 1
    assert revision.action == RevisionAction.RECORDED
    assert revision.changed_by == officer
    assert before <= revision.changed_at <= timezone.now()
    assert revision.before is None
    assert Decimal(revision.after["figure"]) == Decimal("41.5")
    assert revision.after["commentary"] == "Up on last quarter"
    assert revision.after["state"] == ValueState.DRAFT


def test_editing_a_draft_writes_an_edited_revision_with_before_and_after(indicator, q1, officer):
    value = record(indicator, q1, officer, "41.5")

    edited = record_value(
        indicator=indicator,
        period=q1,
        entries={"figure": Decimal("42.0"), "commentary": "Corrected from the source"},
        by=officer,
        expected_version=value.lock_version,
    )

    stored = Value.objects.get(pk=value.pk)
    assert edited.pk == value.pk
    assert stored.figure == Decimal("42.0")
    assert stored.lock_version == 2
    assert stored.state == ValueState.DRAFT
    assert trail(stored) == [
        (1, RevisionAction.RECORDED, "officer", ""),
        (2, RevisionAction.EDITED, "officer", ""),
    ]
    revision = stored.revisions.get(number=2)
    assert Decimal(revision.before["figure"]) == Decimal("41.5")
    assert revision.before["commentary"] == ""
    assert Decimal(revision.after["figure"]) == Decimal("42.0")
    assert revision.after["commentary"] == "Corrected from the source"


def test_each_revision_starts_where_the_previous_one_ended(indicator, q1, officer):
    """An auditor can follow the trail: each revision's before is the previous one's after."""
    value = record(indicator, q1, officer, "41.5")
    record(indicator, q1, officer, "42.25")
    submit_value(value=value, by=officer)

    revisions = list(Value.objects.get(pk=value.pk).revisions.order_by("number"))

    assert len(revisions) == 3
    for previous, current in itertools.pairwise(revisions):
        assert current.before == previous.after, (previous.number, current.number)


def test_an_edit_that_changes_nothing_writes_nothing(indicator, q1, officer):
    value = record(indicator, q1, officer, "41.5", commentary="As reported")

    record(indicator, q1, officer, "41.500", commentary="As reported")

    stored = Value.objects.get(pk=value.pk)
    assert stored.lock_version == 1
    assert stored.revisions.count() == 1


def test_submit_then_approve_signs_off_and_keeps_the_trail(indicator, q1, officer, approver):
    value = record(indicator, q1, officer, "41.5")
    submit_value(value=value, by=officer, expected_version=1)
    before_approval = timezone.now()

    approve_value(value=value, by=approver, expected_version=2)

    stored = Value.objects.get(pk=value.pk)
    assert stored.state == ValueState.APPROVED
    assert stored.is_signed_off
    assert stored.submitted_by == officer
    assert stored.approved_by == approver
    assert before_approval <= stored.approved_at <= timezone.now()
    assert stored.lock_version == 3
    assert trail(stored) == [
        (1, RevisionAction.RECORDED, "officer", ""),
        (2, RevisionAction.SUBMITTED, "officer", ""),
        (3, RevisionAction.APPROVED, "approver", ""),
    ]
    approved = stored.revisions.get(number=3)
    assert approved.before["state"] == ValueState.SUBMITTED
    assert approved.after["state"] == ValueState.APPROVED


def test_the_submitter_cannot_sign_off_their_own_figure(indicator, q1, officer):
    value = record(indicator, q1, officer, "41.5")
    submit_value(value=value, by=officer)

    with pytest.raises(WorkflowError) as refused:
        approve_value(value=value, by=officer)

    assert str(refused.value) == OWN_SUBMISSION
    stored = Value.objects.get(pk=value.pk)
    assert stored.state == ValueState.SUBMITTED
    assert stored.approved_by is None
    assert stored.approved_at is None
    assert stored.lock_version == 2
    assert stored.revisions.count() == 2


def test_returning_needs_a_reason(indicator, q1, officer, approver):
    value = record(indicator, q1, officer, "41.5")
    submit_value(value=value, by=officer)

    with pytest.raises(WorkflowError) as refused:
        return_value(value=value, by=approver, reason="   ")

    assert str(refused.value) == REASON_REQUIRED
    stored = Value.objects.get(pk=value.pk)
    assert stored.state == ValueState.SUBMITTED
    assert stored.revisions.count() == 2


def test_returning_with_a_reason_moves_the_figure_to_returned(indicator, q1, officer, approver):
    value = record(indicator, q1, officer, "41.5")
    submit_value(value=value, by=officer)

    return_value(value=value, by=approver, reason="Q1 tonnage excludes June")

    stored = Value.objects.get(pk=value.pk)
    assert stored.state == ValueState.RETURNED
    assert stored.approved_by is None
    assert trail(stored)[-1] == (
        3,
        RevisionAction.RETURNED,
        "approver",
        "Q1 tonnage excludes June",
    )


def test_a_returned_figure_can_be_corrected_and_resubmitted(indicator, q1, officer, approver):
    value = record(indicator, q1, officer, "41.5")
    submit_value(value=value, by=officer)
    return_value(value=value, by=approver, reason="Q1 tonnage excludes June")

    record_value(
        indicator=indicator,
        period=q1,
        entries={"figure": Decimal("43.1")},
        by=officer,
        expected_version=3,
        reason="June tonnage added",
    )
    submit_value(value=value, by=officer, expected_version=4)

    stored = Value.objects.get(pk=value.pk)
    assert stored.state == ValueState.SUBMITTED
    assert stored.figure == Decimal("43.1")
    assert [action for _, action, _, _ in trail(stored)] == [
        RevisionAction.RECORDED,
        RevisionAction.SUBMITTED,
        RevisionAction.RETURNED,
        RevisionAction.EDITED,
        RevisionAction.SUBMITTED,
    ]
    edited = stored.revisions.get(number=4)
    assert edited.reason == "June tonnage added"
    assert Decimal(edited.before["figure"]) == Decimal("41.5")
    assert Decimal(edited.after["figure"]) == Decimal("43.1")


def test_a_signed_off_figure_cannot_be_edited_as_a_draft(indicator, q1, officer, approver):
    value = record(indicator, q1, officer, "41.5")
    submit_value(value=value, by=officer)
    approve_value(value=value, by=approver)

    with pytest.raises(WorkflowError) as refused:
        record(indicator, q1, officer, "50")

    assert str(refused.value) == NOT_EDITABLE.format(state="signed off")
    stored = Value.objects.get(pk=value.pk)
    assert stored.figure == Decimal("41.5")
    assert stored.state == ValueState.APPROVED
    assert stored.revisions.count() == 3


def test_only_a_signed_off_figure_can_be_revised(indicator, q1, officer):
    value = record(indicator, q1, officer, "41.5")

    with pytest.raises(WorkflowError) as refused:
        revise_value(value=value, entries={"figure": Decimal("50")}, by=officer, reason="Typo")

    assert str(refused.value) == NOT_SIGNED_OFF
    assert Value.objects.get(pk=value.pk).figure == Decimal("41.5")


def test_revising_a_signed_off_figure_needs_a_reason(indicator, q1, officer, approver):
    value = record(indicator, q1, officer, "41.5")
    submit_value(value=value, by=officer)
    approve_value(value=value, by=approver)

    with pytest.raises(WorkflowError) as refused:
        revise_value(value=value, entries={"figure": Decimal("39.9")}, by=officer, reason="")

    assert str(refused.value) == REASON_REQUIRED
    stored = Value.objects.get(pk=value.pk)
    assert stored.figure == Decimal("41.5")
    assert stored.state == ValueState.APPROVED
    assert stored.approved_by == approver


def test_revising_after_sign_off_reopens_approval_and_keeps_every_revision(
    indicator, q1, officer, approver
):
    """The full history of a figure, including a change after sign-off, in order."""
    value = record(indicator, q1, officer, "41.5")
    record(indicator, q1, officer, "41.7")
    submit_value(value=value, by=officer)
    approve_value(value=value, by=approver)

    revise_value(
        value=value,
        entries={"figure": Decimal("39.9"), "commentary": "Contractor restated June"},
        by=officer,
        reason="Contractor restated June tonnage",
        expected_version=4,
    )

    stored = Value.objects.get(pk=value.pk)
    assert stored.state == ValueState.SUBMITTED
    assert stored.approved_by is None
    assert stored.approved_at is None
    assert stored.submitted_by == officer
    assert stored.figure == Decimal("39.9")
    assert stored.lock_version == 5
    assert trail(stored) == [
        (1, RevisionAction.RECORDED, "officer", ""),
        (2, RevisionAction.EDITED, "officer", ""),
        (3, RevisionAction.SUBMITTED, "officer", ""),
        (4, RevisionAction.APPROVED, "approver", ""),
        (5, RevisionAction.REVISED, "officer", "Contractor restated June tonnage"),
    ]
    times = [r.changed_at for r in stored.revisions.order_by("number")]
    assert times == sorted(times)
    revised = stored.revisions.get(number=5)
    assert revised.before["state"] == ValueState.APPROVED
    assert Decimal(revised.before["figure"]) == Decimal("41.7")
    assert revised.before["commentary"] == ""
    assert revised.after["state"] == ValueState.SUBMITTED
    assert Decimal(revised.after["figure"]) == Decimal("39.9")
    assert revised.after["commentary"] == "Contractor restated June"

    # The revised figure goes through sign-off again.
    approve_value(value=stored, by=approver, expected_version=5)
    assert Value.objects.get(pk=value.pk).state == ValueState.APPROVED
    assert [action for _, action, _, _ in trail(stored)][-2:] == [
        RevisionAction.REVISED,
        RevisionAction.APPROVED,
    ]


def test_revising_a_signed_off_figure_is_checked_like_any_other_entry(
    indicator, q1, officer, approver
):
    """250% through "revise" is refused just as the form and the imports refuse it."""
    value = record(indicator, q1, officer, "41.5")
    submit_value(value=value, by=officer)
    approve_value(value=value, by=approver)

    with pytest.raises(InvalidFigure) as refused:
        revise_value(value=value, entries={"figure": Decimal("250")}, by=officer, reason="Typo")

    assert refused.value.problems == {"figure": PERCENT_RANGE.format(title=indicator.title)}
    stored = Value.objects.get(pk=value.pk)
    assert (stored.figure, stored.state) == (Decimal("41.5"), ValueState.APPROVED)
    assert stored.revisions.count() == 3


def test_a_recorded_figure_is_checked_against_its_definition(indicator, q1, officer):
    with pytest.raises(InvalidFigure) as refused:
        record(indicator, q1, officer, "-3")

    assert refused.value.problems == {"figure": PERCENT_RANGE.format(title=indicator.title)}
    assert not Value.objects.filter(indicator=indicator).exists()


def test_a_figure_must_match_its_numerator_and_denominator(q1, officer):
    ratio = IndicatorFactory(
        title="Household waste recycled", numerator_label="Recycled", denominator_label="Collected"
    )
    value = record(ratio, q1, officer, "40", numerator=Decimal("20"), denominator=Decimal("50"))

    with pytest.raises(InvalidFigure) as refused:
        record_value(
            indicator=ratio,
            period=q1,
            entries={"figure": Decimal("45")},
            by=officer,
            expected_version=value.lock_version,
        )

    assert refused.value.problems == {
        "figure": FIGURE_MISMATCH.format(
            title="Household waste recycled", figure="45.0%", expected="40.0%"
        )
    }
    assert Value.objects.get(pk=value.pk).figure == Decimal("40")


def test_a_figure_given_to_more_places_matches_parts_it_rounds_away_from(q1, officer):
    """17990 ÷ 20000.3 is 89.9487…%: shown to one place the parts give 89.9, the figure 90.0."""
    ratio = IndicatorFactory(numerator_label="Cleared", denominator_label="Reported")
    numerator, denominator = Decimal("17990"), Decimal("20000.3")

    value = record(ratio, q1, officer, "89.950", numerator=numerator, denominator=denominator)

    assert value.figure == Decimal("89.950")


def test_a_figure_is_submitted_only_with_a_figure_or_a_reason_for_none(indicator, q1, officer):
    value = record_value(
        indicator=indicator, period=q1, entries={"commentary": "Not yet known"}, by=officer
    )

    with pytest.raises(InvalidFigure) as refused:
        submit_value(value=value, by=officer)

    assert refused.value.problems == {"figure": FIGURE_OR_REASON.format(title=indicator.title)}
    assert Value.objects.get(pk=value.pk).state == ValueState.DRAFT


def test_a_save_from_an_out_of_date_copy_is_refused_and_loses_nothing(indicator, q1, officer):
    """Two people open the same draft; the second to save is told to reload."""
    colleague = UserFactory(username="colleague")
    record(indicator, q1, officer, "41.5")
    first_copy = Value.objects.get(indicator=indicator, period=q1)
    second_copy = Value.objects.get(indicator=indicator, period=q1)
    assert first_copy.lock_version == second_copy.lock_version == 1

    record_value(
        indicator=indicator,
        period=q1,
        entries={"figure": Decimal("42.0")},
        by=officer,
        expected_version=first_copy.lock_version,
    )
    with pytest.raises(StaleValueError) as refused:
        record_value(
            indicator=indicator,
            period=q1,
            entries={"figure": Decimal("99.0"), "commentary": "Colleague's version"},
            by=colleague,
            expected_version=second_copy.lock_version,
        )

    assert str(refused.value) == STALE
    stored = Value.objects.get(pk=first_copy.pk)
    assert stored.figure == Decimal("42.0")
    assert stored.commentary == ""
    assert stored.lock_version == 2
    assert trail(stored) == [
        (1, RevisionAction.RECORDED, "officer", ""),
        (2, RevisionAction.EDITED, "officer", ""),
    ]


def test_a_stale_copy_cannot_be_submitted_either(indicator, q1, officer):
    value = record(indicator, q1, officer, "41.5")
    record(indicator, q1, officer, "42.0")

    with pytest.raises(StaleValueError):
        submit_value(value=value, by=officer, expected_version=1)

    assert Value.objects.get(pk=value.pk).state == ValueState.DRAFT


def test_a_from_now_baseline_takes_the_first_signed_off_figure(indicator, q1, officer, approver):
    Baseline.objects.create(indicator=indicator, is_from_now=True, value=None)
    q2 = period("2024-25-Q2")

    first = record(indicator, q1, officer, "41.5")
    submit_value(value=first, by=officer)
    # Not yet signed off: the baseline is still waiting.
    assert Baseline.objects.get(indicator=indicator).value is None
    approve_value(value=first, by=approver)

    baseline = Baseline.objects.get(indicator=indicator)
    assert baseline.value == Decimal("41.5")
    assert baseline.period == q1

    later = record_value(
        indicator=indicator, period=q2, entries={"figure": Decimal("47")}, by=officer
    )
    submit_value(value=later, by=officer)
    approve_value(value=later, by=approver)

    baseline = Baseline.objects.get(indicator=indicator)
    assert baseline.value == Decimal("41.5")
    assert baseline.period == q1


def test_entries_a_value_cannot_hold_are_refused_on_every_path(indicator, q1, officer, approver):
    """Commentary over the length limit, or a figure too large to store, is refused by the
    workflow itself, so no page, import or admin form can save it."""
    too_long = "x" * (MAX_TEXT_LENGTH + 1)
    with pytest.raises(WorkflowError) as new_value:
        record(indicator, q1, officer, "41.5", commentary=too_long)
    assert str(new_value.value) == TEXT_TOO_LONG.format(
        what="The commentary", length=MAX_TEXT_LENGTH + 1, limit=MAX_TEXT_LENGTH
    )
    assert not Value.objects.exists()

    value = record(indicator, q1, officer, "41.5")
    with pytest.raises(WorkflowError) as edit:
        record(indicator, q1, officer, "1E+15")
    assert str(edit.value) == "The figure: " + TOO_LARGE.format(text="1000000000000000")
    submit_value(value=value, by=officer)
    approve_value(value=value, by=approver)
    with pytest.raises(WorkflowError):
        revise_value(
            value=value, entries={"actions": too_long}, by=officer, reason="Longer actions"
        )

    stored = Value.objects.get(pk=value.pk)
    assert (stored.figure, stored.actions, stored.state) == (
        Decimal("41.5"),
        "",
        ValueState.APPROVED,
    )
    assert len(trail(stored)) == 3
