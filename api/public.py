"""The public endpoints: no sign-in, only what released reports hold.

Each endpoint takes the request's `Publication` (built by `api.caching.public`, which answers
conditional requests and marks every response cacheable), asks `api.queries` one question and
returns a page of the answer. Anything not published is 404, as on the public site.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from ninja import Path, Query, Router

from api import queries
from api.caching import public, publication_of, representation
from api.paging import PageQuery, page_of
from api.problems import Problem, ValidationProblem
from api.schemas import (
    AmbitionPage,
    IndicatorFilters,
    IndicatorPage,
    IndicatorWithValues,
    PeriodFilters,
    PeriodPage,
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
    )
    links = queries.Links(request)
    if representation(request) == "csv":
        response = HttpResponse(
            opendata.as_csv(queries.value_records(rows, links)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'inline; filename="values.csv"'
        return response
    return page_of(request, rows, paging, lambda page: queries.value_records(page, links))


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
    return page_of(request, found, paging, lambda page: queries.report_resources(page, links))


@router.get(
    "/reports/{id}/",
    response={200: Report, **ONE_ERRORS},
    url_name="report",
    summary="One released report",
    description="A released report's details and links to its files.",
)
def report(request, id: int = Path(..., description="The report's number.", example=1)):
    found = queries.report(publication_of(request), id)
    if found is None:
        raise Http404
    return queries.report_resources([found], queries.Links(request))[0]
