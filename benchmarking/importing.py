"""Importing a published statistic from the file its publisher gives out, by its description.

A description (TOML, in `benchmarking/descriptions/`) says how the file is laid out: which
column names the area, where the periods are and how they are written, which columns hold the
figures, the markers published instead of figures, the metric(s) it feeds and the rows that
are not councils (region and England totals). A new statistic needs a description, not code.

All or nothing, like the returns import: every row is read and checked first; any problem
(an unknown area, a figure that is not a number, the same area and period twice, a missing
column) rejects the file with every problem listed by row (the header is row 1) and column,
and the database is left exactly as it was. Reads and writes are in bulk: no query per row.
"""

from __future__ import annotations

import csv
import datetime
import itertools
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from status.periods import ACADEMIC_YEAR_START_MONTH, FINANCIAL_YEAR_START_MONTH
from status.polarity import Polarity

from .areas import AreaIndex
from .models import (
    VALUE,
    BenchmarkLink,
    ExternalValue,
    Metric,
    OutcomeEvidence,
    PeriodType,
    ValueChange,
)

DESCRIPTIONS = Path(__file__).parent / "descriptions"
BATCH = 5_000
QUANTUM = Decimal(1).scaleb(-VALUE["decimal_places"])
LARGEST = Decimal(10) ** (VALUE["max_digits"] - VALUE["decimal_places"])

# Messages (tests assert them)
MISSING_COLUMN = "The file has no column “{column}”, which the description names"
UNKNOWN_AREA = "“{text}” is not a local authority we know"
NEAREST = "; did you mean {hint}?"
BAD_PERIOD = "“{text}” is not a {kind} period as the description writes them"
BAD_NUMBER = "“{text}” is not a number or a marker the description lists ({markers})"
TOO_LARGE = "“{text}” is too large to keep"
DUPLICATE = "{area} {period} is in the file twice (also row {first})"
UNKNOWN_METRIC = "“{text}” is not a metric the description lists"
NO_ROWS = "The file has no rows below the header"
NO_PERIOD_COLUMNS = "No column is headed like a period (the description looks for “{pattern}”)"
CONTEXTUAL_COMPARED = (
    "metric {code}: it is compared with the indicator {indicator}, so it cannot be contextual; "
    "stop comparing it first"
)
RANKED_EVIDENCE = (
    "metric {code}: it is evidence beside the outcome “{outcome}”, so it must stay contextual; "
    "remove it there first"
)


class DescriptionError(ValueError):
    """The description itself is wrong: a programmer's or officer's mistake, not the file's."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column “{self.column}”: {self.message}"


class ImportRejected(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problems; nothing was imported")


@dataclass
class ImportReport:
    rows_read: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    markers: int = 0
    filtered: int = 0
    skipped: Counter = field(default_factory=Counter)
    metrics: list[str] = field(default_factory=list)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def lines(self) -> list[str]:
        lines = [
            f"{self.rows_read:,} rows read; {len(self.metrics)} metrics",
            f"{self.created:,} values created, {self.changed:,} changed, "
            f"{self.unchanged:,} unchanged; {self.markers:,} of them markers, not figures",
        ]
        if self.filtered:
            lines.append(f"{self.filtered:,} rows left out by the description's filters")
        for reason, count in sorted(self.skipped.items()):
            lines.append(f"{count:,} rows skipped: {reason}")
        return lines


# Periods -----------------------------------------------------------------------------------

TWO_YEARS = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")
YEAR = re.compile(r"^(\d{4})$")
QUARTER = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2})\s*Q([1-4])$", re.IGNORECASE)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class PeriodLabel:
    label: str
    start: datetime.date
    end: datetime.date


def _year_end(first: int, written: str) -> int:
    if len(written) == 4:
        return int(written)
    end = first - first % 100 + int(written)
    return end + 100 if end <= first else end


def _span(first: int, last: int, start_month: int) -> PeriodLabel:
    # STATUS-RULES: years labelled 2024/25 (and 1999/00); a multi-year aggregate as 2017/20.
    start = datetime.date(first, start_month, 1)
    end = datetime.date(last, start_month, 1) - datetime.timedelta(days=1)
    return PeriodLabel(f"{first}/{last % 100:02d}", start, end)


def parse_period(text: str, kind: str) -> PeriodLabel | None:
    """The normalised period a publisher's label means: "2021-22" and "2021/22" are 2021/22."""
    text = text.strip()
    if kind in (PeriodType.FINANCIAL_YEAR, PeriodType.ACADEMIC_YEAR):
        month = (
            FINANCIAL_YEAR_START_MONTH
            if kind == PeriodType.FINANCIAL_YEAR
            else ACADEMIC_YEAR_START_MONTH
        )
        if match := TWO_YEARS.match(text):
            first = int(match[1])
            return _span(first, _year_end(first, match[2]), month)
        if match := YEAR.match(text):  # a year written by its start only
            first = int(match[1])
            return _span(first, first + 1, month)
        return None
    if kind == PeriodType.CALENDAR_YEAR and (match := YEAR.match(text)):
        year = int(match[1])
        return PeriodLabel(str(year), datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    if kind == PeriodType.QUARTER and (match := QUARTER.match(text)):
        first = int(match[1])
        year = _span(first, _year_end(first, match[2]), FINANCIAL_YEAR_START_MONTH)
        quarter = int(match[3])
        start_month = FINANCIAL_YEAR_START_MONTH + 3 * (quarter - 1)
        start = datetime.date(first + (start_month - 1) // 12, (start_month - 1) % 12 + 1, 1)
        after = datetime.date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
        return PeriodLabel(f"{year.label} Q{quarter}", start, after - datetime.timedelta(days=1))
    if kind == PeriodType.MONTH and (match := MONTH.match(text)):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            return None
        after = datetime.date(year + month // 12, month % 12 + 1, 1)
        return PeriodLabel(text, datetime.date(year, month, 1), after - datetime.timedelta(1))
    return None


# Descriptions ------------------------------------------------------------------------------

METRIC_FIELDS = (
    "title",
    "polarity",
    "unit",
    "precision",
    "period_type",
    "notes",
    "is_contextual",
)
SOURCE_FIELDS = ("source", "publisher", "licence", "url")


@dataclass
class MetricSpec:
    code: str
    when: str | None  # the metric column's value for this metric's rows
    value_column: str
    fields: dict[str, Any]


@dataclass
class Description:
    path: Path
    source: dict[str, Any]
    shape: str
    area_code_column: str | None
    area_name_column: str | None
    period_column: str | None
    period_columns: list[str] | None
    period_columns_matching: str | None
    period_type: str
    metric_column: str | None
    numerator_column: str | None
    denominator_column: str | None
    markers: dict[str, str]
    filters: dict[str, list[str]]
    skip_codes: set[str]
    skip_names: set[str]
    skip_code_pattern: re.Pattern | None
    metrics: list[MetricSpec]


def _metric_fields(entry: dict[str, Any], source: dict, default_period_type: str) -> dict:
    fields = {
        "title": entry.get("title", ""),
        "polarity": entry.get("polarity", Polarity.neither.value),
        "unit": entry.get("unit", ""),
        "precision": int(entry.get("precision", 1)),
        "period_type": entry.get("period_type", default_period_type),
        "notes": entry.get("notes", ""),
        # Evidence beside outcomes, never ranked: `contextual = true` in [source] or a metric.
        "is_contextual": entry.get("contextual", source.get("contextual", False)),
        "source": source.get("name", ""),
        "publisher": source.get("publisher", ""),
        "licence": source.get("licence", ""),
        "url": source.get("url", ""),
    }
    if fields["polarity"] not in Polarity:
        raise DescriptionError(f"metric {entry.get('code')}: unknown polarity {fields['polarity']}")
    if fields["period_type"] not in PeriodType.values:
        raise DescriptionError(f"metric {entry.get('code')}: unknown period type")
    if not isinstance(fields["is_contextual"], bool):
        raise DescriptionError(f"metric {entry.get('code')}: contextual must be true or false")
    return fields


def _metrics_from_file(spec: dict, data_dir: Path, source: dict, layout: dict) -> list:
    """Metrics listed in the publisher's own metadata file (one row per metric)."""
    path = data_dir / spec["file"]
    if not path.exists():
        raise DescriptionError(f"the metrics file {spec['file']} is not beside the data file")
    with open(path, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    polarities = spec.get("polarity", {})
    overrides = spec.get("overrides", {})
    metrics = []
    for row in rows:
        code = row[spec["code_column"]].strip()
        entry = {
            "code": spec.get("code_prefix", "") + code,
            "title": row[spec["title_column"]].strip(),
            "polarity": polarities.get(row.get(spec.get("polarity_column", ""), ""), "neither"),
            **{key: spec[key] for key in ("unit", "precision", "period_type") if key in spec},
        }
        entry.update(overrides.get(code, {}))
        metrics.append(
            MetricSpec(
                code=entry["code"],
                when=code,
                value_column=layout.get("value_column", ""),
                fields=_metric_fields(entry, source, layout.get("period_type", "")),
            )
        )
    return metrics


def read_description(path: Path, data_dir: Path) -> Description:
    with open(path, "rb") as file:
        spec = tomllib.load(file)
    try:
        source = spec["source"]
        layout = spec["layout"]
        shape = layout["shape"]
    except KeyError as missing:
        raise DescriptionError(f"{path.name}: no [{missing.args[0]}]") from None
    if shape not in ("long", "wide"):
        raise DescriptionError(f"{path.name}: shape must be long or wide")
    period_type = layout.get("period_type", PeriodType.FINANCIAL_YEAR)
    metrics = [
        MetricSpec(
            code=entry["code"],
            when=entry.get("when"),
            value_column=entry.get("value_column", layout.get("value_column", "")),
            fields=_metric_fields(entry, source, period_type),
        )
        for entry in spec.get("metrics", [])
    ]
    if "metrics_from_file" in spec:
        metrics += _metrics_from_file(spec["metrics_from_file"], data_dir, source, layout)
    if not metrics:
        raise DescriptionError(f"{path.name}: no metrics")
    skip = spec.get("skip", {})
    return Description(
        path=path,
        source=source,
        shape=shape,
        area_code_column=layout.get("area_code_column"),
        area_name_column=layout.get("area_name_column"),
        period_column=layout.get("period_column"),
        period_columns=layout.get("period_columns"),
        period_columns_matching=layout.get("period_columns_matching"),
        period_type=period_type,
        metric_column=layout.get("metric_column"),
        numerator_column=layout.get("numerator_column"),
        denominator_column=layout.get("denominator_column"),
        markers=spec.get("markers", {}),
        filters={
            column: [wanted] if isinstance(wanted, str) else list(wanted)
            for column, wanted in spec.get("filters", {}).items()
        },
        skip_codes={code.upper() for code in skip.get("area_codes", [])},
        skip_names={name.strip().lower() for name in skip.get("area_names", [])},
        skip_code_pattern=(
            re.compile(skip["area_codes_not_matching"])
            if "area_codes_not_matching" in skip
            else None
        ),
        metrics=metrics,
    )


# Reading the file --------------------------------------------------------------------------


@dataclass
class Parsed:
    """Every figure the file gives, checked, keyed by (metric code, area pk, period label)."""

    figures: dict[tuple[str, int, str], tuple]
    report: ImportReport
    problems: list[Problem]


def _number(text: str, column: str, row: int, problems: list[Problem], markers) -> Decimal | None:
    cleaned = text.strip().replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        listed = ", ".join(f"“{marker}”" for marker in markers) or "none"
        problems.append(Problem(row, column, BAD_NUMBER.format(text=text, markers=listed)))
        return None
    if not number.is_finite():
        problems.append(Problem(row, column, BAD_NUMBER.format(text=text, markers="none")))
        return None
    if abs(number) >= LARGEST:
        problems.append(Problem(row, column, TOO_LARGE.format(text=text)))
        return None
    return number.quantize(QUANTUM)


def _read_rows(file) -> tuple[list[str], csv.reader]:
    reader = csv.reader(file)
    header = [column.strip() for column in next(reader, [])]
    return header, reader


def parse_file(description: Description, path: Path, areas: AreaIndex) -> Parsed:
    report = ImportReport(metrics=[metric.code for metric in description.metrics])
    problems: list[Problem] = []
    figures: dict[tuple[str, int, str], tuple] = {}
    first_row: dict[tuple[str, int, str], int] = {}
    with open(path, encoding="utf-8-sig", newline="") as file:
        header, reader = _read_rows(file)
        index = {column: position for position, column in enumerate(header)}

        needed = [
            description.area_code_column,
            description.area_name_column,
            description.metric_column,
            description.numerator_column,
            description.denominator_column,
            *description.filters,
        ]
        if description.shape == "long":
            needed.append(description.period_column)
            needed += sorted({metric.value_column for metric in description.metrics})
            period_columns: list[tuple[str, PeriodLabel | None]] = []
        else:
            named = description.period_columns or [
                column
                for column in header
                if re.fullmatch(description.period_columns_matching or "$^", column)
            ]
            needed += named
            if not named:
                pattern = description.period_columns_matching or ""
                problems.append(Problem(1, pattern, NO_PERIOD_COLUMNS.format(pattern=pattern)))
            period_columns = [
                (column, parse_period(column, description.period_type)) for column in named
            ]
            for column, period in period_columns:
                if period is None and column in index:
                    problems.append(
                        Problem(
                            1,
                            column,
                            BAD_PERIOD.format(text=column, kind=description.period_type),
                        )
                    )
        missing = [column for column in needed if column and column not in index]
        for column in dict.fromkeys(missing):
            problems.append(Problem(1, column, MISSING_COLUMN.format(column=column)))
        if problems:
            return Parsed(figures, report, problems)

        by_when = {metric.when: metric for metric in description.metrics}
        markers = description.markers
        code_at = index.get(description.area_code_column or "")
        name_at = index.get(description.area_name_column or "")
        metric_at = index.get(description.metric_column or "")
        period_at = index.get(description.period_column or "")
        numerator_at = index.get(description.numerator_column or "")
        denominator_at = index.get(description.denominator_column or "")
        filters = [(index[column], set(wanted)) for column, wanted in description.filters.items()]
        periods_seen: dict[tuple[str, str], PeriodLabel | None] = {}
        areas_seen: dict[tuple[str, str], Any] = {}
        hints: dict[str, str | None] = {}
        width = len(header)

        for row_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            report.rows_read += 1
            if len(row) < width:
                row = row + [""] * (width - len(row))
            if any(row[position].strip() not in wanted for position, wanted in filters):
                report.filtered += 1
                continue
            code = row[code_at].strip() if code_at is not None else ""
            name = row[name_at].strip() if name_at is not None else ""
            reason = _skip_reason(description, code, name)
            if reason:
                report.skipped[reason] += 1
                continue
            area = areas_seen.get((code, name), False)
            if area is False:
                area = areas.find(code) if code else None
                if area is None and name and not code:
                    area = areas.find(name)
                areas_seen[(code, name)] = area
            if area is None:
                text = code or name
                if text not in hints:
                    hints[text] = areas.nearest(text)
                hint = hints[text]
                message = UNKNOWN_AREA.format(text=text) + (
                    NEAREST.format(hint=hint) if hint else ""
                )
                column = description.area_code_column if code else description.area_name_column
                problems.append(Problem(row_number, column or "", message))
                continue

            if metric_at is not None:
                metric = by_when.get(row[metric_at].strip())
                if metric is None:
                    problems.append(
                        Problem(
                            row_number,
                            description.metric_column,
                            UNKNOWN_METRIC.format(text=row[metric_at]),
                        )
                    )
                    continue
                metrics = [metric]
            else:
                metrics = description.metrics

            if description.shape == "long":
                text = row[period_at].strip()
                kind = metrics[0].fields["period_type"]
                period = periods_seen.get((text, kind), False)
                if period is False:
                    period = periods_seen[(text, kind)] = parse_period(text, kind)
                if period is None:
                    problems.append(
                        Problem(
                            row_number,
                            description.period_column,
                            BAD_PERIOD.format(text=text, kind=kind),
                        )
                    )
                    continue
                cells = [(metric, metric.value_column, period) for metric in metrics]
            else:
                cells = [
                    (metric, column, period)
                    for metric in metrics
                    for column, period in period_columns
                ]

            numerator = denominator = None
            if numerator_at is not None and row[numerator_at].strip() not in markers:
                numerator = _number(
                    row[numerator_at], description.numerator_column, row_number, problems, markers
                )
            if denominator_at is not None and row[denominator_at].strip() not in markers:
                denominator = _number(
                    row[denominator_at],
                    description.denominator_column,
                    row_number,
                    problems,
                    markers,
                )
            for metric, column, period in cells:
                text = row[index[column]]
                if text.strip() in markers:
                    # Kept as published: a marker is never a zero.
                    value, marker = None, text.strip()
                else:
                    value, marker = _number(text, column, row_number, problems, markers), ""
                    if value is None:
                        continue
                key = (metric.code, area.pk, period.label)
                if key in first_row:
                    problems.append(
                        Problem(
                            row_number,
                            column,
                            DUPLICATE.format(
                                area=area.name, period=period.label, first=first_row[key]
                            ),
                        )
                    )
                    continue
                first_row[key] = row_number
                figures[key] = (period, value, marker, numerator, denominator)
    if report.rows_read == 0 and not problems:
        problems.append(Problem(2, "", NO_ROWS))
    return Parsed(figures, report, problems)


def _skip_reason(description: Description, code: str, name: str) -> str | None:
    if code and code.upper() in description.skip_codes:
        return f"area code {code} is not a local authority"
    if name and name.lower() in description.skip_names:
        return f"“{name}” is not a local authority"
    if code and description.skip_code_pattern and not description.skip_code_pattern.match(code):
        return "area code is not a local authority code"
    return None


# Saving ------------------------------------------------------------------------------------


def _save_metrics(description: Description) -> dict[str, Metric]:
    codes = [metric.code for metric in description.metrics]
    existing = {metric.code: metric for metric in Metric.objects.filter(code__in=codes)}
    release_date = description.source.get("release_date")
    new, changed = [], []
    for spec in description.metrics:
        fields = {**spec.fields, "release_date": release_date}
        metric = existing.get(spec.code)
        if metric is None:
            new.append(Metric(code=spec.code, **fields))
        elif any(getattr(metric, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(metric, name, value)
            changed.append(metric)
    _check_contextual_changes(changed)
    Metric.objects.bulk_create(new, batch_size=BATCH)
    Metric.objects.bulk_update(changed, [*METRIC_FIELDS, *SOURCE_FIELDS, "release_date"])
    return {metric.code: metric for metric in Metric.objects.filter(code__in=codes)}


def _check_contextual_changes(changed: list[Metric]) -> None:
    """A metric compared with an indicator cannot become evidence, nor evidence beside an
    outcome become a ranked metric, while it is linked so."""
    compared = BenchmarkLink.objects.filter(
        metric__in=[metric for metric in changed if metric.is_contextual]
    ).select_related("metric", "indicator")
    beside = OutcomeEvidence.objects.filter(
        metric__in=[metric for metric in changed if not metric.is_contextual]
    ).select_related("metric", "outcome")
    if link := compared.first():
        raise DescriptionError(
            CONTEXTUAL_COMPARED.format(code=link.metric.code, indicator=link.indicator.code)
        )
    if evidence := beside.first():
        raise DescriptionError(
            RANKED_EVIDENCE.format(code=evidence.metric.code, outcome=evidence.outcome.title)
        )


@transaction.atomic
def import_benchmark(
    description_path: Path | str, file: Path | str, *, release: str | None = None
) -> ImportReport:
    """Import one published file by its description: all of it, or nothing.

    Re-importing a newer release replaces the figures that changed and keeps the old ones in
    `ValueChange`; figures the new release leaves out are kept as they were.
    """
    description_path, file = Path(description_path), Path(file)
    description = read_description(description_path, file.parent)
    release = release or str(description.source.get("release", ""))
    parsed = parse_file(description, file, AreaIndex.load())
    if parsed.problems:
        raise ImportRejected(parsed.problems)
    report = parsed.report
    metrics = _save_metrics(description)
    metric_pks = {code: metric.pk for code, metric in metrics.items()}
    code_of = {pk: code for code, pk in metric_pks.items()}

    held = {
        (code_of[metric_id], area_id, period): (pk, value, marker, numerator, denominator, was)
        for pk, metric_id, area_id, period, value, marker, numerator, denominator, was in (
            ExternalValue.objects.select_for_update()
            .filter(metric_id__in=metric_pks.values())
            .values_list(
                "pk",
                "metric_id",
                "area_id",
                "period",
                "value",
                "marker",
                "numerator",
                "denominator",
                "release",
            )
            .iterator(chunk_size=BATCH)
        )
    }
    new: list[tuple] = []
    changed, changes = [], []
    for key, (period, value, marker, numerator, denominator) in parsed.figures.items():
        if value is None:
            report.markers += 1
        old = held.get(key)
        if old is None:
            new.append(
                (
                    metric_pks[key[0]],
                    key[1],
                    period.label,
                    period.start,
                    period.end,
                    value,
                    marker,
                    numerator,
                    denominator,
                    release,
                )
            )
            continue
        pk, old_value, old_marker, old_numerator, old_denominator, old_release = old
        if (
            _same(old_value, value)
            and old_marker == marker
            and _same(old_numerator, numerator)
            and _same(old_denominator, denominator)
        ):
            report.unchanged += 1
            continue
        changed.append(
            ExternalValue(
                pk=pk,
                value=value,
                marker=marker,
                numerator=numerator,
                denominator=denominator,
                release=release,
            )
        )
        changes.append(
            ValueChange(
                external_value_id=pk,
                old_value=old_value,
                new_value=value,
                old_marker=old_marker,
                new_marker=marker,
                old_release=old_release,
                release=release,
            )
        )
    _insert_values(new)
    ExternalValue.objects.bulk_update(
        changed, ["value", "marker", "numerator", "denominator", "release"], batch_size=BATCH
    )
    ValueChange.objects.bulk_create(changes, batch_size=BATCH)
    report.created, report.changed = len(new), len(changed)
    # The database has already made the kept positions unused; have them worked out again.
    transaction.on_commit(_refresh_positions)
    return report


def _refresh_positions() -> None:
    from benchmarking.tasks import refresh_positions

    refresh_positions.enqueue()


SAME_WITHIN = Decimal("1e-14")


NEW_VALUE_COLUMNS = (
    "metric_id",
    "area_id",
    "period",
    "period_start",
    "period_end",
    "value",
    "marker",
    "numerator",
    "denominator",
    "release",
)


def _insert_values(rows: list[tuple]) -> None:
    """Insert new figures a batch at a time without model instances: `bulk_create` builds one
    per figure, which costs most of a million-row import.

    On PostgreSQL each batch is one statement: the published generation's trigger runs once a
    statement (migration 0005), and one row rewritten for every figure of a million in one
    transaction makes each rewrite slower than the last. SQLite takes one prepared statement
    a row (its limit on parameters is below a batch's), and rewrites the row in place."""
    quote = connection.ops.quote_name
    one_row = "({})".format(", ".join(["%s"] * len(NEW_VALUE_COLUMNS)))
    sql = "INSERT INTO {} ({}) VALUES ".format(
        quote(ExternalValue._meta.db_table),
        ", ".join(quote(column) for column in NEW_VALUE_COLUMNS),
    )
    with connection.cursor() as cursor:
        for batch in itertools.batched(rows, BATCH):
            if connection.vendor == "postgresql":
                cursor.execute(
                    sql + ", ".join([one_row] * len(batch)), [v for row in batch for v in row]
                )
            else:
                cursor.executemany(sql + one_row, batch)


def _same(old: Decimal | None, new: Decimal | None) -> bool:
    """Equal but for the 16th significant figure: SQLite keeps decimals as doubles, which
    hold no more than that (a published figure never has that many)."""
    if old is None or new is None:
        return old is new
    return abs(old - new) <= max(abs(old), abs(new)) * SAME_WITHIN


def description_path(name: str) -> Path:
    """A shipped description by name ("oflog-waste"), or a path as given."""
    shipped = DESCRIPTIONS / f"{name}.toml"
    return shipped if shipped.exists() else Path(name)
