"""The demo council's budgets and forecasts: last year's and this year's budget for every
directorate and service, two cost centres per service, and a signed-off forecast at every
quarter that has ended. One directorate overspends more each quarter (two of its services
carry the overspend); one service underspends significantly; the rest stay near their
budgets, and each directorate's forecast is its services' plus its own line's.

Rows are bulk-created with their revisions in the shape `finance.workflow` writes them
(see `demo.returns`), dated on the demo's calendar, so loading stays quick."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from demo.returns import ReturnStory, save_stories
from demo.values import LONDON, working_time
from finance.models import BudgetLine, CostCentre, Forecast, ForecastRevision
from indicators.models import Period
from organisation.models import OrgUnit, OrgUnitKind
from status.numbers import round_half_up
from status.periods import financial_year, financial_year_start

# The overspending directorate's variance at Q1 to Q4: amber, then red and worsening.
OVERSPEND_PERCENTS = (Decimal("2.5"), Decimal("4.0"), Decimal("6.5"), Decimal("7.5"))
UNDERSPEND_PERCENT = Decimal("-8.0")  # the significant underspend (below −5 %)
DRIVER_SHARES = (Decimal("0.6"), Decimal("0.4"))  # of the overspend, by its two services
NEAR = {
    "nil": "Spending in line with the budget; no pressures to report.",
    "under": "A small underspend from vacancies part-way through the year.",
    "over": "A small pressure on agency staff, expected to be absorbed within the year.",
}
DIRECTORATE_OVER = (
    "Forecast overspend of £{variance:,.0f} ({percent}%){trend}. The "
    "pressure is in {drivers}. A recovery plan has gone to the Corporate Leadership Team: "
    "non-essential spending is paused and vacancies are reviewed before they are filled."
)
DRIVER_OVER = (
    "Forecast overspend of £{variance:,.0f}: demand and contract prices above the level "
    "budgeted. Recovery actions are in the directorate's recovery plan."
)
UNDER = (
    "Forecast underspend of £{variance:,.0f} ({percent}%): vacancies held while the service "
    "is restructured, and a delayed system contract. Finance will propose moving part of it "
    "to the overspending directorate at the next budget monitoring report."
)
DIRECTORATE_NEAR = "The directorate's services are forecast close to budget overall."
DRAFT = (
    "Early view of Q3: disposal tonnages since October are above the profile, so the "
    "pressure is likely to grow. To be confirmed once the October invoices are in."
)


@dataclass(frozen=True)
class FinanceDemoSummary:
    budget_lines: int
    cost_centres: int
    forecasts: int


def _pounds(amount: Decimal) -> Decimal:
    return round_half_up(amount, 0)


def _near_note(percent: Decimal) -> str:
    if percent <= Decimal("-0.5"):
        return NEAR["under"]
    if percent >= Decimal("0.5"):
        return NEAR["over"]
    return NEAR["nil"]


def _moments(quarter: Period, today: date, rng: random.Random) -> tuple[datetime, ...]:
    """Entered about a fortnight after the quarter, submitted that afternoon, signed off a
    few days later; never after 8am on the demo's today."""
    entered = working_time(quarter.ends_on + timedelta(days=rng.randint(10, 14)), rng)
    submitted = entered + timedelta(minutes=rng.randint(30, 180))
    approved = working_time(submitted.date() + timedelta(days=rng.randint(2, 5)), rng)
    ceiling = datetime.combine(today, time(7, 30), tzinfo=LONDON)
    moments = (entered, submitted, approved)
    return tuple(min(m, ceiling + timedelta(minutes=10 * n)) for n, m in enumerate(moments))


def load_finance(
    *,
    today: date,
    entered_by,
    signed_off_by,
    seed: int = 2026,
    overspending: str = "",
    underspending: str = "",
    draft: str = "",
    drivers: tuple[str, ...] = (),
) -> FinanceDemoSummary:
    """Budgets, cost centres and signed-off forecasts for the demo (the periods must exist).

    `overspending` and `underspending` name the directorate and service of the story (the
    first of each by default), `drivers` the two services that carry the overspend (its
    first two by default); `draft` names a service whose next quarter's forecast is a
    draft still with its finance business partner."""
    rng = random.Random(f"{seed}:finance")
    current = financial_year_start(today)
    years = Period.objects.filter(
        kind="financial_year", code__in=[financial_year(y).code for y in (current - 1, current)]
    ).order_by("starts_on")
    directorates = list(
        OrgUnit.objects.filter(kind=OrgUnitKind.DIRECTORATE, is_active=True).order_by(
            "order", "name"
        )
    )
    services = list(
        OrgUnit.objects.filter(
            kind=OrgUnitKind.SERVICE, is_active=True, parent__in=directorates
        ).order_by("parent__order", "parent__name", "order", "name")
    )
    if not directorates or not services:
        return FinanceDemoSummary(0, 0, 0)
    budgets = {unit.pk: Decimal(rng.randrange(2_000, 30_000) * 1_000) for unit in services}
    for directorate in directorates:
        own = [budgets[s.pk] for s in services if s.parent_id == directorate.pk]
        budgets[directorate.pk] = sum(own, Decimal(rng.randrange(500, 3_000) * 1_000))
    over = next((d for d in directorates if d.code == overspending), directorates[0])
    under = next((s for s in services if s.code == underspending), services[0])
    own_services = [s for s in services if s.parent_id == over.pk and s.pk != under.pk]
    named = [s for s in own_services if s.code in drivers]
    drivers = (named or own_services)[:2]

    existing = set(CostCentre.objects.values_list("code", flat=True))
    CostCentre.objects.bulk_create(
        CostCentre(code=code, name=f"{service.name}: {what}", unit=service)
        for number, service in enumerate(services, start=1)
        for suffix, what in (("1", "staffing"), ("2", "running costs"))
        if (code := f"C{number:03d}{suffix}") not in existing
    )

    lines = {
        (line.unit_id, line.year_id): line for line in BudgetLine.objects.filter(year__in=years)
    }
    new = [
        BudgetLine(unit=unit, year=year, budget=budgets[unit.pk])
        for year in years
        for unit in [*directorates, *services]
        if (unit.pk, year.pk) not in lines
    ]
    BudgetLine.objects.bulk_create(new)
    lines.update({(line.unit_id, line.year_id): line for line in new})
    budgets = {key: line.budget for key, line in lines.items()}

    stories = []
    for year in years:
        quarters = Period.objects.filter(
            financial_year=year, kind="quarter", ends_on__lt=today
        ).order_by("starts_on")
        for index, quarter in enumerate(quarters):
            amounts: dict[int, tuple[Decimal, str]] = {}
            for service in services:
                line = lines[(service.pk, year.pk)]
                if service.pk == under.pk:
                    percent = UNDERSPEND_PERCENT
                    variance = _pounds(line.budget * percent / 100)
                    note = UNDER.format(variance=-variance, percent=percent)
                else:
                    percent = Decimal(rng.randrange(-15, 10)) / 10
                    variance = _pounds(line.budget * percent / 100)
                    note = _near_note(percent)
                amounts[service.pk] = (line.budget + variance, note)
            for directorate in directorates:
                line = lines[(directorate.pk, year.pk)]
                own = [s for s in services if s.parent_id == directorate.pk]
                if directorate.pk == over.pk:
                    percent = OVERSPEND_PERCENTS[index]
                    forecast = _pounds(line.budget * (100 + percent) / 100)
                    # The two drivers carry what the other services do not.
                    others = sum(
                        (
                            amounts[s.pk][0] - budgets[(s.pk, year.pk)]
                            for s in own
                            if s not in drivers
                        ),
                        Decimal(0),
                    )
                    to_share = forecast - line.budget - others
                    for driver, share in zip(drivers, DRIVER_SHARES, strict=False):
                        variance = _pounds(to_share * share / sum(DRIVER_SHARES[: len(drivers)]))
                        amounts[driver.pk] = (
                            budgets[(driver.pk, year.pk)] + variance,
                            DRIVER_OVER.format(variance=variance),
                        )
                    note = DIRECTORATE_OVER.format(
                        variance=forecast - line.budget,
                        percent=percent,
                        trend=", up from the last forecast" if index else "",
                        drivers=" and ".join(d.name for d in drivers) or "its own line",
                    )
                else:
                    variance = sum(
                        (amounts[s.pk][0] - budgets[(s.pk, year.pk)] for s in own), Decimal(0)
                    )
                    forecast, note = line.budget + variance, DIRECTORATE_NEAR
                amounts[directorate.pk] = (forecast, note)
            for unit_id, (amount, note) in amounts.items():
                entered, submitted, approved = _moments(quarter, today, rng)
                story = ReturnStory(
                    Forecast(line=lines[(unit_id, year.pk)], period=quarter),
                    ForecastRevision,
                    "forecast",
                )
                story.record({"forecast_outturn": amount, "commentary": note}, entered_by, entered)
                story.submit(entered_by, submitted).approve(signed_off_by, approved)
                stories.append(story)
    draft_unit = next((s for s in services if s.code == draft), None)
    next_quarter = Period.objects.filter(
        kind="quarter", starts_on__lte=today, ends_on__gte=today
    ).first()
    if draft_unit is not None and next_quarter is not None:
        line = lines.get((draft_unit.pk, next_quarter.financial_year_id))
        if line is not None:
            moment = min(
                working_time(today - timedelta(days=3), rng),
                datetime.combine(today, time(7, 30), tzinfo=LONDON),
            )
            amount = _pounds(line.budget * Decimal("1.09"))
            stories.append(
                ReturnStory(
                    Forecast(line=line, period=next_quarter), ForecastRevision, "forecast"
                ).record({"forecast_outturn": amount, "commentary": DRAFT}, entered_by, moment)
            )
    save_stories(stories)
    return FinanceDemoSummary(
        budget_lines=BudgetLine.objects.count(),
        cost_centres=CostCentre.objects.count(),
        forecasts=len(stories),
    )
