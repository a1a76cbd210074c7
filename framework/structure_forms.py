"""Forms of the framework's structure pages: plans, ambitions, outcomes, committees, their
indicators and meetings, and reminder rules.

Forms check what a field alone can tell (a date, a required title); the rules that need the
database (a taken code, what depends on a thing, a step that exists) are the domain modules'
(`framework.structure`, `committees`, `reminder_rules`), whose problems the views put against
the field they name. Every message names its field.
"""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as format_date

from framework.committees import REMIT_REASON_REQUIRED
from indicators.models import Indicator, Lifecycle
from organisation.models import OrgUnit, OrgUnitKind
from returns.models import Audience, Deadline, ReminderRule
from strategy.models import (
    Ambition,
    Committee,
    CommitteeKind,
    OperatingPrinciple,
    Plan,
    PlanKind,
)

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]
MAX_TEXT = 10_000
MAX_REASON = 2_000


def _required(label: str, fix: str) -> dict:
    return {"required": f"{label}: {fix}"}


def _text(
    label: str,
    *,
    fix: str = "",
    required: bool = True,
    long: bool = False,
    max_length=200,
    help_text: str = "",
) -> forms.CharField:
    limit = MAX_TEXT if long else max_length
    errors = {"max_length": f"{label}: use {limit:,} characters or fewer"}
    if required:
        errors.update(_required(label, fix or f"enter the {label.lower()}"))
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        error_messages=errors,
        widget=forms.Textarea(attrs={"rows": 4}) if long else forms.TextInput,
    )


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(format="%Y-%m-%d"),
        error_messages={
            "required": f"{label}: enter a date",
            "invalid": f"{label}: enter a real date, like 20/10/2026",
        },
    )


def _code(what: str) -> forms.SlugField:
    return forms.SlugField(
        label="Code",
        max_length=40,
        help_text=f"Used in the addresses of the {what}'s pages, like “cleaner-streets”. "
        "It cannot be changed later",
        error_messages={
            "required": "Code: enter a short code of letters, numbers and hyphens",
            "invalid": "Code: use only letters, numbers, hyphens and underscores",
            "max_length": "Code: use 40 characters or fewer",
        },
    )


def _choice(label: str, queryset, *, required: bool = True, empty: str = "", help_text=""):
    field = forms.ModelChoiceField(
        queryset=queryset,
        label=label,
        required=required,
        help_text=help_text,
        empty_label=empty or None,
        error_messages={
            "required": f"{label}: choose one",
            "invalid_choice": f"{label}: choose one from the list",
        },
    )
    return field


def _many(label: str, queryset, help_text: str = "") -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=queryset,
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": f"{label}: choose from the list",
            "invalid_pk_value": f"{label}: choose from the list",
        },
    )


class ReasonForm(forms.Form):
    """The reason for a change, kept in the audit log; the domain function says when it is
    needed (changing or removing something, never to add it)."""

    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=MAX_REASON,
        help_text="Kept in the history with the change",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Reason: use {MAX_REASON:,} characters or fewer"},
    )

    def __init__(self, *args, reason_label: str = "", reason_required: str = "", **kwargs):
        """`reason_required`: the message when a needed reason is missing (blank: optional)."""
        super().__init__(*args, **kwargs)
        if reason_label:
            self.fields["reason"].label = reason_label
        if reason_required:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = reason_required
        self.order_fields([name for name in self.fields if name != "reason"] + ["reason"])

    def values(self) -> dict:
        """The cleaned fields the domain function sets (everything but the reason)."""
        return {name: v for name, v in self.cleaned_data.items() if name != "reason"}


# --- Plans, ambitions, outcomes --------------------------------------------------------------


class PlanForm(ReasonForm):
    title = _text("Title", fix="enter the plan's title, like “Corporate Plan 2025 to 2028”")
    kind = forms.ChoiceField(
        label="Kind of plan",
        choices=PlanKind.choices,
        widget=forms.RadioSelect,
        error_messages=_required("Kind of plan", "choose what kind of plan it is"),
    )
    parent = _choice(
        "Delivers",
        Plan.objects.none(),
        required=False,
        empty="None: it is the top plan",
        help_text="The plan this one delivers, like a corporate plan under the strategic plan",
    )
    starts_on = _date("Start date")
    ends_on = _date("End date")
    summary = _text("Summary", required=False, long=True)
    is_current = forms.BooleanField(
        label="This plan is current",
        required=False,
        help_text="Untick to retire it: it stays in the history, marked not current",
    )

    def __init__(self, *args, plan: Plan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        others = Plan.objects.order_by("-starts_on", "title")
        self.fields["parent"].queryset = others.exclude(pk=plan.pk) if plan else others
        if plan is None:
            self.fields["is_current"].initial = True


class AmbitionForm(ReasonForm):
    plan = _choice("Plan", Plan.objects.none())
    code = _code("ambition")
    title = _text("Title", fix="enter the ambition's title")
    description = _text("Description", required=False, long=True)
    principles = _many("Operating principles", OperatingPrinciple.objects.none())

    def __init__(self, *args, adding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.order_by("-is_current", "-starts_on", "title")
        self.fields["principles"].queryset = OperatingPrinciple.objects.order_by("name")
        if not adding:
            del self.fields["code"]
        if not self.fields["principles"].queryset.exists():
            del self.fields["principles"]


class OutcomeForm(ReasonForm):
    ambition = _choice("Ambition", Ambition.objects.none())
    code = _code("outcome")
    title = _text("Title", fix="enter the outcome's title")
    description = _text("Description", required=False, long=True)
    lead_unit = _choice(
        "Led by",
        OrgUnit.objects.none(),
        required=False,
        empty="No lead named",
        help_text="The directorate or partnership leading this outcome",
    )
    principles = _many("Operating principles", OperatingPrinciple.objects.none())

    def __init__(self, *args, adding: bool, lead=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ambition"].queryset = Ambition.objects.select_related("plan").order_by(
            "-plan__is_current", "-plan__starts_on", "order", "title"
        )
        self.fields["ambition"].label_from_instance = lambda a: f"{a.title} ({a.plan.title})"
        leads = Q(kind__in=[OrgUnitKind.DIRECTORATE, OrgUnitKind.PARTNERSHIP], is_active=True)
        if lead is not None:
            leads |= Q(pk=lead.pk)
        self.fields["lead_unit"].queryset = OrgUnit.objects.filter(leads).order_by("name")
        self.fields["principles"].queryset = OperatingPrinciple.objects.order_by("name")
        if not adding:
            del self.fields["code"]
        if not self.fields["principles"].queryset.exists():
            del self.fields["principles"]


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


# --- Committees ------------------------------------------------------------------------------


class CommitteeForm(ReasonForm):
    name = _text("Name", fix="enter the committee's name, like “Place Scrutiny Committee”")
    code = _code("committee")
    kind = forms.ChoiceField(
        label="Kind of committee",
        choices=[("", "Choose a kind"), *CommitteeKind.choices],
        error_messages={
            "required": "Kind of committee: choose what kind of committee it is",
            "invalid_choice": "Kind of committee: choose one from the list",
        },
    )
    remit = _text(
        "Remit",
        required=False,
        long=True,
        help_text="Its terms of reference, in brief: what it scrutinises",
    )
    remit_ambitions = _many("Ambitions in its remit", Ambition.objects.none())
    remit_units = _many("Directorates and partnerships in its remit", OrgUnit.objects.none())
    receives_full_scorecard = forms.BooleanField(
        label="Receives the whole organisation-wide scorecard each quarter", required=False
    )

    def __init__(self, *args, committee: Committee | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remit_ambitions"].queryset = (
            Ambition.objects.filter(Q(plan__is_current=True) | Q(committees=committee))
            .distinct()
            .order_by("order", "title")
        )
        units = Q(kind__in=[OrgUnitKind.DIRECTORATE, OrgUnitKind.PARTNERSHIP], is_active=True)
        if committee is not None:
            units |= Q(committees=committee)
            del self.fields["code"]
        self.fields["remit_units"].queryset = (
            OrgUnit.objects.filter(units).distinct().order_by("order", "name")
        )


class IndicatorChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, indicator: Indicator) -> str:
        return f"{indicator.code} {indicator.title}"


class CommitteeIndicatorsForm(ReasonForm):
    indicators = IndicatorChoice(
        queryset=Indicator.objects.none(),
        required=False,
        label="Indicators reporting to the committee",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Indicators: choose from the list"},
    )
    effective_from = _date(
        "Takes effect from",
        "Each indicator joining or leaving gets a new version from this date: scorecards and "
        "reports of earlier periods keep the committee's indicators of their time",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, reason_required=REMIT_REASON_REQUIRED, **kwargs)
        self.fields["indicators"].queryset = Indicator.objects.exclude(
            lifecycle=Lifecycle.RETIRED
        ).order_by("code")
        self.fields["effective_from"].initial = timezone.localdate()


class MeetingForm(ReasonForm):
    starts_on = _date("Date")
    starts_time = forms.TimeField(
        label="Time",
        help_text="On the 24-hour clock, like 18:30",
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        widget=TimeInput(format="%H:%M"),
        error_messages={
            "required": "Time: enter the time the meeting starts, like 18:30",
            "invalid": "Time: enter a real time on the 24-hour clock, like 18:30",
        },
    )
    venue = _text("Venue", required=False, help_text="Where it meets, like “Council Chamber”")
    is_cancelled = forms.TypedChoiceField(
        label="Is the meeting going ahead?",
        choices=[("no", "Going ahead"), ("yes", "Cancelled")],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        initial="no",
        error_messages=_required("Is the meeting going ahead?", "choose going ahead or cancelled"),
    )

    def __init__(self, *args, adding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if adding:
            del self.fields["is_cancelled"]

    def starts_at(self) -> datetime.datetime:
        day, time = self.cleaned_data["starts_on"], self.cleaned_data["starts_time"]
        return timezone.make_aware(datetime.datetime.combine(day, time))

    def values(self) -> dict:
        return {
            "starts_at": self.starts_at(),
            "venue": self.cleaned_data["venue"],
            **(
                {"is_cancelled": self.cleaned_data["is_cancelled"]}
                if "is_cancelled" in self.fields
                else {}
            ),
        }

    @staticmethod
    def initial_for(meeting) -> dict:
        local = timezone.localtime(meeting.starts_at)
        return {
            "starts_on": local.date(),
            "starts_time": local.time().replace(second=0, microsecond=0),
            "venue": meeting.venue,
            "is_cancelled": "yes" if meeting.is_cancelled else "no",
        }


def meeting_label(meeting) -> str:
    when = timezone.localtime(meeting.starts_at)
    return f"{format_date(when, 'j F Y')}, {format_date(when, 'H:i')}"


# --- Reminder rules --------------------------------------------------------------------------

BEFORE, ON_THE_DAY, AFTER = "before", "on", "after"


class ReminderRuleForm(ReasonForm):
    audience = forms.ChoiceField(
        label="Who is reminded",
        choices=Audience.choices,
        widget=forms.RadioSelect,
        error_messages=_required("Who is reminded", "choose who the reminder goes to"),
    )
    deadline = forms.ChoiceField(
        label="Which deadline",
        choices=Deadline.choices,
        widget=forms.RadioSelect,
        error_messages=_required("Which deadline", "choose the deadline the step counts from"),
    )
    timing = forms.ChoiceField(
        label="When, compared with the deadline",
        choices=[(BEFORE, "Before the deadline"), (ON_THE_DAY, "On the day"), (AFTER, "After")],
        widget=forms.RadioSelect,
        error_messages=_required(
            "When, compared with the deadline", "choose before, on the day or after"
        ),
    )
    days = forms.IntegerField(
        label="Days",
        required=False,
        min_value=0,
        help_text="How many days before or after the deadline (not needed for on the day)",
        error_messages={
            "invalid": "Days: enter a whole number of days, like 5",
            "min_value": "Days: enter a number of days from 0",
        },
    )
    repeat_every_days = forms.IntegerField(
        label="Repeat every (days)",
        required=False,
        help_text="Reminds again every this many days until the returns are in. "
        "Leave blank to send once",
        error_messages={"invalid": "Repeat every: enter a whole number of days, like 7"},
    )
    is_active = forms.BooleanField(
        label="This step is switched on",
        required=False,
        help_text="A step switched off sends nothing but is kept with the reminders it sent",
    )

    def __init__(self, *args, adding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if adding:
            self.fields["is_active"].initial = True

    def clean(self):
        cleaned = super().clean()
        timing, days = cleaned.get("timing"), cleaned.get("days")
        if timing in (BEFORE, AFTER) and not days:
            self.add_error("days", f"Days: enter how many days {timing} the deadline, from 1")
        return cleaned

    def values(self) -> dict:
        days = self.cleaned_data.get("days") or 0
        timing = self.cleaned_data["timing"]
        return {
            "deadline": self.cleaned_data["deadline"],
            "days_after": 0 if timing == ON_THE_DAY else (-days if timing == BEFORE else days),
            "audience": self.cleaned_data["audience"],
            "repeat_every_days": self.cleaned_data.get("repeat_every_days"),
            "is_active": self.cleaned_data["is_active"],
        }

    @staticmethod
    def initial_for(rule: ReminderRule) -> dict:
        timing = BEFORE if rule.days_after < 0 else (ON_THE_DAY if rule.days_after == 0 else AFTER)
        return {
            "audience": rule.audience,
            "deadline": rule.deadline,
            "timing": timing,
            "days": abs(rule.days_after) or None,
            "repeat_every_days": rule.repeat_every_days,
            "is_active": rule.is_active,
        }


def put_problems(form: forms.Form, refused, renames: dict | None = None) -> None:
    """Put a domain function's refusal (`StructureError.problems`) against the fields named."""
    for field, message in refused.problems:
        field = (renames or {}).get(field, field)
        form.add_error(field if field in form.fields else None, message)
