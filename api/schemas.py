"""What the public API answers, as typed schemas: the OpenAPI document is made from these.

A published value has the open data's fields (`publishing.opendata.FIELDS`), with their names,
types, meanings and lists of values, so the API and the open data files cannot disagree; a
benchmark position has the open data's `benchmark_` fields too (`POSITION_FIELDS`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import create_model

from api.paging import Page
from publishing.opendata import FIELDS, POSITION_FIELDS
from reports.models import OutputFormat, ReportKind

FIELD = {f.name: f for f in FIELDS}
# A figure is a JSON number: a whole number as an integer, as in the open data's JSON files.
NUMBER = Annotated[int | float, Field(union_mode="left_to_right")]
PYTHON_TYPES = {
    "string": str,
    "integer": int,
    "number": NUMBER,
    "date": date,
    "datetime": datetime,
}


def _one_of(name: str):
    return Literal[FIELD[name].enum]


def _value_field(field) -> tuple:
    kind = Literal[field.enum] if field.enum else PYTHON_TYPES[field.type]
    about = {"title": field.title, "description": field.description}
    if field.required:
        return kind, Field(..., **about)
    return kind | None, Field(None, **about)


PublishedValue = create_model(
    "PublishedValue",
    __base__=Schema,
    __doc__="One indicator's figure for one published period, as the open data files give it.",
    **{f.name: _value_field(f) for f in FIELDS},
)

BenchmarkPosition = create_model(
    "BenchmarkPosition",
    __base__=Schema,
    __doc__="Where the council stood among other councils on one indicator for one published "
    "period, as the released report froze it.",
    **{f.name: _value_field(f) for f in POSITION_FIELDS},
)


def _page(item: type, name: str, about: str) -> type[Page]:
    return create_model(name, __base__=Page, __doc__=about, results=(list[item], ...))


class ReportLink(Schema):
    id: int = Field(description="The report's number.")
    name: str = Field(description="The report's title, with its period and committee.")
    url: str = Field(description="The report in this API.")
    web_url: str = Field(description="The report's page on the public site.")


class Period(Schema):
    """A reporting period some released report covers."""

    code: str = Field(
        description="The period's code: a quarter (2026-27-Q1) or a financial year (2025-26). "
        "It does not change.",
        examples=["2026-27-Q1"],
    )
    label: str = Field(description=FIELD["period_label"].description)
    kind: _one_of("period_kind") = Field(description=FIELD["period_kind"].description)
    starts_on: date = Field(description="The period's first day.")
    ends_on: date = Field(description="The period's last day.")
    reports: list[ReportLink] = Field(
        description="The released reports that cover the period, the latest approved first: "
        "where two hold the same indicator, the figure is the later one's."
    )
    values_url: str = Field(description="The period's published values in this API.")
    web_url: str = Field(description="The period's scorecard on the public site.")


class Plan(Schema):
    """The council's plan an ambition belongs to."""

    title: str = Field(description="The plan's title.", examples=["Council Plan 2024-2028"])
    kind: str = Field(description="What kind of plan it is, as a code.")
    kind_label: str = Field(description="What kind of plan it is, in words.")
    starts_on: date = Field(description="When the plan starts.")
    ends_on: date = Field(description="When it ends.")


class Outcome(Schema):
    """An outcome the council wants under an ambition."""

    code: str = Field(description="The outcome's code.")
    title: str = Field(description="The outcome, as the council words it.")
    description: str = Field(description="What it means; may be empty.")


class Ambition(Schema):
    """One of the council's ambitions with published indicators, with the plan it belongs to
    and its outcomes as the council's framework holds them now."""

    code: str = Field(description="The ambition's code. It does not change.", examples=["greener"])
    title: str = Field(description="The ambition, as the council words it.")
    description: str = Field(description="What the ambition means; may be empty.")
    periods: list[str] = Field(
        description="The codes of the published periods in which it has indicators, latest first."
    )
    plan: Plan | None = Field(
        description="The plan it belongs to; null for an ambition since removed from the framework."
    )
    outcomes: list[Outcome] = Field(
        description="Its outcomes, in the council's order, as the framework holds them now."
    )
    indicators_url: str = Field(description="Its indicators in this API.")
    web_url: str = Field(description="Its page on the public site, for its latest period.")


class Indicator(Schema):
    """An indicator's definition as last published: from the latest released report that
    holds it."""

    code: str = Field(description=FIELD["indicator_code"].description, examples=["WST-01"])
    title: str = Field(description=FIELD["indicator_title"].description)
    unit: str = Field(description=FIELD["unit"].description)
    precision: int = Field(description=FIELD["precision"].description)
    polarity: _one_of("polarity") = Field(description=FIELD["polarity"].description)
    frequency: _one_of("frequency") = Field(description=FIELD["frequency"].description)
    owner: str = Field(description=FIELD["owner"].description)
    ambitions: list[str] = Field(
        description="The codes of the council's ambitions the indicator contributes to."
    )
    measures: str = Field(description="What is measured.")
    purpose: str = Field(description="Why it matters.")
    calculation: str = Field(description="How it is calculated.")
    source: str = Field(description="Where the data come from.")
    latest_period: str = Field(description="The code of the latest period it was published for.")
    url: str = Field(description="The indicator in this API, with every published value.")
    web_url: str = Field(description="The indicator's page on the public site.")


class IndicatorWithValues(Indicator):
    values: list[PublishedValue] = Field(
        description="Every published value, one per published period, latest first."
    )


class ReportFile(Schema):
    format: Literal[tuple(OutputFormat.values)] = Field(description="The file's format.")
    label: str = Field(description="The format in words.")
    url: str = Field(description="Where to download it, on the public site.")
    size: int | None = Field(description="Its size in bytes, where known.")


class AppendixLink(Schema):
    title: str = Field(description="The appendix's title.")
    anchor: str = Field(description="Its name in addresses.")
    url: str = Field(description="The appendix in this API, with its tables.")
    web_url: str = Field(description="The appendix on the report's page on the public site.")


class Report(Schema):
    """A released report."""

    id: int = Field(description="The report's number.")
    title: str = Field(description="The report's own title.")
    name: str = Field(
        description="The title, with its period and committee where it leaves "
        "them out, as the public site lists it."
    )
    kind: Literal[tuple(ReportKind.values)] = Field(description="What kind of report it is.")
    kind_label: str = Field(description="The kind of report in words.")
    period_code: str = Field(description="The code of the period it reports on.")
    period_label: str = Field(description=FIELD["period_label"].description)
    period_kind: _one_of("period_kind") = Field(description=FIELD["period_kind"].description)
    committee: str | None = Field(description="The committee that received it, if any.")
    committee_code: str | None = Field(description="That committee's code.")
    meeting_starts_at: datetime | None = Field(
        description="When the meeting that received it began, if any."
    )
    released_at: datetime = Field(description=FIELD["published_at"].description)
    url: str = Field(description="The report in this API.")
    web_url: str = Field(description="The report's page on the public site.")
    files: list[ReportFile] = Field(description="Its files, made from the approved report.")
    appendices: list[AppendixLink] = Field(
        description="Its appendices (risks, finance, change, how we compare with other "
        "councils), in the report's order; empty if it has none."
    )
    appendices_url: str = Field(description="Its appendices in this API, with their tables.")


class AppendixTable(Schema):
    number: int = Field(description="The table's number in the appendix, from 1.")
    caption: str = Field(description="What the table shows.")
    headers: list[str] = Field(description="The column headings.")
    rows: list[list[str]] = Field(
        description="The rows, each a list of cells as the report prints them, one per heading."
    )
    numeric_columns: list[int] = Field(
        description="The positions of the columns that hold figures, counted from 0 as in "
        "headers and each row."
    )
    csv_url: str = Field(description="The table as CSV in this API.")


class Appendix(Schema):
    """An appendix of a released report, as the report froze it on approval."""

    title: str = Field(description="The appendix's title.", examples=["Risks"])
    anchor: str = Field(
        description="Its name in addresses, the same for the same kind of appendix in every "
        "report: risks, appendix-finance, change or how-we-compare.",
        examples=["risks"],
    )
    introduction: str = Field(description="What the appendix holds, in words; may be empty.")
    tables: list[AppendixTable] = Field(description="Its tables, in the report's order.")
    report: ReportLink = Field(description="The released report it belongs to.")
    url: str = Field(description="The appendix in this API.")
    web_url: str = Field(description="The appendix on the report's page on the public site.")


PeriodPage = _page(Period, "PeriodPage", "A page of published periods.")
AmbitionPage = _page(Ambition, "AmbitionPage", "A page of ambitions.")
IndicatorPage = _page(Indicator, "IndicatorPage", "A page of indicators.")
ValuePage = _page(PublishedValue, "ValuePage", "A page of published values.")
ReportPage = _page(Report, "ReportPage", "A page of released reports.")
AppendixPage = _page(Appendix, "AppendixPage", "A page of a released report's appendices.")
BenchmarkPositionPage = _page(
    BenchmarkPosition, "BenchmarkPositionPage", "A page of benchmark positions."
)


# Filters


class PeriodFilters(Schema):
    kind: _one_of("period_kind") | None = Field(None, description="Only periods of this kind.")


class IndicatorFilters(Schema):
    ambition: str | None = Field(
        None,
        description="Only indicators contributing to this ambition (its code), as last published.",
        examples=["greener"],
    )


class PublishedFilters(Schema):
    """What values and benchmark positions are chosen by."""

    period: str | None = Field(
        None,
        description='Only this period (its code), or "latest" for the latest published '
        "quarter (else year).",
        examples=["latest"],
    )
    ambition: str | None = Field(
        None, description="Only indicators contributing to this ambition (its code)."
    )
    indicator: str | None = Field(None, description="Only this indicator (its code).")
    indicator_set: str | None = Field(
        None,
        alias="set",
        description="Only indicators in this indicator set (its code), as the set stands today.",
    )
    directorate: str | None = Field(
        None,
        description="Only indicators owned in this directorate (its code): by it or a service or "
        "team within it, as they stand today.",
    )
    committee: str | None = Field(
        None, description="Only from reports received by this committee (its code)."
    )


class ValueFilters(PublishedFilters):
    format: Literal["json", "csv"] | None = Field(
        None,
        description="csv for the whole table as CSV (not paged), with the open data's "
        "columns; without it, the Accept header chooses (text/csv for CSV), else JSON.",
    )


class ReportFilters(Schema):
    period: str | None = Field(None, description="Only reports for this period (its code).")
    kind: Literal[tuple(ReportKind.values)] | None = Field(
        None, description="Only reports of this kind."
    )
    committee: str | None = Field(
        None, description="Only reports received by this committee (its code)."
    )


class PositionFilters(PublishedFilters):
    quartile: _one_of("benchmark_quartile") | None = Field(
        None,
        description="Only positions in this quartile (a statistic with no better direction has "
        "none, so is left out).",
    )
    format: Literal["json", "csv"] | None = Field(
        None,
        description="csv for every position the filters choose as CSV (not paged), with the "
        "same columns as the JSON fields; without it, the Accept header chooses (text/csv for "
        "CSV), else JSON.",
    )


class AppendixOptions(Schema):
    table: int = Field(
        1,
        ge=1,
        description="Which of the appendix's tables the CSV holds, from 1 (the first). JSON "
        "holds every table.",
    )
    format: Literal["json", "csv"] | None = Field(
        None,
        description="csv for one table (the one `table` names) as CSV, with its headings as "
        "the header row; without it, the Accept header chooses (text/csv for CSV), else JSON.",
    )
