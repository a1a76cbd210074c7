import csv
import datetime
from decimal import Decimal

import pytest

from benchmarking.groups import save_own_group
from benchmarking.importing import description_path, import_benchmark
from benchmarking.models import Area, ExternalValue, Metric, PeriodType
from benchmarking.positions import position, positions_over_time
from status.benchmark import Quartile

from .conftest import ASC

# Five councils; Hartlepool publishes a marker, not a figure, in 2022/23.
MEMBERS = ["E06000001", "E06000002", "E06000003", "E06000004", "E06000005"]
FIGURES = {
    "2021/22": ["40", "10", "20", "30", "25"],
    "2022/23": [None, "10", "20", "20", "40"],
}


def make_metric(polarity: str) -> Metric:
    metric = Metric.objects.create(
        code=f"test-{polarity}",
        title="A published figure",
        source="Test",
        publisher="Test",
        licence="OGL",
        polarity=polarity,
        period_type=PeriodType.FINANCIAL_YEAR,
    )
    areas = {area.gss_code: area for area in Area.objects.filter(gss_code__in=MEMBERS)}
    for label, figures in FIGURES.items():
        first = int(label[:4])
        for code, figure in zip(MEMBERS, figures, strict=True):
            ExternalValue.objects.create(
                metric=metric,
                area=areas[code],
                period=label,
                period_start=datetime.date(first, 4, 1),
                period_end=datetime.date(first + 1, 3, 31),
                value=Decimal(figure) if figure else None,
                marker="" if figure else "[x]",
            )
    return metric


@pytest.fixture
def group(areas):
    return save_own_group(name="Tees Valley", pasted="\n".join(MEMBERS))


def area(code):
    return Area.objects.get(gss_code=code)


# 2022/23 without the marker: 10, 20, 20, 40.
# QUARTILE.INC: P25 = 10 + 0.75 × 10 = 17.5; median = 20; P75 = 20 + 0.25 × 20 = 25.


def test_higher_is_better_with_ties_and_a_marker_left_out(group):
    metric = make_metric("higher_is_better")
    stockton = position(metric, "2022/23", group, area("E06000004"))
    assert (stockton.p25, stockton.median, stockton.p75) == (
        Decimal("17.5"),
        Decimal("20"),
        Decimal("25"),
    )
    assert (stockton.quartile, stockton.rank_label) == (Quartile.upper_middle, "rank 2 of 4")
    darlington = position(metric, "2022/23", group, area("E06000005"))
    assert (darlington.quartile, darlington.rank) == (Quartile.top, 1)
    middlesbrough = position(metric, "2022/23", group, area("E06000002"))
    assert (middlesbrough.quartile, middlesbrough.rank) == (Quartile.bottom, 4)


def test_lower_is_better_is_the_mirror(group):
    metric = make_metric("lower_is_better")
    middlesbrough = position(metric, "2022/23", group, area("E06000002"))
    assert (middlesbrough.quartile, middlesbrough.rank_label) == (Quartile.top, "rank 1 of 4")
    # Negated: -40, -20, -20, -10 → P75 = -17.5, median = -20: -20 is upper-middle.
    redcar = position(metric, "2022/23", group, area("E06000003"))
    assert (redcar.quartile, redcar.rank) == (Quartile.upper_middle, 2)
    darlington = position(metric, "2022/23", group, area("E06000005"))
    assert (darlington.quartile, darlington.rank) == (Quartile.bottom, 4)


@pytest.mark.parametrize("polarity", ["neither", "in_range"])
def test_neither_and_in_range_get_no_quartile_and_rank_from_the_highest(group, polarity):
    metric = make_metric(polarity)
    middlesbrough = position(metric, "2022/23", group, area("E06000002"))
    assert (middlesbrough.quartile, middlesbrough.rank_label) == (None, "rank 4 of 4")
    assert middlesbrough.median == Decimal("20")


def test_no_figure_no_position(group):
    metric = make_metric("higher_is_better")
    assert position(metric, "2022/23", group, area("E06000001")) is None


def test_positions_over_time_in_one_query(group, django_assert_num_queries):
    metric = make_metric("higher_is_better")
    stockton = area("E06000004")
    with django_assert_num_queries(1):
        over_time = positions_over_time(metric, group, stockton)
    # 2021/22: 10, 20, 25, 30, 40 → P25 20, median 25, P75 30; Stockton's 30 is top, rank 2.
    assert [
        (p.period, p.position.quartile, p.position.rank, p.is_improving) for p in over_time
    ] == [
        ("2021/22", Quartile.top, 2, None),
        ("2022/23", Quartile.upper_middle, 2, False),
    ]
    middlesbrough = positions_over_time(metric, group, area("E06000002"))
    assert [p.is_improving for p in middlesbrough] == [None, False]
    redcar = positions_over_time(make_metric("lower_is_better"), group, area("E06000003"))
    # Lower is better, negated: 2021/22 -40, -30, -25, -20, -10 → P75 = -20: Redcar's 20 is
    # top; 2022/23 upper-middle, so not improving.
    assert [(p.position.quartile, p.is_improving) for p in redcar] == [
        (Quartile.top, None),
        (Quartile.upper_middle, False),
    ]


def test_the_councils_own_value_counts_even_outside_the_group(group):
    metric = make_metric("higher_is_better")
    outsider = save_own_group(name="Three", pasted="E06000002, E06000003, E06000004")
    darlington = position(metric, "2022/23", outsider, area("E06000005"))
    assert (darlington.rank_label, darlington.quartile) == ("rank 1 of 4", Quartile.top)


def test_oflogs_published_england_median_is_reproduced(areas):
    """The ASC file carries Oflog's England median for each metric and year, taken over every
    authority in the file (including those abolished since)."""
    import_benchmark(description_path("oflog-asc"), ASC)
    with open(ASC, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    medians = {(row["Code"], row["Financial year"]): Decimal(row["MEDIAN"]) for row in rows}
    every_authority = save_own_group(
        name="Oflog's authorities",
        pasted="\n".join(sorted({row["Local authority code"] for row in rows})),
    )
    samples = [
        ("oflog-asc-user-quality-of-life", "2022/23", "E08000009", "ASC2", "2022-23"),
        ("oflog-asc-short-term-outcome", "2019/20", "E06000023", "ASC5", "2019-20"),
        ("oflog-asc-information-carers", "2021/22", "E10000006", "ASC4", "2021-22"),
        ("oflog-asc-information-users", "2015/16", "E09000002", "ASC3", "2015-16"),
    ]
    for code, period, gss_code, oflog_code, year in samples:
        metric = Metric.objects.get(code=code)
        found = position(metric, period, every_authority, area(gss_code))
        assert found.median == medians[(oflog_code, year)], code
