"""What the signed-in endpoints take and answer, as typed schemas (the OpenAPI document is made
from these).

Stored numbers are answered as text ("61.7"), exactly as stored, so no client reads a binary
fraction; a figure may be sent as text, as the return form takes it, or as a JSON number.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, PlainValidator, create_model
from pydantic_core import PydanticCustomError

from api.paging import Page
from indicators.models import DataQuality, ValueState
from returns.queries import ReturnState
from signoff import models as signoff_models
from status.delivery import DeliveryStatus

STATES = Literal[tuple(ValueState.values)]
QUALITIES = Literal[tuple(DataQuality.values)]
RETURN_STATES = Literal[
    ReturnState.NOT_STARTED,
    ReturnState.DRAFT,
    ReturnState.RETURNED,
    ReturnState.SUBMITTED,
    ReturnState.APPROVED,
]
NOT_A_NUMBER = 'Send a number as text, like "1,250.5", or as a JSON number, like 1250.5'


def _typed(number):
    """A number as the return form would have it typed: text as sent, a JSON number written
    out in full (0.1, not 0.1000000000000000055…; 1e-7 as 0.0000001)."""
    if number is None or isinstance(number, str):
        return number
    if isinstance(number, bool) or not isinstance(number, int | float):
        raise PydanticCustomError("number", NOT_A_NUMBER)
    if isinstance(number, float):
        return format(Decimal(repr(number)), "f") if math.isfinite(number) else repr(number)
    return str(number)


# Read by the return form's own number field, so that it is refused in the form's words.
NUMBER_IN = Annotated[
    str | None, PlainValidator(_typed, json_schema_input_type=str | int | float | None)
]
NUMBER_TEXT = "A number as text, exactly as stored (up to 6 decimal places), or null."
KEPT = "Left out: kept as the draft holds it."


class Unit(Schema):
    code: str = Field(description="The unit's code.", examples=["waste"])
    name: str = Field(description="Its name.")
    kind: str = Field(description="directorate, service, team or partnership.")


class TokenAbout(Schema):
    name: str = Field(description="The name its person gave it.")
    prefix: str = Field(description="How it begins: not secret, it names the token.")
    created_at: datetime = Field(description="When it was made.")
    expires_at: datetime = Field(description="When it stops working.")
    last_used_at: datetime | None = Field(
        description="When it was last used (noted at most once a minute)."
    )


class Me(Schema):
    """Who the token acts as, and what they may read and send."""

    username: str = Field(description="The person's username.")
    name: str = Field(description="Their full name.")
    roles: list[str] = Field(description="Their roles, in words.")
    whole_council: bool = Field(
        description="True for the performance team and administrators, who act for every unit."
    )
    units: list[Unit] = Field(
        description="The units whose draft figures they read: those they answer for and every "
        "unit below them (every unit, for the whole council). Empty: the token reads only "
        "what the public endpoints give."
    )
    may_enter_figures: bool = Field(description="Whether they enter figures anywhere.")
    token: TokenAbout = Field(description="The token this request came with.")


class DueValue(Schema):
    state: STATES = Field(description="Where the figure is on its way to sign-off.")
    figure: str | None = Field(description=NUMBER_TEXT)
    lock_version: int = Field(
        description="Its version: send it back to change the draft; it rises with every change."
    )
    updated_at: datetime = Field(description="When it last changed.")


class DueIndicator(Schema):
    code: str = Field(description="The indicator's code.", examples=["WST-01"])
    title: str = Field(description="Its title.")
    unit: str = Field(description="The figure's unit.")
    has_parts: bool = Field(
        description="Whether its figure comes with a numerator and a denominator."
    )
    value: DueValue | None = Field(description="The figure entered so far; null for none yet.")
    values_url: str = Field(description="Its figures in this API.")


class Return(Schema):
    """One service's return due in an open reporting cycle, as the "Your returns" page
    lists it."""

    cycle: int = Field(description="The reporting cycle's number.")
    period_code: str = Field(description="The period's code, to send figures for.")
    period_label: str = Field(description="The period in words.")
    data_entry_deadline: date = Field(description="When the figures are due.")
    signoff_deadline: date = Field(description="When they are to be signed off.")
    service_code: str = Field(description="The service's code.")
    service_name: str = Field(description="The service's name.")
    state: RETURN_STATES = Field(description="Where the return stands, in words.")
    is_late: bool = Field(description="Past its deadline and not yet all submitted.")
    indicators: list[DueIndicator] = Field(description="The indicators due, by code.")
    web_url: str = Field(description="The return's page on the site.")


class DraftValue(Schema):
    """One figure of an indicator, at whatever stage it is: draft, submitted, returned, signed
    off or published."""

    indicator: str = Field(description="The indicator's code.")
    period_code: str = Field(description="The period's code.")
    period_label: str = Field(description="The period in words.")
    state: STATES = Field(description="Where the figure is on its way to sign-off.")
    figure: str | None = Field(description=NUMBER_TEXT)
    numerator: str | None = Field(description=NUMBER_TEXT)
    denominator: str | None = Field(description=NUMBER_TEXT)
    not_available_reason: str = Field(description="Why there is no figure, if there is none.")
    data_quality: QUALITIES = Field(description="final, provisional or estimated.")
    commentary: str = Field(description="What the figure shows.")
    reasons: str = Field(description="Why performance is as it is.")
    actions: str = Field(description="What is being done.")
    lock_version: int = Field(
        description="Its version: send it back to change the draft; it rises with every change."
    )
    updated_at: datetime = Field(description="When it last changed.")
    changed_by: str | None = Field(description="Who made the last change, by name.")
    submitted_at: datetime | None = Field(description="When it was last submitted for sign-off.")
    approved_at: datetime | None = Field(description="When it was signed off.")
    web_url: str = Field(description="The figure's page on the site, with its history.")


class Recorded(DraftValue):
    """The figure as saved, with the status it gets."""

    status: str = Field(
        description="The figure against its target and tolerance, as the return page shows it: "
        "green, amber, red, data_only, pending or missing."
    )
    status_label: str = Field(description="The status in words.")
    warnings: list[str] = Field(
        description="What the return page would warn of (a figure far outside its usual range "
        "saved as a draft): confirm it before submitting."
    )
    already_saved: bool = Field(
        description="True when the figure already held exactly this, so nothing changed."
    )


ReturnPage = create_model(
    "ReturnPage", __base__=Page, __doc__="A page of the returns due.", results=(list[Return], ...)
)
DraftValuePage = create_model(
    "DraftValuePage",
    __base__=Page,
    __doc__="A page of an indicator's figures.",
    results=(list[DraftValue], ...),
)


class DraftValueFilters(Schema):
    period: str | None = Field(
        None, description="Only the figure for this period (its code).", examples=["2026-27-Q2"]
    )


class FigureIn(Schema):
    """A figure for one indicator and period, into the same checks and sign-off as the return
    form. Fields left out keep what the draft holds; null or "" empties them."""

    model_config = ConfigDict(extra="forbid")

    indicator: str = Field(
        ..., min_length=1, max_length=40, description="The indicator's code.", examples=["WST-01"]
    )
    period: str = Field(
        ...,
        min_length=1,
        max_length=20,
        description="The period's code, of the indicator's frequency: 2026-27-Q2 (a quarter), "
        "2026-10 (a month) or 2026-27 (a financial year).",
        examples=["2026-27-Q2"],
    )
    figure: NUMBER_IN = Field(None, description=f'The figure, like 61.7 or "1,250.5". {KEPT}')
    numerator: NUMBER_IN = Field(
        None, description=f"For an indicator with parts: the numerator. {KEPT}"
    )
    denominator: NUMBER_IN = Field(
        None, description=f"For an indicator with parts: the denominator. {KEPT}"
    )
    not_available_reason: str | None = Field(
        None, description=f"Why there is no figure, when there is none. {KEPT}"
    )
    data_quality: QUALITIES | None = Field(
        None, description=f"final, provisional or estimated; final for a new figure. {KEPT}"
    )
    commentary: str | None = Field(None, description=f"What the figure shows. {KEPT}")
    reasons: str | None = Field(None, description=f"Why performance is as it is. {KEPT}")
    actions: str | None = Field(None, description=f"What is being done. {KEPT}")
    confirm_unusual: bool = Field(
        False, description="True to confirm a figure far outside its usual range is right."
    )
    unusual_reason: str = Field("", description="Why the unusual figure is right.")
    lock_version: int | None = Field(
        None,
        ge=1,
        description="The draft's lock_version as you read it: required to change a figure "
        "already entered; a stale one is refused (409).",
    )
    submit: bool = Field(
        False, description="True to submit the figure for sign-off; false saves a draft."
    )


# Project updates and finance forecasts

STAGES = Literal[tuple(signoff_models.ReturnState.values)]
DELIVERY_VALUES = tuple(status.value for status in DeliveryStatus)
DELIVERY = Literal[DELIVERY_VALUES]
VERSION = "Its version: send it back to change it; it rises with every change."
REASON = (
    "Only to change a signed-off {noun}: why it is being changed. The change sends it for "
    "sign-off again."
)


class ProjectUpdate(Schema):
    """A project's update for a reporting period: progress, commentary and any override."""

    project: str = Field(description="The project's reference.", examples=["DP-07"])
    project_title: str = Field(description="The project's title.")
    period_code: str = Field(description="The quarter's code.")
    period_label: str = Field(description="The quarter in words.")
    state: STAGES = Field(description="Where the update is on its way to sign-off.")
    percent_complete: int | None = Field(description="% complete, 0 to 100.")
    done: str = Field(description="What was done this period.")
    next_steps: str = Field(description="What is next.")
    issues: str = Field(description="Issues.")
    deferred_reason: str = Field(description="Deferred: the decision and its reason.")
    status_override: DELIVERY | Literal[""] = Field(
        description="The owner's override of the calculated delivery status, or empty."
    )
    override_reason: str = Field(description="Why the status is overridden.")
    delivery_status: DELIVERY | None = Field(
        description="The delivery status the update shows (STATUS-RULES: projects), the "
        "override if there is one; null while it has no % complete."
    )
    delivery_status_label: str | None = Field(description="The delivery status in words.")
    lock_version: int = Field(description=VERSION)
    updated_at: datetime = Field(description="When it last changed.")
    web_url: str = Field(description="The project's page on the site.")


class DueProjectUpdate(Schema):
    """A project whose update is due in the open reporting cycle."""

    project: str = Field(description="The project's reference.", examples=["DP-07"])
    project_title: str = Field(description="The project's title.")
    lead_service: str = Field(description="The code of the service leading it.")
    period_code: str = Field(description="The open cycle's quarter: send updates for it.")
    period_label: str = Field(description="The quarter in words.")
    update: ProjectUpdate | None = Field(description="The update entered so far; null for none.")


class ProjectUpdateRecorded(ProjectUpdate):
    """The update as saved."""

    already_saved: bool = Field(
        description="True when the update already held exactly this, so nothing changed."
    )


class ProjectUpdateIn(Schema):
    """A project's update for the open reporting cycle, into the same checks and sign-off as
    the project page. Fields left out keep what the update holds; null or "" empties them."""

    model_config = ConfigDict(extra="forbid")

    project: str = Field(
        ..., min_length=1, max_length=20, description="The project's reference.", examples=["DP-07"]
    )
    period: str = Field(
        ...,
        min_length=1,
        max_length=20,
        description="The code of the quarter whose reporting cycle is open.",
        examples=["2026-27-Q2"],
    )
    percent_complete: int | None = Field(None, description=f"% complete, 0 to 100. {KEPT}")
    done: str | None = Field(None, description=f"What was done this period. {KEPT}")
    next_steps: str | None = Field(None, description=f"What is next. {KEPT}")
    issues: str | None = Field(None, description=f"Issues. {KEPT}")
    deferred_reason: str | None = Field(
        None, description=f"Only when deferred: the decision and its reason. {KEPT}"
    )
    status_override: str | None = Field(
        None,
        description="Override the calculated delivery status with one of "
        f"{', '.join(DELIVERY_VALUES)}, or empty for none. {KEPT}",
    )
    override_reason: str | None = Field(None, description=f"Why it is overridden. {KEPT}")
    reason: str | None = Field(None, description=REASON.format(noun="update"))
    lock_version: int | None = Field(
        None,
        ge=1,
        description="The update's lock_version as you read it: required to change an update "
        "already entered; a stale one is refused (409).",
    )
    submit: bool = Field(
        False,
        description="True to submit the update for sign-off; false saves a draft. A revised "
        "update is sent for sign-off by itself.",
    )


class Forecast(Schema):
    """A budget line's forecast outturn for its year, made at a month or quarter."""

    unit: str = Field(description="The unit's code.", examples=["waste"])
    unit_name: str = Field(description="The unit's name.")
    year: str = Field(description="The financial year's code.", examples=["2026-27"])
    period_code: str = Field(description="The month or quarter it was made at.")
    period_label: str = Field(description="The month or quarter in words.")
    state: STAGES = Field(description="Where the forecast is on its way to sign-off.")
    forecast_outturn: str = Field(
        description="The forecast outturn for the year in pounds, as text, exactly as stored."
    )
    commentary: str = Field(description="What drives the variance and what is being done.")
    lock_version: int = Field(description=VERSION)
    updated_at: datetime = Field(description="When it last changed.")
    web_url: str = Field(description="The forecast's page on the site, with its history.")


class ForecastRecorded(Forecast):
    """The forecast as saved."""

    already_saved: bool = Field(
        description="True when the forecast already held exactly this, so nothing changed."
    )


class BudgetLineOut(Schema):
    """One unit's budget for a financial year, with the forecasts made against it."""

    unit: str = Field(description="The unit's code: send forecasts for it.")
    unit_name: str = Field(description="The unit's name.")
    year: str = Field(description="The financial year's code.")
    budget: str = Field(description="The budget in pounds, as text; negative for net income.")
    forecasts: list[Forecast] = Field(description="Its forecasts, the earliest period first.")
    web_url: str = Field(description="The budget line's page on the site.")


class BudgetLineFilters(Schema):
    year: str | None = Field(
        None,
        description="The financial year's code; the current financial year when left out.",
        examples=["2026-27"],
    )


class ForecastIn(Schema):
    """A budget line's forecast at a month or quarter, into the same checks and sign-off as
    the finance pages. Fields left out keep what the forecast holds."""

    model_config = ConfigDict(extra="forbid")

    unit: str = Field(
        ..., min_length=1, max_length=40, description="The unit's code.", examples=["waste"]
    )
    period: str = Field(
        ...,
        min_length=1,
        max_length=20,
        description="The month or quarter the forecast is made at: 2026-10 or 2026-27-Q2. The "
        "budget line is the unit's for that period's financial year.",
        examples=["2026-10"],
    )
    forecast_outturn: NUMBER_IN = Field(
        None,
        description='The forecast outturn for the year in pounds, like 1250000.5 or "£1,250,000.50"'
        f". {KEPT}",
    )
    commentary: str | None = Field(None, description=f"What drives the variance. {KEPT}")
    reason: str | None = Field(None, description=REASON.format(noun="forecast"))
    lock_version: int | None = Field(
        None,
        ge=1,
        description="The forecast's lock_version as you read it: required to change a "
        "forecast already made; a stale one is refused (409).",
    )
    submit: bool = Field(
        False,
        description="True to submit the forecast for sign-off; false saves a draft. A revised "
        "forecast is sent for sign-off by itself.",
    )


DueProjectUpdatePage = create_model(
    "DueProjectUpdatePage",
    __base__=Page,
    __doc__="A page of the project updates due.",
    results=(list[DueProjectUpdate], ...),
)
BudgetLinePage = create_model(
    "BudgetLinePage",
    __base__=Page,
    __doc__="A page of budget lines.",
    results=(list[BudgetLineOut], ...),
)
