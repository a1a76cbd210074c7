"""Forms of the improvement pages. Forms check what a field alone can tell; the rules are the
domain modules' (`improvement.actions`, `improvement.workflow`), whose problems the views put
against the field they name."""

from __future__ import annotations

from django import forms

from improvement.models import Source
from indicators.models import Indicator
from organisation.models import OrgUnit, User
from status.improvement import ActionState
from strategy.models import Outcome

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]
ANY = [("", "Any")]


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d"),
        error_messages={
            "required": f"{label}: enter a date",
            "invalid": f"{label}: enter a real date, like 20/10/2026",
        },
    )


def _text(label: str, *, required=True, help_text="", message="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": message or f"Enter the {label.lower()}"},
    )


class FilterForm(forms.Form):
    source = forms.ChoiceField(label="Source", required=False, choices=ANY + Source.choices)
    unit = forms.ModelChoiceField(
        label="Directorate or service", required=False, queryset=OrgUnit.objects.none()
    )
    state = forms.ChoiceField(label="State", required=False, choices=ANY + ActionState.choices())
    overdue = forms.ChoiceField(
        label="Overdue",
        required=False,
        choices=[*ANY, ("yes", "Overdue only"), ("no", "Not overdue")],
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = "Any"


class UpdateForm(forms.Form):
    """An action's update for a period; `revising` asks for the reason a signed-off one changes."""

    reported_state = forms.ChoiceField(
        label="State of the action",
        choices=ActionState.choices(),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the action's state"},
    )
    progress = _text(
        "Progress",
        required=False,
        help_text="What has been done, and what is next",
    )
    evidence = _text("Evidence", required=False, help_text="What shows the progress")
    reason = _text("Why are you changing this signed-off update?", required=False)
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, revising: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if revising:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = "Give a reason"
        else:
            del self.fields["reason"]


class ReturnForm(forms.Form):
    reason = _text(
        "Why are you returning this update?",
        help_text="The owner reads this when they correct it",
        message="Give a reason",
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DueDateForm(forms.Form):
    new_date = _date("New due date")
    reason = _text("Reason for the new date", message="Give a reason for the new due date")


class AgreeActionForm(forms.Form):
    reference = forms.CharField(
        label="Reference",
        max_length=60,
        help_text='For example "CL 2026/03"',
        error_messages={"required": "Give the action a reference"},
    )
    description = _text("Action", message="Describe the action")
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=User.objects.none(),
        error_messages={"required": "Choose the action's owner"},
    )
    due_on = _date("Due date")

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username


class FindingForm(forms.Form):
    kind = forms.ChoiceField(
        label="Source",
        choices=[(value, label) for value, label in Source.choices if value != Source.CLINIC],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the finding comes from"},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Give the finding a title"}
    )
    found_on = _date("Date of the report")
    reference = forms.CharField(
        label="Report reference",
        max_length=60,
        required=False,
        help_text='For example "IA 2026/14"',
    )
    body = forms.CharField(
        label="Reported by",
        max_length=120,
        required=False,
        help_text='For example "Internal audit", "Ofsted" or "LGA"',
    )
    unit = forms.ModelChoiceField(
        label="Directorate or service",
        queryset=OrgUnit.objects.none(),
        error_messages={"required": "Choose the directorate or service the finding is for"},
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class FindingActionForm(AgreeActionForm):
    """An action agreed from a report's finding: for which unit, and what it improves."""

    unit = forms.ModelChoiceField(
        label="Directorate or service",
        queryset=OrgUnit.objects.none(),
        error_messages={"required": "Choose the directorate or service that will act"},
    )
    indicators = forms.ModelMultipleChoiceField(
        label="Indicators it improves", required=False, queryset=Indicator.objects.none()
    )
    outcomes = forms.ModelMultipleChoiceField(
        label="Outcomes it improves", required=False, queryset=Outcome.objects.none()
    )

    def __init__(self, *args, units, indicators, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["indicators"].queryset = indicators
        self.fields["indicators"].label_from_instance = lambda i: f"{i.code} {i.title}"
        self.fields["outcomes"].queryset = outcomes
