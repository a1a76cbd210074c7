from hypothesis import given
from hypothesis import strategies as st

from status.periods import Aggregation
from status.quality import Quality, figure_quality, worst_quality

P, E, F = Quality.provisional, Quality.estimated, Quality.final
qualities = st.lists(st.sampled_from(Quality))


def test_provisional_outranks_estimated_which_outranks_final() -> None:
    assert worst_quality([F, E, P, F]) is P
    assert worst_quality([F, E, F]) is E
    assert worst_quality([F, F]) is F
    assert worst_quality([]) is F
    assert worst_quality(["estimated", "final"]) is E  # stored slugs are read too


@given(qualities)
def test_the_worst_part_decides_whatever_the_order(parts) -> None:
    assert worst_quality(parts) is worst_quality(list(reversed(parts)))
    assert worst_quality(parts) is worst_quality([*parts, F])


def test_a_sum_or_average_counts_every_period_with_a_figure() -> None:
    for aggregation in (Aggregation.sum, Aggregation.average):
        assert figure_quality([P, F, F], aggregation) is P
        assert figure_quality([F, None, E], aggregation) is E


def test_a_snapshot_is_its_latest_figure() -> None:
    assert figure_quality([P, F], Aggregation.snapshot) is F
    assert figure_quality([E, None], Aggregation.snapshot) is E


def test_a_cumulative_figure_is_its_final_period() -> None:
    assert figure_quality([P, P, F], Aggregation.cumulative) is F
    assert figure_quality([F, F, E], Aggregation.cumulative) is E
    assert figure_quality([P, None], Aggregation.cumulative) is F  # no figure: nothing to mark


def test_only_provisional_and_estimated_are_marked_and_each_is_explained() -> None:
    assert [q for q in Quality if q.is_marked] == [P, E]
    assert P.meaning == "may change when final data are available."
    assert all(q.meaning for q in Quality)
