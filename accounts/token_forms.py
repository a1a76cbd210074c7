"""The form that makes a personal API token: a name, and when it expires."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from api.tokens import DEFAULT_DAYS, EXPIRY_CHOICES

NAME_REQUIRED = "Enter a name for the token, such as the system that will use it"
NAME_TOO_LONG = "The name must be 100 characters or fewer"
CHOOSE_EXPIRY = "Choose when the token expires"


def _expiry_label(days: int, today: datetime.date) -> str:
    ends = today + datetime.timedelta(days=days)
    length = "1 year" if days == 365 else f"{days} days"
    return f"{length} (on {ends:%-d %B %Y})"


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="What the token is for, so that you know it again: the system that uses it, "
        "say. It shows in the audit log beside each change made with it.",
        max_length=100,
        error_messages={"required": NAME_REQUIRED, "max_length": NAME_TOO_LONG},
    )
    days = forms.TypedChoiceField(
        label="When it expires",
        help_text="It stops working then, or when you revoke it. Make a new one before then.",
        coerce=int,
        widget=forms.RadioSelect,
        initial=DEFAULT_DAYS,
        error_messages={"required": CHOOSE_EXPIRY, "invalid_choice": CHOOSE_EXPIRY},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["days"].choices = [(d, _expiry_label(d, today)) for d in EXPIRY_CHOICES]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(NAME_REQUIRED)
        return name
