"""Forms of the service plan page: its summary, objectives, actions, links, the director's
decision and an action's progress."""

from __future__ import annotations

from django import forms

from delivery.service_plans import NOTE_REQUIRED, PERCENT_RANGE
from organisation.models import User
from strategy.models import Outcome

SIGN_OFF = "sign_off"
RETURN = "return"
DECISION_REQUIRED = "Choose whether to sign off the service plan or return it"
RETURN_REASON_REQUIRED = "Reason: say what should change, so the service can correct its plan"
REVISE_REASON_REQUIRED = "Reason: say why a signed-off service plan is changing"
TITLE_REQUIRED = "Enter a title"
DATE_REQUIRED = "Enter a date"


class VersionedForm(forms.Form):
    """Every change carries the plan's version the page was opened at."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def share_choices(self, shared: dict, *names: str) -> None:
        """Render these fields' choices from `shared`, read once for every form on the page
        (a page has a form for each objective and action); checking a posted form still
        asks the database."""
        for name in names:
            if name not in shared:
                shared[name] = list(self.fields[name].choices)
            self.fields[name].widget.choices = shared[name]


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        # A date input reads and writes ISO dates, whatever the locale's format.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"required": DATE_REQUIRED},
    )


class SummaryForm(VersionedForm):
    summary = forms.CharField(
        label="Purpose and summary",
        help_text="What the service is for and what this plan sets out to do",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    reason = forms.CharField(
        label="Reason for changing the signed-off plan",
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


class ObjectiveForm(VersionedForm):
    title = forms.CharField(max_length=200, error_messages={"required": TITLE_REQUIRED})
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    outcomes = forms.ModelMultipleChoiceField(
        queryset=Outcome.objects.select_related("ambition").order_by(
            "ambition__order", "order", "title"
        ),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The outcomes this objective serves",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcomes"].label_from_instance = lambda outcome: (
            f"{outcome.title} (ambition: {outcome.ambition.title})"
        )


class ActionForm(VersionedForm):
    objective = forms.ModelChoiceField(queryset=None, label="Objective")
    title = forms.CharField(max_length=200, error_messages={"required": TITLE_REQUIRED})
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("first_name", "last_name"),
        label="Owner",
    )
    starts_on = _date("Start date")
    due_on = _date("Due date")

    def __init__(self, *args, objectives=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = objectives
        self.fields["objective"].label_from_instance = lambda objective: objective.title
        self.fields["owner"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )


class LinksForm(VersionedForm):
    indicators = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )
    risks = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, indicators=None, risks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = indicators
        self.fields["indicators"].label_from_instance = lambda i: f"{i.code} {i.title}"
        self.fields["risks"].queryset = risks
        self.fields["risks"].label_from_instance = lambda r: f"{r.reference} {r.title}"


class DecisionForm(VersionedForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(SIGN_OFF, "Sign off the service plan"), (RETURN, "Return it for correction")],
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


class ProgressForm(forms.Form):
    percent_complete = forms.IntegerField(
        label="% complete",
        min_value=0,
        max_value=100,
        # Django formats the limit messages with their parameters, so "%" is doubled there.
        error_messages={
            "required": PERCENT_RANGE,
            "invalid": PERCENT_RANGE,
            "min_value": PERCENT_RANGE.replace("%", "%%"),
            "max_value": PERCENT_RANGE.replace("%", "%%"),
        },
    )
    deferred_reason = forms.CharField(
        label="Deferred: the decision and its reason",
        help_text="Only when the action has been deferred; clear it when it resumes",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    note = forms.CharField(
        label="Progress made",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": NOTE_REQUIRED},
    )
