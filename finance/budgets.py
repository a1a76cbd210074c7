"""Setting budgets and mapping cost centres to units.

Their history is the audit log's (`finance.BudgetLine` and `finance.CostCentre` are audited):
each function names who acts and why, so every change is kept with its before and after.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from audit.context import audited
from finance.models import BudgetLine, CostCentre
from indicators.models import Period
from organisation.models import OrgUnit, OrgUnitKind

BUDGET_UNIT_KINDS = (OrgUnitKind.DIRECTORATE, OrgUnitKind.SERVICE)
LARGEST_BUDGET = Decimal(10) ** 14

REASON_REQUIRED = "Say why the budget is being set or changed"
NOT_A_YEAR = "Choose a financial year, like 2026/27"
WRONG_UNIT = "A budget is set for a directorate or a service, not for {unit}"
BUDGET_NOT_WHOLE = "Enter the budget in whole pounds, like 1,250,000 (negative for net income)"
BUDGET_TOO_LARGE = "The budget must be less than £100,000,000,000,000"
CODE_REQUIRED = "Enter the cost centre's code, like C1234"
CODE_TOO_LONG = "The cost centre's code must be 40 characters or fewer"
MAPPING_REASON_REQUIRED = "Say why the cost centre is being mapped or moved"


class BudgetError(ValueError):
    """The change is refused: `problems` maps each field to its message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


def _unit_problem(unit: OrgUnit) -> str | None:
    if unit.kind not in BUDGET_UNIT_KINDS:
        return WRONG_UNIT.format(unit=unit.name)
    return None


@transaction.atomic
@audited(reason="reason")
def set_budget(*, unit: OrgUnit, year: Period, budget: Decimal, by, reason: str) -> BudgetLine:
    """Set a unit's budget for a financial year, creating its line if it has none."""
    problems = {}
    if not reason.strip():
        problems["reason"] = REASON_REQUIRED
    if year.kind != "financial_year":
        problems["year"] = NOT_A_YEAR
    unit_problem = _unit_problem(unit)
    if unit_problem:
        problems["unit"] = unit_problem
    if not isinstance(budget, Decimal) or not budget.is_finite() or budget != budget.to_integral():
        problems["budget"] = BUDGET_NOT_WHOLE
    elif abs(budget) >= LARGEST_BUDGET:
        problems["budget"] = BUDGET_TOO_LARGE
    if problems:
        raise BudgetError(problems)
    line = BudgetLine.objects.select_for_update().filter(unit=unit, year=year).first()
    if line is None:
        return BudgetLine.objects.create(unit=unit, year=year, budget=budget)
    if line.budget != budget:
        line.budget = budget
        line.save(update_fields=["budget"])
    return line


@transaction.atomic
@audited(reason="reason")
def map_cost_centre(
    *, code: str, unit: OrgUnit, by, reason: str, name: str | None = None
) -> CostCentre:
    """Map a cost centre to the unit whose line its forecasts count in (adding it if new)."""
    code = code.strip()
    problems = {}
    if not code:
        problems["code"] = CODE_REQUIRED
    elif len(code) > CostCentre._meta.get_field("code").max_length:
        problems["code"] = CODE_TOO_LONG
    unit_problem = _unit_problem(unit)
    if unit_problem:
        problems["unit"] = unit_problem
    if not reason.strip():
        problems["reason"] = MAPPING_REASON_REQUIRED
    if problems:
        raise BudgetError(problems)
    centre = CostCentre.objects.select_for_update().filter(code__iexact=code).first()
    if centre is None:
        return CostCentre.objects.create(code=code, name=(name or "").strip(), unit=unit)
    changed = []
    if centre.unit_id != unit.pk:
        centre.unit = unit
        changed.append("unit")
    if name is not None and name.strip() != centre.name:
        centre.name = name.strip()
        changed.append("name")
    if changed:
        centre.save(update_fields=changed)
    return centre
