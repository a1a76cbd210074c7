from datetime import date, datetime

from status.timeliness import Timeliness, cycle_timeliness, days_between


def test_days_between_counts_calendar_days() -> None:
    assert days_between(date(2024, 6, 30), date(2024, 7, 20)) == 20
    assert days_between(date(2024, 2, 28), date(2024, 3, 1)) == 2  # leap year
    assert days_between(date(2024, 6, 30), date(2024, 6, 30)) == 0
    assert days_between(date(2024, 6, 30), date(2024, 6, 29)) == -1


def test_no_end_date_is_none() -> None:
    assert days_between(date(2024, 6, 30), None) is None


def test_datetimes_count_by_their_dates() -> None:
    assert days_between(datetime(2024, 6, 30, 23, 59), datetime(2024, 7, 1, 0, 1)) == 1
    assert days_between(date(2024, 6, 30), datetime(2024, 7, 1, 23, 0)) == 1


def test_cycle_timeliness() -> None:
    result = cycle_timeliness(
        period_end=date(2024, 6, 30),
        last_signoff=datetime(2024, 7, 20, 16, 45),
        meeting=date(2024, 9, 10),
        publication=None,
    )
    assert result == Timeliness(days_to_signoff=20, days_to_meeting=72, days_to_publication=None)
