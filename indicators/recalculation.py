"""Setting and removing SPC recalculation points: where an indicator's process really changed,
so its limits are worked out afresh from there (STATUS-RULES, "Recalculation (phases)")."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.context import audited
from indicators.models import (
    SIGNED_OFF_STATES,
    Frequency,
    Indicator,
    Period,
    SpcRecalculation,
    Value,
)
from organisation.permissions import Action, require


class RecalculationError(ValueError):
    """A recalculation point that cannot be set or removed, with the reason in words."""

    def __init__(self, message: str, field: str = "period"):
        super().__init__(message)
        self.field = field


REASON_REQUIRED = "Say what changed in the process, so readers know why the limits start again"
REMOVAL_REASON_REQUIRED = "Say why the limits should no longer be recalculated from this period"
PERIOD_REQUIRED = "Choose the period the new limits start from"
WRONG_KIND = "Choose one of {code}'s own periods: it is collected {frequency}"
NOT_INSIDE_SERIES = (
    "Choose a period after {first} and no later than {last}: limits start again only from "
    "a signed-off figure that has others before it"
)
ALREADY_SET = "The limits are already recalculated from {period}"
SPLITS_BASELINE = (
    "The SPC baseline runs from {start} to {end}, and a recalculation inside it would split "
    "it: choose a period outside the baseline, or change the baseline first"
)


def series_periods(indicator: Indicator) -> list[Period]:
    """The indicator's own periods that have a signed-off figure, earliest first."""
    kind = Frequency(indicator.frequency).period_kind
    return [
        value.period
        for value in Value.objects.filter(
            indicator=indicator,
            state__in=SIGNED_OFF_STATES,
            figure__isnull=False,
            period__kind=kind,
        )
        .select_related("period")
        .order_by("period__starts_on")
    ]


@transaction.atomic
@audited(reason="reason")
def set_recalculation(
    *, indicator: Indicator, period: Period | None, reason: str, by
) -> SpcRecalculation:
    """Recalculate an indicator's SPC limits from `period` (the first of a new phase)."""
    require(by, Action.MANAGE_FRAMEWORK)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if period is None:
        raise RecalculationError(PERIOD_REQUIRED)
    kind = Frequency(indicator.frequency).period_kind
    if period.kind != kind:
        raise RecalculationError(
            WRONG_KIND.format(
                code=indicator.code, frequency=indicator.get_frequency_display().lower()
            )
        )
    if not reason.strip():
        raise RecalculationError(REASON_REQUIRED, field="reason")
    periods = series_periods(indicator)
    if len(periods) < 2 or not periods[0].starts_on < period.starts_on <= periods[-1].starts_on:
        first = periods[0].label if periods else "the first figure"
        last = periods[-1].label if periods else "the latest figure"
        raise RecalculationError(NOT_INSIDE_SERIES.format(first=first, last=last))
    current = indicator.spc_recalculations.filter(removed_at__isnull=True)
    if current.filter(period=period).exists():
        raise RecalculationError(ALREADY_SET.format(period=period.label))
    start, end = indicator.spc_baseline_start, indicator.spc_baseline_end
    if start is not None:
        end_on = end.starts_on if end is not None else periods[-1].starts_on
        if start.starts_on < period.starts_on <= end_on:
            raise RecalculationError(
                SPLITS_BASELINE.format(
                    start=start.label, end=end.label if end else "the latest figure"
                )
            )
    return SpcRecalculation.objects.create(
        indicator=indicator,
        period=period,
        reason=reason.strip(),
        set_by=by,
        set_at=timezone.now(),
    )


@transaction.atomic
@audited(reason="reason")
def remove_recalculation(*, recalculation: SpcRecalculation, reason: str, by) -> SpcRecalculation:
    """Stop recalculating from a point; the row is kept with who removed it, when and why."""
    require(by, Action.MANAGE_FRAMEWORK)
    locked = SpcRecalculation.objects.select_for_update().get(pk=recalculation.pk)
    if locked.removed_at is not None:
        return locked
    if not reason.strip():
        raise RecalculationError(REMOVAL_REASON_REQUIRED, field="reason")
    locked.removed_at = timezone.now()
    locked.removed_by = by
    locked.removal_reason = reason.strip()
    locked.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    return locked
