"""State changes of a forecast: record, submit, return, sign off, revise.

A forecast is one kind of return: these pass the forecast's `ReturnKind` to the one workflow
in `signoff.workflow`, which locks the forecast, checks the caller's copy is current and
writes a revision. Forecasts follow finance's own timetable, so no reporting cycle locks them.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.urls import reverse

from finance.models import BudgetLine, Forecast, ForecastRevision
from indicators.entries import text_problem
from indicators.models import Period
from signoff import workflow
from signoff.workflow import (  # noqa: F401  (callers catch these from here)
    REASON_REQUIRED,
    InvalidEntry,
    StaleError,
    WorkflowError,
)

ENTRY_FIELDS = ("forecast_outturn", "commentary")
IN_YEAR_KINDS = ("month", "quarter")
PENCE_PLACES = 2
LARGEST = Decimal(10) ** 14  # the first amount a forecast cannot hold

FORECAST_MISSING = "Enter the forecast outturn in pounds, like 1,250,000"
FORECAST_NOT_A_NUMBER = "The forecast outturn must be a number in pounds, like 1,250,000"
FORECAST_TOO_PRECISE = (
    "The forecast outturn must be in whole pounds or pounds and pence, like 1,250,000.50"
)
FORECAST_TOO_LARGE = "The forecast outturn must be less than £100,000,000,000,000"
PERIOD_NOT_IN_YEAR = (
    "The period must be a month or quarter of {year}, the budget line's financial year"
)


def entry_problems(entries: dict) -> dict[str, str]:
    """Field → why a forecast cannot hold what was typed, whoever sends it."""
    problems = {}
    if "forecast_outturn" in entries:
        problem = _amount_problem(entries["forecast_outturn"])
        if problem:
            problems["forecast_outturn"] = problem
    problem = text_problem(entries.get("commentary") or "", what="The commentary")
    if problem:
        problems["commentary"] = problem
    return problems


def _amount_problem(amount) -> str | None:
    if amount is None:
        return FORECAST_MISSING
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
        return FORECAST_NOT_A_NUMBER
    amount = Decimal(amount)
    if not amount.is_finite():
        return FORECAST_NOT_A_NUMBER
    if abs(amount) >= LARGEST:
        return FORECAST_TOO_LARGE
    if amount != amount.quantize(Decimal(1).scaleb(-PENCE_PLACES)):
        return FORECAST_TOO_PRECISE
    return None


def forecast_problems(forecast: Forecast, submitting: bool) -> dict[str, str]:
    """Problems with a forecast as it would be saved: its amount and its period."""
    problems = entry_problems(
        {"forecast_outturn": forecast.forecast_outturn, "commentary": forecast.commentary}
    )
    period, line = forecast.period, forecast.line
    if period.kind not in IN_YEAR_KINDS or period.financial_year_id != line.year_id:
        problems["period"] = PERIOD_NOT_IN_YEAR.format(year=line.year.label)
    return problems


def _about(forecast: Forecast) -> workflow.About:
    return workflow.About(
        title=f"{forecast.line.unit.name}, {forecast.period.label}",
        unit=forecast.line.unit,
        link=reverse("finance:forecast", args=[forecast.pk]),
        numbers=(forecast.forecast_outturn,),
    )


FORECAST = workflow.ReturnKind(
    noun="forecast",
    nouns="forecasts",
    model=Forecast,
    revision_model=ForecastRevision,
    revision_of="forecast",
    entry_fields=ENTRY_FIELDS,
    # Every check is in `problems`, so each message comes back named by its field.
    problems=forecast_problems,
    about=_about,
    select_related=("line__year", "line__unit", "period"),
)

# The messages, in a forecast's words (tests and pages compare with these).
STALE = FORECAST.says(workflow.STALE)
CANNOT_SUBMIT = FORECAST.says(workflow.CANNOT_SUBMIT)
CANNOT_DECIDE = FORECAST.says(workflow.CANNOT_DECIDE)
OWN_SUBMISSION = FORECAST.says(workflow.OWN_SUBMISSION)
NOT_SIGNED_OFF = FORECAST.says(workflow.NOT_SIGNED_OFF)
NOT_EDITABLE = workflow.NOT_EDITABLE.replace("{noun}", FORECAST.noun)


@transaction.atomic
def record_forecast(
    *,
    line: BudgetLine,
    period: Period,
    entries: dict,
    by,
    expected_version: int | None = None,
    reason: str = "",
    imported: bool = False,
) -> Forecast:
    """Create or edit the draft forecast of a budget line at a period.

    `imported` marks the revision as coming from the finance system's export."""
    existing = Forecast.objects.filter(line=line, period=period).first()
    if existing is None:
        return workflow.create(
            FORECAST,
            item=Forecast(line=line, period=period),
            entries=entries,
            by=by,
            reason=reason,
            imported=imported,
        )
    return workflow.edit(
        FORECAST,
        item=existing,
        entries=entries,
        by=by,
        expected_version=expected_version,
        reason=reason,
        imported=imported,
    )


@transaction.atomic
def submit_forecast(*, forecast: Forecast, by, expected_version: int | None = None) -> Forecast:
    return workflow.submit(FORECAST, item=forecast, by=by, expected_version=expected_version)


@transaction.atomic
def return_forecast(
    *, forecast: Forecast, by, reason: str, expected_version: int | None = None
) -> Forecast:
    return workflow.send_back(
        FORECAST, item=forecast, by=by, reason=reason, expected_version=expected_version
    )


@transaction.atomic
def approve_forecast(*, forecast: Forecast, by, expected_version: int | None = None) -> Forecast:
    return workflow.sign_off(FORECAST, item=forecast, by=by, expected_version=expected_version)


@transaction.atomic
def revise_forecast(
    *, forecast: Forecast, entries: dict, by, reason: str, expected_version: int | None = None
) -> Forecast:
    """Change a signed-off forecast: needs a reason, and sends it for sign-off again."""
    return workflow.revise(
        FORECAST,
        item=forecast,
        entries=entries,
        by=by,
        reason=reason,
        expected_version=expected_version,
    )


def revisions(forecast: Forecast):
    """The forecast's kept revisions, oldest first."""
    return workflow.revisions_of(FORECAST, forecast).select_related("changed_by")
