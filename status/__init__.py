"""Golden Thread's status rules (docs/status-rules.md), as pure functions.

Standard library only: no database, no Django. Every screen, report, export and API response
calls these; nothing re-derives them.
"""

from .benchmark import BenchmarkPosition, Quartile, benchmark_position, percentile_inc
from .delivery import (
    DeliveryReading,
    DeliveryStatus,
    delivery_status,
    expected_progress,
    milestone_slippage,
    with_override,
)
from .direction import Comparison, Direction, comparison_for, direction_of_travel
from .numbers import format_value, round_half_up, shown
from .periods import (
    Aggregation,
    PeriodKind,
    PeriodSpan,
    academic_year,
    calendar_year,
    financial_year,
    financial_year_label,
    financial_year_start,
    latest_complete,
    months_of,
    period_containing,
    period_from_code,
    periods_between,
    previous_period,
    quarters_of,
    same_period_last_year,
    year_value,
)
from .polarity import Polarity
from .rag import Rag, RagRule, Tolerance, rag_status, value_status
from .risks import DEFAULT_BANDS, RiskBand, check_bands, risk_band, risk_score
from .rollup import RollUp, roll_up
from .spc import (
    Assurance,
    Side,
    SpcReading,
    Variation,
    XmrChart,
    XmrPoint,
    assurance,
    spc_reading,
    variation,
    xmr,
)
from .timeliness import Timeliness, cycle_timeliness, days_between

__all__ = [
    "DEFAULT_BANDS",
    "Aggregation",
    "Assurance",
    "BenchmarkPosition",
    "Comparison",
    "DeliveryReading",
    "DeliveryStatus",
    "Direction",
    "PeriodKind",
    "PeriodSpan",
    "Polarity",
    "Quartile",
    "Rag",
    "RagRule",
    "RiskBand",
    "RollUp",
    "Side",
    "SpcReading",
    "Timeliness",
    "Tolerance",
    "Variation",
    "XmrChart",
    "XmrPoint",
    "academic_year",
    "assurance",
    "benchmark_position",
    "calendar_year",
    "check_bands",
    "comparison_for",
    "cycle_timeliness",
    "days_between",
    "delivery_status",
    "direction_of_travel",
    "expected_progress",
    "financial_year",
    "financial_year_label",
    "financial_year_start",
    "format_value",
    "latest_complete",
    "milestone_slippage",
    "months_of",
    "percentile_inc",
    "period_containing",
    "period_from_code",
    "periods_between",
    "previous_period",
    "quarters_of",
    "rag_status",
    "risk_band",
    "risk_score",
    "roll_up",
    "round_half_up",
    "same_period_last_year",
    "shown",
    "spc_reading",
    "value_status",
    "variation",
    "with_override",
    "xmr",
    "year_value",
]
