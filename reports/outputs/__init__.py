"""Making a report's files: PDF, Word and Excel, from the same content.

`make` is run by the tasks worker. It reads the report's content (the approved snapshot, or
the live draft for a preview), renders it, stores the file and records progress as it goes,
so the report page can show how far it has got.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from reports.content import ReportContent
from reports.models import OutputFormat, OutputState, ReportOutput, ReportState

Progress = Callable[[int, str], None]


def renderer(output_format: str) -> Callable[..., bytes]:
    from reports.outputs.docx import render_docx
    from reports.outputs.pdf import render_pdf
    from reports.outputs.xlsx import render_xlsx

    return {
        OutputFormat.PDF: render_pdf,
        OutputFormat.DOCX: render_docx,
        OutputFormat.XLSX: render_xlsx,
    }[OutputFormat(output_format)]


def file_name(content: ReportContent, output_format: str, *, draft: bool) -> str:
    title = content.title
    if content.period_label not in title:
        title = f"{title} {content.period_label}"
    if content.committee and content.committee not in title:
        title = f"{title} {content.committee}"
    stem = slugify(title)[:80] or "report"
    return f"{stem}{'-draft' if draft else ''}.{output_format}"


def make(output_id: int) -> ReportOutput:
    from reports.building import build_content, report_content

    output = ReportOutput.objects.select_related("report").get(pk=output_id)

    def progress(percent: int, step: str) -> None:
        ReportOutput.objects.filter(pk=output.pk).update(
            progress=max(0, min(100, percent)), step=step[:100]
        )

    ReportOutput.objects.filter(pk=output.pk).update(state=OutputState.RUNNING)
    report = output.report
    try:
        progress(5, "Reading the figures")
        if output.is_draft:
            content = build_content(report)
        else:
            if report.state == ReportState.DRAFT or report.snapshot_hash != output.content_hash:
                raise ValueError("The report has changed since this file was asked for")
            content = report_content(report)
        progress(20, "Laying out the report")
        data = renderer(output.format)(content, draft=output.is_draft, progress=progress)
        progress(95, "Saving the file")
        with transaction.atomic():
            output.refresh_from_db()
            output.file.save(
                file_name(content, output.format, draft=output.is_draft),
                ContentFile(data),
                save=False,
            )
            output.size = len(data)
            output.state = OutputState.DONE
            output.progress = 100
            output.step = "Ready"
            output.finished_at = timezone.now()
            output.save()
    except Exception as problem:
        ReportOutput.objects.filter(pk=output.pk).update(
            state=OutputState.FAILED,
            error=str(problem)[:2000],
            step="Failed",
            finished_at=timezone.now(),
        )
        output.refresh_from_db()
        if not isinstance(problem, ValueError):
            raise
    return output
