"""Timeliness of a reporting cycle, in calendar days from the period's end date."""

from dataclasses import dataclass
from datetime import date, datetime


def _day(moment: date | datetime) -> date:
    # Pass aware datetimes in local time (e.g. Django's localtime()): the date is taken as is.
    return moment.date() if isinstance(moment, datetime) else moment


def days_between(start: date | datetime, end: date | datetime | None) -> int | None:
    """Calendar days from ``start`` to ``end`` (negative if ``end`` is earlier); None if no end."""
    if end is None:
        return None
    return (_day(end) - _day(start)).days


@dataclass(frozen=True)
class Timeliness:
    days_to_signoff: int | None
    days_to_meeting: int | None
    days_to_publication: int | None


def cycle_timeliness(
    *,
    period_end: date,
    last_signoff: date | datetime | None,
    meeting: date | datetime | None,
    publication: date | datetime | None,
) -> Timeliness:
    """Days from the period's end to the latest sign-off of the report's data, to the meeting
    that received the report, and to its publication (None for what has not happened)."""
    return Timeliness(
        days_to_signoff=days_between(period_end, last_signoff),
        days_to_meeting=days_between(period_end, meeting),
        days_to_publication=days_between(period_end, publication),
    )
