"""State changes of a value: record, submit, return, approve, revise.

A figure is one kind of return: these pass the figure's `ReturnKind` to the one workflow in
`signoff.workflow`, which locks the value, checks the caller's copy is current (optimistic
locking through `lock_version`) and writes a revision row.
"""

from decimal import Decimal

from django.db import transaction

from indicators.entries import entry_problems
from indicators.models import Baseline, Indicator, Period, Value, ValueRevision
from indicators.validation import figure_problems
from notices.sending import notify_figure_returned, notify_figures_submitted
from signoff import workflow
from signoff.models import EDITABLE_STATES  # noqa: F401  (the returns pages read it here)
from signoff.workflow import (  # noqa: F401  (callers catch these from here)
    REASON_REQUIRED,
    InvalidEntry,
    StaleError,
    WorkflowError,
    is_locked,
)

InvalidFigure = InvalidEntry
StaleValueError = StaleError

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


def _set_baseline_from_now(value: Value, **_) -> None:
    """A "from now" baseline takes the first signed-off figure (STATUS: baseline from now)."""
    baseline = Baseline.objects.filter(
        indicator_id=value.indicator_id, is_from_now=True, value__isnull=True
    ).first()
    if baseline is None or value.figure is None:
        return
    baseline.value = Decimal(value.figure)
    baseline.period = value.period
    baseline.save(update_fields=["value", "period"])


FIGURE = workflow.ReturnKind(
    noun="figure",
    nouns="figures",
    model=Value,
    revision_model=ValueRevision,
    revision_of="value",
    entry_fields=ENTRY_FIELDS,
    entry_problems=entry_problems,
    problems=lambda value, submitting: figure_problems(
        value.indicator, value, submitting=submitting
    ),
    period_of=lambda value: value.period,
    on_returned=lambda value, by, reason: notify_figure_returned(value=value, by=by, reason=reason),
    on_approved=_set_baseline_from_now,
    on_revised=lambda value, by, reason: notify_figures_submitted(
        values=[value], by=by, revised=True
    ),
    select_related=("period",),
)

# The messages, in a figure's words (tests and pages compare with these).
STALE = FIGURE.says(workflow.STALE)
NOT_EDITABLE = workflow.NOT_EDITABLE.replace("{noun}", FIGURE.noun)
CANNOT_SUBMIT = FIGURE.says(workflow.CANNOT_SUBMIT)
CANNOT_DECIDE = FIGURE.says(workflow.CANNOT_DECIDE)
OWN_SUBMISSION = FIGURE.says(workflow.OWN_SUBMISSION)
NOT_SIGNED_OFF = FIGURE.says(workflow.NOT_SIGNED_OFF)
CYCLE_CLOSED = workflow.CYCLE_CLOSED.replace("{nouns}", FIGURE.nouns)


UNREAD = object()  # `record_value`'s figure not yet read


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
    existing: Value | object | None = UNREAD,
) -> Value:
    """Create or edit the draft figure for an indicator and period.

    `imported` marks the revision as coming from an uploaded file rather than a form.
    `existing` is the figure for the indicator and period (None: there is none), when the
    caller has read a whole return's figures at once.
    """
    if existing is UNREAD:
        existing = Value.objects.filter(indicator=indicator, period=period).first()
    if existing is None:
        return workflow.create(
            FIGURE,
            item=Value(indicator=indicator, period=period),
            entries=entries,
            by=by,
            reason=reason,
            imported=imported,
        )
    return workflow.edit(
        FIGURE,
        item=existing,
        entries=entries,
        by=by,
        expected_version=expected_version,
        reason=reason,
        imported=imported,
    )


@transaction.atomic
def submit_value(*, value: Value, by, expected_version: int | None = None) -> Value:
    return workflow.submit(FIGURE, item=value, by=by, expected_version=expected_version)


@transaction.atomic
def return_value(*, value: Value, by, reason: str, expected_version: int | None = None) -> Value:
    return workflow.send_back(
        FIGURE, item=value, by=by, reason=reason, expected_version=expected_version
    )


@transaction.atomic
def approve_value(*, value: Value, by, expected_version: int | None = None) -> Value:
    return workflow.sign_off(FIGURE, item=value, by=by, expected_version=expected_version)


@transaction.atomic
def revise_value(
    *, value: Value, entries: dict, by, reason: str, expected_version: int | None = None
) -> Value:
    """Change a signed-off figure: needs a reason, and re-opens approval."""
    return workflow.revise(
        FIGURE,
        item=value,
        entries=entries,
        by=by,
        reason=reason,
        expected_version=expected_version,
    )
