"""Planning, opening, closing and reopening reporting cycles (returns/cycles.py)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from indicators.models import CycleState, Period, ReportingCycle, Value, ValueState
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from indicators.workflow import (
    CYCLE_CLOSED,
    WorkflowError,
    approve_value,
    record_value,
    return_value,
    revise_value,
    submit_value,
)
from organisation.models import Role
from organisation.tests.factories import UserFactory
from returns.cycles import (
    ALREADY_OPEN,
    CANNOT_CLOSE,
    CLOSE_REASON_REQUIRED,
    CYCLE_EXISTS,
    DATA_ENTRY_NOT_AFTER_PERIOD,
    OPENS_AFTER_DEADLINE,
    REOPEN_REASON_REQUIRED,
    SIGNOFF_BEFORE_DATA_ENTRY,
    CycleError,
    StillOpen,
    close_cycle,
    create_cycle,
    open_cycle,
    still_open,
)
from returns.models import CycleAction, CycleEvent
from strategy.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def q2():
    """Q2 2026/27: 1 July to 30 September 2026."""
    ensure_periods(first_year=2026, last_year=2026)
    return Period.objects.get(code="2026-27-Q2")


@pytest.fixture
def performance():
    return UserFactory(username="performance", roles=[Role.PERFORMANCE_TEAM])


@pytest.fixture
def data_owner():
    return UserFactory(username="owner", roles=[Role.DATA_OWNER])


@pytest.fixture
def planned(q2):
    return ReportingCycleFactory(
        period=q2,
        opens_on=D(2026, 10, 1),
        data_entry_deadline=D(2026, 10, 20),
        signoff_deadline=D(2026, 10, 30),
    )


def history(cycle):
    return [
        (e.action, e.by.username if e.by else None, e.reason)
        for e in CycleEvent.objects.filter(cycle=cycle).order_by("at", "pk")
    ]


def test_the_performance_team_plans_a_cycle_with_its_deadlines_and_meetings(q2, performance):
    cabinet = MeetingFactory(starts_at=datetime.datetime(2026, 11, 18, 18, tzinfo=datetime.UTC))

    cycle = create_cycle(
        period=q2,
        opens_on=D(2026, 10, 1),
        data_entry_deadline=D(2026, 10, 20),
        signoff_deadline=D(2026, 10, 30),
        meetings=[cabinet],
        by=performance,
    )

    stored = ReportingCycle.objects.get(period=q2)
    assert stored.pk == cycle.pk
    assert stored.state == CycleState.PLANNED
    assert (stored.opens_on, stored.data_entry_deadline, stored.signoff_deadline) == (
        D(2026, 10, 1),
        D(2026, 10, 20),
        D(2026, 10, 30),
    )
    assert list(stored.meetings.all()) == [cabinet]
    assert history(cycle) == [(CycleAction.CREATED, "performance", "")]


@pytest.mark.parametrize(
    "dates, field, message",
    [
        (
            (D(2026, 9, 15), D(2026, 9, 30), D(2026, 10, 30)),
            "data_entry_deadline",
            DATA_ENTRY_NOT_AFTER_PERIOD.format(ends_on="30 September 2026"),
        ),
        (
            (D(2026, 10, 1), D(2026, 10, 20), D(2026, 10, 19)),
            "signoff_deadline",
            SIGNOFF_BEFORE_DATA_ENTRY.format(deadline="20 October 2026"),
        ),
        (
            (D(2026, 10, 21), D(2026, 10, 20), D(2026, 10, 30)),
            "opens_on",
            OPENS_AFTER_DEADLINE.format(deadline="20 October 2026"),
        ),
    ],
)
def test_dates_that_do_not_fit_are_refused_naming_the_field(q2, performance, dates, field, message):
    opens_on, data_entry, signoff = dates

    with pytest.raises(CycleError) as refused:
        create_cycle(
            period=q2,
            opens_on=opens_on,
            data_entry_deadline=data_entry,
            signoff_deadline=signoff,
            by=performance,
        )

    assert refused.value.problems == [(field, message)]
    assert not ReportingCycle.objects.exists()


def test_sign_off_on_the_data_entry_deadline_itself_is_allowed(q2, performance):
    cycle = create_cycle(
        period=q2,
        opens_on=D(2026, 10, 1),
        data_entry_deadline=D(2026, 10, 20),
        signoff_deadline=D(2026, 10, 20),
        by=performance,
    )

    assert cycle.signoff_deadline == cycle.data_entry_deadline


def test_a_period_has_only_one_cycle(planned, performance):
    with pytest.raises(CycleError) as refused:
        create_cycle(
            period=planned.period,
            opens_on=D(2026, 10, 2),
            data_entry_deadline=D(2026, 10, 21),
            signoff_deadline=D(2026, 10, 31),
            by=performance,
        )

    assert refused.value.problems == [("period", CYCLE_EXISTS.format(period="Q2 2026/27"))]
    assert ReportingCycle.objects.count() == 1


def test_a_data_owner_cannot_plan_a_cycle(q2, data_owner):
    with pytest.raises(PermissionDenied):
        create_cycle(
            period=q2,
            opens_on=D(2026, 10, 1),
            data_entry_deadline=D(2026, 10, 20),
            signoff_deadline=D(2026, 10, 30),
            by=data_owner,
        )

    assert not ReportingCycle.objects.exists()


def test_opening_a_planned_cycle_records_who_and_when(planned, performance):
    opened = open_cycle(cycle=planned, by=performance)

    planned.refresh_from_db()
    assert planned.state == CycleState.OPEN
    assert planned.opened_by == performance
    assert planned.opened_at == opened.opened_at is not None
    assert history(planned) == [(CycleAction.OPENED, "performance", "")]


def test_an_open_cycle_cannot_be_opened_again(planned, performance):
    open_cycle(cycle=planned, by=performance)

    with pytest.raises(CycleError, match=ALREADY_OPEN.format(period="Q2 2026/27")):
        open_cycle(cycle=planned, by=performance)

    assert len(history(planned)) == 1


def test_closing_records_who_and_when_and_locks_the_figures(planned, performance):
    indicator = IndicatorFactory()
    officer = UserFactory()
    open_cycle(cycle=planned, by=performance)
    value = record_value(
        indicator=indicator, period=planned.period, entries={"figure": Decimal("40")}, by=officer
    )

    close_cycle(cycle=planned, by=performance, reason="Committee deadline")

    planned.refresh_from_db()
    assert planned.state == CycleState.CLOSED
    assert planned.closed_by == performance
    assert planned.closed_at is not None
    with pytest.raises(WorkflowError) as refused:
        record_value(
            indicator=indicator,
            period=planned.period,
            entries={"figure": Decimal("55")},
            by=officer,
        )
    assert str(refused.value) == CYCLE_CLOSED.format(period="Q2 2026/27")
    value.refresh_from_db()
    assert value.figure == Decimal("40")
    assert [action for action, _, _ in history(planned)] == [
        CycleAction.OPENED,
        CycleAction.CLOSED,
    ]


def test_closing_with_figures_still_open_needs_a_reason(planned, performance):
    IndicatorFactory()
    open_cycle(cycle=planned, by=performance)

    with pytest.raises(CycleError) as refused:
        close_cycle(cycle=planned, by=performance, reason=" ")

    assert refused.value.problems == [("reason", CLOSE_REASON_REQUIRED.format(period="Q2 2026/27"))]
    planned.refresh_from_db()
    assert planned.state == CycleState.OPEN


def test_a_figure_submitted_before_the_close_can_still_be_signed_off_but_not_returned(
    planned, performance
):
    indicator = IndicatorFactory()
    officer, approver = UserFactory(), UserFactory()
    open_cycle(cycle=planned, by=performance)
    value = record_value(
        indicator=indicator, period=planned.period, entries={"figure": Decimal("40")}, by=officer
    )
    value = submit_value(value=value, by=officer)
    assert still_open(planned) == StillOpen(not_entered=0, drafts=0, awaiting_sign_off=1)

    close_cycle(cycle=planned, by=performance, reason="Committee deadline")

    with pytest.raises(WorkflowError):
        return_value(value=value, by=approver, reason="Check it")
    approved = approve_value(value=value, by=approver)
    assert approved.state == ValueState.APPROVED
    with pytest.raises(WorkflowError):  # and then it is locked like the rest
        revise_value(value=approved, entries={"figure": Decimal("41")}, by=approver, reason="Typo")


def test_only_an_open_cycle_can_be_closed(planned, performance):
    with pytest.raises(CycleError) as refused:
        close_cycle(cycle=planned, by=performance, reason="Committee deadline")

    assert str(refused.value) == CANNOT_CLOSE.format(period="Q2 2026/27", state="planned")
    planned.refresh_from_db()
    assert planned.state == CycleState.PLANNED


def test_reopening_needs_a_reason(planned, performance):
    open_cycle(cycle=planned, by=performance)
    close_cycle(cycle=planned, by=performance, reason="Committee deadline")

    with pytest.raises(CycleError) as refused:
        open_cycle(cycle=planned, by=performance, reason="   ")

    assert refused.value.problems == [
        ("reason", REOPEN_REASON_REQUIRED.format(period="Q2 2026/27"))
    ]
    planned.refresh_from_db()
    assert planned.state == CycleState.CLOSED


def test_reopening_with_a_reason_unlocks_the_figures_and_keeps_the_reason(planned, performance):
    indicator = IndicatorFactory()
    open_cycle(cycle=planned, by=performance)
    close_cycle(cycle=planned, by=performance, reason="Committee deadline")

    open_cycle(cycle=planned, by=performance, reason="Housing's September count was wrong")

    planned.refresh_from_db()
    assert planned.state == CycleState.OPEN
    assert planned.closed_at is None
    value = record_value(
        indicator=indicator,
        period=planned.period,
        entries={"figure": Decimal("41")},
        by=UserFactory(),
    )
    assert Value.objects.get(pk=value.pk).figure == Decimal("41")
    assert history(planned) == [
        (CycleAction.OPENED, "performance", ""),
        (CycleAction.CLOSED, "performance", "Committee deadline"),
        (CycleAction.REOPENED, "performance", "Housing's September count was wrong"),
    ]


@pytest.mark.parametrize("change", ["open", "close", "reopen"])
def test_a_data_owner_cannot_open_close_or_reopen(planned, performance, data_owner, change):
    if change != "open":
        open_cycle(cycle=planned, by=performance)
    if change == "reopen":
        close_cycle(cycle=planned, by=performance, reason="Committee deadline")
    planned.refresh_from_db()
    state_before, events_before = planned.state, history(planned)

    with pytest.raises(PermissionDenied):
        if change == "close":
            close_cycle(cycle=planned, by=data_owner, reason="Committee deadline")
        else:
            open_cycle(cycle=planned, by=data_owner, reason="I need to change a figure")

    planned.refresh_from_db()
    assert planned.state == state_before
    assert history(planned) == events_before
