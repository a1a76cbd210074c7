"""Overdue and lateness on a given day, chasing lists, and query counts that do not grow."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement.queries import (
    actions_for,
    actions_for_indicator,
    open_actions_of_directorate,
    overdue_actions,
    overdue_actions_for,
)
from improvement.tests.factories import ImprovementActionFactory
from indicators.tests.factories import IndicatorFactory
from organisation.tests.factories import DirectorateFactory, OrgUnitFactory, UserFactory
from status.improvement import ActionState

pytestmark = pytest.mark.django_db

DUE = datetime.date(2027, 3, 31)


@pytest.fixture
def service():
    return OrgUnitFactory(parent=DirectorateFactory(code="place"))


def action(service, **fields):
    return ImprovementActionFactory(finding__unit=service, due_on=DUE, **fields)


def only(rows):
    assert len(rows) == 1
    return rows[0]


@pytest.mark.parametrize(
    ("on", "overdue", "lateness"),
    [
        (datetime.date(2027, 3, 31), False, ""),
        (datetime.date(2027, 4, 1), True, "1 day late against the date first agreed"),
        (datetime.date(2027, 4, 12), True, "12 days late against the date first agreed"),
    ],
)
def test_overdue_from_the_day_after_the_due_date(service, on, overdue, lateness):
    action(service)

    row = only(actions_for(None, on=on))

    assert row.is_overdue is overdue
    assert row.lateness == lateness


def test_a_revised_date_stops_overdue_but_lateness_counts_from_the_first(service):
    action(service, revised_due_on=datetime.date(2027, 6, 30), state="in_progress")

    row = only(actions_for(None, on=datetime.date(2027, 4, 10)))

    assert row.is_overdue is False
    assert row.lateness == "10 days late against the date first agreed"


@pytest.mark.parametrize("state", [ActionState.complete, ActionState.cancelled])
def test_a_finished_action_is_never_late(service, state):
    action(service, state=state.value)

    row = only(actions_for(None, on=datetime.date(2027, 9, 1)))

    assert (row.is_overdue, row.lateness) == (False, "")


def test_filters_by_overdue_source_unit_and_state(service):
    late = action(service)
    action(service, revised_due_on=datetime.date(2027, 12, 31))
    elsewhere = ImprovementActionFactory(due_on=DUE)
    on = datetime.date(2027, 5, 1)

    assert [r.action for r in actions_for(None, on=on, overdue=True)] == [late, elsewhere]
    assert len(actions_for(None, on=on, overdue=False)) == 1
    assert [r.action for r in actions_for([service.pk], on=on, overdue=True)] == [late]
    assert actions_for(None, on=on, unit=elsewhere.unit)[0].action == elsewhere
    assert actions_for(None, on=on, source="inspection") == []
    assert len(actions_for(None, on=on, state="open")) == 3


def test_overdue_actions_for_an_owner_and_for_chasing(service):
    owner = UserFactory()
    mine = action(service, owner=owner)
    action(service, owner=owner, revised_due_on=datetime.date(2027, 12, 31))
    theirs = action(service)
    elsewhere = ImprovementActionFactory(due_on=DUE)
    on = datetime.date(2027, 4, 1)

    assert [r.action for r in overdue_actions_for(owner, on)] == [mine]
    assert {r.action for r in overdue_actions([service], on)} == {mine, theirs}
    assert {r.action for r in overdue_actions(None, on)} == {mine, theirs, elsewhere}


def test_the_directorate_sees_open_actions_of_every_unit_below_it(service):
    team = OrgUnitFactory(parent=service)
    in_team = action(team)
    in_service = action(service)
    action(service, state="complete")
    ImprovementActionFactory(due_on=DUE)

    rows = open_actions_of_directorate(service.parent, datetime.date(2027, 1, 1))

    assert {r.action for r in rows} == {in_team, in_service}


def count_queries(query):
    with CaptureQueriesContext(connection) as captured:
        query()
    return len(captured)


def test_query_counts_do_not_grow_with_the_number_of_actions(service):
    indicator = IndicatorFactory(owner=service)
    owner = UserFactory()
    on = datetime.date(2027, 5, 1)
    queries = {
        "list": lambda: actions_for(None, on=on),
        "owner": lambda: overdue_actions_for(owner, on),
        "chasing": lambda: overdue_actions([service], on),
        "directorate": lambda: open_actions_of_directorate(service.parent, on),
        "indicator": lambda: actions_for_indicator(indicator, on),
    }

    def add(count):
        for _ in range(count):
            action(service, owner=owner).indicators.add(indicator)

    add(1)
    few = {name: count_queries(query) for name, query in queries.items()}
    add(5)
    many = {name: count_queries(query) for name, query in queries.items()}

    assert many == few
    assert few == {"list": 1, "owner": 1, "chasing": 1, "directorate": 2, "indicator": 1}
