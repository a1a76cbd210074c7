"""Committee reports say how their indicators compare with other councils: each row carries
its position (frozen with the snapshot), narrative tokens name a quartile or a rank, and an
appendix lists every comparison with its source.

The small world of test_indicator_positions: in 2022/23 our own 35 is top quartile, rank 2 of
5; in 2023/24 the published 27 for our area stands, upper-middle, rank 3 of 5.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from benchmarking.models import BenchmarkLink
from indicators.models import Period
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory
from organisation.models import Role
from organisation.tests.factories import CouncilFactory, OrgUnitFactory, UserFactory
from reports.building import build_content
from reports.content import ReportContent, fill_tokens, token_problems
from reports.models import Report, ReportKind
from reports.reporting import save_report
from scorecards.tests.builders import Returns
from strategy.tests.factories import AmbitionFactory, CommitteeFactory, OutcomeFactory

from .builders import OURS, make_areas, make_group, make_metric, publish_two_years

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 1)


@pytest.fixture
def report():
    ensure_periods(first_year=2022, last_year=2024)
    council = CouncilFactory(ons_code=OURS)
    waste = OrgUnitFactory(council=council, code="waste", name="Waste and Recycling")
    outcome = OutcomeFactory(ambition=AmbitionFactory(code="greener"))
    scrutiny = CommitteeFactory(name="Place Scrutiny Committee")
    areas = make_areas()
    metric = make_metric()
    metric.url = "https://example.gov.uk/waste"
    metric.save()
    publish_two_years(metric, areas)
    returns = Returns()
    made = {}
    for code in ("WST-01", "WST-09"):
        made[code] = IndicatorFactory(
            code=code, owner=waste, outcomes=[outcome], committees=[scrutiny]
        )
        returns.series(made[code], ["2022-23-Q4", "2023-24-Q4"], [35, 30])
    BenchmarkLink.objects.create(
        indicator=made["WST-01"],
        metric=metric,
        group=make_group(areas),
        definition_note="Ours counts bulky waste; the published figure does not.",
    )
    return Report.objects.create(
        kind=ReportKind.COMMITTEE,
        title="Quarterly performance report",
        committee=scrutiny,
        period=Period.objects.get(code="2023-24-Q3"),
        created_at=timezone.now(),
        edited_at=timezone.now(),
    )


def test_each_compared_row_carries_its_position_through_the_snapshot(report):
    content = build_content(report, today=TODAY)

    row, alone = content.row("WST-01"), content.row("WST-09")
    assert alone.compared is None
    assert row.compared["period"] == "2022/23"  # Q3 2023/24 ends before 2023/24 does
    assert (row.compared["quartile"], row.compared["rank"], row.compared["of"]) == ("top", 2, 5)
    assert row.compared["licence"] == "Open Government Licence v3.0"
    frozen = ReportContent.from_snapshot(content.to_snapshot())
    assert frozen.row("WST-01").compared == row.compared
    assert frozen.snapshot_hash() == content.snapshot_hash()


def test_tokens_name_the_quartile_and_the_rank(report):
    rows = build_content(report, today=TODAY)
    every_row = {row.code: row for row in rows.rows()}

    filled = fill_tokens(
        "Recycling is in the [quartile:WST-01] of unitaries, [rank:WST-01]; "
        "bins: [quartile:WST-09].",
        every_row,
    )

    assert filled == (
        "Recycling is in the top quartile of unitaries, 2nd of 5; "
        "bins: not compared with other councils."
    )


def test_a_token_asking_where_an_uncompared_indicator_stands_is_refused(report):
    problems = token_problems("[rank:WST-09] and [rank:WST-01]", {"WST-01", "WST-09"}, {"WST-01"})
    assert problems == [
        "[rank:WST-09] names WST-09, which is not compared with other councils: link it to a "
        "published statistic on its framework page first"
    ]
    officer = UserFactory(roles=[Role.PERFORMANCE_TEAM])
    with pytest.raises(ValidationError) as refused:
        save_report(
            report, by=officer, lock_version=report.lock_version, going_well="[rank:WST-09]"
        )
    assert "not compared with other councils" in str(refused.value)
    report.refresh_from_db()
    assert report.going_well == ""

    saved = save_report(
        report,
        by=officer,
        lock_version=report.lock_version,
        going_well="We rank [rank:WST-01].",
    )
    assert build_content(saved, today=TODAY).going_well == "We rank 2nd of 5."


def test_the_appendix_lists_every_comparison_with_its_source(report):
    content = build_content(report, today=TODAY)

    (appendix,) = [a for a in content.appendices if a.anchor == "how-we-compare"]
    assert appendix.title == "How we compare with other councils"
    assert "Test Office (Open Government Licence v3.0, https://example.gov.uk/waste)" in (
        appendix.introduction
    )
    (table,) = appendix.tables
    assert table.rows == [
        [
            "WST-01: Household waste recycled (%)",
            "2022/23",
            "35.0% (our own figure)",
            "2nd of 5",
            "Top quartile",
            "30.0%",
            "Test unitaries. Ours counts bulky waste; the published figure does not.",
        ]
    ]


def test_no_appendix_without_a_comparison(report):
    BenchmarkLink.objects.all().delete()

    content = build_content(report, today=TODAY)

    assert all(a.anchor != "how-we-compare" for a in content.appendices)
