from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from status.numbers import format_value, round_half_up, shown

D = Decimal

values = st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False)
places = st.integers(min_value=0, max_value=4)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("89.96", 1, "90.0"),
        ("2.5", 0, "3"),  # half away from zero: Python's round() would give 2
        ("3.5", 0, "4"),
        ("-2.5", 0, "-3"),
        ("0.125", 2, "0.13"),
        ("1.005", 2, "1.01"),
        ("89.94", 1, "89.9"),
        ("7", 2, "7.00"),
    ],
)
def test_rounds_half_away_from_zero(value: str, places: int, expected: str) -> None:
    assert str(round_half_up(D(value), places)) == expected


@pytest.mark.parametrize("value", ["-0.04", "-0.0001", "-0", "-0.049"])
def test_a_value_rounding_to_zero_from_below_is_zero_not_minus_zero(value: str) -> None:
    result = round_half_up(D(value), 1)
    assert str(result) == "0.0"
    assert not result.is_signed()


def test_minus_0_05_rounds_away_from_zero() -> None:
    assert str(round_half_up(D("-0.05"), 1)) == "-0.1"


def test_shown_keeps_none_and_accepts_whole_numbers() -> None:
    assert shown(None, 1) is None
    assert shown(90, 1) == D("90.0")


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        round_half_up(0.1, 1)  # type: ignore[arg-type]


def test_non_finite_and_negative_places_are_refused() -> None:
    with pytest.raises(ValueError):
        round_half_up(D("NaN"), 1)
    with pytest.raises(ValueError):
        round_half_up(D("1"), -1)


def test_very_large_values_still_round() -> None:
    assert round_half_up(D("123456789012345678901234567890.55"), 1) == D(
        "123456789012345678901234567890.6"
    )


@pytest.mark.parametrize(
    ("value", "precision", "unit", "expected"),
    [
        ("89.96", 1, "%", "90.0%"),
        ("1234.4", 0, "£", "£1,234"),
        ("-1234.5", 0, "£", "-£1,235"),
        ("12.5", 1, "days", "12.5 days"),
        ("1234567.891", 2, "", "1,234,567.89"),
        ("-0.04", 1, "%", "0.0%"),
        ("1500", 0, "visits", "1,500 visits"),
    ],
)
def test_format_value(value: str, precision: int, unit: str, expected: str) -> None:
    assert format_value(D(value), precision, unit) == expected


@given(values, places)
def test_rounding_matches_decimal_quantize_half_up(value: Decimal, places: int) -> None:
    expected = value.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert round_half_up(value, places) == expected


@given(values, places)
def test_rounding_is_odd_symmetric(value: Decimal, places: int) -> None:
    assert round_half_up(-value, places) == -round_half_up(value, places)


@given(values, places)
def test_rounded_zero_is_never_negative(value: Decimal, places: int) -> None:
    result = round_half_up(value, places)
    assert not (result.is_zero() and result.is_signed())


@given(values, places)
def test_rounding_moves_less_than_half_a_unit(value: Decimal, places: int) -> None:
    assert abs(round_half_up(value, places) - value) <= D(1).scaleb(-places) / 2


def test_a_plain_count_is_shown_without_a_unit():
    assert format_value(Decimal("1234"), 0, "number") == "1,234"
    assert format_value(Decimal("12.5"), 1, "days") == "12.5 days"
