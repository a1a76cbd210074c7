from datetime import date
from decimal import Decimal

import pytest

from status.delivery import (
    DeliveryStatus,
    delivery_status,
    expected_progress,
    milestone_slippage,
    with_override,
)

D = Decimal
START, END = date(2024, 1, 1), date(2024, 1, 11)  # ten days
HALFWAY = date(2024, 1, 6)  # expected 50 %


def test_expected_progress_is_a_straight_line_in_whole_days() -> None:
    assert expected_progress(START, END, HALFWAY) == D(50)
    assert expected_progress(START, END, START) == D(0)
    assert expected_progress(START, END, END) == D(100)
    assert expected_progress(START, date(2024, 1, 4), date(2024, 1, 2)) == D(100) / 3


def test_expected_progress_is_clamped() -> None:
    assert expected_progress(START, END, date(2023, 12, 1)) == D(0)
    assert expected_progress(START, END, date(2024, 2, 1)) == D(100)


def test_a_project_that_starts_and_ends_the_same_day_expects_100() -> None:
    assert expected_progress(START, START, START) == D(100)


def test_the_end_cannot_be_before_the_start() -> None:
    with pytest.raises(ValueError):
        expected_progress(END, START, START)


def status(percent: str, on: date = HALFWAY, reason: str | None = None) -> DeliveryStatus:
    return delivery_status(
        percent_complete=D(percent), start=START, end=END, on=on, deferred_reason=reason
    )


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        ("60", DeliveryStatus.on_track),
        ("40", DeliveryStatus.on_track),  # expected - 10 is on track
        ("39.9", DeliveryStatus.at_risk),
        ("20", DeliveryStatus.at_risk),  # expected - 30 is still at risk
        ("19.9", DeliveryStatus.off_track),
        ("0", DeliveryStatus.off_track),
    ],
)
def test_against_expected_progress(percent: str, expected: DeliveryStatus) -> None:
    assert status(percent) is expected


def test_complete_outranks_everything() -> None:
    assert status("100", on=date(2024, 3, 1), reason="Paused by cabinet") is (
        DeliveryStatus.complete
    )


def test_deferred_needs_a_reason_and_outranks_overdue() -> None:
    late = date(2024, 2, 1)
    assert status("50", on=late, reason="Paused by cabinet") is DeliveryStatus.deferred
    assert status("50", on=late, reason="  ") is DeliveryStatus.overdue


def test_overdue_from_the_day_after_the_end_date() -> None:
    assert status("95", on=END) is DeliveryStatus.on_track
    assert status("95", on=date(2024, 1, 12)) is DeliveryStatus.overdue
    assert status("0", on=date(2024, 1, 12)) is DeliveryStatus.overdue


def test_not_started_is_0_percent_before_the_start() -> None:
    assert status("0", on=date(2023, 12, 31)) is DeliveryStatus.not_started
    assert status("0", on=START) is DeliveryStatus.on_track  # expected is still 0
    assert status("5", on=date(2023, 12, 31)) is DeliveryStatus.on_track


def test_percent_complete_must_be_0_to_100() -> None:
    with pytest.raises(ValueError):
        status("101")
    with pytest.raises(ValueError):
        status("-1")


def test_an_override_needs_a_reason_and_is_shown_as_such() -> None:
    plain = with_override(DeliveryStatus.at_risk)
    assert (plain.status, plain.is_overridden) == (DeliveryStatus.at_risk, False)
    overridden = with_override(
        DeliveryStatus.at_risk, DeliveryStatus.on_track, "Contractor back on site"
    )
    assert overridden.status is DeliveryStatus.on_track
    assert overridden.calculated is DeliveryStatus.at_risk
    assert overridden.is_overridden
    assert overridden.override_reason == "Contractor back on site"
    with pytest.raises(ValueError):
        with_override(DeliveryStatus.at_risk, DeliveryStatus.on_track, " ")


def test_milestone_slippage() -> None:
    due = date(2024, 3, 31)
    assert milestone_slippage(due, forecast=date(2024, 4, 5)) == 5
    # An actual date replaces the forecast.
    assert milestone_slippage(due, forecast=date(2024, 4, 5), actual=date(2024, 3, 29)) == -2
    assert milestone_slippage(due) is None


def test_labels() -> None:
    assert [s.label for s in DeliveryStatus] == [
        "Complete",
        "Deferred",
        "Overdue",
        "Not started",
        "On track",
        "At risk",
        "Off track",
    ]
