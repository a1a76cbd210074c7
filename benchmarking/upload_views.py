"""The performance team's page for importing a published statistic (thin: the domain function
in `benchmarking.uploads` checks who may and does the work)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from benchmarking.forms import UploadForm
from benchmarking.uploads import ImportRejected, import_upload
from organisation.permissions import Action, require

IMPORTED = "Imported {name}: {summary}"


@login_required
def upload_page(request):
    """Upload a published CSV and import it by its description: all of it, or nothing."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = import_upload(
                description=data["description"],
                data=data["data"],
                own_description=data["own_description"],
                release=data["release"],
                by=request.user,
            )
        except ImportRejected as rejected:
            problems = [
                {"row": p.row, "field": p.column, "message": p.message} for p in rejected.problems
            ]
        else:
            summary = "; ".join(report.lines())
            messages.success(request, IMPORTED.format(name=data["data"].name, summary=summary))
            return redirect("benchmarking:upload")
    return render(
        request,
        "benchmarking/upload.html",
        {
            "form": form,
            "problems": problems,
            "breadcrumbs": [("Import published figures", None)],
        },
        status=400 if form.errors or problems else 200,
    )
