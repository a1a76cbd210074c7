"""The finance pages' forms: a forecast, its decision and revision, a budget, a cost centre's
mapping and the finance system's export."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms

from finance.budgets import MAPPING_REASON_REQUIRED, REASON_REQUIRED
from finance.models import Forecast
from finance.workflow import FORECAST_MISSING
from indicators.entries import MAX_TEXT_LENGTH, NumberError, parse_number
from organisation.models import OrgUnit

TEXTAREA = {"rows": 3, "maxlength": MAX_TEXT_LENGTH}
CHOOSE_PERIOD = "Choose the month or quarter the forecast is made at"
CHOOSE_DECISION = "Choose whether to sign off the forecast or return it"
RETURN_REASON_REQUIRED = "Say why the forecast is being returned"
REVISE_REASON_REQUIRED = "Say why the signed-off forecast is being changed"
BUDGET_MISSING = "Enter the budget in whole pounds, like 1,250,000"
CHOOSE_FILE = "Choose the finance system's export (CSV or Excel) to upload"
CHOOSE_UNIT = "Choose the directorate or service the cost centre belongs to"
CODE_MISSING = "Enter the cost centre's code, like C1234"


class MoneyField(forms.Field):
    """Pounds as typed, like 1,250,000.50, £1,250 or −1,250, read by the one strict number
    reading (`indicators.entries.parse_number`); the domain checks the pence."""

    widget = forms.TextInput

    def __init__(self, *, missing: str, example: str = "1,250,000", **kwargs):
        self.example = example
        kwargs.setdefault("error_messages", {"required": missing})
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value).strip().replace("\u2212", "-")
        text = re.sub(r"^([+-]?)£", r"\1", text)
        try:
            return parse_number(text, example=self.example)
        except NumberError as error:
            raise forms.ValidationError(error.message, code="invalid") from None


def plain(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount.normalize():,f}"


class ForecastForm(forms.Form):
    """A draft forecast: the period it is made at, the amount and what it says."""

    period = forms.ModelChoiceField(
        queryset=None,
        label="Forecast at",
        help_text="The month or quarter of the year the forecast is made at",
        error_messages={"required": CHOOSE_PERIOD, "invalid_choice": CHOOSE_PERIOD},
    )
    forecast_outturn = MoneyField(
        missing=FORECAST_MISSING,
        label="Forecast outturn for the year",
        help_text="In pounds, like 1,250,000 or 1,250,000.50",
    )
    commentary = forms.CharField(
        required=False,
        label="Commentary",
        help_text="What drives the variance and what is being done about it",
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, periods, forecast: Forecast | None = None, **kwargs):
        if forecast is not None:
            kwargs.setdefault(
                "initial",
                {
                    "period": forecast.period_id,
                    "forecast_outturn": plain(forecast.forecast_outturn),
                    "commentary": forecast.commentary,
                    "lock_version": forecast.lock_version,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
        if forecast is not None:
            self.fields["period"].disabled = True

    def entries(self) -> dict:
        return {
            "forecast_outturn": self.cleaned_data["forecast_outturn"],
            "commentary": self.cleaned_data["commentary"],
        }


class SubmitForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


DECISIONS = [("sign_off", "Sign off"), ("return", "Return for correction")]


class DecisionForm(forms.Form):
    """An approver's decision on a submitted forecast."""

    decision = forms.ChoiceField(
        choices=DECISIONS,
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={"required": CHOOSE_DECISION, "invalid_choice": CHOOSE_DECISION},
    )
    reason = forms.CharField(
        required=False,
        label="Why it is being returned (if it is)",
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", RETURN_REASON_REQUIRED)
        return cleaned


class ReviseForm(forms.Form):
    """Changing a signed-off forecast: it goes back for sign-off, with the reason kept."""

    forecast_outturn = MoneyField(missing=FORECAST_MISSING, label="Forecast outturn for the year")
    commentary = forms.CharField(
        required=False, label="Commentary", widget=forms.Textarea(attrs=TEXTAREA)
    )
    reason = forms.CharField(
        label="Why the signed-off forecast is being changed",
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": REVISE_REASON_REQUIRED},
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, forecast: Forecast, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "forecast_outturn": plain(forecast.forecast_outturn),
                "commentary": forecast.commentary,
                "lock_version": forecast.lock_version,
            },
        )
        super().__init__(*args, **kwargs)

    def entries(self) -> dict:
        return {
            "forecast_outturn": self.cleaned_data["forecast_outturn"],
            "commentary": self.cleaned_data["commentary"],
        }


class BudgetForm(forms.Form):
    budget = MoneyField(
        missing=BUDGET_MISSING,
        label="Budget for the year",
        help_text="In whole pounds; negative for a net-income line",
    )
    reason = forms.CharField(
        label="Why the budget is being set or changed",
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": REASON_REQUIRED},
    )


class CostCentreForm(forms.Form):
    code = forms.CharField(
        max_length=40, label="Cost centre code", error_messages={"required": CODE_MISSING}
    )
    name = forms.CharField(max_length=200, required=False, label="Cost centre name")
    unit = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(),
        label="Directorate or service",
        error_messages={"required": CHOOSE_UNIT, "invalid_choice": CHOOSE_UNIT},
    )
    reason = forms.CharField(
        label="Why it is being mapped or moved",
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": MAPPING_REASON_REQUIRED},
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Finance system export",
        help_text="CSV or Excel (.xlsx) with the columns Cost centre, Period and Forecast outturn",
        error_messages={"required": CHOOSE_FILE, "empty": CHOOSE_FILE},
    )
