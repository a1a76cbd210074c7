"""Report pages for council staff: list, create, edit, approve, reopen, withdraw, and the
files. Councillors and officers see approved reports before the public does; drafts are for
the performance team and directors."""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from operations.jobs import recover_if_stopped
from operations.models import JobKind
from organisation.permissions import Action, can, require
from publishing.published import document_context
from reports import reporting
from reports.building import report_content
from reports.content import draft_exceptions_text
from reports.forms import HoldForm, NewReportForm, ReasonForm, ReportForm
from reports.models import OutputFormat, OutputState, Report, ReportOutput, ReportState
from reports.publication import is_released, release_if_approved, release_time, release_times


def _visible(user, report: Report) -> bool:
    return report.state != ReportState.DRAFT or can(user, Action.VIEW_REPORT_DRAFTS)


def _report(request, report_id: int) -> Report:
    report = get_object_or_404(
        Report.objects.select_related("committee", "meeting", "period", "approved_by"),
        pk=report_id,
    )
    if not _visible(request.user, report):
        raise Http404("Not found")
    return report


def _release_text(report: Report, now, moment) -> str:
    """What the report's release stands at; `moment` is its `release_time`."""
    if report.state == ReportState.DRAFT:
        return "Draft: not approved"
    if report.state == ReportState.WITHDRAWN:
        return "Withdrawn from publication"
    if moment is None and report.meeting_id is None:
        return (
            "Approved: held back until a committee report of its period, whose meeting was "
            "cancelled, is given a publication time or withdrawn"
        )
    if moment is None:
        return "Approved: held back (its meeting was cancelled; set a publication time)"
    if moment <= now:
        return "Published"
    return f"Approved: embargoed until {timezone.localtime(moment):%-d %B %Y, %H:%M}"


@login_required
def report_list(request):
    reports = Report.objects.select_related("committee", "meeting", "period")
    if not can(request.user, Action.VIEW_REPORT_DRAFTS):
        reports = reports.exclude(state=ReportState.DRAFT)
    now = timezone.now()
    reports = list(reports)
    moments = release_times(reports)
    return render(
        request,
        "reports/list.html",
        {
            "rows": [
                (report, _release_text(report, now, moments[report.pk])) for report in reports
            ],
            "may_prepare": can(request.user, Action.PREPARE_REPORT),
            "nav_current": "reports",
        },
    )


@login_required
def new_report(request):
    require(request.user, Action.PREPARE_REPORT)
    form = NewReportForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        meeting = form.cleaned_data["meeting"]
        kind = form.cleaned_data["kind"]
        report = reporting.create_report(
            by=request.user,
            kind=kind,
            period=form.cleaned_data["period"],
            title=form.default_title(),
            committee=meeting.committee if meeting else None,
            meeting=meeting,
        )
        messages.success(request, "Report created: write its narrative")
        return redirect("reports:edit", report.pk)
    return render(
        request,
        "reports/new.html",
        {"form": form, "nav_current": "reports"},
        status=400 if form.errors else 200,
    )


@login_required
def report_page(request, report_id: int):
    report = _report(request, report_id)
    user, now = request.user, timezone.now()
    released = report.state == ReportState.APPROVED and is_released(report, now)
    content = report_content(report)
    may_approve = report.state == ReportState.DRAFT and can(user, Action.APPROVE_REPORT, report)
    outputs = {}
    for output_format in OutputFormat:
        latest = (
            report.outputs.filter(format=output_format, is_draft=report.state == ReportState.DRAFT)
            .order_by("-requested_at", "-pk")
            .first()
        )
        if latest is not None and latest.content_hash != report.snapshot_hash:
            latest = None  # made from content since reopened
        outputs[output_format] = latest
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            **document_context(content),
            "release_text": _release_text(report, now, release_time(report)),
            "released": released,
            "outputs": [(fmt, outputs[fmt]) for fmt in OutputFormat],
            "events": list(report.events.select_related("by")),
            "may_edit": report.state == ReportState.DRAFT and can(user, Action.PREPARE_REPORT),
            "may_approve": may_approve,
            # The approval carries the version read here: an edit after it refuses approval.
            "approve_url": _approve_url(report, reporting.seen_now(report, content))
            if may_approve
            else None,
            "may_reopen": can(user, Action.PREPARE_REPORT)
            and (
                report.state == ReportState.WITHDRAWN
                or (report.state == ReportState.APPROVED and not released)
            ),
            "may_withdraw": report.state == ReportState.APPROVED
            and can(user, Action.WITHDRAW_REPORT),
            "may_hold": report.state == ReportState.APPROVED
            and not released
            and can(user, Action.PREPARE_REPORT),
            "may_make_files": can(user, Action.PREPARE_REPORT)
            and report.state != ReportState.WITHDRAWN,
            "edited_by_you": report.edited_by_id == user.pk,
            "nav_current": "reports",
            "wide_page": True,
        },
    )


def _initial(report: Report) -> dict:
    return {
        "lock_version": report.lock_version,
        "title": report.title,
        "report_of": report.report_of,
        "contact": report.contact,
        "purpose": report.purpose,
        "recommendations": report.recommendations,
        "going_well": report.going_well,
        "not_going_well": report.not_going_well,
        "being_done": report.being_done,
        "exceptions_text": report.exceptions_text,
        "extra_codes": ", ".join(report.extra_indicators.values_list("code", flat=True)),
        "area_text": report.area_text,
        "publish_after": timezone.localtime(report.publish_after).strftime("%d/%m/%Y %H:%M")
        if report.publish_after
        else "",
    }


@login_required
def edit_report(request, report_id: int):
    require(request.user, Action.PREPARE_REPORT)
    report = _report(request, report_id)
    if report.state != ReportState.DRAFT:
        messages.error(request, "Only a draft can be changed: reopen the report first")
        return redirect("reports:report", report.pk)
    form = ReportForm(request.POST or None, initial=_initial(report))
    if request.method == "POST" and "draft_exceptions" in request.POST:
        # Fill the exceptions box with a first draft; nothing is saved until they save.
        data = request.POST.copy()
        data["exceptions_text"] = draft_exceptions_text(report_content(report))
        form = ReportForm(data, initial=_initial(report))
        form.errors.clear()
    elif request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name]
            for name in reporting.EDITABLE_FIELDS
            if name in form.cleaned_data
        }
        try:
            reporting.save_report(
                report,
                by=request.user,
                lock_version=form.cleaned_data["lock_version"],
                extra_indicators=form.cleaned_data["extra_codes"],
                **fields,
            )
        except reporting.StaleReport as stale:
            form.add_error(
                None,
                f"{stale}: your changes were not saved. Copy anything you need, then "
                "reload the page to see the latest version.",
            )
        except ValidationError as problem:
            for field, errors in problem.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Report saved")
            return redirect("reports:report", report.pk)
    return render(
        request,
        "reports/edit.html",
        {
            "report": report,
            "form": form,
            "nav_current": "reports",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _seen_in(data) -> reporting.Seen | None:
    """The version of the report the approver read, from the approval form or link."""
    try:
        lock_version = int(data.get("seen_version", ""))
    except ValueError:
        return None
    content_hash = data.get("seen_hash", "")
    if not SEEN_HASH.fullmatch(content_hash):
        return None
    return reporting.Seen(lock_version=lock_version, content_hash=content_hash)


def _approve_url(report: Report, seen: reporting.Seen) -> str:
    query = urlencode({"seen_version": seen.lock_version, "seen_hash": seen.content_hash})
    return f"{reverse('reports:approve', args=[report.pk])}?{query}"


@login_required
def approve(request, report_id: int):
    """Approve the version of the report the director read: the report page's link and the
    form carry it, and approval is refused if the report or a figure in it changed since."""
    report = _report(request, report_id)
    require(request.user, Action.APPROVE_REPORT, report)
    read = _seen_in(request.POST if request.method == "POST" else request.GET)
    changed = None
    if request.method == "POST":
        if read is None:
            messages.error(request, APPROVAL_FORM_INCOMPLETE)
            return redirect("reports:report", report.pk)
        try:
            reporting.approve_report(report, by=request.user, seen=read)
        except reporting.ChangedSinceRead as refused:
            changed = str(refused)
        except ValidationError as problem:
            messages.error(request, " ".join(problem.messages))
            return redirect("reports:report", report.pk)
        else:
            messages.success(request, "Report approved: its files are being made")
            return redirect("reports:report", report.pk)
    content = report_content(report)
    current = reporting.seen_now(report, content) if report.state == ReportState.DRAFT else None
    now = timezone.now()
    if changed is None and read is not None and current is not None and read != current:
        edited = read.lock_version != current.lock_version
        changed = str(reporting.ChangedSinceRead(report, edited=edited))
    return render(
        request,
        "reports/approve.html",
        {
            "report": report,
            "content": content,
            "changed": changed,
            "release_at": release_if_approved(report, now),
            "now": now,
            "seen_version": current.lock_version if current else None,
            "seen_hash": current.content_hash if current else None,
            "nav_current": "reports",
        },
        status=409 if changed and request.method == "POST" else 200,
    )


SEEN_HASH = re.compile(r"[0-9a-f]{64}")
APPROVAL_FORM_INCOMPLETE = (
    "The approval did not say which version of the report you read, so nothing was approved. "
    "Read the report and approve it from its page"
)


def _reason_page(request, report, *, do, title, button, lead, done):
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do(report, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as problem:
            messages.error(request, " ".join(problem.messages))
        else:
            messages.success(request, done)
        return redirect("reports:report", report.pk)
    return render(
        request,
        "reports/reason.html",
        {
            "report": report,
            "form": form,
            "title": title,
            "button": button,
            "lead": lead,
            "nav_current": "reports",
        },
        status=400 if form.errors else 200,
    )


@login_required
def reopen(request, report_id: int):
    require(request.user, Action.PREPARE_REPORT)
    return _reason_page(
        request,
        _report(request, report_id),
        do=reporting.reopen_report,
        title="Reopen the report for changes",
        button="Reopen the report",
        lead="The approval is cancelled and the report goes back to draft. It must be "
        "approved again before it can be published.",
        done="Report reopened: it is a draft again",
    )


@login_required
def withdraw(request, report_id: int):
    require(request.user, Action.WITHDRAW_REPORT)
    return _reason_page(
        request,
        _report(request, report_id),
        do=reporting.withdraw_report,
        title="Withdraw the report from publication",
        button="Withdraw the report",
        lead="The report, its files and its figures are taken off the public site at once. "
        "The withdrawal and its reason are recorded.",
        done="Report withdrawn from publication",
    )


@login_required
def hold(request, report_id: int):
    """Change when an approved report may be published: for a meeting moved or cancelled."""
    require(request.user, Action.PREPARE_REPORT)
    report = _report(request, report_id)
    initial = {}
    if report.publish_after:
        initial["publish_after"] = timezone.localtime(report.publish_after).strftime(
            "%d/%m/%Y %H:%M"
        )
    form = HoldForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reporting.hold_report(
                report,
                by=request.user,
                publish_after=form.cleaned_data["publish_after"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as problem:
            if hasattr(problem, "error_dict"):
                for field, errors in problem.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.error(request, " ".join(problem.messages))
                return redirect("reports:report", report.pk)
        else:
            messages.success(request, "Publication time changed")
            return redirect("reports:report", report.pk)
    return render(
        request,
        "reports/hold.html",
        {"report": report, "form": form, "nav_current": "reports"},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def make_file(request, report_id: int):
    report = _report(request, report_id)
    output_format = request.POST.get("format", "")
    if output_format not in OutputFormat.values:
        raise Http404("No such format")
    if report.state == ReportState.WITHDRAWN:
        raise PermissionDenied
    output = reporting.request_output(report, output_format, by=request.user)
    return redirect("reports:output", output.pk)


def _output(request, output_id: int) -> ReportOutput:
    output = get_object_or_404(ReportOutput.objects.select_related("report"), pk=output_id)
    if not _visible(request.user, output.report):
        raise Http404("Not found")
    if output.is_draft and not can(request.user, Action.VIEW_REPORT_DRAFTS):
        raise Http404("Not found")
    return output


@login_required
def output_page(request, output_id: int):
    output = _output(request, output_id)
    recover_if_stopped(JobKind.REPORT_FILE, output)  # its worker stopped: queued again, or failed
    working = output.state in (OutputState.QUEUED, OutputState.RUNNING)
    return render(
        request,
        "reports/output.html",
        {
            "output": output,
            "report": output.report,
            "working": working,
            "refresh_seconds": 2,
            "back": reverse("reports:report", args=[output.report_id]),
            "nav_current": "reports",
        },
    )


@login_required
def download(request, output_id: int):
    output = _output(request, output_id)
    if output.state != OutputState.DONE or not output.file:
        raise Http404("The file is not ready")
    name = output.file.name.rsplit("/", 1)[-1]
    response = FileResponse(output.file.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response
