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

from operations.jobs import JobLost, claim_job, end_attempt, finish_job, hold
from operations.models import JobKind
from reports.content import ReportContent
from reports.models import OutputFormat, OutputState, ReportOutput, ReportState
from scorecards.exports import xml_text

Progress = Callable[[int, str], None]

# Bidirectional embedding, override and isolate controls. Typed into a name, one turns the
# words after it round: a committee name holding U+202E reversed the meeting date beside it in
# the PDF's footer ("6202 rebmevoN 42"). Right-to-left scripts are shown right without them.
_BIDI_CONTROLS = str.maketrans(dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def printable(content: ReportContent) -> ReportContent:
    """A copy of the content with every text as `xml_text` leaves it (no control character
    XML cannot hold) and without direction overrides, so the PDF, Word and Excel files say the
    same words, none fails to be made because of one stray character, and no text turns the
    words after it round."""
    return ReportContent.from_snapshot(_printable(content.to_snapshot()))


def _printable(data):
    if isinstance(data, str):
        return xml_text(data).translate(_BIDI_CONTROLS)
    if isinstance(data, dict):
        return {key: _printable(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_printable(item) for item in data]
    return data


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
    """Make one file of a report, if it is still queued. Claimed by one worker
    (`operations.jobs`); the file is written whole and recorded in the same transaction as the
    output's "ready", so a worker stopped part-way leaves nothing half-made, and is recovered."""
    from reports.building import build_content, report_content

    attempt = claim_job(JobKind.REPORT_FILE, output_id)
    output = ReportOutput.objects.select_related("report").get(pk=output_id)
    if attempt is None:
        return output  # made, or being made, by another worker

    def progress(percent: int, step: str) -> None:
        ReportOutput.objects.filter(pk=output.pk).update(
            progress=max(0, min(100, percent)), step=step[:100]
        )

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
            hold(attempt)
            output.refresh_from_db()
            output.file.save(
                file_name(content, output.format, draft=output.is_draft),
                ContentFile(data),
                save=False,
            )
            try:
                output.size = len(data)
                output.state = OutputState.DONE
                output.progress = 100
                output.step = "Ready"
                output.finished_at = timezone.now()
                output.save()
                end_attempt(attempt)
            except BaseException:
                output.file.storage.delete(output.file.name)  # no file without its row
                raise
    except JobLost:  # given up for stopped meanwhile, and queued again: save nothing
        output.refresh_from_db()
    except Exception as problem:
        finish_job(
            attempt,
            state=OutputState.FAILED,
            error=str(problem)[:2000],
            step="Failed",
            finished_at=timezone.now(),
        )
        output.refresh_from_db()
        if not isinstance(problem, ValueError):
            raise
    return output
