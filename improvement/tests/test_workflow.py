"""An action update goes through the one sign-off workflow, and its action follows it."""

import datetime

import pytest
from django.utils import timezone

from improvement.models import ActionUpdate
from improvement.tests.factories import ImprovementActionFactory
from improvement.workflow import (
    ACTION_CLOSED,
    CYCLE_CLOSED,
    EVIDENCE_REQUIRED,
    OWN_SUBMISSION,
    PROGRESS_REQUIRED,
    STALE,
    InvalidEntry,
    StaleError,
    WorkflowError,
    approve_action_update,
    record_action_update,
    return_action_update,
    revise_action_update,
    revisions_of,
    submit_action_update,
)
from indicators.models import Period
from organisation.tests.personas import CLOSED_PERIOD, OPEN_PERIOD
from signoff.models import ReturnState, RevisionAction
from status.improvement import ActionState

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(town):
    return ImprovementActionFactory(
        finding__unit=town.waste, owner=town.person("officer"), due_on=datetime.date(2026, 12, 31)
    )


def draft(town, action, **entries):
    return record_action_update(
        action=action,
        period=Period.objects.get(code=OPEN_PERIOD),
        entries={"reported_state": "in_progress", "progress": "Register drafted", **entries},
        by=town.person("officer"),
    )


def test_record_submit_return_revise_sign_off_keeps_every_revision(town, action):
    officer, approver = town.person("officer"), town.person("approver")
    update = draft(town, action)
    update = submit_action_update(update=update, by=officer)
    update = return_action_update(update=update, by=approver, reason="Say which contracts")
    assert update.state == ReturnState.RETURNED

    update = record_action_update(
        action=action,
        period=update.period,
        entries={"progress": "Register drafted: 41 contracts"},
        by=officer,
        expected_version=update.lock_version,
    )
    update = submit_action_update(update=update, by=officer)
    update = approve_action_update(update=update, by=approver)
    assert update.state == ReturnState.APPROVED

    update = revise_action_update(
        update=update,
        entries={"progress": "Register drafted: 42 contracts"},
        by=officer,
        reason="One contract was missed",
    )
    update = approve_action_update(update=update, by=approver)

    revisions = list(revisions_of(update))
    assert [r.action for r in revisions] == [
        RevisionAction.RECORDED,
        RevisionAction.SUBMITTED,
        RevisionAction.RETURNED,
        RevisionAction.EDITED,
        RevisionAction.SUBMITTED,
        RevisionAction.APPROVED,
        RevisionAction.REVISED,
        RevisionAction.APPROVED,
    ]
    assert revisions[2].reason == "Say which contracts"
    assert revisions[6].reason == "One contract was missed"
    assert revisions[6].before["progress"] == "Register drafted: 41 contracts"
    assert revisions[6].after["progress"] == "Register drafted: 42 contracts"


def test_a_stale_save_is_refused(town, action):
    update = draft(town, action)
    old_version = update.lock_version
    record_action_update(
        action=action,
        period=update.period,
        entries={"progress": "Someone else's words"},
        by=town.person("performance"),
    )

    with pytest.raises(StaleError) as refused:
        record_action_update(
            action=action,
            period=update.period,
            entries={"progress": "My words"},
            by=town.person("officer"),
            expected_version=old_version,
        )

    assert str(refused.value) == STALE
    assert ActionUpdate.objects.get(pk=update.pk).progress == "Someone else's words"


def test_on_sign_off_the_action_takes_the_reported_state_and_completion(town, action):
    update = draft(town, action, reported_state="complete", evidence="Register published")
    update = submit_action_update(update=update, by=town.person("officer"))
    update = approve_action_update(update=update, by=town.person("approver"))

    action.refresh_from_db()
    assert action.state == ActionState.complete
    assert action.completed_on == timezone.localdate(update.approved_at)
    assert action.evidence == "Register published"


def test_before_sign_off_the_action_keeps_its_state(town, action):
    update = draft(town, action, reported_state="complete", evidence="Register published")
    submit_action_update(update=update, by=town.person("officer"))

    action.refresh_from_db()
    assert action.state == ActionState.open


def test_submitting_needs_progress_and_complete_needs_evidence(town, action):
    update = draft(town, action, reported_state="complete", progress="")

    with pytest.raises(InvalidEntry) as refused:
        submit_action_update(update=update, by=town.person("officer"))

    assert refused.value.problems == {
        "progress": PROGRESS_REQUIRED,
        "evidence": EVIDENCE_REQUIRED,
    }


def test_nobody_signs_off_their_own_submission(town, action):
    update = submit_action_update(update=draft(town, action), by=town.person("approver"))

    with pytest.raises(WorkflowError, match=OWN_SUBMISSION):
        approve_action_update(update=update, by=town.person("approver"))


def test_a_closed_cycle_locks_its_period(town, action):
    with pytest.raises(WorkflowError) as refused:
        record_action_update(
            action=action,
            period=Period.objects.get(code=CLOSED_PERIOD),
            entries={"reported_state": "open"},
            by=town.person("officer"),
        )

    assert str(refused.value) == CYCLE_CLOSED.format(period="Q1 2026/27")


def test_a_complete_action_takes_no_new_update(town):
    done = ImprovementActionFactory(finding__unit=town.waste, state=ActionState.complete.value)

    with pytest.raises(WorkflowError, match=ACTION_CLOSED.format(state="complete")):
        draft(town, done)


def test_an_older_period_signed_off_late_does_not_undo_a_newer_one(town, action):
    officer, approver = town.person("officer"), town.person("approver")
    newer = submit_action_update(update=draft(town, action), by=officer)
    approve_action_update(update=newer, by=approver)
    older = record_action_update(
        action=action,
        period=Period.objects.get(code="2025-26-Q4"),
        entries={"reported_state": "open", "progress": "Not started"},
        by=officer,
    )
    older = submit_action_update(update=older, by=officer)

    approve_action_update(update=older, by=approver)

    action.refresh_from_db()
    assert action.state == ActionState.in_progress
