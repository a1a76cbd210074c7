"""The public performance site and its open data: no sign-in, everything from released reports.

Each view takes the request's `Publication` (see `publishing.caching.public_view`), asks it one
question and renders the answer. Anything not released answers "Page not found".
"""

from __future__ import annotations

import json
import mimetypes
from datetime import date

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from goldenthread.pagination import pagination
from organisation.queries import current_council
from publishing import opendata, published
from publishing.addresses import downloads
from publishing.caching import public_view
from publishing.comparisons import comparisons_for
from publishing.feed import atom_feed, sitemap
from publishing.published import Publication, document_context
from reports.models import OutputFormat
from reports.outputs import file_name
from reports.reporting import current_output
from status.polarity import Polarity


def _council_name(request) -> str:
    council = current_council(request)
    return council.name if council else "The council"


def _crumbs(*trail):
    return [("Performance", reverse("publishing:home")), *trail]


@public_view
def home(request, publication: Publication):
    period = publication.latest_period()
    return render(
        request,
        "publishing/home.html",
        {
            "scorecard": publication.scorecard(period.code) if period else None,
            "latest_reports": publication.latest_reports(),
        },
    )


@public_view
def scorecards(request, publication: Publication):
    return render(
        request,
        "publishing/scorecards.html",
        {
            "quarters": publication.quarters(),
            "years": publication.years(),
            "breadcrumbs": _crumbs(("Scorecards", None)),
        },
    )


def _scorecard_or_404(publication: Publication, period_code: str):
    scorecard = publication.scorecard(period_code)
    if scorecard is None:
        raise Http404("No published scorecard for that period")
    return scorecard


@public_view
def scorecard(request, publication: Publication, period_code: str):
    found = _scorecard_or_404(publication, period_code)
    return render(
        request,
        "publishing/scorecard.html",
        {
            "scorecard": found,
            "by_ambition_page": found.counts.total > published.ROWS_ON_ONE_PAGE,
            "quarters": publication.quarters(),
            "years": publication.years(),
            "breadcrumbs": _crumbs(
                ("Scorecards", reverse("publishing:scorecards")), (found.period.label, None)
            ),
        },
    )


@public_view
def ambition(
    request, publication: Publication, period_code: str, ambition_code: str, number: int = 1
):
    """An ambition's indicators in a period (`NOT_LINKED`: those linked to no ambition), at
    most `ROWS_ON_ONE_PAGE` rows a page: page `number`, each its own address (the static
    export writes every one)."""
    other_periods = publication.periods_with(ambition_code)  # loads every snapshot at once
    found = _scorecard_or_404(publication, period_code)
    section = found.section(ambition_code)
    if section is None:
        raise Http404("The ambition has no published indicators for that period")
    if number == 1 and "number" in request.resolver_match.kwargs:
        raise Http404("The first page has the ambition's own address")
    try:
        page = Paginator(section.lines, published.ROWS_ON_ONE_PAGE).page(number)
    except InvalidPage:
        raise Http404("No such page") from None

    def address(n: int) -> str:
        at = [found.period.code, section.address]
        if n == 1:
            return reverse("publishing:ambition", args=at)
        return reverse("publishing:ambition_page", args=[*at, n])

    return render(
        request,
        "publishing/ambition.html",
        {
            "scorecard": found,
            "section": section,
            "page": page,
            "pagination": pagination(page, label="Pages of indicators", address=address),
            "other_periods": other_periods,
            "breadcrumbs": _crumbs(
                ("Scorecards", reverse("publishing:scorecards")),
                (found.period.label, reverse("publishing:scorecard", args=[found.period.code])),
                (section.title, None),
            ),
        },
    )


@public_view
def indicators(request, publication: Publication):
    """Every indicator with a published figure, A to Z: on one page, or (`a_to_z_by_letter`)
    a letter a page, this page listing the letters."""
    letters = publication.letters()
    return render(
        request,
        "publishing/indicators.html",
        {
            "letters": letters,
            "by_letter": publication.a_to_z_by_letter(),
            "count": sum(len(letter.entries) for letter in letters),
            "breadcrumbs": _crumbs(("Indicators", None)),
        },
    )


@public_view
def indicators_letter(request, publication: Publication, letter: str):
    """The A to Z's indicators beginning with one letter, when it is a letter a page."""
    letters = publication.letters()
    found = next((one for one in letters if one.address == letter), None)
    if found is None or not publication.a_to_z_by_letter():
        raise Http404("No published indicators begin with that letter")
    return render(
        request,
        "publishing/indicators_letter.html",
        {
            "letter": found,
            "letters": letters,
            "count": sum(len(one.entries) for one in letters),
            "breadcrumbs": _crumbs(
                ("Indicators", reverse("publishing:indicators")), (found.name, None)
            ),
        },
    )


@public_view
def indicator(request, publication: Publication, code: str):
    found = publication.indicator(code)
    if found is None:
        raise Http404("No published figures for that indicator")
    row = found.latest.row
    return render(
        request,
        "publishing/indicator.html",
        {
            "indicator": found,
            "row": row,
            "polarity": Polarity(row.polarity).label,
            "chart": row.chart(),
            "comparisons": comparisons_for(found.code, found.latest.period.code),
            "breadcrumbs": _crumbs(
                ("Indicators", reverse("publishing:indicators")), (row.title, None)
            ),
        },
    )


@public_view
def reports(request, publication: Publication):
    return render(
        request,
        "publishing/reports.html",
        {
            "groups": publication.reports_by_kind(),
            "breadcrumbs": _crumbs(("Reports", None)),
        },
    )


@public_view
def report(request, publication: Publication, pk: int):
    found = publication.report(pk)
    if found is None:
        raise Http404("No published report with that number")
    content = found.content
    return render(
        request,
        "publishing/report.html",
        {
            **document_context(content),
            "published": found,
            "downloads": [
                (fmt, label, output, reverse("publishing:download", args=[found.pk, fmt]))
                for fmt, label, output in downloads(found.report)
            ],
            "breadcrumbs": _crumbs(("Reports", reverse("publishing:reports")), (found.name, None)),
            "wide_page": True,  # its tables carry the SPC columns too
        },
    )


@public_view
def download(request, publication: Publication, pk: int, output_format: str):
    found = publication.report(pk)
    if found is None or output_format not in OutputFormat.values:
        raise Http404("No such published file")
    output = current_output(found.report, output_format)
    if output is None or not output.file:
        raise Http404("No such published file")
    name = file_name(found.content, output_format, draft=False)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(
        output.file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )


# Change these when the statement is reviewed (at least once a year) or the site is retested.
STATEMENT_PREPARED_ON = date(2026, 11, 24)
STATEMENT_REVIEWED_ON = date(2026, 11, 24)


@public_view
def accessibility(request, publication: Publication):
    # The performance team's address (DJANGO_DEFAULT_FROM_EMAIL), which its emails come from.
    contact = settings.DEFAULT_FROM_EMAIL
    return render(
        request,
        "publishing/accessibility.html",
        {
            "contact": contact,
            "prepared_on": STATEMENT_PREPARED_ON,
            "reviewed_on": STATEMENT_REVIEWED_ON,
            "breadcrumbs": _crumbs(("Accessibility statement", None)),
        },
    )


@public_view
def data(request, publication: Publication):
    return render(
        request,
        "publishing/data.html",
        {
            "periods": publication.periods(),
            "indicators": publication.indicators(),
            "fields": opendata.FIELDS,
            "licence_title": opendata.LICENCE_TITLE,
            "licence_url": opendata.LICENCE_URL,
            "breadcrumbs": _crumbs(("Open data", None)),
        },
    )


def _json_response(text: str, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@public_view
def schema(request, publication: Publication):
    document = opendata.table_schema(publisher=_council_name(request))
    return _json_response(
        json.dumps(document, ensure_ascii=False, indent=1), filename="schema.json"
    )


def _data_file(request, rows, *, stem: str, extension: str, about: dict) -> HttpResponse:
    records = opendata.records(
        rows, lambda pk: request.build_absolute_uri(reverse("publishing:report", args=[pk]))
    )
    filename = f"{stem}.{extension}"
    if extension == "csv":
        response = HttpResponse(opendata.as_csv(records), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Access-Control-Allow-Origin"] = "*"
        return response
    text = opendata.as_json(
        records,
        about=about,
        schema_url=request.build_absolute_uri(reverse("publishing:schema")),
        publisher=_council_name(request),
    )
    return _json_response(text, filename=filename)


@public_view
def period_data(request, publication: Publication, period_code: str, extension: str):
    period = publication.period(period_code)
    if period is None:
        raise Http404("No published figures for that period")
    return _data_file(
        request,
        publication.rows_for(period),
        stem=f"performance-{period.code}",
        extension=extension,
        about={"period": {"code": period.code, "label": period.label, "kind": period.kind}},
    )


@public_view
def indicator_data(request, publication: Publication, code: str, extension: str):
    found = publication.indicator(code)
    if found is None:
        raise Http404("No published figures for that indicator")
    return _data_file(
        request,
        found.readings,
        stem=f"indicator-{found.code}",
        extension=extension,
        about={"indicator": {"code": found.code, "title": found.title}},
    )


@public_view
def sitemap_xml(request, publication: Publication):
    return HttpResponse(
        sitemap(publication, absolute=request.build_absolute_uri),
        content_type="application/xml; charset=utf-8",
    )


@public_view
def feed_xml(request, publication: Publication):
    return HttpResponse(
        atom_feed(
            publication,
            absolute=request.build_absolute_uri,
            council_name=_council_name(request),
        ),
        content_type="application/atom+xml; charset=utf-8",
    )
