"""Data quality: whether a figure is final, provisional or estimated, and what a figure made
of several periods' figures is."""

from collections.abc import Iterable, Sequence

from .choices import LabelledChoice
from .periods import Aggregation

__all__ = ["MEANINGS", "Quality", "figure_quality", "worst_quality"]


class Quality(LabelledChoice):
    final = "final", "Final"
    provisional = "provisional", "Provisional"
    estimated = "estimated", "Estimated"

    @property
    def is_marked(self) -> bool:
        """Shown with a marker and explained in a footnote wherever the figure appears."""
        return self is not Quality.final

    @property
    def meaning(self) -> str:
        return MEANINGS[self]


# The footnote's words, written once for every page and file.
MEANINGS = {
    Quality.final: "the figure is not expected to change.",
    Quality.provisional: "may change when final data are available.",
    Quality.estimated: (
        "worked out from incomplete data (a sample, or part of the period), not counted in full; "
        "may be replaced by an actual figure."
    ),
}

# A figure is only as firm as its least firm part: provisional outranks estimated (it is
# expected to change), estimated outranks final.
_RANK = {Quality.final: 0, Quality.estimated: 1, Quality.provisional: 2}


def worst_quality(qualities: Iterable[str]) -> Quality:
    """docs/status-rules.md, "Data quality": provisional if any part is, else estimated if any
    is, else final (also for no parts at all)."""
    return max((Quality(q) for q in qualities), key=_RANK.__getitem__, default=Quality.final)


def figure_quality(qualities_in_order: Sequence[str | None], aggregation: Aggregation) -> Quality:
    """The quality of the figure `year_value` makes from the same periods, earliest first (None
    marks a period with no figure): only the periods the figure is made from count."""
    aggregation = Aggregation(aggregation)
    present = [q for q in qualities_in_order if q is not None]
    if aggregation is Aggregation.cumulative:
        parts = [q for q in qualities_in_order[-1:] if q is not None]
    elif aggregation is Aggregation.snapshot:
        parts = present[-1:]
    else:  # a sum or an average is made from every period with a figure
        parts = present
    return worst_quality(parts)
