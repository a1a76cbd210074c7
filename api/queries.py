"""What each public endpoint answers, read from the request's `Publication` only.

Nothing here reads live figures: periods, ambitions, indicators, values, benchmark positions
and reports are those of released reports, exactly as the public site shows them (a report's
appendices are in `api.appendix_queries`). The lists are in a stable order (periods and
reports latest first, then as the public site lists them; indicators, values and positions
by code), and shaping an item (its links, its fields) is kept apart from choosing the items,
so that a page shapes only its own items.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse

from indicators.models import Indicator
from publishing import opendata
from publishing.addresses import downloads
from publishing.published import (
    IndicatorEntry,
    Publication,
    PublishedPeriod,
    PublishedReport,
    PublishedRow,
)
from reports.content import Appendix
from reports.reporting import current_outputs
from strategy.models import Ambition, Committee

LATEST = "latest"


@dataclass(frozen=True)
class Links:
    """Absolute addresses, in this API and on the public site."""

    request: HttpRequest

    def api(self, name: str, *args, **params) -> str:
        address = reverse(f"api-v1:{name}", args=args)
        if params:
            address += "?" + urlencode(params)
        return self.request.build_absolute_uri(address)

    def web(self, name: str, *args) -> str:
        return self.request.build_absolute_uri(reverse(f"publishing:{name}", args=args))


# Periods


def periods(publication: Publication, *, kind: str | None = None) -> list[PublishedPeriod]:
    return [p for p in publication.periods() if kind is None or p.kind == kind]


def period_resources(
    publication: Publication, found: Sequence[PublishedPeriod], links: Links
) -> list[dict]:
    return [
        {
            "code": period.code,
            "label": period.label,
            "kind": period.kind,
            "starts_on": period.starts_on,
            "ends_on": period.ends_on,
            "reports": [report_link(r, links) for r in publication.reports_for(period)],
            "values_url": links.api("values", period=period.code),
            "web_url": links.web("scorecard", period.code),
        }
        for period in found
    ]


# Ambitions


@dataclass(frozen=True)
class PublicAmbition:
    code: str
    title: str
    description: str
    periods: list[str]  # codes, latest first
    live: Ambition | None = None  # as the council's framework holds it now (its plan, outcomes)


def ambitions(publication: Publication) -> list[PublicAmbition]:
    """The ambitions with published indicators, in the council's order (one since removed
    keeps the title its report gave it, after the rest), as the public scorecards show them."""
    found: dict[str, PublicAmbition] = {}
    publication.load(publication.reports)  # every snapshot in one query
    for period in publication.periods():
        for section in publication.scorecard(period.code).sections:
            if not section.code:
                continue  # the indicators linked to no ambition
            if section.code in found:
                found[section.code].periods.append(period.code)
            else:
                found[section.code] = PublicAmbition(
                    section.code, section.title, section.description, [period.code]
                )
    order = {a.code: n for n, a in enumerate(publication.ambitions)}
    live = {a.code: a for a in publication.ambitions}
    return sorted(
        (replace(a, live=live.get(a.code)) for a in found.values()),
        key=lambda a: (order.get(a.code, len(order)), a.code),
    )


def ambition_resources(found: Sequence[PublicAmbition], links: Links) -> list[dict]:
    return [
        {
            "code": ambition.code,
            "title": ambition.title,
            "description": ambition.description,
            "periods": ambition.periods,
            "plan": _plan(ambition.live),
            "outcomes": [
                {"code": o.code, "title": o.title, "description": o.description}
                for o in (ambition.live.outcomes.all() if ambition.live else ())
            ],
            "indicators_url": links.api("indicators", ambition=ambition.code),
            "web_url": links.web("ambition", ambition.periods[0], ambition.code),
        }
        for ambition in found
    ]


def _plan(ambition: Ambition | None) -> dict | None:
    if ambition is None:
        return None  # removed from the framework since its report was released
    plan = ambition.plan
    return {
        "title": plan.title,
        "kind": plan.kind,
        "kind_label": plan.get_kind_display(),
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
    }


# Indicators


def indicators(publication: Publication, *, ambition: str | None = None) -> list[IndicatorEntry]:
    """Every indicator with a published figure, by code; its definition as last published."""
    entries = sorted(publication.indicators(), key=lambda e: e.code)
    return [e for e in entries if ambition is None or ambition in e.latest.row.ambitions]


def indicator_resource(entry: IndicatorEntry, links: Links) -> dict:
    row = entry.latest.row
    return {
        "code": entry.code,
        "title": row.title,
        "unit": row.unit,
        "precision": row.precision,
        "polarity": row.polarity,
        "frequency": row.frequency,
        "owner": row.owner,
        "ambitions": list(row.ambitions),
        "measures": row.measures,
        "purpose": row.purpose,
        "calculation": row.calculation,
        "source": row.source,
        "latest_period": entry.latest.period.code,
        "url": links.api("indicator", entry.code),
        "web_url": links.web("indicator", entry.code),
    }


def indicator_with_values(publication: Publication, code: str, links: Links) -> dict | None:
    found = publication.indicator(code)
    if found is None:
        return None
    entry = IndicatorEntry(code=found.code, title=found.title, latest=found.latest)
    return {**indicator_resource(entry, links), "values": value_records(found.readings, links)}


# Values


def values(
    publication: Publication,
    *,
    period: str | None = None,
    ambition: str | None = None,
    indicator: str | None = None,
    where: Where | None = None,
) -> list[PublishedRow]:
    """Published values, one per indicator per period: the latest period first, then by
    indicator code."""
    if period == LATEST:
        latest = publication.latest_period()
        chosen = [latest] if latest else []
    else:
        chosen = [p for p in publication.periods() if period is None or p.code == period]
    if len(chosen) > 1:
        publication.load(publication.reports)  # every snapshot in one query
    rows = [row for p in chosen for row in publication.rows_for(p)]
    kept = where.keeps() if where is not None else None
    return [
        row
        for row in rows
        if (ambition is None or ambition in row.row.ambitions)
        and (indicator is None or row.code == indicator)
        and (kept is None or kept(row))
    ]


@dataclass(frozen=True)
class Where:
    """Filters by where an indicator sits in the framework today (its sets and its owner's
    directorate) and by the committee a released report went to. Each costs one query, only
    when given; only published rows are ever filtered, so nothing unpublished shows."""

    indicator_set: str | None = None
    directorate: str | None = None
    committee: str | None = None

    def keeps(self) -> Callable[[PublishedRow], bool] | None:
        given = (self.indicator_set, self.directorate, self.committee)
        if any(code is not None and "\x00" in code for code in given):
            # No code holds a NUL, and PostgreSQL refuses one in a query: nothing matches.
            return lambda row: False
        tests = []
        if self.indicator_set is not None:
            in_set = set(
                Indicator.objects.filter(sets__code=self.indicator_set).values_list(
                    "code", flat=True
                )
            )
            tests.append(lambda row: row.code in in_set)
        if self.directorate is not None:
            code = self.directorate
            owned = set(
                Indicator.objects.filter(
                    Q(owner__code=code)
                    | Q(owner__parent__code=code)
                    | Q(owner__parent__parent__code=code)
                ).values_list("code", flat=True)
            )
            tests.append(lambda row: row.code in owned)
        if self.committee is not None:
            found = Committee.objects.filter(code=self.committee).values_list("pk", flat=True)
            committee_ids = set(found)
            tests.append(lambda row: row.report.report.committee_id in committee_ids)
        if not tests:
            return None
        return lambda row: all(test(row) for test in tests)


def value_records(rows: Sequence[PublishedRow], links: Links) -> list[dict]:
    """The open data's rows: the same fields, values and report addresses."""
    return opendata.records(list(rows), lambda pk: links.web("report", pk))


# Benchmark positions


def benchmark_positions(
    publication: Publication,
    *,
    period: str | None = None,
    ambition: str | None = None,
    indicator: str | None = None,
    quartile: str | None = None,
    where: Where | None = None,
) -> list[PublishedRow]:
    """The published values compared with other councils, in the values' order: the latest
    period first, then by indicator code. Each is the comparison the released report froze."""
    rows = values(publication, period=period, ambition=ambition, indicator=indicator, where=where)
    return [
        row
        for row in rows
        if row.row.compared and (quartile is None or row.row.compared.get("quartile") == quartile)
    ]


def position_records(rows: Sequence[PublishedRow], links: Links) -> list[dict]:
    """The positions with the open data's fields, and the comparison's details."""
    return opendata.records(
        list(rows), lambda pk: links.web("report", pk), fields=opendata.POSITION_FIELDS
    )


# Reports


def reports(
    publication: Publication,
    *,
    period: str | None = None,
    kind: str | None = None,
    committee: str | None = None,
) -> list[PublishedReport]:
    """Released reports, the latest period first (then by meeting and approval)."""
    return [
        r
        for r in publication.reports
        if (period is None or r.period.code == period)
        and (kind is None or r.kind == kind)
        and (committee is None or (r.report.committee and r.report.committee.code == committee))
    ]


def report(publication: Publication, pk: int) -> PublishedReport | None:
    return next((r for r in publication.reports if r.pk == pk), None)


def report_link(report: PublishedReport, links: Links) -> dict:
    return {
        "id": report.pk,
        "name": report.name,
        "url": links.api("report", report.pk),
        "web_url": links.web("report", report.pk),
    }


def appendix_link(report: PublishedReport, appendix: Appendix, links: Links) -> dict:
    return {
        "title": appendix.title,
        "anchor": appendix.anchor,
        "url": links.api("appendix", report.pk, appendix.anchor),
        "web_url": links.web("report", report.pk) + f"#{appendix.anchor}",
    }


def report_resources(
    publication: Publication, found: Sequence[PublishedReport], links: Links
) -> list[dict]:
    files = current_outputs([r.report for r in found])  # one query for every report's files
    publication.load(list(found))  # one query for the snapshots not cached: the appendices
    resources = []
    for report in found:
        committee = report.report.committee
        resources.append(
            {
                **report_link(report, links),
                "title": report.title,
                "kind": report.kind,
                "kind_label": report.kind_label,
                "period_code": report.period.code,
                "period_label": report.period.label,
                "period_kind": report.period.kind,
                "committee": committee.name if committee else None,
                "committee_code": committee.code if committee else None,
                "meeting_starts_at": report.meeting_starts_at,
                "released_at": report.released_at,
                "files": [
                    {
                        "format": output_format,
                        "label": label,
                        "url": links.web("download", report.pk, output_format),
                        "size": output.size or None,
                    }
                    for output_format, label, output in downloads(report.report, files)
                ],
                "appendices": [
                    appendix_link(report, appendix, links) for appendix in report.content.appendices
                ],
                "appendices_url": links.api("appendices", report.pk),
            }
        )
    return resources
