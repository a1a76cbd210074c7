"""State changes of a reporting cycle: create, open, close and reopen.

Each is one transaction that checks the caller may manage cycles, locks the cycle and writes a
`CycleEvent` (who, when, why). A closed cycle locks its period's figures: the value workflow
(`signoff.workflow.check_open`) refuses every change to them, except signing off a figure
that was submitted before the close (it stays in its approver's queue).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date

from audit.context import audited
from indicators.models import CycleState, Period, ReportingCycle, Value, ValueState
from notices.sending import notify_cycle_opened
from organisation.permissions import Action, require
from returns.models import CycleAction, CycleEvent
from returns.queries import due_indicators

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
CLOSE_REASON_REQUIRED = (
    "Reason for closing: say why the cycle for {period} is closing while figures are still "
    "to come in or to be signed off"
)


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
@audited()
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
@audited(reason="reason")
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
    notify_cycle_opened(cycle=cycle, reopened=reopening)
    return cycle


@dataclass(frozen=True)
class StillOpen:
    """What closing a cycle would leave behind: figures never entered, drafts (and figures
    returned for correction) that the close locks, and figures awaiting sign-off, which stay
    in their approvers' queues."""

    not_entered: int
    drafts: int
    awaiting_sign_off: int

    @property
    def to_be_locked(self) -> int:
        return self.not_entered + self.drafts

    def __bool__(self) -> bool:
        return bool(self.to_be_locked or self.awaiting_sign_off)


def still_open(cycle: ReportingCycle) -> StillOpen:
    """Counts of the cycle's due figures not yet signed off, by what closing does to them
    (two queries)."""
    due = list(due_indicators(cycle).order_by().values_list("pk", flat=True))
    states = dict(
        Value.objects.filter(period_id=cycle.period_id, indicator_id__in=due).values_list(
            "indicator_id", "state"
        )
    )
    found = [states.get(pk) for pk in due]
    return StillOpen(
        not_entered=found.count(None),
        drafts=sum(state in (ValueState.DRAFT, ValueState.RETURNED) for state in found),
        awaiting_sign_off=found.count(ValueState.SUBMITTED),
    )


@transaction.atomic
@audited(reason="reason")
def close_cycle(*, cycle: ReportingCycle, by, reason: str = "") -> ReportingCycle:
    """Close an open cycle: from now on its period's figures are locked, but for those awaiting
    sign-off. Closing while anything is still open needs a reason."""
    require(by, Action.MANAGE_CYCLES)
    cycle = _locked(cycle)
    if cycle.state != CycleState.OPEN:
        state = cycle.get_state_display().lower()
        raise CycleError([("", CANNOT_CLOSE.format(period=cycle.period.label, state=state))])
    if still_open(cycle) and not reason.strip():
        raise CycleError([("reason", CLOSE_REASON_REQUIRED.format(period=cycle.period.label))])
    now = timezone.now()
    cycle.state = CycleState.CLOSED
    cycle.closed_by, cycle.closed_at = by, now
    cycle.save(update_fields=["state", "closed_by", "closed_at"])
    _record(cycle, CycleAction.CLOSED, by=by, at=now, reason=reason.strip())
    return cycle
