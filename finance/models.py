"""Budgets and forecasts: each directorate's and service's budget for a financial year, the
forecast outturn finance gives for it each month or quarter (a return, signed off like a
figure), the cost-centre mapping imports rely on, and the council's variance thresholds.

A directorate's own line is its whole budget; its services' lines break it down.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from indicators.models import Period
from organisation.models import OrgUnit
from signoff.models import Returnable, Revision
from status.finance import FinanceThresholds

# Whole pounds for a budget, pounds and pence for a forecast; up to £999 billion either way.
BUDGET_DIGITS = {"max_digits": 14, "decimal_places": 0}
MONEY_DIGITS = {"max_digits": 16, "decimal_places": 2}
PERCENT_DIGITS = {"max_digits": 5, "decimal_places": 1}


class BudgetLine(models.Model):
    """One unit's budget for one financial year (negative for a net-income line)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="budget_lines")
    year = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        related_name="budget_lines",
        limit_choices_to={"kind": "financial_year"},
        help_text="The financial year",
    )
    budget = models.DecimalField(
        **BUDGET_DIGITS, help_text="In whole pounds; negative for a net-income line"
    )

    class Meta:
        ordering = ["year__starts_on", "unit__order", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_budget_line_per_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}, {self.year.label}"

    @property
    def owning_unit_id(self) -> int:
        return self.unit_id

    def clean(self) -> None:
        if self.year_id and self.year.kind != "financial_year":
            raise ValidationError({"year": "Choose a financial year, like 2026/27"})


class Forecast(Returnable):
    """A budget line's forecast outturn at a month or quarter of its year, with commentary."""

    TRACKED_FIELDS = ("state", "forecast_outturn", "commentary")

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="forecasts")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="forecasts")
    forecast_outturn = models.DecimalField(**MONEY_DIGITS)
    commentary = models.TextField(blank=True)

    class Meta:
        ordering = ["line", "period__ends_on", "period__starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["line", "period"], name="one_forecast_per_line_period")
        ]

    def __str__(self) -> str:
        return f"{self.line.unit.name}, forecast at {self.period.label}"

    @property
    def owning_unit_id(self) -> int:
        return self.line.unit_id


class ForecastRevision(Revision):
    """One change to a forecast: who, when, why, and the tracked fields before and after."""

    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="revisions")

    class Meta:
        ordering = ["forecast", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["forecast", "number"], name="one_forecast_revision_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.forecast} revision {self.number} ({self.get_action_display()})"


class CostCentre(models.Model):
    """A cost centre of the finance system and the unit whose line its spending counts in."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="cost_centres")

    class Meta:
        ordering = ["code"]
        verbose_name = "cost centre"

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def owning_unit_id(self) -> int:
        return self.unit_id


class FinanceSettings(models.Model):
    """The council's variance thresholds (STATUS-RULES: Finance). There is only ever one row."""

    key = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    amber_percent = models.DecimalField(
        **PERCENT_DIGITS,
        default=Decimal(1),
        validators=[MinValueValidator(0)],
        help_text="Over budget (amber) above this variance %",
    )
    red_percent = models.DecimalField(
        **PERCENT_DIGITS,
        default=Decimal(5),
        validators=[MinValueValidator(0)],
        help_text="Over budget (red) above this variance %; an underspend beyond it is "
        "a significant underspend",
    )
    amber_pounds = models.DecimalField(
        **BUDGET_DIGITS,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Optional: also amber above this overspend in pounds",
    )
    red_pounds = models.DecimalField(
        **BUDGET_DIGITS,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Optional: also red above this overspend in pounds",
    )

    class Meta:
        verbose_name = "finance thresholds"
        verbose_name_plural = "finance thresholds"
        constraints = [
            models.CheckConstraint(condition=models.Q(key=1), name="one_finance_settings_row")
        ]

    def __str__(self) -> str:
        return "Finance thresholds"

    def thresholds(self) -> FinanceThresholds:
        return FinanceThresholds(
            amber_percent=self.amber_percent,
            red_percent=self.red_percent,
            amber_pounds=self.amber_pounds,
            red_pounds=self.red_pounds,
        )

    def clean(self) -> None:
        try:
            self.thresholds()
        except ValueError as error:
            raise ValidationError(str(error).capitalize()) from None
