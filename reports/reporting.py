"""Changing a report: create, edit, approve, reopen, withdraw, and ask for its files.

Each function checks permission, runs in one transaction and records what happened in the
report's events. Approval freezes the content as the snapshot every output and every public
page is made from.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.context import audited
from indicators.models import Period
from notices.sending import notify_report_approved
from organisation.permissions import Action, require
from reports.building import build_content
from reports.content import TOKEN, local_iso, token_problems
from reports.models import (
    OutputFormat,
    OutputState,
    Report,
    ReportEvent,
    ReportEventKind,
    ReportKind,
    ReportOutput,
    ReportState,
)
from reports.publication import is_released, release_times
from strategy.models import Meeting

NARRATIVE_FIELDS = (
    "purpose",
    "recommendations",
    "going_well",
    "not_going_well",
    "being_done",
    "exceptions_text",
    "area_text",
)
EDITABLE_FIELDS = ("title", "report_of", "contact", "publish_after", *NARRATIVE_FIELDS)


class StaleReport(Exception):
    """The report changed since the editor opened it."""

    def __init__(self, report: Report):
        self.report = report
        by = report.edited_by.get_full_name() if report.edited_by else "someone"
        when = timezone.localtime(report.edited_at).strftime("%-d %B %Y at %-I:%M%p").lower()
        super().__init__(f"{by} changed this report on {when}")


@dataclass(frozen=True)
class Seen:
    """The version of a report an approver read: its edit count and the hash of its content
    (narrative and figures). The approval form carries it; approval refuses any other."""

    lock_version: int
    content_hash: str


class ChangedSinceRead(Exception):
    """The report, or a figure in it, changed after the approver read it."""

    def __init__(self, report: Report, *, edited: bool):
        self.report = report
        if edited:
            super().__init__(f"{StaleReport(report)}, after you read it")
        else:
            super().__init__("The figures in it have changed since you read it")


def seen_now(report: Report, content=None) -> Seen:
    """The version of the draft as it is stored now; pass `content` if it was just built from
    this very `report`."""
    if content is None:
        report = Report.objects.get(pk=report.pk)
        content = build_content(report)
    return Seen(lock_version=report.lock_version, content_hash=content.reading_hash())


def _event(report: Report, kind: str, by, reason: str = "") -> None:
    ReportEvent.objects.create(report=report, kind=kind, by=by, at=timezone.now(), reason=reason)


@transaction.atomic
@audited()
def create_report(*, by, kind: str, period, title: str, committee=None, meeting=None) -> Report:
    require(by, Action.PREPARE_REPORT)
    if kind == ReportKind.COMMITTEE and committee is None:
        raise ValidationError({"committee": "Choose the committee the report is for"})
    if meeting is not None and committee is not None and meeting.committee_id != committee.pk:
        raise ValidationError({"meeting": "Choose a meeting of the report's committee"})
    now = timezone.now()
    report = Report.objects.create(
        kind=kind,
        title=title.strip(),
        committee=committee,
        meeting=meeting,
        period=period,
        created_by=by,
        created_at=now,
        edited_by=by,
        edited_at=now,
        report_of="",
        recommendations=default_recommendations(committee),
    )
    _event(report, ReportEventKind.CREATED, by)
    return report


def default_recommendations(committee) -> str:
    if committee is None:
        return "That members note the council's performance set out in this report."
    return f"That {committee.name} notes the council's performance set out in this report."


def report_codes(report: Report) -> tuple[set[str], set[str]]:
    """The codes of the indicators in the report as it stands, and of those compared with
    other councils (for checking tokens)."""
    rows = build_content(report).rows()
    return {row.code for row in rows}, {row.code for row in rows if row.compared}


@transaction.atomic
@audited()
def save_report(
    report: Report, *, by, lock_version: int, extra_indicators=None, **fields
) -> Report:
    """Save an officer's edits to a draft report; refuses a save from an older copy."""
    require(by, Action.PREPARE_REPORT)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.DRAFT:
        raise ValidationError("Only a draft report can be changed: reopen it first")
    if report.lock_version != lock_version:
        raise StaleReport(report)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(report, name, value.strip() if isinstance(value, str) else value)
    if not report.title:
        raise ValidationError({"title": "Enter the report's title"})
    if extra_indicators is not None:
        report.extra_indicators.set(extra_indicators)
    has_tokens = any(TOKEN.search(getattr(report, name)) for name in NARRATIVE_FIELDS)
    codes, compared = report_codes(report) if has_tokens else (set(), set())
    problems = {
        name: found
        for name in NARRATIVE_FIELDS
        if (found := token_problems(getattr(report, name), codes, compared))
    }
    if problems:
        raise ValidationError({name: found[0] for name, found in problems.items()})
    report.lock_version += 1
    report.edited_by = by
    report.edited_at = timezone.now()
    report.save()
    _event(report, ReportEventKind.EDITED, by)
    return report


@transaction.atomic
@audited()
def approve_report(report: Report, *, by, seen: Seen, make_files: bool = True) -> Report:
    """Approve a draft for release, freezing its content, and start making its files
    (`make_files=False` leaves them to `queue_missing_files`).

    `seen` is the version the approver read (`seen_now` when they opened the form): if the
    narrative or any figure has changed since, nothing is approved (`ChangedSinceRead`)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    require(by, Action.APPROVE_REPORT, report)
    if report.state != ReportState.DRAFT:
        raise ValidationError("Only a draft report can be approved")
    now = timezone.now()
    content = build_content(report)
    if content.reading_hash() != seen.content_hash:
        raise ChangedSinceRead(report, edited=report.lock_version != seen.lock_version)
    report.state = ReportState.APPROVED
    report.approved_by = by
    report.approved_at = now
    content.approved_by = by.get_full_name() if by else ""
    content.approved_at = local_iso(now)
    report.snapshot = content.to_snapshot()
    report.snapshot_hash = content.snapshot_hash()
    report.lock_version += 1
    report.save()
    _event(report, ReportEventKind.APPROVED, by)
    notify_report_approved(report=report)
    if make_files:
        for output_format in OutputFormat:
            _queue_output(report, output_format, by=by)
    return report


@transaction.atomic
@audited(reason="reason")
def reopen_report(report: Report, *, by, reason: str) -> Report:
    """Take an approved (or withdrawn) report back to draft for changes, with a reason.
    A report already public must be withdrawn first."""
    require(by, Action.PREPARE_REPORT)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the report is being reopened"})
    if report.state == ReportState.DRAFT:
        raise ValidationError("The report is already a draft")
    if report.state == ReportState.APPROVED and is_released(report):
        raise ValidationError("The report is published: withdraw it before changing it")
    report.state = ReportState.DRAFT
    report.snapshot = None
    report.snapshot_hash = ""
    report.approved_by = None
    report.approved_at = None
    report.lock_version += 1
    report.edited_by = by
    report.edited_at = timezone.now()
    report.save()
    _event(report, ReportEventKind.REOPENED, by, reason.strip())
    return report


@transaction.atomic
@audited(reason="reason")
def hold_report(report: Report, *, by, publish_after, reason: str) -> Report:
    """Set when an approved report may be published (never before its meeting starts), or
    clear it with None; for a meeting that was moved or cancelled. A report already public
    must be withdrawn instead."""
    require(by, Action.PREPARE_REPORT)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the publication time is changing"})
    if report.state != ReportState.APPROVED:
        raise ValidationError("Only an approved report has a publication time to change")
    if is_released(report):
        raise ValidationError("The report is published: withdraw it instead")
    if publish_after is not None and publish_after <= timezone.now():
        raise ValidationError({"publish_after": "Enter a time in the future"})
    report.publish_after = publish_after
    report.lock_version += 1
    report.save()
    when = timezone.localtime(publish_after).strftime("%-d %B %Y, %H:%M") if publish_after else ""
    _event(report, ReportEventKind.HELD, by, f"{when}: {reason.strip()}" if when else reason)
    return report


MEETING_REASON_REQUIRED = (
    "Enter why the meeting is changing: an approved report is published when it starts"
)
MEETING_PUBLISHED_REPORT = (
    "“{title}” is already published: withdraw it before moving its meeting later"
)


@dataclass(frozen=True)
class PublicationMove:
    """An approved report whose publication a meeting's change moves (None: held back)."""

    report: Report
    before: datetime | None
    after: datetime | None


def publication_moves(meeting: Meeting, *, starts_at, is_cancelled: bool) -> list[PublicationMove]:
    """What moving, cancelling or reinstating the meeting would do to publication: its own
    approved reports, and those without a meeting that wait for its reports (decision 0011)."""
    own = Report.objects.filter(meeting=meeting).exclude(state=ReportState.WITHDRAWN)
    overlapping = Q(pk__in=[])
    for period in Period.objects.filter(reports__in=own).distinct():
        overlapping |= Q(
            period__starts_on__lte=period.ends_on, period__ends_on__gte=period.starts_on
        )
    reports = list(
        Report.objects.filter(state=ReportState.APPROVED)
        .filter(Q(meeting=meeting) | (Q(meeting__isnull=True) & overlapping))
        .select_related("meeting", "period")
        .defer("snapshot")
    )
    changed = copy.copy(meeting)
    changed.starts_at, changed.is_cancelled = starts_at, is_cancelled
    before = release_times(reports)
    after = release_times(reports, meeting=changed)
    return [
        PublicationMove(report, before[report.pk], after[report.pk])
        for report in reports
        if before[report.pk] != after[report.pk]
    ]


def check_meeting_change(moves: list[PublicationMove], *, reason: str) -> None:
    """A change that moves publication needs a reason, and may not take a published report
    back off the public site."""
    if not moves:
        return
    if not reason.strip():
        raise ValidationError({"reason": MEETING_REASON_REQUIRED})
    now = timezone.now()
    for move in moves:
        was_public = move.before is not None and move.before <= now
        if was_public and (move.after is None or move.after > now):
            raise ValidationError(MEETING_PUBLISHED_REPORT.format(title=move.report.title))


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y, %H:%M")


def _meeting_change(meeting: Meeting, *, starts_at, is_cancelled: bool) -> str:
    name = f"{meeting.committee.name} meeting"
    if is_cancelled and not meeting.is_cancelled:
        return f"{name} of {_when(meeting.starts_at)} cancelled"
    if meeting.is_cancelled and not is_cancelled:
        return f"{name} reinstated for {_when(starts_at)}"
    return f"{name} moved from {_when(meeting.starts_at)} to {_when(starts_at)}"


def _publication(moment) -> str:
    if moment is None:
        return "held back until a publication time is set"
    if moment <= timezone.now():
        return "published at once"
    return f"published at {_when(moment)}"


@transaction.atomic
@audited(reason="reason")
def change_meeting(meeting: Meeting, *, by, starts_at, is_cancelled: bool, reason: str) -> Meeting:
    """Move, cancel or reinstate a meeting. If that moves when an approved report is published,
    the change needs a reason, is recorded on each such report ("publication time set"), and
    is refused if it would take a published report back off the public site."""
    meeting = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    moves = publication_moves(meeting, starts_at=starts_at, is_cancelled=is_cancelled)
    if moves:
        require(by, Action.PREPARE_REPORT)
    check_meeting_change(moves, reason=reason)
    change = _meeting_change(meeting, starts_at=starts_at, is_cancelled=is_cancelled)
    meeting.starts_at, meeting.is_cancelled = starts_at, is_cancelled
    meeting.save(update_fields=["starts_at", "is_cancelled"])
    for move in moves:
        publication = _publication(move.after)
        _event(move.report, ReportEventKind.HELD, by, f"{change}, {publication}: {reason.strip()}")
    return meeting


@transaction.atomic
@audited(reason="reason")
def withdraw_report(report: Report, *, by, reason: str) -> Report:
    """Take an approved report (and its figures) off the public site, recording why."""
    require(by, Action.WITHDRAW_REPORT)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the report is being withdrawn"})
    if report.state != ReportState.APPROVED:
        raise ValidationError("Only an approved report can be withdrawn")
    report.state = ReportState.WITHDRAWN
    report.withdrawn_by = by
    report.withdrawn_at = timezone.now()
    report.withdrawal_reason = reason.strip()
    report.lock_version += 1
    report.save()
    _event(report, ReportEventKind.WITHDRAWN, by, reason.strip())
    return report


def request_output(report: Report, output_format: str, *, by) -> ReportOutput:
    """Queue the making of one file of the report; the tasks worker makes it."""
    require(by, Action.PREPARE_REPORT)
    return _queue_output(report, output_format, by=by)


def _queue_output(report: Report, output_format: str, *, by) -> ReportOutput:
    from reports.tasks import make_output

    output = ReportOutput.objects.create(
        report=report,
        format=output_format,
        state=OutputState.QUEUED,
        content_hash=report.snapshot_hash,
        is_draft=report.state == ReportState.DRAFT,
        requested_by=by,
        requested_at=timezone.now(),
    )
    transaction.on_commit(lambda: make_output.enqueue(output.pk))
    return output


def current_output(report: Report, output_format: str) -> ReportOutput | None:
    """The latest file made from the report's approved content, if there is one."""
    if not report.snapshot_hash:
        return None
    return (
        report.outputs.filter(
            format=output_format,
            state=OutputState.DONE,
            content_hash=report.snapshot_hash,
            is_draft=False,
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


def queue_missing_files() -> int:
    """Queue the files of every approved report that lacks one made from its snapshot (after
    a bulk load, or if the worker was down); returns how many were queued."""
    queued = 0
    for report in Report.objects.filter(state=ReportState.APPROVED):
        have = set(
            report.outputs.filter(content_hash=report.snapshot_hash, is_draft=False)
            .exclude(state=OutputState.FAILED)
            .values_list("format", flat=True)
        )
        for output_format in OutputFormat:
            if output_format not in have:
                _queue_output(report, output_format, by=report.approved_by)
                queued += 1
    return queued


def current_outputs(reports) -> dict[tuple[int, str], ReportOutput]:
    """`current_output` for many reports in one query: (report id, format) to the file."""
    hashes = {report.pk: report.snapshot_hash for report in reports if report.snapshot_hash}
    found: dict[tuple[int, str], ReportOutput] = {}
    outputs = ReportOutput.objects.filter(
        report_id__in=hashes, state=OutputState.DONE, is_draft=False
    ).order_by("finished_at", "pk")
    for output in outputs:
        if output.content_hash == hashes[output.report_id]:
            found[output.report_id, output.format] = output  # the latest wins
    return found
