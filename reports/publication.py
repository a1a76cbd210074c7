"""When a report, and the figures in it, may be seen by the public.

A report is released once it is approved, not withdrawn, its meeting has begun and any
"publish after" time has passed. A cancelled meeting holds the report back until someone sets
an explicit "publish after" time. Release is a fact of the clock, not an action someone must
remember: there is nothing to run at the meeting's start.

A report without a meeting (an annual report, say) holds figures a committee may not yet have
received, so it also waits for every committee report of an overlapping period: each draft
until its meeting starts, each approved one until it is released (decision 0011). A committee
report held back with no time (its meeting cancelled) holds it back too; a withdrawn one does
not.

Every public page, file, feed and download asks `released_reports`; nothing public reads
figures from anywhere else.
"""

from __future__ import annotations

import copy
from datetime import datetime

from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from reports.models import Report, ReportState
from strategy.models import Meeting


def _committee_report_waiting(now: datetime) -> Q:
    """A report with a meeting that is not public at `now` and will be: a draft before its
    meeting, or an approved report under embargo or held back."""
    draft = Q(state=ReportState.DRAFT, meeting__is_cancelled=False, meeting__starts_at__gt=now)
    approved_but_waiting = Q(state=ReportState.APPROVED) & (
        Q(approved_at__gt=now)
        | Q(meeting__is_cancelled=False, meeting__starts_at__gt=now)
        | Q(meeting__is_cancelled=True, publish_after__isnull=True)
        | Q(publish_after__gt=now)
    )
    return Q(meeting__isnull=False) & (draft | approved_but_waiting)


def released_filter(now: datetime) -> Q:
    meeting_has_begun = Q(meeting__isnull=True) | Q(
        meeting__starts_at__lte=now, meeting__is_cancelled=False
    )
    cancelled_but_dated = Q(meeting__is_cancelled=True, publish_after__isnull=False)
    # DECISION 0011: without a meeting, not before the committee reports of its period.
    committee_waiting = Report.objects.filter(
        _committee_report_waiting(now),
        period__starts_on__lte=OuterRef("period__ends_on"),
        period__ends_on__gte=OuterRef("period__starts_on"),
    )
    return (
        Q(state=ReportState.APPROVED, approved_at__lte=now, snapshot__isnull=False)
        & (meeting_has_begun | cancelled_but_dated)
        & (Q(publish_after__isnull=True) | Q(publish_after__lte=now))
        & (Q(meeting__isnull=False) | ~Exists(committee_waiting))
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
    return release_times([report])[report.pk]


def release_times(reports, *, meeting: Meeting | None = None) -> dict[int, datetime | None]:
    """`release_time` of many reports, by id, with one query for the committee reports that
    the reports without a meeting wait for. `meeting`: a meeting changed but not yet saved,
    to see when the reports would be released if it were."""
    reports = list(reports)
    times = {report.pk: _own_release_time(report, meeting) for report in reports}
    waiting = [r for r in reports if r.meeting_id is None and times[r.pk] is not None]
    if not waiting:
        return times
    overlapping = Q()
    for report in waiting:
        overlapping |= Q(
            period__starts_on__lte=report.period.ends_on,
            period__ends_on__gte=report.period.starts_on,
        )
    committee_reports = list(
        Report.objects.filter(overlapping, meeting__isnull=False)
        .exclude(state=ReportState.WITHDRAWN)
        .select_related("meeting", "period")
        .defer("snapshot")
    )
    for report in waiting:
        for other in committee_reports:
            if not (
                other.period.starts_on <= report.period.ends_on
                and other.period.ends_on >= report.period.starts_on
            ):
                continue
            if other.state == ReportState.DRAFT:
                other_meeting = _meeting_of(other, meeting)
                if other_meeting.is_cancelled:
                    continue  # a draft for a cancelled meeting will not be received there
                moment = other_meeting.starts_at
            else:
                moment = _own_release_time(other, meeting)
            if moment is None:
                times[report.pk] = None
                break
            times[report.pk] = max(times[report.pk], moment)
    return times


def next_change_by_the_clock(now: datetime) -> datetime | None:
    """The first moment after `now` at which what is released could change with no row
    changed: a report's approval time, "publish after" time or withdrawal time, or any
    meeting's start (two queries). Earlier than need be at times, never later."""
    later = Report.objects.aggregate(
        approved=Min("approved_at", filter=Q(approved_at__gt=now)),
        after=Min("publish_after", filter=Q(publish_after__gt=now)),
        withdrawn=Min("withdrawn_at", filter=Q(withdrawn_at__gt=now)),
    )
    meeting = Meeting.objects.filter(starts_at__gt=now).aggregate(first=Min("starts_at"))
    moments = [moment for moment in [*later.values(), meeting["first"]] if moment is not None]
    return min(moments, default=None)


def release_if_approved(report: Report, now: datetime | None = None) -> datetime | None:
    """When a draft would become public if it were approved at `now` (None: held back)."""
    candidate = copy.copy(report)
    candidate.state, candidate.approved_at = ReportState.APPROVED, now or timezone.now()
    return release_times([candidate])[candidate.pk]


def _meeting_of(report: Report, changed: Meeting | None) -> Meeting | None:
    if changed is not None and report.meeting_id == changed.pk:
        return changed
    return report.meeting


def _own_release_time(report: Report, changed: Meeting | None = None) -> datetime | None:
    if report.state != ReportState.APPROVED or report.approved_at is None:
        return None
    moments = [report.approved_at]
    meeting = _meeting_of(report, changed)
    if meeting is not None:
        if meeting.is_cancelled and report.publish_after is None:
            return None
        if not meeting.is_cancelled:
            moments.append(meeting.starts_at)
    if report.publish_after is not None:
        moments.append(report.publish_after)
    return max(moments)


def first_release(period, now: datetime | None = None) -> datetime | None:
    """When the period's figures were first made public: its earliest released report."""
    moments = release_times(released_reports(now).filter(period=period).defer("snapshot"))
    return min(moments.values(), default=None)
