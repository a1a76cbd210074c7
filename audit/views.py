"""The audit log's pages, for administrators and internal audit: the entries, filtered, with the
chain's check at the top; and the same entries as CSV."""

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit import chain, queries
from audit.forms import AuditFilterForm
from audit.models import Source
from goldenthread.pagination import pagination
from organisation.permissions import Action, require
from scorecards.exports import formula_safe

PER_PAGE = 50
CSV_HEADERS = [
    "Entry",
    "When",
    "Who",
    "From",
    "What",
    "Type",
    "Id",
    "Object",
    "Reason",
    "Before",
    "After",
    "Entry hash",
    "Previous hash",
]
SOURCES = dict(Source.choices)


def _filter_form(request) -> AuditFilterForm:
    names = AuditFilterForm.base_fields
    picked = {name: request.GET[name] for name in names if name in request.GET}
    return AuditFilterForm(picked or None)


@login_required
def log(request):
    require(request.user, Action.VIEW_AUDIT)
    form = _filter_form(request)
    filters = form.filters()
    page = Paginator(queries.entries(filters), PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({name: value for name, value in (form.data or {}).items() if value})
    return render(
        request,
        "audit/log.html",
        {
            "verification": chain.verify(),
            "form": form,
            "filters": filters,
            "page": page,
            "pagination": pagination(page, label="Pages of the audit log", query=query),
            "rows": [
                (entry, queries.type_label(entry.object_type), queries.changes(entry))
                for entry in page
            ],
            "sources": SOURCES,
            "query": query,
            "nav_current": "audit",
        },
    )


class _Line:
    """A file-like object that hands back what csv.writer writes, one row at a time."""

    def write(self, text: str) -> str:
        return text


def _csv_row(entry) -> list[str]:
    cells = [
        str(entry.sequence),
        timezone.localtime(entry.at).isoformat(timespec="seconds"),
        entry.actor_name,
        SOURCES.get(entry.source, entry.source),
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.object_label,
        entry.reason,
        queries.as_text(entry.before) if entry.before is not None else "",
        queries.as_text(entry.after) if entry.after is not None else "",
        entry.entry_hash,
        entry.previous_hash,
    ]
    return [formula_safe(cell) for cell in cells]


def _csv_lines(entries):
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(CSV_HEADERS)  # Excel reads UTF-8 with a BOM correctly
    for entry in entries.iterator(chunk_size=500):
        yield writer.writerow(_csv_row(entry))


@login_required
def export(request):
    require(request.user, Action.VIEW_AUDIT)
    entries = queries.entries(_filter_form(request).filters())
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    return StreamingHttpResponse(
        _csv_lines(entries),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-log-{stamp}.csv"'},
    )
