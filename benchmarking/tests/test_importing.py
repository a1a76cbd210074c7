import csv
import datetime
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from benchmarking.importing import (
    BAD_NUMBER,
    MISSING_COLUMN,
    ImportRejected,
    description_path,
    import_benchmark,
    parse_period,
)
from benchmarking.models import (
    Area,
    ComparatorGroup,
    ExternalValue,
    Metric,
    PeriodType,
    ValueChange,
)

from .conftest import ASC, FLYTIPPING, LGBF, WASTE

SHIPPED = {
    "oflog-waste": WASTE,
    "oflog-asc": ASC,
    "defra-flytipping": FLYTIPPING,
    "lgbf-scotland": LGBF,
}


def tables() -> list:
    """Every benchmarking table's rows, to show a rejected import changed nothing."""
    return [
        list(model.objects.order_by("pk").values_list())
        for model in (Area, Metric, ExternalValue, ValueChange, ComparatorGroup)
    ]


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


# The shipped datasets -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, read_, created, markers, skipped, filtered, metrics",
    [
        ("oflog-waste", 7458, 7458, 0, {}, 0, 3),
        ("oflog-asc", 6376, 6376, 298, {}, 0, 7),
        (
            "defra-flytipping",
            3321,
            9666,
            1669,
            {"area code E00000000 is not a local authority": 99},
            0,
            3,
        ),
        (
            "lgbf-scotland",
            39921,
            31330,
            0,
            {"“Scotland” is not a local authority": 1000},
            7591,
            142,
        ),
    ],
)
def test_each_shipped_dataset_imports_with_its_counts(
    areas, name, read_, created, markers, skipped, filtered, metrics
):
    report = import_benchmark(description_path(name), SHIPPED[name])

    assert (report.rows_read, report.created, report.changed, report.unchanged) == (
        read_,
        created,
        0,
        0,
    )
    assert (report.markers, dict(report.skipped), report.filtered) == (markers, skipped, filtered)
    assert len(report.metrics) == metrics
    assert ExternalValue.objects.count() == created
    # Markers are kept as published, never as a zero.
    assert ExternalValue.objects.filter(value__isnull=True).count() == markers
    assert (
        not ExternalValue.objects.filter(value__isnull=True).exclude(marker__in=[":", ""]).exists()
    )


def test_oflog_waste_values_periods_and_metric_metadata(areas):
    import_benchmark(description_path("oflog-waste"), WASTE)
    value = ExternalValue.objects.get(
        metric__code="oflog-waste-recycling-rate", area__gss_code="E06000001", period="2015/16"
    )
    assert value.value == Decimal("35.9")
    assert (value.period_start, value.period_end) == (
        datetime.date(2015, 4, 1),
        datetime.date(2016, 3, 31),
    )
    assert value.release == "Oflog Data Explorer, December 2024"
    metric = value.metric
    assert (metric.polarity, metric.unit, metric.licence, metric.period_type) == (
        "higher_is_better",
        "%",
        "Open Government Licence v3.0",
        PeriodType.FINANCIAL_YEAR,
    )
    assert Metric.objects.get(code="oflog-waste-contamination-rate").polarity == "lower_is_better"


def test_flytipping_keeps_colons_as_markers_and_skips_totals(areas):
    import_benchmark(description_path("defra-flytipping"), FLYTIPPING)
    marked = ExternalValue.objects.filter(marker=":")
    assert marked.count() == 1669
    assert set(marked.values_list("value", flat=True)) == {None}
    assert not ExternalValue.objects.filter(area__gss_code="E00000000").exists()


def test_lgbf_uses_cash_figures_names_and_goldilocks_as_in_range(areas):
    import_benchmark(description_path("lgbf-scotland"), LGBF)
    perth = ExternalValue.objects.get(
        metric__code="lgbf-CHN1", area__name="Perth and Kinross", period="2010/11"
    )
    assert perth.area.gss_code == "S12000048"
    assert Metric.objects.get(code="lgbf-CORP 7").polarity == "higher_is_better"
    assert Metric.objects.get(code="lgbf-CHN1").polarity == "lower_is_better"
    assert Metric.objects.get(code="lgbf-CORP 3b").polarity == "in_range"
    span = ExternalValue.objects.filter(period="2017/20").first()
    assert (span.period_start, span.period_end) == (
        datetime.date(2017, 4, 1),
        datetime.date(2020, 3, 31),
    )


# Rejected files change nothing --------------------------------------------------------------

CORRUPTIONS = {
    # name: (area column, a value column, an area code/name that is no council, period column)
    "oflog-waste": ("area_code", "value", "E06000999", "financial_year"),
    "oflog-asc": ("Local authority code", "Value", "E06000999", "Financial year"),
    "defra-flytipping": ("ONS Code", "Total Incidents", "E06000999", "Year"),
    "lgbf-scotland": ("local_authority", "value", "Glasgo City", "year"),
}


@pytest.fixture
def small_copy(tmp_path):
    """The real file's header and first 300 rows."""

    def copy(name):
        rows = read(SHIPPED[name])[:301]
        if name == "lgbf-scotland":  # its metrics are described in a file beside it
            metadata = SHIPPED[name].parent / "lgbf_indicator_metadata.csv"
            shutil.copy(metadata, tmp_path)
        return rows, write(tmp_path / f"{name}.csv", rows)

    return copy


def _first_data_row(rows, name):
    header = rows[0]
    area_at, value_at = header.index(CORRUPTIONS[name][0]), header.index(CORRUPTIONS[name][1])
    for number, row in enumerate(rows[1:], start=2):
        is_council = row[area_at] not in ("E00000000", "Scotland")
        is_cash = name != "lgbf-scotland" or row[header.index("price_basis")] == "cash"
        if is_council and is_cash and row[value_at] not in (":", ""):
            return number, header
    raise AssertionError("no row to corrupt")


@pytest.mark.parametrize("name", list(SHIPPED))
@pytest.mark.parametrize("corruption", ["unknown area", "bad number", "missing column", "twice"])
def test_a_corrupted_copy_names_row_and_column_and_changes_nothing(
    areas, small_copy, tmp_path, name, corruption
):
    rows, good = small_copy(name)
    import_benchmark(description_path(name), good)
    before = tables()
    area_column, value_column, stranger, _ = CORRUPTIONS[name]
    number, header = _first_data_row(rows, name)
    row = rows[number - 1]
    if corruption == "unknown area":
        row[header.index(area_column)] = stranger
        expected_column, expected_row = area_column, number
    elif corruption == "bad number":
        row[header.index(value_column)] = "12..5"
        expected_column, expected_row = value_column, number
    elif corruption == "missing column":
        at = header.index(value_column)
        rows = [[cell for position, cell in enumerate(r) if position != at] for r in rows]
        expected_column, expected_row = value_column, 1
    else:
        rows.append(list(row))
        expected_column, expected_row = value_column, len(rows)
    bad = write(tmp_path / f"bad-{name}.csv", rows)

    with pytest.raises(ImportRejected) as rejected:
        import_benchmark(description_path(name), bad, release="corrupted")

    where = [(problem.row, problem.column) for problem in rejected.value.problems]
    assert (expected_row, expected_column) in where
    assert tables() == before
    messages = " ".join(problem.message for problem in rejected.value.problems)
    if corruption == "unknown area":
        assert "did you mean" in messages
    if corruption == "missing column":
        assert MISSING_COLUMN.format(column=value_column) in messages
    if corruption == "twice":
        assert f"twice (also row {number})" in messages


def test_every_problem_is_listed_not_just_the_first(areas, small_copy, tmp_path):
    rows, _ = small_copy("oflog-waste")
    for row in rows[1:11]:
        row[5] = "n/a"
    bad = write(tmp_path / "bad.csv", rows)
    with pytest.raises(ImportRejected) as rejected:
        import_benchmark(description_path("oflog-waste"), bad)
    assert [problem.row for problem in rejected.value.problems] == list(range(2, 12))
    assert rejected.value.problems[0].message == BAD_NUMBER.format(text="n/a", markers="“:”, “”")


# Releases ----------------------------------------------------------------------------------


def test_a_newer_release_replaces_changed_values_and_keeps_what_changed(
    areas, small_copy, tmp_path
):
    rows, first = small_copy("oflog-waste")
    import_benchmark(description_path("oflog-waste"), first, release="2023")
    rows[1][5] = "36.2"  # Hartlepool's 2015-16 recycling rate revised
    rows[2][5] = ":"  # and 2016-17 withdrawn
    revised = write(tmp_path / "revised.csv", rows)

    report = import_benchmark(description_path("oflog-waste"), revised, release="2024")

    assert (report.created, report.changed, report.unchanged) == (0, 2, 298)
    value = ExternalValue.objects.get(area__gss_code="E06000001", period="2015/16")
    assert (value.value, value.release) == (Decimal("36.2"), "2024")
    change = value.changes.get()
    assert (change.old_value, change.new_value, change.old_release, change.release) == (
        Decimal("35.9"),
        Decimal("36.2"),
        "2023",
        "2024",
    )
    withdrawn = ExternalValue.objects.get(area__gss_code="E06000001", period="2016/17")
    assert (withdrawn.value, withdrawn.marker) == (None, ":")
    assert withdrawn.changes.get().old_value == Decimal("33.1")


def test_importing_the_same_file_again_changes_nothing(areas):
    import_benchmark(description_path("lgbf-scotland"), LGBF)
    before = tables()
    report = import_benchmark(description_path("lgbf-scotland"), LGBF)
    assert (report.created, report.changed, report.unchanged) == (0, 0, 31330)
    assert tables() == before


# A description, not code -------------------------------------------------------------------

WIDE = """
[source]
name = "Household waste per head"
publisher = "A government department"
licence = "Open Government Licence v3.0"
release = "2024"

[layout]
shape = "wide"
area_name_column = "Authority"
period_columns_matching = '\\d{4}-\\d{2}'
period_type = "financial_year"

[markers]
"[x]" = "not available"
".." = "not applicable"

[skip]
area_names = ["England", "North West"]

[[metrics]]
code = "waste-per-head"
title = "Household waste per head (kg)"
polarity = "lower_is_better"
unit = "kg"
"""


def test_a_wide_file_needs_only_a_description(areas, tmp_path):
    description = tmp_path / "waste-per-head.toml"
    description.write_text(WIDE)
    data = write(
        tmp_path / "waste.csv",
        [
            ["Authority", "Notes", "2021-22", "2022-23"],
            ["England", "", "400", "390"],
            ["North West", "", "410", "405"],
            ["Bristol, City of", "", "350.5", "[x]"],
            ["Perth & Kinross", "", "..", "380"],
        ],
    )

    report = import_benchmark(description, data)

    assert (report.rows_read, report.created, report.markers, report.skipped_total) == (
        4,
        4,
        2,
        2,
    )
    figures = {
        (area, period): (value, marker)
        for area, period, value, marker in ExternalValue.objects.values_list(
            "area__gss_code", "period", "value", "marker"
        )
    }
    assert figures == {
        ("E06000023", "2021/22"): (Decimal("350.5"), ""),
        ("E06000023", "2022/23"): (None, "[x]"),
        ("S12000048", "2021/22"): (None, ".."),
        ("S12000048", "2022/23"): (Decimal("380"), ""),
    }


def test_the_command_prints_the_report_or_every_problem(areas, small_copy, tmp_path, capsys):
    rows, good = small_copy("defra-flytipping")
    call_command("import_benchmark", "defra-flytipping", str(good))
    assert "values created" in capsys.readouterr().out
    rows[5][1] = "E0600000X"
    bad = write(tmp_path / "bad.csv", rows)
    with pytest.raises(CommandError) as failed:
        call_command("import_benchmark", "defra-flytipping", str(bad))
    assert failed.value.returncode == 1
    assert "row 6, column “ONS Code”" in capsys.readouterr().err


@pytest.mark.parametrize(
    "written, kind, label, start, end",
    [
        ("2021-22", PeriodType.FINANCIAL_YEAR, "2021/22", "2021-04-01", "2022-03-31"),
        ("2015/16", PeriodType.FINANCIAL_YEAR, "2015/16", "2015-04-01", "2016-03-31"),
        ("1999-00", PeriodType.FINANCIAL_YEAR, "1999/00", "1999-04-01", "2000-03-31"),
        ("2017-20", PeriodType.FINANCIAL_YEAR, "2017/20", "2017-04-01", "2020-03-31"),
        ("2022", PeriodType.CALENDAR_YEAR, "2022", "2022-01-01", "2022-12-31"),
        ("2022-23", PeriodType.ACADEMIC_YEAR, "2022/23", "2022-09-01", "2023-08-31"),
        ("2022-23 Q4", PeriodType.QUARTER, "2022/23 Q4", "2023-01-01", "2023-03-31"),
        ("2023-02", PeriodType.MONTH, "2023-02", "2023-02-01", "2023-02-28"),
    ],
)
def test_periods_as_publishers_write_them(written, kind, label, start, end):
    period = parse_period(written, kind)
    assert (period.label, str(period.start), str(period.end)) == (label, start, end)


def test_a_period_that_is_not_one_is_refused():
    assert parse_period("2021-22", PeriodType.CALENDAR_YEAR) is None
    assert parse_period("Q5 2021", PeriodType.QUARTER) is None


def test_the_example_in_the_docs_imports(areas, tmp_path):
    """docs/benchmarking.md's example description, on a file laid out as it says."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "benchmarking.md").read_text()
    example = docs.split("```toml\n", 1)[1].split("```", 1)[0]
    description = tmp_path / "household-waste-per-head.toml"
    description.write_text("\n".join(line.removeprefix("   ") for line in example.splitlines()))
    data = write(
        tmp_path / "env18.csv",
        [
            ["ONS code", "Authority", "2021-22", "2022-23"],
            ["E92000001", "England", "400", "390"],
            ["E12000002", "North West", "410", "405"],
            ["E06000023", "Bristol, City of", "350", "[c]"],
        ],
    )
    report = import_benchmark(description, data)
    assert (report.created, report.markers, report.skipped_total) == (2, 1, 2)
    assert Metric.objects.get().polarity == "lower_is_better"


def test_a_changed_description_refreshes_the_metric(areas, small_copy, tmp_path):
    _, good = small_copy("oflog-waste")
    import_benchmark(description_path("oflog-waste"), good)
    changed = tmp_path / "oflog-waste.toml"
    changed.write_text(
        description_path("oflog-waste")
        .read_text()
        .replace('unit = "kg"', 'unit = "kg per household"')
    )
    report = import_benchmark(changed, good)
    assert report.unchanged == 300
    metric = Metric.objects.get(code="oflog-waste-residual-household-waste")
    assert metric.unit == "kg per household"


def test_a_wide_file_with_no_period_columns_is_refused(areas, tmp_path):
    description = tmp_path / "waste-per-head.toml"
    description.write_text(WIDE)
    data = write(tmp_path / "waste.csv", [["Authority", "2021"], ["Bristol, City of", "350"]])
    with pytest.raises(ImportRejected) as rejected:
        import_benchmark(description, data)
    assert rejected.value.problems[0].message.startswith("No column is headed like a period")
    assert not ExternalValue.objects.exists()
