"""The service plan's domain: its one workflow, its locked contents, action progress and the
delivery status of actions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from delivery.models import ServicePlan, ServicePlanAction
from delivery.plan import PlanError
from delivery.service_plans import (
    ACTIONS_REQUIRED,
    ALREADY_STARTED,
    NOT_EDITABLE,
    NOT_REPORTING,
    NOTE_REQUIRED,
    OBJECTIVES_REQUIRED,
    OWN_SUBMISSION,
    PERCENT_RANGE,
    STALE,
    SUMMARY_REQUIRED,
    InvalidEntry,
    StaleError,
    WorkflowError,
    action_status,
    add_action,
    add_objective,
    change_action,
    copy_service_indicators,
    edit_plan,
    may_decide,
    record_action_progress,
    remove_objective,
    return_plan,
    revise_plan,
    revisions_of,
    sign_off_plan,
    start_plan,
    submit_plan,
)
from indicators.models import Indicator
from organisation.models import Role
from organisation.tests.factories import UserFactory
from signoff.models import ReturnState, RevisionAction
from status.delivery import DeliveryStatus

pytestmark = pytest.mark.django_db

D = datetime.date


def signed_off(plan, town):
    plan = submit_plan(plan=plan, by=town.person("officer"))
    return sign_off_plan(plan=plan, by=town.person("director"))


def test_a_plan_starts_as_a_draft_answering_for_the_services_own_indicators(town, plan):
    assert plan.state == ReturnState.DRAFT
    assert sorted(plan.indicators.values_list("code", flat=True)) == ["WST-01", "WST-02", "WST-03"]
    assert plan.owning_unit_id == town.waste.pk


def test_a_service_has_one_plan_a_year(town, plan, year):
    with pytest.raises(PlanError) as refused:
        start_plan(service=town.waste, year=year, by=town.person("officer"))
    assert refused.value.problems["service"] == ALREADY_STARTED.format(
        service="Waste and Recycling", year="2026/27"
    )


def test_only_the_service_drafts_its_plan(town, year):
    with pytest.raises(Http404):
        start_plan(service=town.waste, year=year, by=town.person("other_officer"))
    with pytest.raises(PermissionDenied):
        start_plan(service=town.waste, year=year, by=town.person("approver"))


def test_draft_submit_return_revise_and_sign_off_keeps_every_revision(town, plan):
    officer, director = town.person("officer"), town.person("director")
    plan = submit_plan(plan=plan, by=officer)
    plan = return_plan(plan=plan, by=director, reason="Say how many homes")
    assert plan.state == ReturnState.RETURNED
    plan = edit_plan(plan=plan, summary="Collect from 52,000 homes", by=officer)
    plan = submit_plan(plan=plan, by=officer)
    plan = sign_off_plan(plan=plan, by=director)
    assert (plan.state, plan.approved_by) == (ReturnState.APPROVED, director)
    plan = revise_plan(
        plan=plan, summary="Collect from 53,000 homes", by=officer, reason="New estate"
    )
    assert plan.state == ReturnState.SUBMITTED
    plan = sign_off_plan(plan=plan, by=director)

    history = list(revisions_of(plan))
    assert [r.action for r in history] == [
        RevisionAction.RECORDED,
        RevisionAction.EDITED,  # objective added
        RevisionAction.EDITED,  # action added
        RevisionAction.SUBMITTED,
        RevisionAction.RETURNED,
        RevisionAction.EDITED,
        RevisionAction.SUBMITTED,
        RevisionAction.APPROVED,
        RevisionAction.REVISED,
        RevisionAction.APPROVED,
    ]
    assert history[4].reason == "Say how many homes"
    assert history[8].reason == "New estate"
    assert history[8].before["summary"] == "Collect from 52,000 homes"
    # Each revision keeps the plan's objectives and actions as they stood.
    assert history[1].after["contents"] == [{"title": "Recycle more", "actions": []}]
    assert history[-1].after["contents"][0]["actions"][0]["title"] == (
        "Food waste caddies for every home"
    )


@pytest.mark.parametrize("persona", ["officer", "approver", "other_approver", "performance"])
def test_only_the_director_signs_off(town, plan, persona):
    plan = submit_plan(plan=plan, by=town.person("officer"))
    person = town.person(persona)
    assert not may_decide(person, plan)
    with pytest.raises((PermissionDenied, Http404)):
        sign_off_plan(plan=plan, by=person)
    with pytest.raises((PermissionDenied, Http404)):
        return_plan(plan=plan, by=person, reason="No")
    plan.refresh_from_db()
    assert plan.state == ReturnState.SUBMITTED


def test_a_director_of_another_directorate_cannot_sign_off(town, plan):
    stranger = UserFactory(roles=[Role.DIRECTOR], units=[town.people])
    plan = submit_plan(plan=plan, by=town.person("officer"))
    with pytest.raises(Http404):
        sign_off_plan(plan=plan, by=stranger)


def test_nobody_signs_off_their_own_submission(town, plan):
    both = UserFactory(roles=[Role.DIRECTOR, Role.DATA_OWNER], units=[town.place])
    plan = submit_plan(plan=plan, by=both)
    assert not may_decide(both, plan)
    with pytest.raises(PermissionDenied):
        sign_off_plan(plan=plan, by=both)
    # The workflow refuses it too, whoever asks.
    from delivery.service_plans import SERVICE_PLAN
    from signoff import workflow

    with pytest.raises(WorkflowError, match=OWN_SUBMISSION):
        workflow.sign_off(SERVICE_PLAN, item=plan, by=both)


def test_a_stale_save_is_refused(town, plan):
    officer = town.person("officer")
    opened = plan.lock_version
    edit_plan(plan=plan, summary="Someone else's words", by=town.person("performance"))
    with pytest.raises(StaleError, match=STALE):
        edit_plan(plan=plan, summary="Mine", by=officer, expected_version=opened)
    with pytest.raises(StaleError):
        add_objective(plan=plan, title="Late", by=officer, expected_version=opened)
    plan.refresh_from_db()
    assert plan.summary == "Someone else's words"
    assert plan.objectives.count() == 1


def test_a_plan_is_submitted_only_when_complete(town, year):
    other = town.person("other_officer")
    plan = start_plan(service=town.parks, year=year, by=other)
    with pytest.raises(InvalidEntry) as refused:
        submit_plan(plan=plan, by=other)
    assert refused.value.problems == {"summary": SUMMARY_REQUIRED}
    plan = edit_plan(plan=plan, summary="Green spaces", by=other)
    with pytest.raises(InvalidEntry) as refused:
        submit_plan(plan=plan, by=other)
    assert refused.value.problems == {"objectives": OBJECTIVES_REQUIRED}
    add_objective(plan=plan, title="Green Flags", by=other)
    with pytest.raises(InvalidEntry) as refused:
        submit_plan(plan=plan, by=other)
    assert refused.value.problems == {"objectives": ACTIONS_REQUIRED.format(title="Green Flags")}


def test_objectives_and_actions_are_locked_once_submitted(town, plan):
    officer = town.person("officer")
    objective = plan.objectives.get()
    action = ServicePlanAction.objects.get()
    plan = submit_plan(plan=plan, by=officer)
    message = NOT_EDITABLE.format(state="submitted")
    with pytest.raises(WorkflowError, match=message):
        add_objective(plan=plan, title="Another", by=officer)
    with pytest.raises(WorkflowError, match=message):
        remove_objective(objective=objective, by=officer)
    with pytest.raises(WorkflowError, match=message):
        change_action(
            action=action,
            title="Changed",
            owner=officer,
            starts_on=D(2026, 4, 1),
            due_on=D(2026, 12, 31),
            by=officer,
        )
    with pytest.raises(WorkflowError):
        copy_service_indicators(plan=plan, by=officer)
    action.refresh_from_db()
    assert action.title == "Food waste caddies for every home"
    assert plan.objectives.count() == 1


def test_returned_plans_can_change_again(town, plan):
    officer = town.person("officer")
    plan = submit_plan(plan=plan, by=officer)
    plan = return_plan(plan=plan, by=town.person("director"), reason="Add parks")
    objective = add_objective(plan=plan, title="Cleaner streets", by=officer)
    action = add_action(
        objective=objective,
        title="Litter picks",
        owner=officer,
        starts_on=D(2026, 5, 1),
        due_on=D(2026, 6, 1),
        by=officer,
    )
    assert action.position == 0 and objective.position == 1


def test_an_action_is_due_after_it_starts(town, plan):
    objective = plan.objectives.get()
    with pytest.raises(PlanError) as refused:
        add_action(
            objective=objective,
            title="Backwards",
            owner=town.person("officer"),
            starts_on=D(2026, 6, 1),
            due_on=D(2026, 5, 1),
            by=town.person("officer"),
        )
    assert "due_on" in refused.value.problems


def test_progress_is_recorded_after_sign_off_with_its_history(town, plan):
    officer = town.person("officer")
    action = ServicePlanAction.objects.get()
    with pytest.raises(WorkflowError, match=NOT_REPORTING):
        record_action_progress(action, 20, "Ordered", officer)
    signed_off(plan, town)
    first = record_action_progress(action, 20, "Caddies ordered", officer)
    second = record_action_progress(
        action, 40, "Supplier failed", officer, deferred_reason="Deferred by cabinet"
    )
    action.refresh_from_db()
    assert (action.percent_complete, action.deferred_reason) == (40, "Deferred by cabinet")
    assert (first.before_percent, first.after_percent, first.recorded_by) == (0, 20, officer)
    assert (second.before_percent, second.after_percent) == (20, 40)
    assert second.after_deferred_reason == "Deferred by cabinet"
    assert [p.note for p in action.progress.all()] == ["Caddies ordered", "Supplier failed"]


def test_progress_needs_a_note_and_a_whole_percent(town, plan):
    officer = town.person("officer")
    signed_off(plan, town)
    action = ServicePlanAction.objects.get()
    with pytest.raises(PlanError) as refused:
        record_action_progress(action, 101, "Too much", officer)
    assert refused.value.problems == {"percent_complete": PERCENT_RANGE}
    with pytest.raises(PlanError) as refused:
        record_action_progress(action, 50, " ", officer)
    assert refused.value.problems == {"note": NOTE_REQUIRED}
    assert not action.progress.exists()


def test_progress_is_recorded_only_in_scope(town, plan):
    signed_off(plan, town)
    action = ServicePlanAction.objects.get()
    with pytest.raises(Http404):
        record_action_progress(action, 50, "Not mine", town.person("other_officer"))
    assert not action.progress.exists()


# The action runs from 1 April to 30 September 2026 (182 days).
@pytest.mark.parametrize(
    ("percent", "on", "status"),
    [
        (0, D(2026, 3, 31), DeliveryStatus.not_started),  # the day before it starts
        (0, D(2026, 4, 1), DeliveryStatus.on_track),  # its first day expects 0%
        (89, D(2026, 9, 30), DeliveryStatus.at_risk),  # due today: 100% expected, 90 on track
        (90, D(2026, 9, 30), DeliveryStatus.on_track),
        (70, D(2026, 9, 30), DeliveryStatus.at_risk),  # expected - 30 is still at risk
        (69, D(2026, 9, 30), DeliveryStatus.off_track),
        (99, D(2026, 10, 1), DeliveryStatus.overdue),  # the day after it was due
        (100, D(2026, 10, 1), DeliveryStatus.complete),
    ],
)
def test_an_actions_delivery_status_on_boundary_dates(plan, percent, on, status):
    action = ServicePlanAction.objects.get()
    action.percent_complete = percent
    assert action_status(action, on, progress=[]) == status


def test_an_actions_status_on_a_past_date_uses_its_progress_then(town, plan):
    signed_off(plan, town)
    action = ServicePlanAction.objects.get()
    record_action_progress(action, 95, "Nearly done", town.person("officer"))
    action.progress.update(recorded_at=datetime.datetime(2026, 7, 1, 11, 0, tzinfo=datetime.UTC))
    action.refresh_from_db()
    # The day before the report it stood at 0% with about half the time gone.
    assert action_status(action, D(2026, 6, 30)) == DeliveryStatus.off_track
    assert action_status(action, D(2026, 7, 1)) == DeliveryStatus.on_track


def test_copy_the_services_indicators_skips_other_services(town, plan):
    plan.indicators.set(Indicator.objects.filter(code="PRK-01"))
    copied = copy_service_indicators(plan=plan, by=town.person("officer"))
    assert sorted(i.code for i in copied) == ["WST-01", "WST-02", "WST-03"]
    assert set(ServicePlan.objects.get().indicators.values_list("code", flat=True)) == {
        "WST-01",
        "WST-02",
        "WST-03",
    }


def test_a_refused_submission_saves_nothing(town, year):
    other = town.person("other_officer")
    plan = start_plan(service=town.parks, year=year, by=other)
    with pytest.raises(InvalidEntry):
        edit_plan(plan=plan, summary="Green spaces", by=other, submit=True)
    plan.refresh_from_db()
    assert (plan.state, plan.summary) == (ReturnState.DRAFT, "")
    assert plan.revisions.count() == 1


def test_changing_the_links_keeps_a_revision_and_an_unchanged_save_keeps_none(town, plan):
    from delivery.service_plans import link_plan

    officer = town.person("officer")
    count = plan.revisions.count()
    link_plan(plan=plan, indicators=plan.indicators.all(), risks=[], by=officer)
    assert plan.revisions.count() == count
    link_plan(plan=plan, indicators=Indicator.objects.filter(code="WST-01"), risks=[], by=officer)
    last = plan.revisions.order_by("number").last()
    assert last.before["links"]["indicators"] == ["WST-01", "WST-02", "WST-03"]
    assert last.after["links"] == {"indicators": ["WST-01"], "risks": []}
    assert last.reason == "Indicators and risks changed"
