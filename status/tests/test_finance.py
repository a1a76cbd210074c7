from decimal import Decimal, localcontext

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from status.finance import (
    DEFAULT_THRESHOLDS,
    FinanceDirection,
    FinanceReading,
    FinanceStatus,
    FinanceThresholds,
    finance_direction,
    finance_reading,
    variance,
    variance_percent,
)

D = Decimal
ON, AMBER, RED = FinanceStatus.on_budget, FinanceStatus.over_amber, FinanceStatus.over_red
MILLION = D(1_000_000)
RED_250K = FinanceThresholds(red_pounds=D(250_000))
BOTH_POUNDS = FinanceThresholds(amber_pounds=D(50_000), red_pounds=D(250_000))

money = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)


def custom_thresholds(
    amber: Decimal, extra: Decimal, amber_pounds: Decimal | None, red_pounds: Decimal | None
) -> FinanceThresholds:
    if amber_pounds is not None and red_pounds is not None:
        amber_pounds, red_pounds = sorted((amber_pounds, red_pounds))
    return FinanceThresholds(
        amber_percent=amber,
        red_percent=amber + extra,
        amber_pounds=amber_pounds,
        red_pounds=red_pounds,
    )


percents = st.decimals(min_value=0, max_value=20, places=1)
pounds = st.none() | st.decimals(min_value=0, max_value=10**6, places=0)
thresholds = st.just(DEFAULT_THRESHOLDS) | st.builds(
    custom_thresholds, percents, percents, pounds, pounds
)


def severity(status: FinanceStatus) -> int:
    return list(FinanceStatus).index(status)


def reading(
    budget: str, forecast: str, limits: FinanceThresholds = DEFAULT_THRESHOLDS
) -> FinanceReading:
    return finance_reading(D(budget), D(forecast), limits)


def test_variance_is_forecast_minus_budget_exactly() -> None:
    assert variance(MILLION, D("1050000.49")) == D("50000.49")
    assert variance(MILLION, D(900_000)) == D(-100_000)


@pytest.mark.parametrize(
    ("budget", "forecast", "percent"),
    [
        ("1000000", "1010000", "1.0"),
        ("1000000", "1010400", "1.0"),  # 1.04 is shown 1.0
        ("1000000", "1010500", "1.1"),  # 1.05 is shown 1.1: half away from zero
        ("1000000", "989500", "-1.1"),
        ("1000000", "1000000", "0.0"),
        ("1000000", "999999", "0.0"),  # -0.0001 is shown 0.0, not -0.0
        ("300", "301", "0.3"),  # 0.333... rounds before it is judged
        ("-100000", "-90000", "10.0"),  # net income short of budget: an overspend
        ("-100000", "-110000", "-10.0"),  # more income than budgeted: an underspend
    ],
)
def test_variance_percent_of_the_absolute_budget_as_shown(
    budget: str, forecast: str, percent: str
) -> None:
    shown = variance_percent(D(budget), D(forecast))
    assert str(shown) == percent


def test_a_budget_of_0_has_no_variance_percent() -> None:
    assert variance_percent(D(0), D(500)) is None


def test_money_and_percent_do_not_depend_on_the_ambient_decimal_context() -> None:
    with localcontext(prec=3):
        assert variance(MILLION, D("1010499.99")) == D("10499.99")
        assert variance_percent(MILLION, D("1010499.99")) == D("1.0")


@pytest.mark.parametrize(
    ("forecast", "status"),
    [
        ("900000", ON),
        ("1000000", ON),
        ("1010000", ON),  # 1.0 %: the edge belongs to the better band
        ("1010400", ON),  # 1.04 % is shown 1.0
        ("1010500", AMBER),  # 1.05 % is shown 1.1
        ("1050000", AMBER),  # 5.0 % is still amber
        ("1050400", AMBER),  # 5.04 % is shown 5.0
        ("1050500", RED),  # 5.05 % is shown 5.1
        ("1051000", RED),  # 5.1 %
    ],
)
def test_status_by_percent_judged_as_shown(forecast: str, status: FinanceStatus) -> None:
    assert reading("1000000", forecast).status is status


@pytest.mark.parametrize(
    ("forecast", "percent", "significant"),
    [
        ("950000", "-5.0", False),  # exactly the red threshold's size: not beyond it
        ("949600", "-5.0", False),  # -5.04 is shown -5.0
        ("949500", "-5.1", True),  # -5.05 is shown -5.1
        ("949000", "-5.1", True),
        ("500000", "-50.0", True),
        ("1100000", "10.0", False),
    ],
)
def test_significant_underspend_beyond_the_red_percent(
    forecast: str, percent: str, significant: bool
) -> None:
    line = reading("1000000", forecast)
    assert str(line.variance_percent) == percent
    assert line.significant_underspend is significant
    if significant:
        assert line.status is ON  # a flag beside On budget, not a status


@pytest.mark.parametrize(
    ("budget", "forecast", "limits", "status"),
    [
        # 0.5 % of £100m is £500,000: On budget by percent, red by pounds.
        ("100000000", "100500000", RED_250K, RED),
        ("100000000", "100250000", RED_250K, ON),  # £250,000 exactly: the better band
        ("100000000", "100250001", RED_250K, RED),
        ("100000000", "100050000", BOTH_POUNDS, ON),
        ("100000000", "100050001", BOTH_POUNDS, AMBER),
        ("100000000", "100250000", BOTH_POUNDS, AMBER),
        ("100000000", "100250001", BOTH_POUNDS, RED),
        # 10 % of £100,000 is only £10,000: red by percent, the worse reading wins.
        ("100000", "110000", BOTH_POUNDS, RED),
        ("100000", "103000", BOTH_POUNDS, AMBER),
        ("100000000", "98000000", BOTH_POUNDS, ON),
    ],
)
def test_an_amount_in_pounds_also_applies_and_the_line_takes_the_worse(
    budget: str, forecast: str, limits: FinanceThresholds, status: FinanceStatus
) -> None:
    assert reading(budget, forecast, limits).status is status


@pytest.mark.parametrize(
    ("forecast", "significant"),
    [
        ("99750000", False),  # £250,000 under (0.25 %): not more than the red amount
        ("99749999", True),  # £250,001 under, though only 0.25 %
    ],
)
def test_significant_underspend_beyond_the_red_amount_in_pounds(
    forecast: str, significant: bool
) -> None:
    assert reading("100000000", forecast, RED_250K).significant_underspend is significant


@pytest.mark.parametrize(
    ("forecast", "limits", "status", "significant"),
    [
        ("0", DEFAULT_THRESHOLDS, ON, False),
        ("-5000", DEFAULT_THRESHOLDS, ON, False),  # income on a nil budget
        ("0.01", DEFAULT_THRESHOLDS, RED, False),  # no amounts set: any spend is red
        ("50000", BOTH_POUNDS, ON, False),
        ("50001", BOTH_POUNDS, AMBER, False),
        ("250001", BOTH_POUNDS, RED, False),
        ("1000000", FinanceThresholds(amber_pounds=D(50_000)), AMBER, False),
        ("-250000", BOTH_POUNDS, ON, False),
        ("-250001", BOTH_POUNDS, ON, True),
    ],
)
def test_a_budget_of_0_is_judged_by_the_amounts_in_pounds_only(
    forecast: str, limits: FinanceThresholds, status: FinanceStatus, significant: bool
) -> None:
    line = reading("0", forecast, limits)
    assert line.variance_percent is None
    assert line.variance == D(forecast)
    assert (line.status, line.significant_underspend) == (status, significant)


@pytest.mark.parametrize(
    ("forecast", "status", "significant"),
    [
        ("-101000", ON, False),  # more income than budgeted
        ("-99000", ON, False),  # £1,000 short: 1.0 %
        ("-98950", AMBER, False),  # 1.05 % is shown 1.1
        ("-95000", AMBER, False),  # 5.0 %
        ("-94900", RED, False),  # 5.1 %
        ("-105000", ON, False),  # -5.0 %
        ("-105100", ON, True),  # -5.1 %
    ],
)
def test_a_net_income_budget_overspends_when_income_falls_short(
    forecast: str, status: FinanceStatus, significant: bool
) -> None:
    line = reading("-100000", forecast)
    assert (line.status, line.significant_underspend) == (status, significant)


def test_the_reading_carries_the_exact_variance_and_the_shown_percent() -> None:
    assert reading("1000000", "1010500.40") == FinanceReading(
        variance=D("10500.40"),
        variance_percent=D("1.1"),
        status=AMBER,
        significant_underspend=False,
    )


def test_custom_percent_thresholds() -> None:
    limits = FinanceThresholds(amber_percent=D("2.5"), red_percent=D(10))
    assert reading("1000000", "1025000", limits).status is ON
    assert reading("1000000", "1025500", limits).status is AMBER
    assert reading("1000000", "1100000", limits).status is AMBER
    assert reading("1000000", "1100500", limits).status is RED
    assert not reading("1000000", "900000", limits).significant_underspend
    assert reading("1000000", "899000", limits).significant_underspend


@pytest.mark.parametrize(
    "arguments",
    [
        {"amber_percent": D(6)},  # above the default red 5
        {"amber_percent": D(-1)},
        {"amber_pounds": D(300_000), "red_pounds": D(250_000)},
        {"red_pounds": D(-1)},
    ],
)
def test_thresholds_are_refused_when_amber_is_above_red_or_negative(
    arguments: dict[str, Decimal],
) -> None:
    with pytest.raises(ValueError):
        FinanceThresholds(**arguments)


def test_equal_amber_and_red_thresholds_leave_no_amber() -> None:
    limits = FinanceThresholds(amber_percent=D(5), red_percent=D(5))
    assert reading("1000000", "1050000", limits).status is ON
    assert reading("1000000", "1050500", limits).status is RED


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        finance_reading(MILLION, 1010000.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("now", "before", "expected"),
    [
        ("40000", "50000", FinanceDirection.improving),  # overspend fell
        ("-60000", "-50000", FinanceDirection.improving),  # underspend grew
        ("-10000", "20000", FinanceDirection.improving),
        ("50001", "50000", FinanceDirection.worsening),
        ("-40000", "-50000", FinanceDirection.worsening),  # underspend shrank
        ("40000.40", "40000.49", FinanceDirection.no_change),  # both £40,000
        ("40000.50", "40000.49", FinanceDirection.worsening),  # £40,001 against £40,000
        ("-0.40", "0.49", FinanceDirection.no_change),  # both £0
        ("-40000.50", "-40000.49", FinanceDirection.improving),  # -£40,001 against -£40,000
    ],
)
def test_direction_compares_variances_in_whole_pounds(
    now: str, before: str, expected: FinanceDirection
) -> None:
    assert finance_direction(D(now), D(before)) is expected


def test_no_previous_forecast_has_no_direction() -> None:
    assert finance_direction(D(40000), None) is None


def test_labels() -> None:
    assert [s.label for s in FinanceStatus] == [
        "On budget",
        "Over budget (amber)",
        "Over budget (red)",
    ]
    assert [d.label for d in FinanceDirection] == ["Improving", "Worsening", "No change"]


@given(money, money, money, thresholds)
def test_a_higher_forecast_never_makes_the_status_better(
    budget: Decimal, forecast_a: Decimal, forecast_b: Decimal, limits: FinanceThresholds
) -> None:
    lower, higher = sorted((forecast_a, forecast_b))
    low, high = finance_reading(budget, lower, limits), finance_reading(budget, higher, limits)
    assert severity(low.status) <= severity(high.status)
    # ... and never makes an underspend more significant.
    assert high.significant_underspend <= low.significant_underspend


@given(money, money, thresholds)
def test_a_significant_underspend_is_always_on_budget(
    budget: Decimal, forecast: Decimal, limits: FinanceThresholds
) -> None:
    line = finance_reading(budget, forecast, limits)
    if line.significant_underspend:
        assert line.status is ON
        assert line.variance < 0


@given(money, money)
def test_mirroring_budget_and_forecast_around_zero_mirrors_the_variance(
    budget: Decimal, forecast: Decimal
) -> None:
    assert variance(-budget, -forecast) == -variance(budget, forecast)
    percent = variance_percent(budget, forecast)
    mirrored = variance_percent(-budget, -forecast)
    assert (mirrored is None and percent is None) or mirrored == -percent


@given(money, money, thresholds)
def test_the_worse_of_percent_and_pounds(
    budget: Decimal, forecast: Decimal, limits: FinanceThresholds
) -> None:
    assume(budget != 0)  # a budget of 0 has no percent reading
    by_percent_only = FinanceThresholds(
        amber_percent=limits.amber_percent, red_percent=limits.red_percent
    )
    both = finance_reading(budget, forecast, limits).status
    assert severity(both) >= severity(finance_reading(budget, forecast, by_percent_only).status)


@given(money, money)
def test_direction_is_antisymmetric(now: Decimal, before: Decimal) -> None:
    flipped = {
        FinanceDirection.improving: FinanceDirection.worsening,
        FinanceDirection.worsening: FinanceDirection.improving,
        FinanceDirection.no_change: FinanceDirection.no_change,
    }
    assert finance_direction(before, now) is flipped[finance_direction(now, before)]
