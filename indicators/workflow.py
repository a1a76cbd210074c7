"""State changes of a value: record, submit, return, approve, revise.

Each is one transaction that locks the value, checks the caller's copy is current
(optimistic locking through `lock_version`) and writes a revision row.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from indicators.entries import entry_problems
from indicators.models import (
    Baseline,
    CycleState,
    Indicator,
    Period,
    ReportingCycle,
    RevisionAction,
    Value,
    ValueRevision,
    ValueState,
)
from indicators.validation import figure_problems
from notices.sending import notify_figure_returned, notify_figures_submitted


class WorkflowError(ValueError):
    pass


class StaleValueError(WorkflowError):
    """Someone else changed the value since the caller read it."""


class InvalidFigure(WorkflowError):
    """The figure breaks its indicator's rules (`indicators.validation`): `problems` maps each
    field to its message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


STALE = (
    "Someone else changed this figure since you opened it. "
    "Your change was not saved; reload to see their version."
)
NOT_EDITABLE = "This figure is {state} and cannot be edited; revise it with a reason instead"
REASON_REQUIRED = "Give a reason"
CANNOT_SUBMIT = "Only a draft or returned figure can be submitted"
CANNOT_DECIDE = "Only a submitted figure can be signed off or returned"
OWN_SUBMISSION = "You cannot sign off a figure you submitted"
NOT_SIGNED_OFF = "Only a signed-off figure can be revised"
CYCLE_CLOSED = (
    "The reporting cycle for {period} is closed, so its figures are locked. "
    "Ask the performance team to reopen it"
)

EDITABLE_STATES = (ValueState.DRAFT, ValueState.RETURNED)
ENTRY_FIELDS = (
    "figure",
    "numerator",
    "denominator",
    "not_available_reason",
    "data_quality",
    "commentary",
    "reasons",
    "actions",
)


def _write_revision(value: Value, *, action, before, by, reason: str, at) -> ValueRevision:
    number = (value.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return ValueRevision.objects.create(
        value=value,
        number=number,
        action=action,
        before=before,
        after=value.snapshot(),
        reason=reason,
        changed_by=by,
        changed_at=at,
    )


def is_locked(period: Period) -> bool:
    """Whether a closed reporting cycle locks the period's figures (and their evidence)."""
    return ReportingCycle.objects.filter(period=period, state=CycleState.CLOSED).exists()


def _check_open(period: Period) -> None:
    if is_locked(period):
        raise WorkflowError(CYCLE_CLOSED.format(period=period.label))


def _check_figure(value: Value, *, submitting: bool) -> None:
    """Every path that changes a figure (form, revision, import, admin) passes here."""
    problems = figure_problems(value.indicator, value, submitting=submitting)
    if problems:
        raise InvalidFigure(problems)


def _locked(value: Value, expected_version: int | None, *, signing_off: bool = False) -> Value:
    current = Value.objects.select_for_update().select_related("period").get(pk=value.pk)
    # A figure submitted before its cycle closed can still be signed off: nothing else.
    if not (signing_off and current.state == ValueState.SUBMITTED):
        _check_open(current.period)
    if expected_version is not None and current.lock_version != expected_version:
        raise StaleValueError(STALE)
    return current


def _apply(value: Value, entries: dict) -> list[str]:
    unknown = set(entries) - set(ENTRY_FIELDS)
    if unknown:
        raise WorkflowError(f"Unknown fields: {', '.join(sorted(unknown))}")
    problems = entry_problems(entries)
    if problems:
        raise WorkflowError(" ".join(problems.values()))
    changed = []
    for name, new in entries.items():
        if getattr(value, name) != new:
            setattr(value, name, new)
            changed.append(name)
    return changed


@transaction.atomic
def record_value(
    *,
    indicator: Indicator,
    period: Period,
    entries: dict,
    by,
    expected_version: int | None = None,
    reason: str = "",
    imported: bool = False,
) -> Value:
    """Create or edit the draft figure for an indicator and period.

    `imported` marks the revision as coming from an uploaded file rather than a form.
    """
    _check_open(period)
    now = timezone.now()
    existing = Value.objects.filter(indicator=indicator, period=period).first()
    if existing is None:
        value = Value(
            indicator=indicator, period=period, entered_by=by, entered_at=now, updated_at=now
        )
        _apply(value, entries)
        _check_figure(value, submitting=False)
        value.save()
        _write_revision(
            value,
            action=RevisionAction.IMPORTED if imported else RevisionAction.RECORDED,
            before=None,
            by=by,
            reason=reason,
            at=now,
        )
        return value
    value = _locked(existing, expected_version)
    if value.state not in EDITABLE_STATES:
        raise WorkflowError(NOT_EDITABLE.format(state=value.get_state_display().lower()))
    before = value.snapshot()
    changed = _apply(value, entries)
    if not changed:
        return value
    _check_figure(value, submitting=False)
    value.lock_version += 1
    value.updated_at = now
    value.save(update_fields=[*changed, "lock_version", "updated_at"])
    _write_revision(
        value,
        action=RevisionAction.IMPORTED if imported else RevisionAction.EDITED,
        before=before,
        by=by,
        reason=reason,
        at=now,
    )
    return value


def _transition(value: Value, *, state, action, by, reason, at, extra_fields=()) -> Value:
    before = value.snapshot()
    value.state = state
    value.lock_version += 1
    value.updated_at = at
    value.save(update_fields=["state", "lock_version", "updated_at", *extra_fields])
    _write_revision(value, action=action, before=before, by=by, reason=reason, at=at)
    return value


@transaction.atomic
def submit_value(*, value: Value, by, expected_version: int | None = None) -> Value:
    value = _locked(value, expected_version)
    if value.state not in EDITABLE_STATES:
        raise WorkflowError(CANNOT_SUBMIT)
    _check_figure(value, submitting=True)
    now = timezone.now()
    value.submitted_by, value.submitted_at = by, now
    return _transition(
        value,
        state=ValueState.SUBMITTED,
        action=RevisionAction.SUBMITTED,
        by=by,
        reason="",
        at=now,
        extra_fields=("submitted_by", "submitted_at"),
    )


@transaction.atomic
def return_value(*, value: Value, by, reason: str, expected_version: int | None = None) -> Value:
    value = _locked(value, expected_version)
    if value.state != ValueState.SUBMITTED:
        raise WorkflowError(CANNOT_DECIDE)
    if not reason.strip():
        raise WorkflowError(REASON_REQUIRED)
    returned = _transition(
        value,
        state=ValueState.RETURNED,
        action=RevisionAction.RETURNED,
        by=by,
        reason=reason,
        at=timezone.now(),
    )
    notify_figure_returned(value=returned, by=by, reason=reason)
    return returned


@transaction.atomic
def approve_value(*, value: Value, by, expected_version: int | None = None) -> Value:
    value = _locked(value, expected_version, signing_off=True)
    if value.state != ValueState.SUBMITTED:
        raise WorkflowError(CANNOT_DECIDE)
    if by is not None and value.submitted_by_id == by.pk:
        raise WorkflowError(OWN_SUBMISSION)
    now = timezone.now()
    value.approved_by, value.approved_at = by, now
    approved = _transition(
        value,
        state=ValueState.APPROVED,
        action=RevisionAction.APPROVED,
        by=by,
        reason="",
        at=now,
        extra_fields=("approved_by", "approved_at"),
    )
    _set_baseline_from_now(approved)
    return approved


@transaction.atomic
def revise_value(
    *, value: Value, entries: dict, by, reason: str, expected_version: int | None = None
) -> Value:
    """Change a signed-off figure: needs a reason, and re-opens approval."""
    value = _locked(value, expected_version)
    if not value.is_signed_off:
        raise WorkflowError(NOT_SIGNED_OFF)
    if not reason.strip():
        raise WorkflowError(REASON_REQUIRED)
    now = timezone.now()
    before = value.snapshot()
    changed = _apply(value, entries)
    _check_figure(value, submitting=True)
    value.state = ValueState.SUBMITTED
    value.submitted_by, value.submitted_at = by, now
    value.approved_by, value.approved_at = None, None
    value.lock_version += 1
    value.updated_at = now
    value.save(
        update_fields=[
            *changed,
            "state",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "lock_version",
            "updated_at",
        ]
    )
    _write_revision(
        value, action=RevisionAction.REVISED, before=before, by=by, reason=reason, at=now
    )
    notify_figures_submitted(values=[value], by=by, revised=True)
    return value


def _set_baseline_from_now(value: Value) -> None:
    """A "from now" baseline takes the first signed-off figure (STATUS: baseline from now)."""
    baseline = Baseline.objects.filter(
        indicator_id=value.indicator_id, is_from_now=True, value__isnull=True
    ).first()
    if baseline is None or value.figure is None:
        return
    baseline.value = Decimal(value.figure)
    baseline.period = value.period
    baseline.save(update_fields=["value", "period"])
