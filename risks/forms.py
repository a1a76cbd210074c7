"""Forms of the risk pages: the register's filters, a review's scores, sign-off or return."""

from __future__ import annotations

from django import forms

from indicators.models import Indicator, Period
from organisation.models import OrgUnit, User
from risks.bands import BandScheme
from risks.models import Effectiveness, Risk, RiskLevel
from risks.register import REASON_REQUIRED
from risks.workflow import SCORE_FIELDS
from status.risks import SCORE_RANGE
from strategy.models import Outcome

RATINGS = [(n, str(n)) for n in SCORE_RANGE]
RETURN_REASON_REQUIRED = "Reason: say what should change, so the risk owner can correct it"
REVISE_REASON_REQUIRED = "Reason for the revision: say why a signed-off review is changing"
NO_SUCH_PERIOD = "Period: choose a period from the list"
CLOSE_REASON_REQUIRED = "Why is the risk closing: say why it no longer needs managing"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: OrgUnit) -> str:
        return unit.name


class FilterForm(forms.Form):
    """The register's filters; a cell (likelihood and impact) comes from the heat map."""

    level = forms.ChoiceField(required=False, choices=[("", "All levels"), *RiskLevel.choices])
    unit = UnitChoiceField(
        queryset=OrgUnit.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="All directorates and services",
        label="Directorate or service",
    )
    band = forms.ChoiceField(required=False, label="Current band")
    period = forms.CharField(required=False, widget=forms.HiddenInput)
    likelihood = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=RATINGS, widget=forms.HiddenInput
    )
    impact = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=RATINGS, widget=forms.HiddenInput
    )
    scores = forms.ChoiceField(
        required=False,
        choices=[("", "Current"), ("inherent", "Inherent")],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, bands: BandScheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["band"].choices = [("", "All bands")] + [
            (b.band.value, b.name) for b in bands.bands
        ]

    def clean_period(self) -> Period | None:
        code = self.cleaned_data["period"]
        if not code:
            return None
        period = Period.objects.filter(code=code).first()
        if period is None:
            raise forms.ValidationError(NO_SUCH_PERIOD)
        return period


class ReviewForm(forms.Form):
    """A review's date, its six ratings and a note."""

    reviewed_on = forms.DateField(
        label="Date of the review",
        help_text="For example, 30/09/2026",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y"),
    )
    inherent_likelihood = forms.TypedChoiceField(
        coerce=int, choices=RATINGS, widget=forms.RadioSelect
    )
    inherent_impact = forms.TypedChoiceField(coerce=int, choices=RATINGS, widget=forms.RadioSelect)
    current_likelihood = forms.TypedChoiceField(
        coerce=int, choices=RATINGS, widget=forms.RadioSelect
    )
    current_impact = forms.TypedChoiceField(coerce=int, choices=RATINGS, widget=forms.RadioSelect)
    target_likelihood = forms.TypedChoiceField(
        coerce=int, choices=RATINGS, widget=forms.RadioSelect
    )
    target_impact = forms.TypedChoiceField(coerce=int, choices=RATINGS, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note", required=False, widget=forms.Textarea, help_text="What has changed, and why"
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in SCORE_FIELDS.items():
            self.fields[name].label = f"{label} (1 to 5)"

    def entries(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("reviewed_on", *SCORE_FIELDS, "note")}

    def add_problems(self, problems: dict[str, str]) -> None:
        for name, message in problems.items():
            self.add_error(name if name in self.fields else None, message)


class ReviseForm(ReviewForm):
    reason = forms.CharField(
        label="Reason for the revision",
        widget=forms.Textarea,
        error_messages={"required": REVISE_REASON_REQUIRED},
    )


class DecideForm(forms.Form):
    """Sign off a submitted review, or return it with a reason."""

    reason = forms.CharField(
        label="Reason for returning it",
        required=False,
        widget=forms.Textarea,
        help_text="Needed only to return the review for correction",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person: User) -> str:
        return f"{person.get_full_name() or person.username}" + (
            f", {person.job_title}" if person.job_title else ""
        )


class RiskForm(forms.ModelForm):
    """A risk's details and links; a change of an existing risk needs a reason."""

    owner = PersonChoiceField(
        queryset=User.objects.filter(is_active=True), empty_label="Choose the risk's owner"
    )
    unit = UnitChoiceField(
        queryset=OrgUnit.objects.none(),
        label="Held by",
        empty_label="Choose a directorate or service",
    )
    level = forms.ChoiceField(choices=RiskLevel.choices, widget=forms.RadioSelect)
    target_likelihood = forms.TypedChoiceField(
        coerce=int, choices=RATINGS, widget=forms.RadioSelect, label="Target likelihood (1 to 5)"
    )
    target_impact = forms.TypedChoiceField(
        coerce=int, choices=RATINGS, widget=forms.RadioSelect, label="Target impact (1 to 5)"
    )
    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        widget=forms.Textarea,
        help_text="Recorded in the risk's history",
    )

    class Meta:
        model = Risk
        fields = [
            "reference",
            "title",
            "level",
            "unit",
            "owner",
            "cause",
            "event",
            "effect",
            "outcomes",
            "indicators",
            "review_interval_months",
            "target_likelihood",
            "target_impact",
        ]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["outcomes"].required = False
        self.fields["indicators"].required = False
        self.fields["indicators"].queryset = Indicator.objects.order_by("code")
        self.fields["outcomes"].queryset = Outcome.objects.order_by("code")
        if self.instance.pk is not None:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = REASON_REQUIRED

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def validate_unique(self) -> None:
        """The register checks the reference and says which risk has it."""


class CloseForm(forms.Form):
    reason = forms.CharField(
        label="Why is the risk closing?",
        widget=forms.Textarea,
        error_messages={"required": CLOSE_REASON_REQUIRED},
    )


class ControlForm(forms.Form):
    description = forms.CharField(label="Control", widget=forms.Textarea)
    owner = PersonChoiceField(
        queryset=User.objects.filter(is_active=True), required=False, empty_label="Nobody named"
    )
    effectiveness = forms.ChoiceField(choices=Effectiveness.choices, widget=forms.RadioSelect)


class FurtherActionForm(forms.Form):
    description = forms.CharField(label="Further action", widget=forms.Textarea)
    owner = PersonChoiceField(
        queryset=User.objects.filter(is_active=True), empty_label="Choose who will do it"
    )
    due_on = forms.DateField(
        label="Due by",
        help_text="For example, 31/03/2027",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y"),
    )
