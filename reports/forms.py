"""Forms for preparing a report."""

import re

from django import forms
from django.utils import timezone

from indicators.models import Indicator, Period
from reports.models import ReportKind
from status.periods import PeriodKind
from strategy.models import Meeting


class NewReportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of report is it?",
        choices=ReportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of report it is"},
    )
    meeting = forms.ModelChoiceField(
        label="Meeting",
        queryset=Meeting.objects.none(),
        required=False,
        help_text="For a committee report: the meeting that receives it. Nothing in the "
        "report is public before the meeting starts.",
    )
    period = forms.ModelChoiceField(
        label="Period",
        queryset=Period.objects.none(),
        help_text="A quarter for a committee or area report; a financial year for the annual "
        "report",
        error_messages={"required": "Select the period the report covers"},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text='Leave empty for "Quarterly performance report" or "Annual performance report"',
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        meetings = Meeting.objects.filter(
            is_cancelled=False, starts_at__date__gte=today.replace(year=today.year - 1)
        ).select_related("committee")
        self.fields["meeting"].queryset = meetings.order_by("starts_at", "committee__order")
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{m.committee.name}, {timezone.localtime(m.starts_at):%-d %B %Y}"
        )
        self.fields["period"].queryset = Period.objects.filter(
            kind__in=[PeriodKind.quarter, PeriodKind.financial_year], ends_on__lt=today
        ).order_by("-ends_on", "kind")
        self.fields["period"].label_from_instance = lambda p: p.label

    def clean(self):
        data = super().clean()
        kind, meeting, period = data.get("kind"), data.get("meeting"), data.get("period")
        if kind == ReportKind.COMMITTEE and meeting is None:
            self.add_error("meeting", "Select the meeting that receives the report")
        quarterly = kind in (ReportKind.COMMITTEE, ReportKind.AREA)
        if period is not None and quarterly and period.kind != PeriodKind.quarter:
            self.add_error("period", "Select a quarter for a committee or area report")
        yearly = kind == ReportKind.ANNUAL
        if period is not None and yearly and period.kind != PeriodKind.financial_year:
            self.add_error("period", "Select a financial year for the annual report")
        if kind == ReportKind.AREA and not data.get("title"):
            self.add_error("title", "Enter a title that names the area of interest")
        return data

    def default_title(self) -> str:
        if self.cleaned_data.get("title"):
            return self.cleaned_data["title"]
        if self.cleaned_data["kind"] == ReportKind.ANNUAL:
            return "Annual performance report"
        return "Quarterly performance report"


def _text(label, help_text="", rows=5):
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


TOKENS_HINT = (
    "To show a live figure, type a token such as [value:ASC-01]; it is filled in when the "
    "report is made. Also [target:…], [status:…], [direction:…], [period:…], [last_year:…], "
    "and, for an indicator compared with other councils, [quartile:…] and [rank:…]."
)


class ReportForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="Title", max_length=200)
    report_of = forms.CharField(
        label="Report of", max_length=200, required=False, help_text="For example, Chief Executive"
    )
    contact = forms.CharField(
        label="Contact officer",
        max_length=200,
        required=False,
        help_text="Name, job title and email address",
    )
    purpose = _text("Purpose of the report", rows=3)
    recommendations = _text("Recommendations", rows=3)
    going_well = _text("What is going well", TOKENS_HINT)
    not_going_well = _text("What is not going well")
    being_done = _text("What is being done about it")
    exceptions_text = _text(
        "Exceptions",
        "What members need to know about the Red, worsening, concerning and missing "
        "indicators. Use the button below for a first draft to edit.",
        rows=8,
    )
    extra_codes = forms.CharField(
        label="Extra indicators for an area of interest",
        required=False,
        help_text="Indicator codes separated by commas or spaces, for example HOU-01, PLN-07",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    area_text = _text("Why these indicators are included", rows=3)
    publish_after = forms.DateTimeField(
        label="Keep embargoed until",
        required=False,
        help_text="Optional. For example 17/12/2026 09:00. The report is never public before "
        "its meeting starts, whatever this says.",
        input_formats=["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"],
        error_messages={"invalid": "Enter the date and time as day/month/year hours:minutes"},
    )

    def clean_extra_codes(self):
        codes = [c.upper() for c in re.split(r"[\s,;]+", self.cleaned_data["extra_codes"]) if c]
        found = dict(Indicator.objects.filter(code__in=codes).values_list("code", "pk"))
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise forms.ValidationError(
                f"No indicator has the code {', '.join(unknown)}: check the codes on the scorecard"
            )
        return [found[code] for code in dict.fromkeys(codes)]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason"},
    )


class HoldForm(forms.Form):
    publish_after = forms.DateTimeField(
        label="Publish no earlier than",
        required=False,
        help_text="For example 17/12/2026 09:00. Leave empty to publish when the meeting "
        "starts. The report is never public before its meeting starts.",
        input_formats=["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"],
        error_messages={"invalid": "Enter the date and time as day/month/year hours:minutes"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the publication time is changing"},
    )
