"""Forms of the reporting-cycle pages: a new cycle, and the reason for reopening one."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.dateformat import format as format_date

from indicators.models import Period
from returns.cycles import CLOSE_REASON_REQUIRED, REOPEN_REASON_REQUIRED, check_cycle_dates
from returns.queries import FREQUENCY_OF_KIND
from strategy.models import Meeting

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]
CHOOSE_PERIOD = "Period: choose the period the cycle collects figures for"
ENTER_DATE = "{label}: enter a date"
REAL_DATE = "{label}: enter a real date, like 20/10/2026"
# Periods offered for a new cycle: recent and coming ones, of the kinds figures are collected in.
PAST_YEARS_OFFERED = 1
FUTURE_YEARS_OFFERED = 1


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, period: Period) -> str:
        return (
            f"{period.label} ({format_date(period.starts_on, 'j F Y')} to "
            f"{format_date(period.ends_on, 'j F Y')})"
        )


class MeetingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, meeting: Meeting) -> str:
        return f"{meeting.committee.name}, {format_date(meeting.starts_at, 'j F Y')}"


def _date_field(label: str, help_text: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d"),
        error_messages={
            "required": ENTER_DATE.format(label=label),
            "invalid": REAL_DATE.format(label=label),
        },
    )


class NewCycleForm(forms.Form):
    period = PeriodChoiceField(
        queryset=Period.objects.none(),
        empty_label="Choose a period",
        label="Period",
        help_text="Only periods without a reporting cycle are listed",
        error_messages={"required": CHOOSE_PERIOD, "invalid_choice": CHOOSE_PERIOD},
    )
    opens_on = _date_field("Opens on", "Usually the day after the period ends")
    data_entry_deadline = _date_field(
        "Data-entry deadline", "When officers' figures are due, after the period ends"
    )
    signoff_deadline = _date_field(
        "Sign-off deadline", "When managers must have signed the figures off"
    )
    meetings = MeetingChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        label="Committee meetings this cycle feeds",
        help_text="The first of them is used for timeliness (days to committee)",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.filter(
            kind__in=list(FREQUENCY_OF_KIND),
            cycle__isnull=True,
            ends_on__gte=today - timedelta(days=365 * PAST_YEARS_OFFERED),
            ends_on__lte=today + timedelta(days=365 * FUTURE_YEARS_OFFERED),
        ).order_by("ends_on", "-starts_on")
        self.fields["meetings"].queryset = (
            Meeting.objects.filter(
                is_cancelled=False, starts_at__date__gte=today - timedelta(days=31)
            )
            .select_related("committee")
            .order_by("starts_at")
        )

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period")
        dates = [cleaned.get(n) for n in ("opens_on", "data_entry_deadline", "signoff_deadline")]
        if period is not None and all(dates):
            for field, message in check_cycle_dates(
                period=period,
                opens_on=dates[0],
                data_entry_deadline=dates[1],
                signoff_deadline=dates[2],
            ):
                self.add_error(field or None, message)
        return cleaned


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why are you reopening this cycle?",
        help_text="Reopening unlocks the period's figures. The reason is kept in its history",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, period: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = REOPEN_REASON_REQUIRED.format(
            period=period.label
        )


class CloseForm(forms.Form):
    """Closing a cycle: a reason is asked for when figures are still open (and required then)."""

    reason = forms.CharField(
        required=False,
        label="Reason for closing",
        help_text="Kept with the cycle's history. Needed when figures are still open",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, period: Period, reason_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.reason_required = reason_required
        self.fields["reason"].required = reason_required
        self.fields["reason"].error_messages["required"] = CLOSE_REASON_REQUIRED.format(
            period=period.label
        )
        self.fields["reason"].error_messages["max_length"] = (
            "Reason for closing: use 2,000 characters or fewer"
        )
