"""The bulk routes: download a return as a spreadsheet, upload it back, import a CSV of many
services' figures, and follow an import's progress."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from indicators.models import ReportingCycle
from operations.jobs import recover_if_stopped
from operations.models import JobKind
from organisation.models import OrgUnit
from organisation.permissions import Action, can
from organisation.queries import current_council
from returns.import_forms import ValuesCsvForm, WorkbookUploadForm
from returns.imports import (
    CSV_COLUMNS,
    MAX_ROWS,
    ImportRejected,
    imported_returns,
    start_import,
)
from returns.models import ImportKind, ImportRun, ImportState
from returns.queries import due_indicators
from returns.workbooks import XLSX_CONTENT_TYPE, return_workbook, workbook_filename


def _return_or_404(request, cycle_id: int, service_code: str):
    cycle = get_object_or_404(ReportingCycle.objects.select_related("period"), pk=cycle_id)
    service = get_object_or_404(OrgUnit, code=service_code)
    if not can(request.user, Action.ENTER_VALUE, service):
        raise Http404("Not found")
    if not due_indicators(cycle, {service.pk}).exists():
        raise Http404("This service has nothing due in this cycle")
    return cycle, service


@login_required
def workbook_download(request, cycle_id: int, service_code: str):
    """The service's return as an Excel workbook, with any draft figures filled in."""
    cycle, service = _return_or_404(request, cycle_id, service_code)
    content = return_workbook(
        cycle, service, today=timezone.localdate(), council=current_council(request)
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=workbook_filename(cycle, service)
    )
    return response


@login_required
def upload_workbook_page(request, cycle_id: int, service_code: str):
    """Upload a completed return workbook: it is checked and imported as drafts, or rejected."""
    cycle, service = _return_or_404(request, cycle_id, service_code)
    form = WorkbookUploadForm()
    if request.method == "POST":
        form = WorkbookUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                run = start_import(
                    kind=ImportKind.RETURN_WORKBOOK,
                    upload=form.cleaned_data["file"],
                    by=request.user,
                    cycle=cycle,
                    service=service,
                )
            except ImportRejected as rejected:  # the file could not be kept (a full disk)
                form.add_error("file", rejected.problems[0]["message"])
            else:
                return redirect("returns:import_run", run.pk)
    return render(
        request,
        "returns/upload_workbook.html",
        {"cycle": cycle, "service": service, "form": form, "nav_current": "returns"},
        status=400 if form.errors else 200,
    )


@login_required
def import_values_page(request):
    """The performance team's CSV import of figures for many services at once."""
    if not can(request.user, Action.IMPORT_RETURNS):
        raise PermissionDenied
    form = ValuesCsvForm()
    if request.method == "POST":
        form = ValuesCsvForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                run = start_import(
                    kind=ImportKind.CSV, upload=form.cleaned_data["file"], by=request.user
                )
            except ImportRejected as rejected:  # the file could not be kept (a full disk)
                form.add_error("file", rejected.problems[0]["message"])
            else:
                return redirect("returns:import_run", run.pk)
    return render(
        request,
        "returns/import_values.html",
        {
            "form": form,
            "columns": CSV_COLUMNS,
            "max_rows": f"{MAX_ROWS:,}",
            "nav_current": "returns",
        },
        status=400 if form.errors else 200,
    )


@login_required
def import_run_page(request, run_id: int):
    """Where an import stands: its progress, then what was imported or every problem."""
    run = get_object_or_404(
        ImportRun.objects.select_related("cycle__period", "service", "uploaded_by"), pk=run_id
    )
    if run.uploaded_by_id != request.user.pk and not can(request.user, Action.IMPORT_RETURNS):
        raise Http404("Not found")
    recover_if_stopped(JobKind.IMPORT, run)  # its worker stopped: queued again, or failed
    if run.kind == ImportKind.RETURN_WORKBOOK and run.cycle and run.service:
        again = reverse("returns:upload_workbook", args=[run.cycle.pk, run.service.code])
    else:
        again = reverse("returns:import_values")
    return render(
        request,
        "returns/import_run.html",
        {
            "run": run,
            "is_working": run.state in (ImportState.QUEUED, ImportState.RUNNING),
            "progress_text": f"{run.processed_rows:,} of {run.total_rows:,} rows checked",
            "is_saving": run.state == ImportState.RUNNING
            and run.total_rows
            and run.processed_rows >= run.total_rows,
            "left_as_they_were": max(0, run.total_rows - run.imported_rows),
            "returns": imported_returns(run),
            "upload_again_url": again,
            "refresh_seconds": 2,
            "nav_current": "returns",
        },
    )
