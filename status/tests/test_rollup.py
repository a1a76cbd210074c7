from dataclasses import fields
from decimal import Decimal

from status.direction import Direction
from status.rag import Rag
from status.rollup import RollUp, roll_up


def test_counts_every_status_including_the_ones_that_are_absent() -> None:
    result = roll_up(
        [Rag.green, Rag.green, Rag.amber, Rag.red, Rag.data_only, Rag.missing],
        [],
    )
    assert result.statuses == {
        Rag.green: 2,
        Rag.amber: 1,
        Rag.red: 1,
        Rag.data_only: 1,
        Rag.pending: 0,
        Rag.missing: 1,
    }
    assert result.total == 6
    assert result.rag_total == 4


def test_share_on_target_is_green_over_green_amber_and_red() -> None:
    result = roll_up([Rag.green, Rag.amber, Rag.red, Rag.data_only, Rag.pending], [])
    assert result.share_on_target == Decimal(1) / Decimal(3)
    assert roll_up([Rag.green, Rag.green], []).share_on_target == Decimal(1)


def test_no_share_when_nothing_has_a_rag() -> None:
    assert roll_up([Rag.data_only, Rag.missing, Rag.pending], []).share_on_target is None
    assert roll_up([], []).share_on_target is None


def test_counts_directions_with_none_as_not_comparable() -> None:
    result = roll_up(
        [],
        [Direction.improving, Direction.improving, None, Direction.not_comparable, "worsening"],
    )
    assert result.directions[Direction.improving] == 2
    assert result.directions[Direction.worsening] == 1
    assert result.directions[Direction.not_comparable] == 2
    assert result.directions[Direction.increasing] == 0
    assert list(result.directions) == list(Direction)


def test_statuses_given_as_stored_strings_are_counted() -> None:
    assert roll_up(["green", "red"], []).statuses[Rag.green] == 1


def test_a_roll_up_is_counts_only_never_a_made_up_overall_colour() -> None:
    assert [f.name for f in fields(RollUp)] == ["statuses", "directions"]
