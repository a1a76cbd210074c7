"""What the service plan pages and panel read: the plan with its actions' statuses, the counts
by status, the plans of a directorate and of a person's scope, the service's panel."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from delivery.models import ServicePlanAction
from delivery.panels import service_plan_panel
from delivery.service_plan_queries import (
    NOT_STARTED,
    financial_year_on,
    plan_view,
    plans_for_directorate,
    plans_in_scope,
    year_of,
)
from delivery.service_plans import (
    add_action,
    record_action_progress,
    sign_off_plan,
    start_plan,
    submit_plan,
)
from indicators.models import Period
from status.delivery import DeliveryStatus

pytestmark = pytest.mark.django_db

D = datetime.date


def _add_actions(town, plan, count: int, **dates):
    objective = plan.objectives.get()
    for n in range(count):
        add_action(
            objective=objective,
            title=f"Action {n}",
            owner=town.person("officer"),
            starts_on=dates.get("starts_on", D(2026, 4, 1)),
            due_on=dates.get("due_on", D(2027, 3, 31)),
            by=town.person("officer"),
        )


def _signed_off(town, plan):
    plan = submit_plan(plan=plan, by=town.person("officer"))
    return sign_off_plan(plan=plan, by=town.person("director"))


def _count(build) -> int:
    with CaptureQueriesContext(connection) as captured:
        build()
    return len(captured)


def test_the_plan_view_reads_the_same_queries_for_2_or_12_actions(town, plan):
    _add_actions(town, plan, 1)
    two = _count(lambda: plan_view(plan, on=D(2026, 10, 16)))
    _add_actions(town, plan, 10)
    view = plan_view(plan, on=D(2026, 10, 16))
    assert len(view.actions) == 12
    assert _count(lambda: plan_view(plan, on=D(2026, 10, 16))) == two


def test_actions_are_counted_by_status_never_averaged(town, plan):
    # The fixture's action (due 30 September, 0%) is overdue on 16 October.
    _add_actions(town, plan, 2)  # through the year at 0%: about 55% expected, off track
    _add_actions(town, plan, 1, starts_on=D(2026, 11, 1), due_on=D(2026, 12, 31))
    _signed_off(town, plan)
    done = ServicePlanAction.objects.get(title="Action 0", starts_on=D(2026, 11, 1))
    record_action_progress(done, 100, "Finished early", town.person("officer"))
    # Reported on 1 October (the clock in these tests stops only the date).
    done.progress.update(recorded_at=datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC))
    view = plan_view(plan, on=D(2026, 10, 16))
    assert view.roll_up.counts[DeliveryStatus.overdue] == 1
    assert view.roll_up.counts[DeliveryStatus.off_track] == 2
    assert view.roll_up.counts[DeliveryStatus.complete] == 1
    assert view.roll_up.total == 4
    assert [label for _, label, _ in view.roll_up.shown] == ["Complete", "Overdue", "Off track"]


def test_the_objectives_carry_their_outcomes_and_ambitions(town, plan):
    view = plan_view(plan, on=D(2026, 10, 16))
    assert [a.title for a in view.objectives[0].ambitions] == ["A cleaner place"]
    assert [i.code for i in view.indicators] == ["WST-01", "WST-02", "WST-03"]


def test_a_directorates_plans_for_the_directors_list(town, plan, year):
    parks = start_plan(service=town.parks, year=year, by=town.person("other_officer"))
    assert plans_for_directorate(town.place, year) == [parks, plan]  # by service name
    assert plans_for_directorate(town.people, year) == []


def test_plans_in_scope_name_services_not_started(town, plan, year):
    listing = plans_in_scope(town.person("director"), year)
    assert [(row.service.code, row.state_label) for row in listing] == [
        ("parks", NOT_STARTED),
        ("waste", "Draft"),
    ]
    assert plans_in_scope(town.person("councillor"), year) == []
    assert len(plans_in_scope(town.person("performance"), year)) == 3


def test_the_year_of_a_quarter_and_of_a_day(town, year):
    assert year_of(Period.objects.get(code="2026-27-Q2")) == year
    assert year_of(year) == year
    assert financial_year_on(D(2027, 3, 31)) == year
    assert financial_year_on(D(2027, 4, 1)) != year


def test_the_panel_shows_a_signed_off_plan_at_the_quarters_end(town, plan):
    quarter = Period.objects.get(code="2026-27-Q2")  # ends 30 September 2026
    panel = service_plan_panel(town.waste, quarter)
    assert panel.title == "Service plan 2026/27"
    assert panel.context["view"] is None  # a draft is not shown
    assert panel.context["empty"] == (
        "Waste and Recycling has no signed-off service plan for 2026/27."
    )
    _signed_off(town, plan)
    panel = service_plan_panel(town.waste, quarter)
    view = panel.context["view"]
    assert view.on == D(2026, 9, 30)
    # Due on 30 September at 0%: at the quarter's end it is off track, not yet overdue.
    assert view.roll_up.counts[DeliveryStatus.off_track] == 1
    assert [line.objective.title for line in view.objectives] == ["Recycle more"]
    assert panel.context["url"] == "/delivery/service-plans/waste/2026-27/"


def test_the_panel_renders_its_counts_and_link(client, town, plan):
    from django.template.loader import render_to_string

    _signed_off(town, plan)
    panel = service_plan_panel(town.waste, Period.objects.get(code="2026-27-Q2"))
    html = render_to_string(panel.template, {"panel": panel})
    assert "Off track</strong> 1" in html
    assert "Recycle more (1 action)" in html
    assert 'href="/delivery/service-plans/waste/2026-27/"' in html


def test_plans_awaiting_a_directors_sign_off(town, plan, year):
    from delivery.service_plan_queries import plans_awaiting_sign_off

    director = town.person("director")
    assert plans_awaiting_sign_off(director, year) == []
    submit_plan(plan=plan, by=town.person("officer"))
    assert plans_awaiting_sign_off(director, year) == [plan]
    assert plans_awaiting_sign_off(town.person("approver"), year) == []
    assert plans_awaiting_sign_off(town.person("performance"), year) == []
