"""Which way is good for an indicator."""

from .choices import LabelledChoice


class Polarity(LabelledChoice):
    higher_is_better = "higher_is_better", "Higher is better"
    lower_is_better = "lower_is_better", "Lower is better"
    neither = "neither", "Neither"
    in_range = "in_range", "In range"
