"""The SPC chart of a series cut at recalculation points: each phase with its own lines."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from charts.spc import NO_LIMITS_IN_PHASE, NO_TARGET_AT_FREQUENCY, NOT_ENOUGH_SINCE, spc_chart
from charts.svg import Chart
from status.periods import MONTH_NAMES
from status.polarity import Polarity
from status.spc import Assurance, spc_reading

D = Decimal
SVG = "{http://www.w3.org/2000/svg}"
LOWER = Polarity.lower_is_better
BEFORE = ["179", "181"] * 6  # 12 months about 180
AFTER = ["269", "271"] * 6  # then 12 about 270
REASON = "Homelessness surge adds about 90 households"


def months(count: int) -> list[str]:
    return [f"{MONTH_NAMES[(3 + i) % 12]} {2022 + (3 + i) // 12}" for i in range(count)]


def draw(values: list[str], cuts=(12,), target="220", reasons=(REASON,)) -> Chart:
    points = list(zip(months(len(values)), [D(v) for v in values], strict=True))
    reading = spc_reading(
        [v for _, v in points], LOWER, target=D(target) if target else None, cuts=cuts
    )
    return spc_chart(
        title="Households in temporary accommodation",
        points=points,
        phases=reading.phases,
        recalculations=reasons,
        assurance=reading.assurance,
        polarity=LOWER,
        unit="number",
        precision=0,
        target=D(target) if target else None,
        frequency="monthly",
    )


def classes(chart: Chart, name: str) -> list[ET.Element]:
    root = ET.fromstring(str(chart.svg))
    return [e for e in root.iter() if name in e.get("class", "").split()]


def test_each_phase_is_drawn_with_its_own_mean_and_limits() -> None:
    chart = draw(BEFORE + AFTER)
    earlier = classes(chart, "gt-phase--earlier")
    assert len(earlier) == 1
    assert len(list(earlier[0].iter(f"{SVG}line"))) == 3  # mean and two limits, unnamed
    # The latest phase's lines are named at the right: one mean, two limits, the target.
    named = [e for e in classes(chart, "gt-line") if e.tag == f"{SVG}g"]
    assert sorted(g.get("class").split()[1] for g in named) == [
        "gt-line--lower-limit",
        "gt-line--mean",
        "gt-line--target",
        "gt-line--upper-limit",
    ]
    # The latest phase's lines start at the cut, the target runs across the whole chart.
    mean = next(g for g in named if "gt-line--mean" in g.get("class"))
    target = next(g for g in named if "gt-line--target" in g.get("class"))
    mean_x = float(next(mean.iter(f"{SVG}line")).get("x1"))
    target_x = float(next(target.iter(f"{SVG}line")).get("x1"))
    assert mean_x > target_x + 100


def test_the_cut_is_named_with_its_reason() -> None:
    chart = draw(BEFORE + AFTER)
    (cut,) = classes(chart, "gt-recalculation")
    assert next(cut.iter(f"{SVG}title")).text == f"Limits recalculated from April 2023: {REASON}"
    assert [t.text for t in cut.iter(f"{SVG}text")] == ["Recalculated Apr 2023"]


def test_the_words_and_table_say_which_phase_each_point_is_in() -> None:
    chart = draw(BEFORE + AFTER)
    assert f"The limits were recalculated from April 2023: {REASON}." in chart.description
    assert "From April 2022 to March 2023: mean 180, process limits 175 to 185." in (
        chart.description
    )
    assert "Since April 2023: mean 270, process limits 265 to 275." in chart.description
    assert "Target 220: consistently fails target." in chart.description
    assert chart.table_headers == ("Period", "Value", "Phase", "Special cause", "Target")
    assert chart.table_rows[0][2] == "Phase 1, April 2022 to March 2023"
    assert chart.table_rows[12][2] == "Phase 2, from April 2023"
    assert {row[3] for row in chart.table_rows} == {"None (common cause)"}


def test_a_short_latest_phase_keeps_the_earlier_lines_and_says_why_it_is_not_read() -> None:
    chart = draw(BEFORE + AFTER[:5])
    assert NOT_ENOUGH_SINCE in chart.description
    assert len(classes(chart, "gt-phase--earlier")) == 1
    assert chart.table_rows[-1][3] == NO_LIMITS_IN_PHASE
    assert chart.table_rows[0][3] == "None (common cause)"


def test_no_target_at_this_frequency_is_said_in_words() -> None:
    points = list(zip(months(12), [D(v) for v in BEFORE], strict=True))
    reading = spc_reading([v for _, v in points], LOWER, longer_period_only=True)
    chart = spc_chart(
        title="Fly-tipping incidents",
        points=points,
        phases=reading.phases,
        assurance=reading.assurance,
        polarity=LOWER,
        unit="number",
        precision=0,
    )
    assert reading.assurance is Assurance.no_target_at_frequency
    assert chart.description.endswith(NO_TARGET_AT_FREQUENCY)


def test_reasons_must_match_the_cuts() -> None:
    with pytest.raises(ValueError, match="one reason for each"):
        draw(BEFORE + AFTER, reasons=("one", "two"))
