from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from status.improvement import (
    ActionState,
    days_late_against_first_agreed,
    is_action_overdue,
    lateness_text,
)

OPEN, IN_PROGRESS = ActionState.open, ActionState.in_progress
COMPLETE, CANCELLED = ActionState.complete, ActionState.cancelled
DUE = date(2025, 3, 31)
LATER, EARLIER = date(2025, 6, 30), date(2025, 2, 28)  # revised due dates

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
maybe_days = st.none() | days
states = st.sampled_from(ActionState)


@pytest.mark.parametrize(
    ("state", "revised", "on", "expected"),
    [
        (OPEN, None, date(2025, 3, 30), False),
        (OPEN, None, DUE, False),  # due today
        (OPEN, None, date(2025, 4, 1), True),  # the day after
        (IN_PROGRESS, None, DUE, False),
        (IN_PROGRESS, None, date(2025, 4, 1), True),
        (COMPLETE, None, date(2025, 4, 1), False),
        (CANCELLED, None, date(2026, 1, 1), False),
        (OPEN, LATER, date(2025, 4, 1), False),  # the revised date counts
        (OPEN, LATER, LATER, False),
        (OPEN, LATER, date(2025, 7, 1), True),
        (OPEN, EARLIER, date(2025, 3, 1), True),  # revised earlier, and now past it
        (OPEN, EARLIER, EARLIER, False),
        (COMPLETE, EARLIER, date(2025, 3, 1), False),
    ],
)
def test_overdue_from_the_day_after_the_revised_due_date_while_open_or_in_progress(
    state: ActionState, revised: date | None, on: date, expected: bool
) -> None:
    assert is_action_overdue(state, DUE, revised, on) is expected


def test_a_state_may_be_given_as_its_stored_slug() -> None:
    assert is_action_overdue("in_progress", DUE, None, date(2025, 4, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        is_action_overdue("closed", DUE, None, date(2025, 4, 1))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("state", "on", "expected"),
    [
        (OPEN, date(2025, 3, 30), None),
        (OPEN, DUE, None),  # due today: not late
        (OPEN, date(2025, 4, 1), 1),
        (IN_PROGRESS, date(2025, 4, 10), 10),
        (OPEN, date(2026, 3, 31), 365),
        (COMPLETE, date(2025, 4, 10), None),
        (CANCELLED, date(2025, 4, 10), None),
    ],
)
def test_days_late_against_the_original_due_date(
    state: ActionState, on: date, expected: int | None
) -> None:
    assert days_late_against_first_agreed(state, DUE, on) == expected


def test_late_against_the_first_date_though_not_overdue_against_the_revised_one() -> None:
    on = date(2025, 4, 10)
    assert not is_action_overdue(OPEN, DUE, LATER, on)
    assert days_late_against_first_agreed(OPEN, DUE, on) == 10


def test_a_revised_date_earlier_than_the_original_gives_no_lateness_until_the_original_passes() -> (
    None
):
    on = date(2025, 3, 10)
    assert is_action_overdue(OPEN, DUE, EARLIER, on)
    assert days_late_against_first_agreed(OPEN, DUE, on) is None
    assert days_late_against_first_agreed(OPEN, DUE, DUE) is None
    assert days_late_against_first_agreed(OPEN, DUE, date(2025, 4, 2)) == 2


@pytest.mark.parametrize(
    ("days_late", "text"),
    [
        (1, "1 day late against the date first agreed"),
        (2, "2 days late against the date first agreed"),
        (1200, "1,200 days late against the date first agreed"),
    ],
)
def test_lateness_text(days_late: int, text: str) -> None:
    assert lateness_text(days_late) == text


@pytest.mark.parametrize("days_late", [0, -3])
def test_lateness_text_needs_a_day_or_more(days_late: int) -> None:
    with pytest.raises(ValueError):
        lateness_text(days_late)


def test_labels() -> None:
    assert [s.label for s in ActionState] == ["Open", "In progress", "Complete", "Cancelled"]


@given(states, days, maybe_days, days)
def test_only_open_or_in_progress_actions_are_ever_overdue_or_late(
    state: ActionState, due: date, revised: date | None, on: date
) -> None:
    if state in (COMPLETE, CANCELLED):
        assert not is_action_overdue(state, due, revised, on)
        assert days_late_against_first_agreed(state, due, on) is None


@given(states, days, days)
def test_without_a_revision_overdue_and_late_go_together(
    state: ActionState, due: date, on: date
) -> None:
    late = days_late_against_first_agreed(state, due, on)
    assert is_action_overdue(state, due, None, on) is (late is not None)
    if late is not None:
        assert due + timedelta(days=late) == on
