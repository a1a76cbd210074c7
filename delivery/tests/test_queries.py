import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from delivery.queries import (
    programme_summaries,
    programme_summary,
    project_rows,
    projects,
    units_within,
    updates_awaiting,
    updates_due,
)
from delivery.tests.factories import MilestoneFactory, ProjectFactory
from indicators.models import Period
from organisation.tests.personas import OPEN_PERIOD, PLANNED_PERIOD, TODAY
from status.delivery import DeliveryStatus
from strategy.tests.factories import AmbitionFactory, OutcomeFactory

pytestmark = pytest.mark.django_db


def _queries_for_rows(town, unit, count: int, updates) -> int:
    for n in range(count):
        project = ProjectFactory(lead_service=unit, outcomes=[town.outcome])
        MilestoneFactory(project=project, forecast_on=datetime.date(2026, 12, 1 + n % 20))
        updates.signed_off(project, OPEN_PERIOD, 50)
    period = Period.objects.get(code=OPEN_PERIOD)
    with CaptureQueriesContext(connection) as captured:
        rows = project_rows(projects(unit_ids=units_within([unit.pk])), period)
        assert len(rows) == count
        for row in rows:
            assert row.ambitions == [town.ambition]
            assert row.reading.status == DeliveryStatus.on_track
    return len(captured.captured_queries)


def test_the_rows_take_the_same_queries_for_3_or_20_projects(town, updates):
    few = _queries_for_rows(town, town.parks, 3, updates)
    many = _queries_for_rows(town, town.libraries, 20, updates)
    assert few == many == 5  # units, projects, outcomes, updates, milestones


def test_a_row_shows_the_latest_signed_off_update_at_or_before_the_period(town, updates, project):
    updates.signed_off(project, OPEN_PERIOD, 40, done="Tender issued")
    updates.submitted(project, PLANNED_PERIOD, 60)  # not signed off: never shown

    for code in (OPEN_PERIOD, PLANNED_PERIOD):
        (row,) = project_rows(projects(), Period.objects.get(code=code))
        assert row.update.percent_complete == 40
        assert row.update.period.code == OPEN_PERIOD

    (row,) = project_rows(projects(), Period.objects.get(code="2026-27-Q1"))
    assert row.update is None and row.reading is None and row.status_label == "No update"


def test_the_next_milestone_is_the_first_not_achieved_with_its_slippage(project):
    MilestoneFactory(
        project=project,
        position=0,
        baseline_due=datetime.date(2026, 6, 1),
        achieved_on=datetime.date(2026, 6, 3),
    )
    second = MilestoneFactory(
        project=project,
        position=1,
        baseline_due=datetime.date(2026, 11, 30),
        forecast_on=datetime.date(2026, 12, 14),
    )
    (row,) = project_rows(projects(), Period.objects.get(code=OPEN_PERIOD))
    assert row.next_milestone == second
    assert row.slippage == 14


def test_a_programme_rolls_up_counts_by_delivery_status(town, updates, programme, project):
    off_track = ProjectFactory(programme=programme, lead_service=town.waste)
    ProjectFactory(programme=programme, lead_service=town.parks)  # no update yet
    updates.signed_off(project, OPEN_PERIOD, 50)
    updates.signed_off(off_track, OPEN_PERIOD, 5)

    summary = programme_summary(programme, Period.objects.get(code=OPEN_PERIOD), today=TODAY)
    assert summary.roll_up.counts[DeliveryStatus.on_track] == 1
    assert summary.roll_up.counts[DeliveryStatus.off_track] == 1
    assert summary.roll_up.no_update == 1
    assert summary.roll_up.total == 3
    assert summary.roll_up.shown == [
        ("on_track", "On track", 1),
        ("off_track", "Off track", 1),
        ("", "No update", 1),
    ]
    assert [reading.indicator.code for reading in summary.kpis] == ["WST-02"]

    (listed,) = programme_summaries(Period.objects.get(code=OPEN_PERIOD), [programme])
    assert listed.roll_up == summary.roll_up


def test_an_ambition_and_an_outcome_drill_down_to_their_projects(town, project):
    elsewhere = OutcomeFactory(ambition=AmbitionFactory())
    ProjectFactory(lead_service=town.libraries, outcomes=[elsewhere])

    assert list(projects(ambition=town.ambition)) == [project]
    assert list(projects(outcome=town.outcome)) == [project]
    assert [p.reference for p in projects(ambition=elsewhere.ambition)] != ["DP-01"]


def test_closed_projects_leave_the_plan(town, project):
    ProjectFactory(lead_service=town.waste, state="closed")
    assert list(projects(unit_ids=[town.waste.pk])) == [project]
    assert projects(unit_ids=[town.waste.pk], include_closed=True).count() == 2


def test_the_updates_due_are_the_officers_projects_in_the_open_cycle(town, project, updates):
    ProjectFactory(reference="DP-09", lead_service=town.parks)
    (due,) = updates_due(town.person("officer"))
    assert (due.project, due.period.code, due.update) == (project, OPEN_PERIOD, None)
    assert due.state_label == "Not started"

    updates.submitted(project, OPEN_PERIOD, 50)
    (due,) = updates_due(town.person("officer"))
    assert due.state_label == "Submitted"
    assert [d.project.reference for d in updates_due(town.person("performance"))] == [
        "DP-01",
        "DP-09",
    ]
    assert updates_due(town.person("councillor")) == []


def test_submitted_updates_wait_for_the_approvers_in_scope(town, project, updates):
    update = updates.submitted(project, OPEN_PERIOD, 50)
    assert updates_awaiting(town.person("approver")) == [update]
    assert updates_awaiting(town.person("other_approver")) == []
    assert updates_awaiting(town.person("officer")) == []
