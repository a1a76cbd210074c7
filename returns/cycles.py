"""State changes of a reporting cycle: create, open, close and reopen.

Each is one transaction that checks the caller may manage cycles, locks the cycle and writes a
`CycleEvent` (who, when, why). A closed cycle locks its period's figures: the value workflow
(`indicators.workflow._check_open`) refuses every change to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date

from indicators.models import CycleState, Period, ReportingCycle
from organisation.permissions import Action, require
from returns.models import CycleAction, CycleEvent

# Messages name the field and the fix; the new-cycle form shows them against that field.
CYCLE_EXISTS = "Period: {period} already has a reporting cycle. Choose another period"
OPENS_AFTER_DEADLINE = "Opens on: choose a date on or before the data-entry deadline ({deadline})"
DATA_ENTRY_NOT_AFTER_PERIOD = (
    "Data-entry deadline: choose a date after the period ends ({ends_on}), "
    "so the period's figures can be known"
)
SIGNOFF_BEFORE_DATA_ENTRY = (
    "Sign-off deadline: choose a date on or after the data-entry deadline ({deadline})"
)
ALREADY_OPEN = "The reporting cycle for {period} is already open"
CANNOT_CLOSE = "Only an open reporting cycle can be closed: the cycle for {period} is {state}"
REOPEN_REASON_REQUIRED = "Reason for reopening: say why the figures for {period} need to change"


class CycleError(ValueError):
    """A cycle change that was refused; `problems` are (field name, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


def _long(day: date) -> str:
    return format_date(day, "j F Y")


def check_cycle_dates(
    *, period: Period, opens_on: date, data_entry_deadline: date, signoff_deadline: date
) -> list[tuple[str, str]]:
    """The problems with a cycle's dates, as (field name, message) pairs; none if they fit."""
    problems = []
    if data_entry_deadline <= period.ends_on:
        problems.append(
            (
                "data_entry_deadline",
                DATA_ENTRY_NOT_AFTER_PERIOD.format(ends_on=_long(period.ends_on)),
            )
        )
    if signoff_deadline < data_entry_deadline:
        problems.append(
            (
                "signoff_deadline",
                SIGNOFF_BEFORE_DATA_ENTRY.format(deadline=_long(data_entry_deadline)),
            )
        )
    if opens_on > data_entry_deadline:
        problems.append(
            ("opens_on", OPENS_AFTER_DEADLINE.format(deadline=_long(data_entry_deadline)))
        )
    return problems


def _record(cycle: ReportingCycle, action: CycleAction, *, by, at, reason: str = "") -> None:
    CycleEvent.objects.create(cycle=cycle, action=action, reason=reason, by=by, at=at)


@transaction.atomic
def create_cycle(
    *,
    period: Period,
    opens_on: date,
    data_entry_deadline: date,
    signoff_deadline: date,
    meetings: Iterable = (),
    by,
) -> ReportingCycle:
    """Plan the collection of a period's figures: its deadlines and the meetings it feeds."""
    require(by, Action.MANAGE_CYCLES)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if ReportingCycle.objects.filter(period=period).exists():
        raise CycleError([("period", CYCLE_EXISTS.format(period=period.label))])
    problems = check_cycle_dates(
        period=period,
        opens_on=opens_on,
        data_entry_deadline=data_entry_deadline,
        signoff_deadline=signoff_deadline,
    )
    if problems:
        raise CycleError(problems)
    try:
        with transaction.atomic():
            cycle = ReportingCycle.objects.create(
                period=period,
                opens_on=opens_on,
                data_entry_deadline=data_entry_deadline,
                signoff_deadline=signoff_deadline,
            )
    except IntegrityError:
        # Someone created it since the check above (SQLite does not lock the period row).
        raise CycleError([("period", CYCLE_EXISTS.format(period=period.label))]) from None
    cycle.meetings.set(list(meetings))
    _record(cycle, CycleAction.CREATED, by=by, at=timezone.now())
    return cycle


def _locked(cycle: ReportingCycle) -> ReportingCycle:
    return ReportingCycle.objects.select_for_update().select_related("period").get(pk=cycle.pk)


@transaction.atomic
def open_cycle(*, cycle: ReportingCycle, by, reason: str = "") -> ReportingCycle:
    """Open a planned cycle for returns, or reopen a closed one (which needs a reason: it
    unlocks figures that may already have been reported)."""
    require(by, Action.MANAGE_CYCLES)
    cycle = _locked(cycle)
    period = cycle.period.label
    if cycle.state == CycleState.OPEN:
        raise CycleError([("", ALREADY_OPEN.format(period=period))])
    reopening = cycle.state == CycleState.CLOSED
    reason = reason.strip()
    if reopening and not reason:
        raise CycleError([("reason", REOPEN_REASON_REQUIRED.format(period=period))])
    now = timezone.now()
    cycle.state = CycleState.OPEN
    cycle.opened_by, cycle.opened_at = by, now
    # closed_by/at describe the current closure; the events keep every earlier one.
    cycle.closed_by, cycle.closed_at = None, None
    cycle.save(update_fields=["state", "opened_by", "opened_at", "closed_by", "closed_at"])
    action = CycleAction.REOPENED if reopening else CycleAction.OPENED
    _record(cycle, action, by=by, at=now, reason=reason)
    return cycle


@transaction.atomic
def close_cycle(*, cycle: ReportingCycle, by, reason: str = "") -> ReportingCycle:
    """Close an open cycle: from now on its period's figures are locked."""
    require(by, Action.MANAGE_CYCLES)
    cycle = _locked(cycle)
    if cycle.state != CycleState.OPEN:
        state = cycle.get_state_display().lower()
        raise CycleError([("", CANNOT_CLOSE.format(period=cycle.period.label, state=state))])
    now = timezone.now()
    cycle.state = CycleState.CLOSED
    cycle.closed_by, cycle.closed_at = by, now
    cycle.save(update_fields=["state", "closed_by", "closed_at"])
    _record(cycle, CycleAction.CLOSED, by=by, at=now, reason=reason.strip())
    return cycle
