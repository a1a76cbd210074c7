"""The open data: every published figure as CSV and JSON, with its schema.

One table shape serves every file: a row is one indicator's published figure for one period,
as frozen in the released report it came from. The fields, their types and meanings are
declared once in `FIELDS`; the documentation page, the Table Schema (`schema.json`), the CSV
header and the JSON keys are all made from that list, so they cannot drift apart.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from publishing.published import PublishedRow
from scorecards.exports import SHOWN_FIGURE
from status.direction import Direction
from status.polarity import Polarity
from status.quality import Quality
from status.rag import Rag
from status.spc import Assurance, Variation

LICENCE_NAME = "OGL-UK-3.0"
LICENCE_TITLE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
SCHEMA_VERSION = "1.2"  # 1.1: data_quality; 1.2: the benchmark_ fields


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a Table Schema type: string, integer, number, datetime
    title: str
    description: str
    value: Callable[[PublishedRow, str], object]  # (row, report page URL) -> value
    enum: tuple[str, ...] = ()
    required: bool = False
    free_text: bool = False  # typed by people, so guarded against spreadsheet formulas

    @property
    def type_label(self) -> str:
        if self.enum:
            return "text, one of a fixed list"
        return {
            "string": "text",
            "integer": "whole number",
            "number": "number",
            "date": "date (ISO 8601)",
            "datetime": "date and time (ISO 8601)",
        }[self.type]


def _number(text: str | None) -> Decimal | None:
    """A frozen figure as an exact decimal, without trailing zeros ("86.011000" → 86.011)."""
    if text is None or text == "":
        return None
    number = Decimal(text)
    return number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()


def _row(attribute: str) -> Callable[[PublishedRow, str], object]:
    return lambda p, url: getattr(p.row, attribute)


def _figure(attribute: str) -> Callable[[PublishedRow, str], object]:
    return lambda p, url: _number(getattr(p.row, attribute))


def _compared(key: str) -> Callable[[PublishedRow, str], object]:
    """A part of the row's comparison with other councils; None when it is not compared."""
    return lambda p, url: (p.row.compared or {}).get(key) or None


FIELDS: tuple[Field, ...] = (
    Field(
        "period_code",
        "string",
        "Period code",
        "The reporting period the figure was published for: a quarter (2026-27-Q1) or a "
        "financial year (2025-26).",
        lambda p, url: p.period.code,
        required=True,
    ),
    Field(
        "period_label",
        "string",
        "Period",
        "The reporting period as written in reports, e.g. Q1 2026/27.",
        lambda p, url: p.period.label,
        required=True,
    ),
    Field(
        "period_kind",
        "string",
        "Kind of period",
        "Whether the period is a quarter or a whole financial year.",
        lambda p, url: p.period.kind,
        enum=("quarter", "financial_year"),
        required=True,
    ),
    Field(
        "indicator_code",
        "string",
        "Indicator code",
        "The council's code for the indicator. It does not change, so it can be used to join "
        "files for different periods.",
        _row("code"),
        required=True,
    ),
    Field(
        "indicator_title",
        "string",
        "Indicator",
        "What the indicator measures, in brief.",
        _row("title"),
        required=True,
        free_text=True,
    ),
    Field(
        "ambitions",
        "string",
        "Ambitions",
        "The codes of the council's ambitions the indicator contributes to, separated by "
        "semicolons; empty if it is linked to none.",
        lambda p, url: ";".join(p.row.ambitions),
    ),
    Field(
        "owner",
        "string",
        "Owner",
        "The service responsible for the indicator.",
        _row("owner"),
        free_text=True,
    ),
    Field(
        "frequency",
        "string",
        "Frequency",
        "How often a figure is collected: monthly, quarterly or annual.",
        _row("frequency"),
        enum=("monthly", "quarterly", "annual"),
    ),
    Field(
        "unit",
        "string",
        "Unit",
        'The unit of the figure, e.g. "%", "days", "£".',
        _row("unit"),
        free_text=True,
    ),
    Field(
        "precision",
        "integer",
        "Decimal places",
        "How many decimal places the figure is shown (and judged against its target) to.",
        _row("precision"),
    ),
    Field(
        "polarity",
        "string",
        "Polarity",
        "Which way is better: higher_is_better, lower_is_better, in_range (between a lower and "
        "an upper target) or neither.",
        _row("polarity"),
        enum=tuple(p.value for p in Polarity),
    ),
    Field(
        "figure_period",
        "string",
        "Figure for",
        "The indicator's own period the figure belongs to. For a monthly or annual indicator "
        "this may differ from the reporting period, e.g. September 2026 or 2025/26.",
        _row("period"),
    ),
    Field(
        "value",
        "number",
        "Value",
        "The figure, exactly as recorded; empty when there is none.",
        _figure("figure"),
    ),
    Field(
        "value_shown",
        "string",
        "Value as shown",
        "The figure rounded to its decimal places with its unit, as in the report.",
        _row("figure_shown"),
    ),
    Field(
        "data_quality",
        "string",
        "Data quality",
        "Whether the figure was final, provisional (it may change when final data are "
        "available) or estimated (worked out from incomplete data, not counted in full) when "
        "the report was approved. A figure made from several periods (a quarter from its "
        "months) is provisional if any of them is, else estimated if any is. Empty when there "
        "is no figure.",
        lambda p, url: p.row.data_quality if p.row.figure is not None else None,
        enum=tuple(q.value for q in Quality),
    ),
    Field(
        "target",
        "number",
        "Target",
        "The target for the period; empty for a data-only indicator or an in-range one.",
        _figure("target"),
    ),
    Field(
        "target_lower",
        "number",
        "Lower target",
        "For an in-range indicator: the lowest value on target.",
        _figure("lower"),
    ),
    Field(
        "target_upper",
        "number",
        "Upper target",
        "For an in-range indicator: the highest value on target.",
        _figure("upper"),
    ),
    Field(
        "target_shown",
        "string",
        "Target as shown",
        "The target as written in the report.",
        _row("target_shown"),
    ),
    Field(
        "status",
        "string",
        "Status",
        "The figure against its target and tolerance: green (on target), amber (within "
        "tolerance), red (outside tolerance), data_only (no target), pending or missing (no "
        "figure).",
        _row("rag"),
        enum=tuple(r.value for r in Rag),
        required=True,
    ),
    Field("status_label", "string", "Status in words", "The status as written.", _row("rag_label")),
    Field(
        "direction",
        "string",
        "Direction of travel",
        "The figure against the comparison period: improving, worsening, no_change; "
        "increasing or decreasing for an indicator where neither way is better; "
        "not_comparable when there is nothing to compare with.",
        _row("direction"),
        enum=tuple(d.value for d in Direction),
    ),
    Field(
        "direction_label",
        "string",
        "Direction of travel in words",
        "The direction of travel as written.",
        _row("direction_label"),
    ),
    Field(
        "compared_with",
        "string",
        "Compared with",
        'What the direction of travel compares with: "previous period" or "same period last year".',
        _row("comparison"),
    ),
    Field(
        "comparison_period",
        "string",
        "Comparison period",
        "The period compared with.",
        _row("comparison_period"),
    ),
    Field(
        "comparison_value_shown",
        "string",
        "Comparison value",
        "The figure for the comparison period, as shown.",
        _row("comparison_shown"),
    ),
    Field(
        "same_period_last_year_shown",
        "string",
        "Same period last year",
        "The figure for the same period a year earlier, as shown.",
        _row("last_year_shown"),
    ),
    Field(
        "variation",
        "string",
        "Variation (SPC)",
        "Statistical process control: whether the latest figure is ordinary (common_cause) or "
        "a signal (special cause, improving or concerning), or not_enough_data (fewer than "
        "12 figures; not_enough_data_since_recalculation: fewer than 12 since the limits were "
        "last recalculated).",
        _row("variation"),
        enum=tuple(v.value for v in Variation),
    ),
    Field(
        "variation_label",
        "string",
        "Variation in words",
        "The variation as written.",
        _row("variation_label"),
    ),
    Field(
        "assurance",
        "string",
        "Assurance (SPC)",
        "Whether the process will reliably meet the target of the latest figure's own period: "
        "consistently_passes, consistently_fails, hit_and_miss, no_target, "
        "no_target_at_frequency (a monthly total with only a quarterly or annual target), "
        "not_enough_data or not_enough_data_since_recalculation.",
        _row("assurance"),
        enum=tuple(a.value for a in Assurance),
    ),
    Field(
        "assurance_label",
        "string",
        "Assurance in words",
        "The assurance as written.",
        _row("assurance_label"),
    ),
    Field(
        "commentary",
        "string",
        "Commentary",
        "What the figure shows, in the service's words.",
        _row("commentary"),
        free_text=True,
    ),
    Field(
        "reasons",
        "string",
        "Reasons",
        "Why the figure is as it is, where the service gave reasons.",
        _row("reasons"),
        free_text=True,
    ),
    Field(
        "actions",
        "string",
        "Actions",
        "What is being done about it, where the service said.",
        _row("actions"),
        free_text=True,
    ),
    Field(
        "benchmark_period",
        "string",
        "Compared with other councils: period",
        "The period of other councils' published figures the indicator was compared with "
        "(the latest published by the end of the reporting period), e.g. 2022/23; empty if "
        "the indicator is not compared with other councils.",
        _compared("period"),
    ),
    Field(
        "benchmark_group",
        "string",
        "Compared with other councils: group",
        "The councils it was compared with, e.g. English unitary authorities.",
        _compared("group"),
        free_text=True,
    ),
    Field(
        "benchmark_rank",
        "integer",
        "Compared with other councils: rank",
        "The council's rank in the group; 1 is the best. Councils with the same figure share "
        "the best rank.",
        _compared("rank"),
    ),
    Field(
        "benchmark_group_size",
        "integer",
        "Compared with other councils: councils with a figure",
        "How many councils of the group, the council included, had a figure for the period.",
        _compared("of"),
    ),
    Field(
        "benchmark_quartile",
        "string",
        "Compared with other councils: quartile",
        "The council's quartile in the group, best first; empty when the statistic has no "
        "better direction.",
        _compared("quartile"),
        enum=("top", "upper_middle", "lower_middle", "bottom"),
    ),
    Field(
        "benchmark_figure_source",
        "string",
        "Compared with other councils: our figure",
        "Which figure of the council's was compared: its own signed-off year value, or the "
        "figure the publisher published for its area.",
        _compared("figure_source"),
    ),
    Field(
        "benchmark_source",
        "string",
        "Compared with other councils: source",
        "The published statistic the indicator was compared with, and its publisher.",
        lambda p, url: (
            f"{p.row.compared['metric_title']}: {p.row.compared['source']}, "
            f"{p.row.compared['publisher']}"
            if p.row.compared
            else None
        ),
        free_text=True,
    ),
    Field(
        "benchmark_licence",
        "string",
        "Compared with other councils: licence",
        "The licence of the published statistic, e.g. Open Government Licence v3.0.",
        _compared("licence"),
        free_text=True,
    ),
    Field(
        "benchmark_url",
        "string",
        "Compared with other councils: web page",
        "Where the publisher publishes the statistic.",
        _compared("url"),
    ),
    Field(
        "report_id",
        "integer",
        "Report number",
        "The published report the figure comes from.",
        lambda p, url: p.report.pk,
        required=True,
    ),
    Field(
        "report_title",
        "string",
        "Report",
        "The title of the published report.",
        lambda p, url: p.report.title,
        required=True,
        free_text=True,
    ),
    Field(
        "report_url",
        "string",
        "Report web page",
        "The web page of the published report.",
        lambda p, url: url,
        required=True,
    ),
    Field(
        "published_at",
        "datetime",
        "Published",
        "When the report, and so the figure, became public: the start of the meeting that "
        "received it, or its approval or a later time the council set, whichever was last.",
        lambda p, url: p.report.released_at.isoformat(),
        required=True,
    ),
)

FIELD_NAMES = tuple(f.name for f in FIELDS)
_FIELD = {f.name: f for f in FIELDS}

# The API's benchmark positions (/api/v1/benchmark-positions/): the open data's own fields for
# the period, the indicator, the comparison and the report, so that the two cannot disagree,
# with the details of the comparison that the files leave out (the public pages show them).
POSITION_FIELDS: tuple[Field, ...] = (
    *(_FIELD[name] for name in ("period_code", "period_label", "period_kind")),
    *(_FIELD[name] for name in ("indicator_code", "indicator_title")),
    *(
        _FIELD[name]
        for name in (
            "benchmark_period",
            "benchmark_group",
            "benchmark_rank",
            "benchmark_group_size",
            "benchmark_quartile",
        )
    ),
    Field(
        "benchmark_quartile_label",
        "string",
        "Compared with other councils: quartile in words",
        'The quartile as written, e.g. "Top quartile"; "No quartile" when the statistic has '
        "no better direction.",
        _compared("quartile_label"),
    ),
    Field(
        "benchmark_figure_shown",
        "string",
        "Compared with other councils: our figure as shown",
        "The council's figure that was compared, rounded with its unit as the statistic is "
        "published.",
        _compared("figure_shown"),
    ),
    _FIELD["benchmark_figure_source"],
    Field(
        "benchmark_median_shown",
        "string",
        "Compared with other councils: median of the group",
        "The median of the figures of the councils in the group, as shown.",
        _compared("median_shown"),
    ),
    Field(
        "benchmark_statistic",
        "string",
        "Compared with other councils: statistic",
        "The title of the published statistic the indicator was compared with.",
        _compared("metric_title"),
        free_text=True,
    ),
    Field(
        "benchmark_publication",
        "string",
        "Compared with other councils: publication",
        "The publication or dataset the statistic comes from.",
        _compared("source"),
        free_text=True,
    ),
    Field(
        "benchmark_publisher",
        "string",
        "Compared with other councils: publisher",
        "Who publishes the statistic.",
        _compared("publisher"),
        free_text=True,
    ),
    Field(
        "benchmark_released_on",
        "date",
        "Compared with other councils: released",
        "When the publisher last released the statistic, as known when the report was made; "
        "empty if not known.",
        _compared("release_date"),
    ),
    *(_FIELD[name] for name in ("benchmark_source", "benchmark_licence", "benchmark_url")),
    Field(
        "benchmark_definition_note",
        "string",
        "Compared with other councils: how our definition differs",
        "How the council's indicator differs from the published statistic's definition; "
        "empty when they match.",
        _compared("definition_note"),
        free_text=True,
    ),
    *(_FIELD[name] for name in ("report_id", "report_title", "report_url", "published_at")),
)

# Spreadsheet formula injection: a text cell starting with these is run as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def records(
    rows: list[PublishedRow],
    report_url: Callable[[int], str],
    *,
    fields: tuple[Field, ...] = FIELDS,
) -> list[dict]:
    """Each published row as {field name: value}, values as Python numbers and text."""
    return [{f.name: f.value(p, report_url(p.report.pk)) for f in fields} for p in rows]


def _csv_cell(field: Field, value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    # Free text is guarded; so is a figure as shown whose unit (typed by people too) holds
    # what a formula could use, such as "-2 +cmd|' /C calc'!A0". A plain "-5.0%" stays.
    if text.startswith(FORMULA_START) and (field.free_text or not SHOWN_FIGURE.fullmatch(text)):
        return "'" + text
    return text


def as_csv(rows: list[dict], *, fields: tuple[Field, ...] = FIELDS) -> str:
    """CSV with a header row of field names, UTF-8, one line per published figure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(f.name for f in fields)
    for record in rows:
        writer.writerow([_csv_cell(f, record[f.name]) for f in fields])
    return out.getvalue()


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    return value


def as_json(rows: list[dict], *, about: dict, schema_url: str, publisher: str) -> str:
    document = {
        "publisher": publisher,
        "licence": {"name": LICENCE_NAME, "title": LICENCE_TITLE, "url": LICENCE_URL},
        "schema": schema_url,
        **about,
        "rows": [{k: _json_value(v) for k, v in record.items()} for record in rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def table_schema(*, publisher: str) -> dict:
    """The Table Schema (Frictionless Data) describing every CSV file, and every JSON row."""
    fields = []
    for f in FIELDS:
        field = {"name": f.name, "type": f.type, "title": f.title, "description": f.description}
        constraints = {}
        if f.required:
            constraints["required"] = True
        if f.enum:
            constraints["enum"] = list(f.enum)
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {
        "title": f"{publisher}: published performance figures",
        "description": (
            "One row per indicator per published period, as frozen in the released report "
            "the figure comes from. Text that would begin with =, +, - or @ is written after "
            "an apostrophe in CSV files, so spreadsheets do not run it as a formula."
        ),
        "version": SCHEMA_VERSION,
        "licenses": [{"name": LICENCE_NAME, "title": LICENCE_TITLE, "path": LICENCE_URL}],
        "fields": fields,
        "missingValues": [""],
        "primaryKey": ["period_code", "indicator_code"],
    }
