"""Forms of the delivery pages: filtering the plan, a project's update, an approver's decision
and moving a milestone's dates."""

from __future__ import annotations

from django import forms

from delivery.models import Programme
from delivery.workflow import ENTRY_FIELDS, OVERRIDE_UNKNOWN, PERCENT_RANGE
from organisation.models import OrgUnit
from status.delivery import DeliveryStatus
from strategy.models import Ambition, Outcome

SIGN_OFF = "sign_off"
RETURN = "return"
DECISION_REQUIRED = "Choose whether to sign off the update or return it"
RETURN_REASON_REQUIRED = "Reason: say what should change, so the project's owner can correct it"
REVISE_REASON_REQUIRED = "Reason: say why a signed-off update is changing"
MOVE_REASON_REQUIRED = "Reason: say why the date changed"
NO_DATE_GIVEN = "Enter a new forecast date or the date it was achieved"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: OrgUnit) -> str:
        return unit.name


class FilterForm(forms.Form):
    """The delivery plan's filters; every choice is optional."""

    period = forms.ChoiceField(label="Quarter", required=False)
    unit = UnitChoiceField(
        label="Directorate or service",
        queryset=OrgUnit.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="All",
    )
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.order_by("name"), required=False, empty_label="All"
    )
    ambition = forms.ModelChoiceField(
        queryset=Ambition.objects.order_by("order", "title"), required=False, empty_label="All"
    )
    outcome = forms.ModelChoiceField(
        queryset=Outcome.objects.order_by("ambition__order", "order", "title"),
        required=False,
        empty_label="All",
    )
    status = forms.ChoiceField(
        label="Delivery status",
        choices=[("", "All"), *DeliveryStatus.choices(), ("none", "No update")],
        required=False,
    )
    priority = forms.BooleanField(label="Priority projects only", required=False)

    def __init__(self, *args, quarters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(q.code, q.label) for q in quarters]


class UpdateForm(forms.Form):
    """A project's update for the period: progress, commentary and an owner's override."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    percent_complete = forms.IntegerField(
        label="% complete",
        min_value=0,
        max_value=100,
        required=False,
        # Django formats the limit messages with their parameters, so "%" is doubled there.
        error_messages={
            "invalid": PERCENT_RANGE,
            "min_value": PERCENT_RANGE.replace("%", "%%"),
            "max_value": PERCENT_RANGE.replace("%", "%%"),
        },
    )
    done = forms.CharField(label="What was done", widget=forms.Textarea, required=False)
    next_steps = forms.CharField(label="What is next", widget=forms.Textarea, required=False)
    issues = forms.CharField(label="Issues", widget=forms.Textarea, required=False)
    deferred_reason = forms.CharField(
        label="Deferred: the decision and its reason",
        help_text="Only when the project has been deferred",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    status_override = forms.ChoiceField(
        label="Override the calculated delivery status",
        choices=[("", "No override: show the calculated status"), *DeliveryStatus.choices()],
        required=False,
        error_messages={"invalid_choice": OVERRIDE_UNKNOWN},
    )
    override_reason = forms.CharField(
        label="Reason for the override",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    reason = forms.CharField(
        label="Reason for changing the signed-off update",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, revising: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.revising = revising
        if not revising:
            del self.fields["reason"]

    def clean_reason(self):
        reason = self.cleaned_data.get("reason", "").strip()
        if self.revising and not reason:
            raise forms.ValidationError(REVISE_REASON_REQUIRED)
        return reason

    def entries(self) -> dict:
        return {name: self.cleaned_data[name] for name in ENTRY_FIELDS}

    @staticmethod
    def initial_from(update) -> dict:
        if update is None:
            return {}
        return {name: getattr(update, name) for name in (*ENTRY_FIELDS, "lock_version")}


class DecisionForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(SIGN_OFF, "Sign off the update"), (RETURN, "Return it for correction")],
        widget=forms.RadioSelect,
        error_messages={"required": DECISION_REQUIRED},
    )
    return_reason = forms.CharField(
        label="Reason for returning it",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == RETURN and not data.get("return_reason", "").strip():
            self.add_error("return_reason", RETURN_REASON_REQUIRED)
        return data


class MoveMilestoneForm(forms.Form):
    forecast_on = forms.DateField(
        label="New forecast date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    achieved_on = forms.DateField(
        label="Date achieved",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label="Why the date changed", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = MOVE_REASON_REQUIRED

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("forecast_on") and not data.get("achieved_on"):
            self.add_error("forecast_on", NO_DATE_GIVEN)
        return data

    def dates(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("forecast_on", "achieved_on")
            if self.cleaned_data[name]
        }
