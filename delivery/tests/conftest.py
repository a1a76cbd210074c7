"""The personas' council (organisation.tests.personas) with a Waste project in the delivery
plan: in the "Cleaner place" programme, under the "Less waste" outcome, measured by WST-01."""

from __future__ import annotations

import datetime

import pytest

from delivery.models import Milestone, Programme, Project
from delivery.tests.factories import MilestoneFactory, ProgrammeFactory, ProjectFactory
from delivery.workflow import approve_update, record_update, submit_update
from indicators.models import Indicator, Period
from organisation.tests.personas import Town, build_town, freeze_today


class Updates:
    """Project updates entered by the Waste officer and signed off by the Waste approver."""

    def __init__(self, town: Town):
        self.officer = town.person("officer")
        self.approver = town.person("approver")

    def draft(self, project: Project, period_code: str, percent: int, **entries):
        return record_update(
            project=project,
            period=Period.objects.get(code=period_code),
            entries={"percent_complete": percent, "done": "Work went ahead", **entries},
            by=self.officer,
        )

    def submitted(self, project: Project, period_code: str, percent: int, **entries):
        update = self.draft(project, period_code, percent, **entries)
        return submit_update(update=update, by=self.officer)

    def signed_off(self, project: Project, period_code: str, percent: int, **entries):
        update = self.submitted(project, period_code, percent, **entries)
        return approve_update(update=update, by=self.approver)


@pytest.fixture
def town(monkeypatch, db) -> Town:
    freeze_today(monkeypatch)
    return build_town()


@pytest.fixture
def updates(town) -> Updates:
    return Updates(town)


@pytest.fixture
def programme(town) -> Programme:
    return ProgrammeFactory(
        code="cleaner-place",
        name="Cleaner place programme",
        sponsor=town.person("director"),
        lead_unit=town.place,
        kpis=[Indicator.objects.get(code="WST-02")],
    )


@pytest.fixture
def project(town, programme) -> Project:
    """DP-01, Waste's, 1 April 2026 to 31 March 2027: half-way through Q2 expects ~50%."""
    return ProjectFactory(
        reference="DP-01",
        title="Food waste collections",
        programme=programme,
        owner=town.person("officer"),
        lead_service=town.waste,
        outcomes=[town.outcome],
        measures=[Indicator.objects.get(code="WST-01")],
    )


@pytest.fixture
def milestone(project) -> Milestone:
    return MilestoneFactory(
        project=project, title="Caddies delivered", baseline_due=datetime.date(2026, 11, 30)
    )


YEAR = "2026-27"


@pytest.fixture
def year(town) -> Period:
    """The financial year 2026/27 (1 April 2026 to 31 March 2027)."""
    return Period.objects.get(kind="financial_year", code=YEAR)


@pytest.fixture
def plan(town, year):
    """Waste's draft plan for 2026/27, drafted by the Waste officer: one objective under "Less
    waste" with one action running from 1 April to 30 September 2026."""
    from delivery.service_plans import add_action, add_objective, start_plan

    officer = town.person("officer")
    plan = start_plan(
        service=town.waste, year=year, by=officer, summary="Collect and recycle household waste"
    )
    objective = add_objective(plan=plan, title="Recycle more", outcomes=[town.outcome], by=officer)
    add_action(
        objective=objective,
        title="Food waste caddies for every home",
        owner=officer,
        starts_on=datetime.date(2026, 4, 1),
        due_on=datetime.date(2026, 9, 30),
        by=officer,
    )
    plan.refresh_from_db()
    return plan
