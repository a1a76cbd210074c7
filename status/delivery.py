"""Delivery status of projects and actions, and milestone slippage."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .choices import LabelledChoice
from .timeliness import days_between

ON_TRACK_POINTS = Decimal(10)  # STATUS-RULES: on track at or above expected - 10 points
AT_RISK_POINTS = Decimal(30)  # at risk down to expected - 30 points (inclusive)


class DeliveryStatus(LabelledChoice):
    complete = "complete", "Complete"
    deferred = "deferred", "Deferred"
    overdue = "overdue", "Overdue"
    not_started = "not_started", "Not started"
    on_track = "on_track", "On track"
    at_risk = "at_risk", "At risk"
    off_track = "off_track", "Off track"


def expected_progress(start: date, end: date, on: date) -> Decimal:
    """Expected % complete on a date: a straight line from 0 at ``start`` to 100 at ``end``.

    Whole calendar days; clamped to 0-100; a one-day project (start = end) expects 100 from
    its start.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if on >= end:
        return Decimal(100)
    if on <= start:
        return Decimal(0)
    return Decimal((on - start).days * 100) / Decimal((end - start).days)


def delivery_status(
    *,
    percent_complete: Decimal,
    start: date,
    end: date,
    on: date,
    deferred_reason: str | None = None,
) -> DeliveryStatus:
    """The calculated delivery status on a date (an owner's override is ``with_override``).

    Precedence: complete > deferred (with a reason) > overdue > not started > on track /
    at risk / off track.
    """
    if not 0 <= percent_complete <= 100:
        raise ValueError(f"percent complete must be 0-100, got {percent_complete}")
    if percent_complete == 100:
        return DeliveryStatus.complete
    if deferred_reason and deferred_reason.strip():
        return DeliveryStatus.deferred
    if on > end:
        return DeliveryStatus.overdue
    if percent_complete == 0 and on < start:
        return DeliveryStatus.not_started
    expected = expected_progress(start, end, on)
    if percent_complete >= expected - ON_TRACK_POINTS:
        return DeliveryStatus.on_track
    if percent_complete >= expected - AT_RISK_POINTS:
        return DeliveryStatus.at_risk
    return DeliveryStatus.off_track


@dataclass(frozen=True)
class DeliveryReading:
    status: DeliveryStatus  # what is shown
    calculated: DeliveryStatus
    override_reason: str | None = None

    @property
    def is_overridden(self) -> bool:
        return self.override_reason is not None


def with_override(
    calculated: DeliveryStatus,
    override: DeliveryStatus | None = None,
    reason: str | None = None,
) -> DeliveryReading:
    """The status to show: the owner's override (which needs a reason) or the calculated one."""
    if override is None:
        return DeliveryReading(status=calculated, calculated=calculated)
    if not reason or not reason.strip():
        raise ValueError("an override needs a reason")
    return DeliveryReading(status=override, calculated=calculated, override_reason=reason)


def milestone_slippage(
    baseline_due: date, forecast: date | None = None, actual: date | None = None
) -> int | None:
    """Days late (negative: early) against the baseline; an actual date replaces the forecast."""
    return days_between(baseline_due, actual if actual is not None else forecast)
