"""Forms of the targets pages: filtering the year, setting many indicators' targets at once,
returning proposals with a reason, and uploading the workbook."""

from __future__ import annotations

from django import forms

from indicators.entries import MAX_TEXT_LENGTH, NumberError, parse_number
from indicators.models import Indicator, Period
from organisation.models import OrgUnit, OrgUnitKind
from status.rag import Polarity
from targets.profiles import PROFILE_LABELS, Profile

CHOOSE_FILE = "Choose the targets workbook to upload"
RETURN_REASON_REQUIRED = "Reason: say what should change, so the performance team can revise"
NUMBER_EXAMPLE = "92.5"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: OrgUnit) -> str:
        return unit.name


class FilterForm(forms.Form):
    directorate = UnitChoiceField(
        queryset=OrgUnit.objects.none(), required=False, empty_label="All directorates"
    )
    service = UnitChoiceField(
        queryset=OrgUnit.objects.none(), required=False, empty_label="All services"
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        ids = [u.pk for u in units]
        self.fields["directorate"].queryset = OrgUnit.objects.filter(
            pk__in=ids, kind=OrgUnitKind.DIRECTORATE
        ).order_by("name")
        self.fields["service"].queryset = (
            OrgUnit.objects.filter(pk__in=ids)
            .exclude(kind=OrgUnitKind.DIRECTORATE)
            .order_by("name")
        )


def _number(value: str, label: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parse_number(value, example=NUMBER_EXAMPLE)
    except NumberError as error:
        raise forms.ValidationError(f"{label}: {error.message}") from None


class SetTargetsForm(forms.Form):
    """The same profile, tolerance and rationale for the chosen indicators, each with its own
    annual target (or range, or typed period targets)."""

    profile = forms.ChoiceField(
        label="In-year profile",
        choices=[(p.value, PROFILE_LABELS[p]) for p in Profile],
        initial=Profile.EVEN.value,
        widget=forms.RadioSelect,
        help_text="Even: a count is shared out equally, a year to date rises evenly, a level "
        "(a percentage, an average) is the annual target in every period. Seasonal: as past "
        "years' figures were shared out. Typed per period: enter each period's target below.",
    )
    tolerance_percent = forms.CharField(
        label="Tolerance (% of the target)",
        required=False,
        help_text="The amber band. Empty: the indicator's own tolerance",
    )
    tolerance_absolute = forms.CharField(
        label="Tolerance (an amount)", required=False, help_text="Overrides the percentage"
    )
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        widget=forms.Textarea,
        max_length=MAX_TEXT_LENGTH,
        help_text="Why these targets: kept with each chosen indicator's targets",
    )

    def __init__(self, *args, indicators: list[Indicator], started: bool, year: Period, **kw):
        super().__init__(*args, **kw)
        self.indicators = indicators
        if started:
            self.fields["reason"] = forms.CharField(
                label="Reason for changing the targets",
                widget=forms.Textarea,
                max_length=MAX_TEXT_LENGTH,
                help_text=f"{year.label} has started: a change is recorded with its reason",
                required=False,
            )
        for indicator in indicators:
            code = indicator.code
            # The version of its targets the page showed: a save over someone else's is refused.
            self.fields[f"version-{indicator.pk}"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput
            )
            if indicator.polarity == Polarity.in_range:
                self.fields[f"lower-{indicator.pk}"] = forms.CharField(
                    label=f"{code} lower end", required=False
                )
                self.fields[f"upper-{indicator.pk}"] = forms.CharField(
                    label=f"{code} upper end", required=False
                )
            else:
                self.fields[f"annual-{indicator.pk}"] = forms.CharField(
                    label=f"{code} annual target", required=False
                )
                if indicator.frequency != "annual":
                    self.fields[f"typed-{indicator.pk}"] = forms.CharField(
                        label=f"{code} period targets",
                        required=False,
                        help_text="Typed per period only: each period's target in order, "
                        "separated by semicolons (10; 12; 14; 16)",
                    )

    def clean_tolerance_percent(self):
        return _number(self.cleaned_data["tolerance_percent"], "Tolerance (%)")

    def clean_tolerance_absolute(self):
        return _number(self.cleaned_data["tolerance_absolute"], "Tolerance (an amount)")

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if name.split("-")[0] in ("annual", "lower", "upper") and name in cleaned:
                try:
                    cleaned[name] = _number(cleaned[name], field.label)
                except forms.ValidationError as error:
                    self.add_error(name, error)
            elif name.startswith("typed-") and name in cleaned:
                parts = [p for p in (cleaned[name] or "").split(";") if p.strip()]
                try:
                    cleaned[name] = tuple(_number(p, field.label) for p in parts)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def rows(self):
        """Each indicator with its bound fields, for the table."""
        for indicator in self.indicators:
            yield {
                "indicator": indicator,
                "fields": [
                    self[name]
                    for name in (
                        f"annual-{indicator.pk}",
                        f"lower-{indicator.pk}",
                        f"upper-{indicator.pk}",
                        f"typed-{indicator.pk}",
                    )
                    if name in self.fields
                ],
            }


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="What should change",
        widget=forms.Textarea,
        max_length=MAX_TEXT_LENGTH,
        error_messages={"required": RETURN_REASON_REQUIRED},
        help_text="The performance team sees this with the returned targets",
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Targets workbook", error_messages={"required": CHOOSE_FILE, "empty": CHOOSE_FILE}
    )

    def __init__(self, *args, started: bool, year: Period, **kw):
        super().__init__(*args, **kw)
        if started:
            self.fields["reason"] = forms.CharField(
                label="Reason for changing the targets",
                widget=forms.Textarea,
                max_length=MAX_TEXT_LENGTH,
                required=False,
                help_text=f"{year.label} has started: a change is recorded with its reason",
            )
