"""The public endpoints: no sign-in, only what released reports hold.

Each endpoint takes the request's `Publication` (built by `api.caching.public`, which answers
conditional requests and marks every response cacheable), asks `api.queries` one question and
returns a page of the answer. Anything not published is 404, as on the public site.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from ninja import Path, Query, Router

from api import appendix_queries, queries
from api.caching import public, publication_of, representation
from api.paging import PageQuery, page_of
from api.problems import Problem, ValidationProblem
from api.schemas import (
    AmbitionPage,
    Appendix,
    AppendixOptions,
    AppendixPage,
    BenchmarkPositionPage,
    IndicatorFilters,
    IndicatorPage,
    IndicatorWithValues,
    PeriodFilters,
    PeriodPage,
    PositionFilters,
    Report,
    ReportFilters,
    ReportPage,
    ValueFilters,
    ValuePage,
)
from publishing import opendata

router = Router(tags=["Published performance"])
router.add_decorator(public, mode="view")

LIST_ERRORS = {422: ValidationProblem}
ONE_ERRORS = {404: Problem, 422: ValidationProblem}
CSV_TOO = {"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}}
REPORT_ID = Path(..., description="The report's number.", example=1)


@router.get(
    "/periods/",
    response={200: PeriodPage, **LIST_ERRORS},
    url_name="periods",
    summary="Published periods",
    description="Every reporting period a released report covers, latest first, with the "
    "reports that cover it.",
)
def periods(request, filters: Query[PeriodFilters], paging: Query[PageQuery]):
    publication = publication_of(request)
    found = queries.periods(publication, kind=filters.kind)
    links = queries.Links(request)
    return page_of(
        request, found, paging, lambda page: queries.period_resources(publication, page, links)
    )


@router.get(
    "/ambitions/",
    response={200: AmbitionPage, **LIST_ERRORS},
    url_name="ambitions",
    summary="Ambitions",
    description="The council's ambitions that have published indicators, in the council's "
    "order, as the public scorecards show them.",
)
def ambitions(request, paging: Query[PageQuery]):
    found = queries.ambitions(publication_of(request))
    links = queries.Links(request)
    return page_of(request, found, paging, lambda page: queries.ambition_resources(page, links))


@router.get(
    "/indicators/",
    response={200: IndicatorPage, **LIST_ERRORS},
    url_name="indicators",
    summary="Indicators",
    description="Every indicator with a published figure, by code, each defined as the latest "
    "released report holding it defines it.",
)
def indicators(request, filters: Query[IndicatorFilters], paging: Query[PageQuery]):
    found = queries.indicators(publication_of(request), ambition=filters.ambition)
    links = queries.Links(request)
    return page_of(
        request,
        found,
        paging,
        lambda page: [queries.indicator_resource(entry, links) for entry in page],
    )


@router.get(
    "/indicators/{code}/",
    response={200: IndicatorWithValues, **ONE_ERRORS},
    url_name="indicator",
    summary="One indicator, with its published values",
    description="The indicator's definition as last published and every value published for "
    "it, one per published period, latest first.",
)
def indicator(
    request,
    code: str = Path(..., description="The indicator's code.", example="WST-01"),
):
    found = queries.indicator_with_values(publication_of(request), code, queries.Links(request))
    if found is None:
        raise Http404
    return found


@router.get(
    "/values/",
    response={200: ValuePage, **LIST_ERRORS},
    url_name="values",
    summary="Published values",
    description="Published values, one per indicator per published period, the latest period "
    "first, then by indicator code, with the open data's fields. As CSV (?format=csv, or "
    "Accept: text/csv) the whole table the filters choose, not paged, with the open data "
    "files' columns.",
    openapi_extra=CSV_TOO,
)
def values(request, filters: Query[ValueFilters], paging: Query[PageQuery]):
    rows = queries.values(
        publication_of(request),
        period=filters.period,
        ambition=filters.ambition,
        indicator=filters.indicator,
        where=_where(filters),
    )
    links = queries.Links(request)
    if representation(request) == "csv":
        return csv_response(opendata.as_csv(queries.value_records(rows, links)), "values.csv")
    return page_of(request, rows, paging, lambda page: queries.value_records(page, links))


@router.get(
    "/benchmark-positions/",
    response={200: BenchmarkPositionPage, **LIST_ERRORS},
    url_name="benchmark_positions",
    summary="Benchmark positions",
    description="Where the council stood among other councils on each published value "
    "compared with a published statistic: rank, quartile, the group and its median, and the "
    "statistic's period and source, as the released report froze them. One per indicator per "
    "published period, the latest period first, then by indicator code; the fields shared "
    "with the open data (the benchmark_ fields) mean the same. As CSV (?format=csv, or "
    "Accept: text/csv) every position the filters choose, not paged.",
    openapi_extra=CSV_TOO,
)
def benchmark_positions(request, filters: Query[PositionFilters], paging: Query[PageQuery]):
    rows = queries.benchmark_positions(
        publication_of(request),
        period=filters.period,
        ambition=filters.ambition,
        indicator=filters.indicator,
        quartile=filters.quartile,
        where=_where(filters),
    )
    links = queries.Links(request)
    if representation(request) == "csv":
        text = opendata.as_csv(
            queries.position_records(rows, links), fields=opendata.POSITION_FIELDS
        )
        return csv_response(text, "benchmark-positions.csv")
    return page_of(request, rows, paging, lambda page: queries.position_records(page, links))


def _where(filters) -> queries.Where:
    return queries.Where(
        indicator_set=filters.indicator_set,
        directorate=filters.directorate,
        committee=filters.committee,
    )


@router.get(
    "/reports/",
    response={200: ReportPage, **LIST_ERRORS},
    url_name="reports",
    summary="Released reports",
    description="Every released report, the latest period first, with links to its files.",
)
def reports(request, filters: Query[ReportFilters], paging: Query[PageQuery]):
    found = queries.reports(
        publication_of(request),
        period=filters.period,
        kind=filters.kind,
        committee=filters.committee,
    )
    links = queries.Links(request)
    return page_of(
        request,
        found,
        paging,
        lambda page: queries.report_resources(publication_of(request), page, links),
    )


@router.get(
    "/reports/{id}/",
    response={200: Report, **ONE_ERRORS},
    url_name="report",
    summary="One released report",
    description="A released report's details and links to its files.",
)
def report(request, id: int = REPORT_ID):
    publication = publication_of(request)
    found = queries.report(publication, id)
    if found is None:
        raise Http404
    return queries.report_resources(publication, [found], queries.Links(request))[0]


@router.get(
    "/reports/{id}/appendices/",
    response={200: AppendixPage, **ONE_ERRORS},
    url_name="appendices",
    summary="A released report's appendices",
    description="The appendices of a released report (risks, finance, change, how we compare "
    "with other councils), in the report's order, each with its text and tables as the report "
    "froze them on approval.",
)
def appendices(request, paging: Query[PageQuery], id: int = REPORT_ID):
    found = appendix_queries.appendices(publication_of(request), id)
    if found is None:
        raise Http404
    links = queries.Links(request)
    return page_of(
        request, found, paging, lambda page: appendix_queries.appendix_resources(page, links)
    )


@router.get(
    "/reports/{id}/appendices/{anchor}/",
    response={200: Appendix, **ONE_ERRORS},
    url_name="appendix",
    summary="One appendix of a released report",
    description="One appendix, by its name in addresses, with its text and tables. As CSV "
    "(?format=csv, or Accept: text/csv) one of its tables (the first, or the one table= "
    "names), its headings the header row; 404 for a table it does not have.",
    openapi_extra=CSV_TOO,
)
def appendix(
    request,
    options: Query[AppendixOptions],
    id: int = REPORT_ID,
    anchor: str = Path(..., description="The appendix's name in addresses.", example="risks"),
):
    found = appendix_queries.appendix(publication_of(request), id, anchor)
    if found is None:
        raise Http404
    if representation(request) == "csv":
        table = found.table(options.table)
        if table is None:
            raise Http404
        name = f"report-{id}-{anchor}-{options.table}.csv"
        return csv_response(appendix_queries.table_as_csv(table), name)
    return appendix_queries.appendix_resources([found], queries.Links(request))[0]


def csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
