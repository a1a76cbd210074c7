from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from status.polarity import Polarity
from status.rag import Rag, RagRule, Tolerance, rag_status, value_status

D = Decimal
HIGHER = Polarity.higher_is_better
LOWER = Polarity.lower_is_better
SEVERITY = {Rag.green: 0, Rag.amber: 1, Rag.red: 2}

numbers = st.decimals(min_value=-10000, max_value=10000, places=3, allow_nan=False)
precisions = st.integers(min_value=0, max_value=3)
tolerances = st.one_of(
    st.none(),
    st.builds(Tolerance, percent=st.decimals(min_value=0, max_value=50, places=1)),
    st.builds(Tolerance, absolute=st.decimals(min_value=0, max_value=100, places=2)),
)


def rag(value: str, target: str | None, polarity: Polarity = HIGHER, **kwargs: object) -> Rag:
    return rag_status(
        value=D(value),
        target=None if target is None else D(target),
        polarity=polarity,
        precision=kwargs.pop("precision", 1),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def test_judged_as_shown_89_96_against_90_is_green() -> None:
    assert rag("89.96", "90") is Rag.green
    # At two decimal places the same value is shown as 89.96 and misses.
    assert rag("89.96", "90", precision=2) is Rag.amber


def test_half_up_at_display_precision_decides_the_status() -> None:
    # 2.5 is shown as 3 (not 2) at whole numbers, so it meets a target of 3.
    assert rag("2.5", "3", precision=0, tolerance=Tolerance(percent=D(0))) is Rag.green


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("95", Rag.green),
        ("90", Rag.green),
        ("89.9", Rag.amber),
        ("85.5", Rag.amber),  # the band edge (90 - 5% of 90 = 85.5) is Amber
        ("85.4", Rag.red),
    ],
)
def test_higher_is_better_with_the_default_5_percent(value: str, expected: Rag) -> None:
    assert rag(value, "90") is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10", Rag.green),
        ("9", Rag.green),
        ("10.1", Rag.amber),
        ("10.5", Rag.amber),  # the band edge is Amber
        ("10.6", Rag.red),
    ],
)
def test_lower_is_better_is_the_mirror(value: str, expected: Rag) -> None:
    assert rag(value, "10", LOWER) is expected


def test_tolerance_0_means_no_amber() -> None:
    none = Tolerance(percent=D(0))
    assert rag("90", "90", tolerance=none) is Rag.green
    assert rag("89.9", "90", tolerance=none) is Rag.red
    assert rag("10.1", "10", LOWER, tolerance=Tolerance(absolute=D(0))) is Rag.red


def test_absolute_tolerance() -> None:
    two = Tolerance(absolute=D(2))
    assert rag("88", "90", tolerance=two) is Rag.amber
    assert rag("87.9", "90", tolerance=two) is Rag.red


def test_percent_tolerance_is_of_the_absolute_target() -> None:
    # 10% of |-20| = 2, so the Amber band for higher is better runs down to -22.
    ten = Tolerance(percent=D(10))
    assert rag("-22", "-20", tolerance=ten) is Rag.amber
    assert rag("-22.1", "-20", tolerance=ten) is Rag.red


def test_percent_tolerance_on_a_target_of_0_gives_no_band() -> None:
    assert rag("0", "0", LOWER) is Rag.green
    assert rag("0.1", "0", LOWER) is Rag.red
    assert rag("-0.1", "0") is Rag.red


def test_the_target_and_band_edge_are_used_exactly() -> None:
    # Target 89.95 is not rounded to 90.0: a value shown as 89.9 misses it.
    assert rag("89.9", "89.95", tolerance=Tolerance(percent=D(0))) is Rag.red
    # Band edge 90 - 4.95 = 85.05 is not rounded: 85.0 is beyond it, 85.1 inside.
    five_and_a_half = Tolerance(percent=D("5.5"))
    assert rag("85.0", "90", tolerance=five_and_a_half) is Rag.red
    assert rag("85.1", "90", tolerance=five_and_a_half) is Rag.amber


def test_a_value_just_below_zero_is_judged_as_zero() -> None:
    assert rag("-0.04", "0", tolerance=Tolerance(percent=D(0))) is Rag.green


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("80", Rag.green),
        ("90", Rag.green),
        ("85", Rag.green),
        ("76", Rag.amber),  # band below the range: 5% of |80| = 4
        ("75.9", Rag.red),
        ("94.5", Rag.amber),  # band above the range: 5% of |90| = 4.5
        ("94.6", Rag.red),
    ],
)
def test_in_range(value: str, expected: Rag) -> None:
    assert rag(value, None, Polarity.in_range, lower=D(80), upper=D(90)) is expected


def test_in_range_needs_both_ends() -> None:
    assert rag("85", None, Polarity.in_range, lower=D(80)) is Rag.data_only
    assert rag("85", None, Polarity.in_range, upper=D(90)) is Rag.data_only
    with pytest.raises(ValueError):
        rag("85", None, Polarity.in_range, lower=D(90), upper=D(80))


def test_no_target_or_polarity_neither_is_data_only() -> None:
    assert rag("85", None) is Rag.data_only
    assert rag("85", None, LOWER) is Rag.data_only
    assert rag("85", "90", Polarity.neither) is Rag.data_only


def test_rag_status_needs_a_value() -> None:
    with pytest.raises(ValueError):
        rag_status(value=None, target=D(1), polarity=HIGHER, precision=0)  # type: ignore[arg-type]


def test_a_tolerance_is_a_percent_or_an_amount_and_not_negative() -> None:
    assert Tolerance.default() == Tolerance(percent=D(5))
    for bad in ({}, {"percent": D(1), "absolute": D(1)}, {"percent": D(-1)}):
        with pytest.raises(ValueError):
            Tolerance(**bad)


def test_labels() -> None:
    assert [status.label for status in Rag] == [
        "Green",
        "Amber",
        "Red",
        "Data only",
        "Pending",
        "Missing",
    ]
    assert Rag.data_only == "data_only"
    assert Rag("missing") is Rag.missing
    assert Rag.choices()[3] == ("data_only", "Data only")
    assert [p.label for p in Polarity] == [
        "Higher is better",
        "Lower is better",
        "Neither",
        "In range",
    ]


# Pending and Missing

DEADLINE = date(2024, 7, 31)


def status_of(value: str | None, *, today: date, deadline: date | None = DEADLINE, **kwargs):
    return value_status(
        value=None if value is None else D(value),
        target=kwargs.pop("target", D(90)),
        polarity=kwargs.pop("polarity", HIGHER),
        precision=1,
        deadline=deadline,
        today=today,
        **kwargs,
    )


def test_no_value_is_pending_up_to_and_including_the_deadline_day() -> None:
    assert status_of(None, today=date(2024, 7, 30)) is Rag.pending
    assert status_of(None, today=DEADLINE) is Rag.pending
    assert status_of(None, today=date(2024, 8, 1)) is Rag.missing


def test_no_deadline_set_is_pending() -> None:
    assert status_of(None, today=date(2030, 1, 1), deadline=None) is Rag.pending


def test_data_only_indicators_are_pending_or_missing_too() -> None:
    late = date(2024, 8, 1)
    assert status_of(None, today=late, polarity=Polarity.neither) is Rag.missing
    assert status_of(None, today=late, target=None) is Rag.missing
    assert status_of("5", today=late, target=None) is Rag.data_only


def test_a_value_in_is_judged_whatever_the_date() -> None:
    assert status_of("89.96", today=date(2025, 1, 1)) is Rag.green


# Tolerance-and-trend


def trend(value: str, last_year: str | None, polarity: Polarity = HIGHER) -> Rag:
    return status_of(
        value,
        today=DEADLINE,
        polarity=polarity,
        rule=RagRule.tolerance_and_trend,
        last_year_value=None if last_year is None else D(last_year),
    )


def test_tolerance_and_trend_inside_tolerance_is_green() -> None:
    assert trend("90", "95") is Rag.green
    assert trend("86", "95") is Rag.green  # Amber by the table, so inside tolerance


def test_tolerance_and_trend_outside_tolerance_is_amber_only_if_improved() -> None:
    assert trend("80", "70") is Rag.amber
    assert trend("80", "85") is Rag.red
    assert trend("80", "80") is Rag.red  # no change is not an improvement
    assert trend("80", None) is Rag.red  # no last-year value counts as not improved
    assert trend("80", "79.96") is Rag.red  # both shown as 80.0
    assert trend("100", "110", LOWER) is Rag.amber


def test_tolerance_and_trend_leaves_data_only_alone() -> None:
    assert (
        value_status(
            value=D(5),
            target=None,
            polarity=HIGHER,
            precision=0,
            deadline=None,
            today=DEADLINE,
            rule=RagRule.tolerance_and_trend,
        )
        is Rag.data_only
    )


# Properties


@given(numbers, numbers, precisions, tolerances)
def test_swapping_polarity_and_mirroring_around_zero_gives_the_same_status(
    value: Decimal, target: Decimal, precision: int, tolerance: Tolerance | None
) -> None:
    common = {"precision": precision, "tolerance": tolerance}
    assert rag_status(value=value, target=target, polarity=HIGHER, **common) == rag_status(
        value=-value, target=-target, polarity=LOWER, **common
    )


@given(numbers, numbers, numbers, precisions, tolerances)
def test_mirroring_an_in_range_indicator_around_zero_gives_the_same_status(
    value: Decimal, end_a: Decimal, end_b: Decimal, precision: int, tolerance: Tolerance | None
) -> None:
    lower, upper = sorted((end_a, end_b))
    common = {"target": None, "polarity": Polarity.in_range, "precision": precision}
    assert rag_status(
        value=value, lower=lower, upper=upper, tolerance=tolerance, **common
    ) == rag_status(value=-value, lower=-upper, upper=-lower, tolerance=tolerance, **common)


@given(numbers, numbers, numbers, precisions, tolerances, st.sampled_from([HIGHER, LOWER]))
def test_moving_the_value_towards_the_good_side_never_makes_it_worse(
    value_a: Decimal,
    value_b: Decimal,
    target: Decimal,
    precision: int,
    tolerance: Tolerance | None,
    polarity: Polarity,
) -> None:
    worse, better = sorted((value_a, value_b), reverse=polarity is LOWER)
    common = {"target": target, "polarity": polarity, "precision": precision}
    before = rag_status(value=worse, tolerance=tolerance, **common)
    after = rag_status(value=better, tolerance=tolerance, **common)
    assert SEVERITY[after] <= SEVERITY[before]


sizes = st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False)


@given(numbers, sizes, sizes, sizes, st.booleans(), precisions, tolerances)
def test_moving_towards_the_range_never_makes_it_worse(
    lower: Decimal,
    width: Decimal,
    gap: Decimal,
    further: Decimal,
    above: bool,
    precision: int,
    tolerance: Tolerance | None,
) -> None:
    upper = lower + width
    # ``near`` is ``gap`` outside one end; ``far`` is ``further`` beyond it, on the same side.
    near = upper + gap if above else lower - gap
    far = near + further if above else near - further
    common = {"target": None, "polarity": Polarity.in_range, "precision": precision}
    before = rag_status(value=far, lower=lower, upper=upper, tolerance=tolerance, **common)
    after = rag_status(value=near, lower=lower, upper=upper, tolerance=tolerance, **common)
    assert SEVERITY[after] <= SEVERITY[before]
