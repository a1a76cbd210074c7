"""The demo's invented figures and targets, worked out without touching the database.

Each indicator's series is drawn from its own seeded generator (seed, "series", code), so
adding an indicator to the catalogue never changes another indicator's figures.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from demo.council import DEFINITION_CHANGES, IndicatorSpec
from status import periods as rules
from status.rag import Rag, Tolerance, rag_status

# Seasonal shapes by calendar month (January first), from -1 (trough) to +1 (peak).
SEASONS: dict[str, tuple[float, ...]] = {
    "summer": (-1.0, -0.87, -0.5, 0.0, 0.5, 0.87, 1.0, 0.87, 0.5, 0.0, -0.5, -0.87),
    "winter": (1.0, 0.87, 0.5, 0.0, -0.5, -0.87, -1.0, -0.87, -0.5, 0.0, 0.5, 0.87),
    "spring": (-0.5, 0.0, 0.5, 0.87, 1.0, 0.87, 0.5, 0.0, -0.5, -0.87, -1.0, -0.87),
    "autumn": (0.0, -0.5, -0.87, -1.0, -0.87, -0.5, 0.0, 0.5, 0.87, 1.0, 0.87, 0.5),
    # Town centres: Christmas peak, January and February lull, summer holidays busy.
    "retail": (-0.55, -0.5, -0.2, 0.0, 0.05, 0.0, 0.2, 0.3, -0.2, -0.1, 0.35, 1.0),
    # Leisure centres: New Year resolutions, quiet in August and over Christmas.
    "leisure": (1.0, 0.6, 0.4, 0.1, 0.0, -0.3, -0.4, -0.9, 0.2, 0.3, 0.1, -0.9),
}

# Share of the year's outturn reached by the end of each month of the financial year (April
# first), for cumulative year-to-date indicators.
PROFILES: dict[str, tuple[float, ...]] = {
    # Ten monthly instalments from April, then the stragglers: ~29% Q1, ~57% Q2, ~85% Q3.
    "council_tax": (
        0.106,
        0.199,
        0.298,
        0.392,
        0.486,
        0.588,
        0.682,
        0.776,
        0.876,
        0.962,
        0.985,
        1.0,
    ),
    "even": tuple(month / 12 for month in range(1, 13)),
    # Capital spending: slow to start, most of it in the last quarter.
    "backloaded": (0.03, 0.07, 0.12, 0.18, 0.24, 0.30, 0.37, 0.45, 0.54, 0.65, 0.80, 1.0),
}

# Rates stored with a numerator and denominator are per this many.
PER_UNIT = {"%": 100, "per 1,000": 1000, "per 10,000": 10000, "per 100,000": 100000}

PERIOD_KIND = {"monthly": "month", "quarterly": "quarter", "annual": "financial_year"}
PERIODS_PER_YEAR = {"monthly": 12, "quarterly": 4, "annual": 1}

# A council's own year-on-year growth in a collectable debit (council tax, business rates).
DEBIT_GROWTH = 0.045


@dataclass(frozen=True)
class DemoCalendar:
    """The demo's dates, all worked out from its "today"."""

    today: date
    current_fy: int  # the financial year containing today, by its first calendar year
    first_fy: int  # the first demo year: four years before the current one

    @classmethod
    def for_today(cls, today: date) -> "DemoCalendar":
        current = rules.financial_year_start(today)
        return cls(today=today, current_fy=current, first_fy=current - 4)

    def year_start(self, offset: int = 0) -> date:
        return date(self.current_fy + offset, 4, 1)

    def latest_complete(self, frequency: str) -> rules.PeriodSpan:
        return rules.latest_complete(rules.PeriodKind(PERIOD_KIND[frequency]), self.today)

    @property
    def latest_month(self) -> rules.PeriodSpan:
        return self.latest_complete("monthly")

    @property
    def latest_quarter(self) -> rules.PeriodSpan:
        return self.latest_complete("quarterly")

    @property
    def latest_year(self) -> rules.PeriodSpan:
        return self.latest_complete("annual")

    def effective_from(self, spec: IndicatorSpec) -> date:
        """Approved and retired indicators date from the first demo year; newer ones later."""
        if spec.lifecycle == "provisional":
            return self.year_start(-1)
        if spec.lifecycle == "proposed":
            return self.year_start(+1)
        return self.year_start(-4)

    def value_spans(self, spec: IndicatorSpec) -> list[rules.PeriodSpan]:
        """Every period the indicator has a figure for: up to the latest that has ended."""
        if spec.lifecycle == "proposed":
            return []
        end = self.latest_complete(spec.frequency).end
        if spec.lifecycle == "retired":
            # Retired at the end of the year before last.
            end = min(end, self.year_start(-1) - timedelta(days=1))
        start = self.effective_from(spec)
        kind = rules.PeriodKind(PERIOD_KIND[spec.frequency])
        return rules.periods_between(kind, start, end) if end >= start else []


@dataclass(frozen=True)
class PlannedValue:
    span: rules.PeriodSpan
    figure: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class PlannedTarget:
    span: rules.PeriodSpan
    value: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None
    rationale: str = ""


def decimal(number: float, places: int) -> Decimal:
    """A float from the generator as an exact Decimal, rounded half up (never banker's)."""
    return Decimal(f"{number:.8f}").quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def tidy(number: Decimal) -> Decimal:
    """Without trailing zeros, and never in exponent form (300, not 3E+2)."""
    normal = number.normalize()
    return normal.quantize(Decimal(1)) if normal.as_tuple().exponent > 0 else normal


def precision_on(spec: IndicatorSpec, day: date, calendar: DemoCalendar) -> int:
    """The display precision in force on a day, allowing for a later definition change."""
    for change in DEFINITION_CHANGES:
        in_force = day >= calendar.year_start(-change.years_ago)
        if change.code == spec.code and "precision" in change.changes and in_force:
            return change.changes["precision"]
    return spec.precision


def _months_of(span: rules.PeriodSpan) -> list[int]:
    months, day = [], span.start
    while day <= span.end:
        months.append(day.month)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def _seasonal_factor(spec: IndicatorSpec, span: rules.PeriodSpan) -> float:
    series = spec.series
    if not series.season or spec.frequency == "annual":
        return 1.0
    shape = SEASONS[series.season]
    months = _months_of(span)
    return 1.0 + series.swing * sum(shape[month - 1] for month in months) / len(months)


def _underlying_level(spec: IndicatorSpec, span: rules.PeriodSpan, today: date) -> float:
    """The level at the middle of the period: today's level less the trend and any step."""
    series = spec.series
    middle = span.start + (span.end - span.start) / 2
    years_back = (today - middle).days / 365.25
    level = series.level - series.trend * years_back
    if series.step is not None:
        first_month, change = series.step
        if span.start < rules.period_from_code(rules.PeriodKind.month, first_month).start:
            level -= change
    return level


def _ytd_share(spec: IndicatorSpec, span: rules.PeriodSpan) -> float:
    month_of_year = (span.end.month - rules.FINANCIAL_YEAR_START_MONTH) % 12 + 1
    return PROFILES[spec.profile][month_of_year - 1]


def _bounded(spec: IndicatorSpec, number: float) -> float:
    series = spec.series
    high = series.high if series.high is not None else (100.0 if spec.unit == "%" else None)
    if series.low is not None:
        number = max(series.low, number)
    if high is not None:
        number = min(high, number)
    return number


def plan_values(spec: IndicatorSpec, calendar: DemoCalendar, seed: int) -> list[PlannedValue]:
    """The indicator's figure for every period it has one, oldest first."""
    rng = random.Random(f"{seed}:series:{spec.code}")
    series = spec.series
    cumulative = spec.aggregation == "cumulative"
    year_noise: dict[int, float] = {}
    year_to_date: dict[int, float] = {}
    planned = []
    for span in calendar.value_spans(spec):
        level = _underlying_level(spec, span, calendar.today)
        if cumulative:
            year = rules.financial_year_start(span.start)
            # One draw per year for the outturn, a little more per period, never falling back.
            year_noise.setdefault(year, rng.gauss(0, series.noise))
            share = _ytd_share(spec, span)
            number = share * (level + year_noise[year]) + rng.gauss(0, series.noise * 0.1)
            number = max(number, year_to_date.get(year, 0.0))
            year_to_date[year] = number
        else:
            number = level * _seasonal_factor(spec, span) + rng.gauss(0, series.noise)
        number = _bounded(spec, number)
        precision = precision_on(spec, span.start, calendar)
        if series.denominator:
            planned.append(_rate(spec, span, number, precision, calendar, rng))
        else:
            planned.append(PlannedValue(span, decimal(number, precision)))
    return planned


def _rate(
    spec: IndicatorSpec,
    span: rules.PeriodSpan,
    rate: float,
    precision: int,
    calendar: DemoCalendar,
    rng: random.Random,
) -> PlannedValue:
    """A rate with a whole-number numerator and denominator, and the figure they give."""
    per = PER_UNIT[spec.unit]
    typical = spec.series.denominator
    if spec.aggregation == "cumulative":
        # The year's collectable debit: fixed within a year, growing year on year.
        years_back = calendar.current_fy - rules.financial_year_start(span.start)
        denominator = round(typical * (1 - DEBIT_GROWTH * years_back))
    elif typical >= 100_000:
        denominator = round(typical * (1 + rng.gauss(0, 0.002)))  # populations barely move
    else:
        denominator = max(1, round(typical * (1 + rng.gauss(0, 0.05))))
    numerator = round(rate * denominator / per)
    if per == 100:
        numerator = min(max(numerator, 0), denominator)
    figure = (Decimal(numerator * per) / Decimal(denominator)).quantize(
        Decimal(1).scaleb(-min(precision + 2, 6)), rounding=ROUND_HALF_UP
    )
    return PlannedValue(span, figure, Decimal(numerator), Decimal(denominator))


def target_years(spec: IndicatorSpec, calendar: DemoCalendar) -> list[int]:
    """The financial years that have a target: each year with figures, and this year."""
    if spec.target is None and spec.target_range is None:
        return []
    first = rules.financial_year_start(calendar.effective_from(spec))
    last = calendar.current_fy
    if spec.lifecycle == "retired":
        last = calendar.current_fy - 2
    elif spec.lifecycle == "proposed":
        return []
    return list(range(first, last + 1))


def plan_targets(spec: IndicatorSpec, calendar: DemoCalendar) -> list[PlannedTarget]:
    """An annual target on each financial year, and its in-year profile on each period."""
    targets = []
    for year in target_years(spec, calendar):
        years_back = calendar.current_fy - year
        year_span = rules.financial_year(year)
        rationale = spec.rationale if years_back == 0 else ""
        if spec.target_range is not None:
            lower, upper = (Decimal(str(end)) for end in spec.target_range)
            targets.append(PlannedTarget(year_span, lower=lower, upper=upper, rationale=rationale))
            in_year = _in_year_spans(spec, year)
            targets += [PlannedTarget(span, lower=lower, upper=upper) for span in in_year]
            continue
        annual = spec.target - spec.target_step * years_back
        targets.append(
            PlannedTarget(year_span, tidy(decimal(annual, spec.precision + 1)), rationale=rationale)
        )
        for span in _in_year_spans(spec, year):
            targets.append(PlannedTarget(span, _period_target(spec, span, annual)))
    return targets


def _in_year_spans(spec: IndicatorSpec, year: int) -> list[rules.PeriodSpan]:
    if spec.frequency == "monthly":
        return rules.months_of(year)
    if spec.frequency == "quarterly":
        return rules.quarters_of(year)
    return []


def _period_target(spec: IndicatorSpec, span: rules.PeriodSpan, annual: float) -> Decimal:
    """A period's share of the annual target, by how the indicator's year aggregates."""
    if spec.aggregation == "cumulative":
        amount = annual * _ytd_share(spec, span)
    elif spec.aggregation == "sum":
        amount = annual / PERIODS_PER_YEAR[spec.frequency]
    else:
        amount = annual
    return tidy(decimal(amount, spec.precision + 1))


def tolerance_of(spec: IndicatorSpec, default_percent: int) -> Tolerance:
    if spec.tolerance_absolute is not None:
        return Tolerance(absolute=Decimal(str(spec.tolerance_absolute)))
    if spec.tolerance_percent is not None:
        return Tolerance(percent=Decimal(str(spec.tolerance_percent)))
    return Tolerance(percent=Decimal(default_percent))


def judge(
    spec: IndicatorSpec,
    value: PlannedValue,
    target: PlannedTarget | None,
    precision: int,
    default_percent: int,
) -> Rag:
    """The value's RAG status, by the one implementation in the status package."""
    return rag_status(
        value=value.figure,
        target=target.value if target else None,
        polarity=spec.polarity,
        precision=precision,
        tolerance=tolerance_of(spec, default_percent),
        lower=target.lower if target else None,
        upper=target.upper if target else None,
    )
