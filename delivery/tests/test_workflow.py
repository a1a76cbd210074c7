from decimal import Decimal

import pytest

from delivery.models import ProjectUpdate
from delivery.workflow import (
    CYCLE_CLOSED,
    DONE_REQUIRED,
    OVERRIDE_REASON_REQUIRED,
    OWN_SUBMISSION,
    PERCENT_RANGE,
    PERCENT_REQUIRED,
    PROJECT_CLOSED,
    REASON_REQUIRED,
    STALE,
    InvalidEntry,
    StaleError,
    WorkflowError,
    approve_update,
    record_update,
    return_update,
    revise_update,
    revisions_of,
    submit_update,
    update_reading,
)
from indicators.models import Period
from organisation.tests.personas import CLOSED_PERIOD, OPEN_PERIOD
from signoff.models import ReturnState
from status.delivery import DeliveryStatus

pytestmark = pytest.mark.django_db


def _open_period():
    return Period.objects.get(code=OPEN_PERIOD)


def test_an_update_goes_through_submit_return_revise_and_sign_off(town, project):
    officer, approver = town.person("officer"), town.person("approver")
    update = record_update(
        project=project,
        period=_open_period(),
        entries={"percent_complete": 40, "done": "Tender issued"},
        by=officer,
    )
    update = submit_update(update=update, by=officer)
    update = return_update(update=update, by=approver, reason="The tender closed in August")
    assert update.state == ReturnState.RETURNED

    update = record_update(
        project=project,
        period=_open_period(),
        entries={"percent_complete": 45, "done": "Tender closed; contract awarded"},
        by=officer,
        expected_version=update.lock_version,
    )
    update = submit_update(update=update, by=officer, expected_version=update.lock_version)
    update = approve_update(update=update, by=approver)
    assert update.state == ReturnState.APPROVED

    update = revise_update(
        update=update,
        entries={"percent_complete": 50},
        by=officer,
        reason="Caddies counted again",
    )
    assert update.state == ReturnState.SUBMITTED
    update = approve_update(update=update, by=approver)

    revisions = list(revisions_of(update))
    assert [r.action for r in revisions] == [
        "recorded",
        "submitted",
        "returned",
        "edited",
        "submitted",
        "approved",
        "revised",
        "approved",
    ]
    assert revisions[2].reason == "The tender closed in August"
    assert revisions[3].before["percent_complete"] == 40
    assert revisions[3].after["percent_complete"] == 45
    assert revisions[6].reason == "Caddies counted again"
    assert revisions[6].after["percent_complete"] == 50
    assert ProjectUpdate.objects.get(pk=update.pk).percent_complete == 50


def test_a_stale_save_is_refused(town, project):
    officer = town.person("officer")
    first = record_update(
        project=project, period=_open_period(), entries={"percent_complete": 10}, by=officer
    )
    record_update(
        project=project,
        period=_open_period(),
        entries={"percent_complete": 20},
        by=town.person("performance"),
        expected_version=first.lock_version,
    )
    with pytest.raises(StaleError) as refused:
        record_update(
            project=project,
            period=_open_period(),
            entries={"percent_complete": 30},
            by=officer,
            expected_version=first.lock_version,
        )
    assert str(refused.value) == STALE
    assert ProjectUpdate.objects.get(pk=first.pk).percent_complete == 20


def test_a_closed_project_takes_no_update(town, project):
    project.state = "closed"
    project.save()
    with pytest.raises(WorkflowError, match=PROJECT_CLOSED):
        record_update(
            project=project,
            period=_open_period(),
            entries={"percent_complete": 10},
            by=town.person("officer"),
        )


def test_a_closed_cycle_locks_the_update(town, project):
    with pytest.raises(WorkflowError) as refused:
        record_update(
            project=project,
            period=Period.objects.get(code=CLOSED_PERIOD),
            entries={"percent_complete": 10},
            by=town.person("officer"),
        )
    assert str(refused.value) == CYCLE_CLOSED.format(period="Q1 2026/27")
    assert not ProjectUpdate.objects.exists()


@pytest.mark.parametrize("percent", [101, -1, Decimal("50.5")])
def test_percent_complete_is_a_whole_number_from_0_to_100(town, project, percent):
    with pytest.raises(InvalidEntry) as refused:
        record_update(
            project=project,
            period=_open_period(),
            entries={"percent_complete": percent},
            by=town.person("officer"),
        )
    assert refused.value.problems == {"percent_complete": PERCENT_RANGE}


def test_an_override_needs_a_reason(town, project):
    with pytest.raises(InvalidEntry) as refused:
        record_update(
            project=project,
            period=_open_period(),
            entries={"percent_complete": 10, "status_override": DeliveryStatus.on_track},
            by=town.person("officer"),
        )
    assert refused.value.problems == {"override_reason": OVERRIDE_REASON_REQUIRED}


def test_submitting_needs_percent_complete_and_what_was_done(town, project):
    officer = town.person("officer")
    update = record_update(
        project=project, period=_open_period(), entries={"issues": "None yet"}, by=officer
    )
    with pytest.raises(InvalidEntry) as refused:
        submit_update(update=update, by=officer)
    assert refused.value.problems == {
        "percent_complete": PERCENT_REQUIRED,
        "done": DONE_REQUIRED,
    }
    assert ProjectUpdate.objects.get(pk=update.pk).state == ReturnState.DRAFT


def test_returning_needs_a_reason_and_nobody_signs_off_their_own(town, project, updates):
    update = updates.submitted(project, OPEN_PERIOD, 50)
    with pytest.raises(WorkflowError, match=REASON_REQUIRED):
        return_update(update=update, by=town.person("approver"), reason="  ")
    with pytest.raises(WorkflowError) as refused:
        approve_update(update=update, by=town.person("officer"))
    assert str(refused.value) == OWN_SUBMISSION


@pytest.mark.parametrize(
    ("percent", "entries", "shown", "calculated"),
    [
        # Q2 ends 30 September 2026: 182 of the project's 364 days, so 50% expected.
        (50, {}, DeliveryStatus.on_track, DeliveryStatus.on_track),
        (20, {}, DeliveryStatus.at_risk, DeliveryStatus.at_risk),  # expected - 30, inclusive
        (19, {}, DeliveryStatus.off_track, DeliveryStatus.off_track),
        (100, {}, DeliveryStatus.complete, DeliveryStatus.complete),
        (30, {"deferred_reason": "Paused by Cabinet"}, DeliveryStatus.deferred, "deferred"),
        (
            10,
            {"status_override": "on_track", "override_reason": "New crews start next week"},
            DeliveryStatus.on_track,
            DeliveryStatus.off_track,
        ),
    ],
)
def test_the_delivery_status_is_computed_at_the_period_end(
    town, project, updates, percent, entries, shown, calculated
):
    update = updates.signed_off(project, OPEN_PERIOD, percent, **entries)
    reading = update_reading(update, project, update.period)
    assert reading.status == shown
    assert reading.calculated == calculated
    assert reading.is_overridden == ("status_override" in entries)
