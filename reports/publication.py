"""When a report, and the figures in it, may be seen by the public.

A report is released once it is approved, not withdrawn, its meeting has begun and any
"publish after" time has passed. A cancelled meeting holds the report back until someone sets
an explicit "publish after" time. Release is a fact of the clock, not an action someone must
remember: there is nothing to run at the meeting's start.

Every public page, file, feed and download asks `released_reports`; nothing public reads
figures from anywhere else.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from reports.models import Report, ReportState


def released_filter(now: datetime) -> Q:
    meeting_has_begun = Q(meeting__isnull=True) | Q(
        meeting__starts_at__lte=now, meeting__is_cancelled=False
    )
    cancelled_but_dated = Q(meeting__is_cancelled=True, publish_after__isnull=False)
    return (
        Q(state=ReportState.APPROVED, approved_at__lte=now, snapshot__isnull=False)
        & (meeting_has_begun | cancelled_but_dated)
        & (Q(publish_after__isnull=True) | Q(publish_after__lte=now))
    )


def released_reports(now: datetime | None = None) -> QuerySet:
    """Reports the public may see at `now`, latest period first."""
    now = now or timezone.now()
    return (
        Report.objects.filter(released_filter(now))
        .select_related("period", "committee", "meeting")
        .order_by("-period__ends_on", "-meeting__starts_at", "-approved_at", "-pk")
    )


def is_released(report: Report, now: datetime | None = None) -> bool:
    return released_reports(now).filter(pk=report.pk).exists()


def release_time(report: Report) -> datetime | None:
    """When an approved report becomes public (None if it never will as things stand)."""
    if report.state != ReportState.APPROVED or report.approved_at is None:
        return None
    moments = [report.approved_at]
    if report.meeting is not None:
        if report.meeting.is_cancelled and report.publish_after is None:
            return None
        if not report.meeting.is_cancelled:
            moments.append(report.meeting.starts_at)
    if report.publish_after is not None:
        moments.append(report.publish_after)
    return max(moments)


def first_release(period, now: datetime | None = None) -> datetime | None:
    """When the period's figures were first made public: its earliest released report."""
    moments = [release_time(report) for report in released_reports(now).filter(period=period)]
    return min(moments, default=None)
