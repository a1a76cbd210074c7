"""Roll-up of a scorecard node: counts by status and direction, never an averaged colour."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .direction import Direction
from .rag import Rag

RAG_STATUSES = (Rag.green, Rag.amber, Rag.red)


@dataclass(frozen=True)
class RollUp:
    statuses: dict[Rag, int]  # every Rag, in declaration order
    directions: dict[Direction, int]  # every Direction, in declaration order

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def rag_total(self) -> int:
        """Indicators with a RAG: Green + Amber + Red."""
        return sum(self.statuses[status] for status in RAG_STATUSES)

    @property
    def share_on_target(self) -> Decimal | None:
        """Green ÷ (Green + Amber + Red) as a fraction of 1; None when nothing has a RAG."""
        if not self.rag_total:
            return None
        return Decimal(self.statuses[Rag.green]) / Decimal(self.rag_total)


def roll_up(statuses: Iterable[Rag], directions: Iterable[Direction | None]) -> RollUp:
    status_counts = Counter(Rag(status) for status in statuses)
    # STATUS-RULES: a value with no direction counts as Not comparable.
    direction_counts = Counter(
        Direction.not_comparable if direction is None else Direction(direction)
        for direction in directions
    )
    return RollUp(
        statuses={status: status_counts[status] for status in Rag},
        directions={direction: direction_counts[direction] for direction in Direction},
    )
