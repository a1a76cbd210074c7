"""Forms of the performance team's indicator pages: the list's filters, a new indicator, a
changed definition, a move to another service and a retirement.

Every message names its field, so the error summary reads on its own. The rules a change must
meet are the domain's (`indicators.definitions`); these forms only ask for what it needs.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q, QuerySet
from django.forms.utils import pretty_name
from django.utils.dateformat import format as format_date

from framework.indicator_queries import LABELS
from indicators.definitions import (
    DETAILS_REASON_REQUIRED,
    EFFECTIVE_FROM_BEFORE_CURRENT,
    LAST_PERIOD_REQUIRED,
    REASON_REQUIRED,
    RETIRE_REASON_REQUIRED,
    period_kind_error,
    retirement_refusal,
)
from indicators.entries import MAX_TEXT_LENGTH
from indicators.models import Frequency, Indicator, IndicatorSet, Lifecycle, Period
from organisation.models import OrgUnit, OrgUnitKind, User
from strategy.models import Committee, Outcome

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]

# The definition: every field here is kept with each version (Indicator.VERSIONED_FIELDS).
DEFINITION_FIELDS = (
    "title",
    "definition",
    "purpose",
    "calculation",
    "numerator_label",
    "denominator_label",
    "source",
    "unit",
    "precision",
    "polarity",
    "indicator_type",
    "frequency",
    "aggregation",
    "tolerance_percent",
    "tolerance_absolute",
    "minimum_value",
    "maximum_value",
    "scale",
)
PLACES = ("sets", "committees", "outcomes")  # the owner is changed by a move
RADIOS = ("polarity", "indicator_type", "frequency", "aggregation")
MAX_PRECISION = 6  # a stored figure has 6 decimal places

# Messages for a field left blank, in the council's words.
REQUIRED = {
    "code": "Enter the indicator's code, like WST-01",
    "title": "Enter the indicator's title",
    "definition": "Enter the definition: what is measured",
    "unit": "Enter the unit shown after the figure, like % or days",
    "precision": "Enter the decimal places shown, from 0 to 6",
    "polarity": "Choose the polarity: whether a higher or lower figure is better",
    "indicator_type": "Choose the type of indicator",
    "frequency": "Choose how often the indicator is collected",
    "aggregation": "Choose how a year's figures add up",
    "owner": "Choose the service that owns the indicator",
    "lifecycle": "Choose the indicator's status",
    "effective_from": "Enter the date the definition takes effect",
    "takes_effect_on": "Enter the date the change takes effect",
}
CODE_TAKEN = "Code: {code} is already the code of another indicator"
CODE_FORM = "Code: use letters, numbers, hyphens and underscores only, like WST-01"
CODE_RESERVED = "Code: “new” cannot be an indicator's code; choose another"
NUMBER = "{label}: enter a number, like 5 or 2.5"
WHOLE_NUMBER = "{label}: enter a whole number"
REAL_DATE = "{label}: enter a real date, like 1/4/2027"
CHOOSE_ONE = "{label}: choose one of the options"
TOO_LONG = "{label}: use {limit:,} characters or fewer"
PRECISION_RANGE = "Decimal places: enter a number from 0 to 6"
NOT_NEGATIVE = "{label}: enter 0 or more"
MAXIMUM_BELOW_MINIMUM = "Highest possible figure: must be more than the lowest possible figure"
NOTHING_CHANGED = (
    "Nothing was changed: change the definition, its sets, committees or outcomes, or cancel"
)
NOTHING_CHANGED_IN_DETAILS = "Nothing was changed: choose another status or officer, or cancel"
SAME_SERVICE = "Choose another service: {service} already owns the indicator"
REASON_FOR_ADDING = "Give a reason for adding the indicator, like the decision that agreed it"
REASON_FOR_MOVING = "Give a reason for moving the indicator"

# Periods offered as a first or last period: this many years either side of today.
YEARS_OFFERED = 3


def _label(name: str, field: forms.Field) -> str:
    return str(field.label) if field.label else pretty_name(name)


def name_the_fields(form: forms.Form) -> None:
    """Give every field of `form` messages that name it."""
    for name, field in form.fields.items():
        label = _label(name, field)
        messages = field.error_messages
        messages["required"] = REQUIRED.get(name, f"Enter the {label.lower()}")
        messages["invalid_choice"] = CHOOSE_ONE.format(label=label)
        messages["invalid_list"] = CHOOSE_ONE.format(label=label)
        if isinstance(field, forms.DecimalField):
            messages["invalid"] = NUMBER.format(label=label)
            for limit in ("max_digits", "max_decimal_places", "max_whole_digits"):
                messages[limit] = NUMBER.format(label=label)
        elif isinstance(field, forms.IntegerField):
            messages["invalid"] = WHOLE_NUMBER.format(label=label)
            messages["min_value"] = NOT_NEGATIVE.format(label=label)
        elif isinstance(field, forms.DateField):
            messages["invalid"] = REAL_DATE.format(label=label)
        if getattr(field, "max_length", None):
            messages["max_length"] = TOO_LONG.format(label=label, limit=field.max_length)


def _date_field(label: str, help_text: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d"),
        **kwargs,
    )


def _reason_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: OrgUnit) -> str:
        return f"{unit.name} ({unit.parent.name})" if unit.parent_id else unit.name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person: User) -> str:
        name = person.get_full_name() or person.get_username()
        return f"{name}, {person.job_title}" if person.job_title else name


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, period: Period) -> str:
        return (
            f"{period.label} ({format_date(period.starts_on, 'j F Y')} to "
            f"{format_date(period.ends_on, 'j F Y')})"
        )


def owning_units():
    """The units that can own an indicator: services, teams and partnerships still active."""
    return (
        OrgUnit.objects.filter(
            is_active=True,
            kind__in=[OrgUnitKind.SERVICE, OrgUnitKind.TEAM, OrgUnitKind.PARTNERSHIP],
        )
        .select_related("parent")
        .order_by("parent__name", "name")
    )


def active_people() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


def periods_around(today: date, kinds) -> QuerySet[Period]:
    """Periods of these kinds from a few years before today to a few years after."""
    reach = timedelta(days=365 * YEARS_OFFERED)
    return Period.objects.filter(
        kind__in=list(kinds), ends_on__gte=today - reach, starts_on__lte=today + reach
    ).order_by("kind", "starts_on")


class DefinitionForm(forms.ModelForm):
    """The definition and the places of an indicator, as a new indicator or a new version."""

    class Meta:
        model = Indicator
        fields = (*DEFINITION_FIELDS, *PLACES)
        labels = LABELS
        help_texts = {
            "purpose": "Why it matters",
            "numerator_label": "For a ratio: what is counted, like “Households re-housed”",
            "denominator_label": "For a ratio: what it is counted out of",
            "tolerance_percent": "The amber band around the target. Blank: the council's default",
            "tolerance_absolute": "The amber band as an amount; used instead of the percentage",
            "minimum_value": "A figure below this is refused. Percentages: 0 unless set",
            "maximum_value": "A figure above this is refused. Percentages: 100 unless set",
        }
        widgets = {
            **{name: forms.RadioSelect for name in RADIOS},
            **{name: forms.CheckboxSelectMultiple for name in PLACES},
            "definition": forms.Textarea(attrs={"rows": 4}),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "calculation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in RADIOS:
            field = self.fields[name]
            field.choices = [choice for choice in field.choices if choice[0] != ""]
        for name in ("definition", "purpose", "calculation"):
            self.fields[name].max_length = MAX_TEXT_LENGTH
            self.fields[name].validators.append(MaxLengthValidator(MAX_TEXT_LENGTH))
        self.fields["sets"].queryset = IndicatorSet.objects.order_by("order", "name")
        self.fields["committees"].queryset = Committee.objects.order_by("order", "name")
        self.fields["outcomes"].queryset = Outcome.objects.select_related("ambition").order_by(
            "ambition__order", "order", "title"
        )
        name_the_fields(self)

    def clean(self):
        cleaned = super().clean()
        precision = cleaned.get("precision")
        if precision is not None and precision > MAX_PRECISION:
            self.add_error("precision", PRECISION_RANGE)
        for name in ("tolerance_percent", "tolerance_absolute"):
            if cleaned.get(name) is not None and cleaned[name] < 0:
                self.add_error(name, NOT_NEGATIVE.format(label=self.fields[name].label))
        lowest, highest = cleaned.get("minimum_value"), cleaned.get("maximum_value")
        if lowest is not None and highest is not None and highest <= lowest:
            self.add_error("maximum_value", MAXIMUM_BELOW_MINIMUM)
        return cleaned

    def _post_clean(self):
        # The model's own checks would repeat ours in Django's words; uniqueness of the code is
        # checked in NewIndicatorForm.clean_code.
        pass


class NewIndicatorForm(DefinitionForm):
    reason = _reason_field(
        "Why is it being added?",
        "For example the decision that agreed it. Kept in the audit log",
    )

    class Meta(DefinitionForm.Meta):
        fields = (
            "code",
            *DEFINITION_FIELDS,
            "owner",
            "responsible_officer",
            *PLACES,
            "lifecycle",
            "first_period",
            "effective_from",
        )
        labels = {
            **DefinitionForm.Meta.labels,
            "code": "Code",
            "owner": "Service that owns it",
            "responsible_officer": "Responsible officer",
            "lifecycle": "Status",
            "first_period": "First period reported",
            "effective_from": "Definition takes effect from",
        }
        help_texts = {
            **DefinitionForm.Meta.help_texts,
            "code": "Letters, numbers and hyphens, like WST-01. It never changes",
            "first_period": "A period of the indicator's own frequency. Blank: the period "
            "the definition takes effect in",
            "effective_from": "For example, 1/4/2027",
        }
        widgets = {**DefinitionForm.Meta.widgets, "lifecycle": forms.RadioSelect}
        field_classes = {
            "owner": ServiceChoiceField,
            "responsible_officer": PersonChoiceField,
            "first_period": PeriodChoiceField,
        }

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owning_units()
        self.fields["owner"].empty_label = "Choose a service"
        self.fields["responsible_officer"].queryset = active_people()
        self.fields["responsible_officer"].empty_label = "Nobody yet"
        self.fields["lifecycle"].choices = [
            choice for choice in Lifecycle.choices if choice[0] != Lifecycle.RETIRED
        ]
        self.fields["first_period"].queryset = periods_around(
            today, [Frequency(f).period_kind for f in Frequency]
        )
        self.fields["first_period"].empty_label = "The period the definition takes effect in"
        effective = self.fields["effective_from"]
        effective.input_formats = DATE_INPUT_FORMATS
        effective.widget = forms.DateInput(format="%Y-%m-%d")
        self.fields["code"].error_messages["invalid"] = CODE_FORM
        self.fields["reason"].error_messages["required"] = REASON_FOR_ADDING

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if code.lower() == "new":
            raise forms.ValidationError(CODE_RESERVED)
        if Indicator.objects.filter(code__iexact=code).exists():
            raise forms.ValidationError(CODE_TAKEN.format(code=code))
        return code

    def clean(self):
        cleaned = super().clean()
        first, frequency = cleaned.get("first_period"), cleaned.get("frequency")
        if first is not None and frequency:
            wrong_kind = period_kind_error(Indicator(frequency=frequency), first)
            if wrong_kind:
                self.add_error("first_period", f"First period reported: {wrong_kind.lower()}")
        return cleaned

    def new_indicator(self) -> Indicator:
        """The unsaved indicator the form describes (its places are in cleaned_data)."""
        return Indicator(
            **{
                name: self.cleaned_data[name]
                for name in self.Meta.fields
                if name not in PLACES and name in self.cleaned_data
            }
        )


class ChangeDefinitionForm(DefinitionForm):
    """A new version of the definition and places: what changed, from when and why."""

    takes_effect_on = _date_field(
        "The changed definition takes effect from",
        "Figures for periods from this date are judged by the new definition; earlier ones "
        "keep the old. For example, 1/4/2027",
    )
    reason = _reason_field(
        "Why is the definition changing?",
        "Kept with the new version and in the audit log",
    )

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, instance=indicator, **kwargs)
        self.current_from = indicator.effective_from
        self.fields["reason"].error_messages["required"] = REASON_REQUIRED

    @property
    def changes(self) -> dict:
        """What changed, as `revise_definition` takes it."""
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in self.Meta.fields and name in self.cleaned_data
        }

    def clean(self):
        cleaned = super().clean()
        if not any(name in self.Meta.fields for name in self.changed_data):
            raise forms.ValidationError(NOTHING_CHANGED)
        effective = cleaned.get("takes_effect_on")
        if effective and effective < self.current_from:
            self.add_error(
                "takes_effect_on", EFFECTIVE_FROM_BEFORE_CURRENT.format(current=self.current_from)
            )
        return cleaned


class DetailsForm(forms.Form):
    """The status on the way to approval and the responsible officer: no new version."""

    lifecycle = forms.ChoiceField(
        label="Status",
        choices=[choice for choice in Lifecycle.choices if choice[0] != Lifecycle.RETIRED],
        widget=forms.RadioSelect,
        help_text="To retire the indicator, use its retire page",
    )
    responsible_officer = PersonChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Responsible officer",
        empty_label="Nobody yet",
    )
    reason = _reason_field("Why is this changing?", "Kept in the audit log")

    def __init__(self, *args, indicator: Indicator, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "lifecycle": indicator.lifecycle,
                "responsible_officer": indicator.responsible_officer_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["responsible_officer"].queryset = active_people()
        name_the_fields(self)
        self.fields["lifecycle"].error_messages["required"] = REQUIRED["lifecycle"]
        self.fields["reason"].error_messages["required"] = DETAILS_REASON_REQUIRED

    def clean(self):
        cleaned = super().clean()
        if not self.changed_data or self.changed_data == ["reason"]:
            raise forms.ValidationError(NOTHING_CHANGED_IN_DETAILS)
        return cleaned


class MoveForm(forms.Form):
    owner = ServiceChoiceField(
        queryset=OrgUnit.objects.none(),
        label="Service that will own it",
        empty_label="Choose a service",
    )
    takes_effect_on = _date_field(
        "The move takes effect from",
        "Scorecards for periods from this date show the indicator under its new service; "
        "earlier ones keep it where it was. For example, 1/4/2027",
    )
    reason = _reason_field(
        "Why is it moving?", "For example the restructure that moved the work. Kept in its history"
    )

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["owner"].queryset = owning_units()
        name_the_fields(self)
        self.fields["owner"].error_messages["required"] = REQUIRED["owner"]
        self.fields["reason"].error_messages["required"] = REASON_FOR_MOVING

    def clean(self):
        cleaned = super().clean()
        owner = cleaned.get("owner")
        if owner is not None and owner.pk == self.indicator.owner_id:
            self.add_error("owner", SAME_SERVICE.format(service=owner.name))
        effective = cleaned.get("takes_effect_on")
        if effective and effective < self.indicator.effective_from:
            current = self.indicator.effective_from
            self.add_error("takes_effect_on", EFFECTIVE_FROM_BEFORE_CURRENT.format(current=current))
        return cleaned


class RetireForm(forms.Form):
    last_period = PeriodChoiceField(
        queryset=Period.objects.none(),
        label="Last period it is reported for",
        help_text="Its figures are collected and shown up to and including this period, "
        "never after",
        empty_label="Choose a period",
    )
    reason = _reason_field(
        "Why is it being retired?", "Kept with its last version and in the audit log"
    )

    def __init__(self, *args, indicator: Indicator, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        kind = Frequency(indicator.frequency).period_kind
        self.fields["last_period"].queryset = periods_around(today, [kind]).order_by("-starts_on")
        name_the_fields(self)
        self.fields["last_period"].error_messages["required"] = LAST_PERIOD_REQUIRED
        self.fields["reason"].error_messages["required"] = RETIRE_REASON_REQUIRED

    def clean(self):
        cleaned = super().clean()
        last, reason = cleaned.get("last_period"), cleaned.get("reason")
        if last is not None and reason:
            refusal = retirement_refusal(indicator=self.indicator, last_period=last, reason=reason)
            if refusal:
                self.add_error("last_period", refusal)
        return cleaned


ALL = ""


class IndicatorFilterForm(forms.Form):
    """The list's filters: each optional, read from the query string."""

    directorate = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label="All directorates",
        to_field_name="code",
    )
    service = ServiceChoiceField(
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label="All services",
        to_field_name="code",
    )
    set = forms.ModelChoiceField(
        queryset=IndicatorSet.objects.none(),
        required=False,
        empty_label="All sets",
        to_field_name="code",
    )
    lifecycle = forms.ChoiceField(
        choices=[(ALL, "Any status"), *Lifecycle.choices], required=False, label="Status"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directorate"].queryset = OrgUnit.objects.filter(
            kind=OrgUnitKind.DIRECTORATE
        ).order_by("order", "name")
        self.fields["service"].queryset = (
            OrgUnit.objects.filter(~Q(kind=OrgUnitKind.DIRECTORATE))
            .select_related("parent")
            .order_by("parent__name", "name")
        )
        self.fields["set"].queryset = IndicatorSet.objects.order_by("order", "name")
        name_the_fields(self)
