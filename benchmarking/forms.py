"""The performance team's upload of a published statistic."""

from __future__ import annotations

from django import forms

from benchmarking.uploads import MAX_FILE_BYTES, OWN, shipped_descriptions

CHOOSE_DESCRIPTION = "Choose how the file is laid out, or upload your own description"
CHOOSE_FILE = "Choose the CSV file you downloaded"
OWN_MISSING = "Choose your description file (.toml), or choose one of the descriptions listed"
NOT_CSV = "The file must be a CSV file (.csv): save the table from the spreadsheet as CSV UTF-8"
NOT_TOML = "The description must be a .toml file, like the examples in docs/benchmarking.md"
TOO_BIG = "The file is {size} MB: a published table must be 50 MB or smaller"


class UploadForm(forms.Form):
    description = forms.ChoiceField(
        label="How the file is laid out",
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_DESCRIPTION, "invalid_choice": CHOOSE_DESCRIPTION},
    )
    own_description = forms.FileField(
        required=False,
        label="Your description (.toml)",
        help_text="Only if you chose your own description",
    )
    data = forms.FileField(
        label="The published file (CSV)",
        error_messages={"required": CHOOSE_FILE, "empty": CHOOSE_FILE},
    )
    release = forms.CharField(
        required=False,
        max_length=100,
        label="Release (optional)",
        help_text="For example DEFRA fly-tipping 2022-23; the description's release if left blank",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].choices = [
            *((name, f"{title} ({name})") for name, title in shipped_descriptions()),
            (OWN, "My own description"),
        ]

    def clean_data(self):
        data = self.cleaned_data["data"]
        if not data.name.lower().endswith(".csv"):
            raise forms.ValidationError(NOT_CSV)
        if data.size > MAX_FILE_BYTES:
            raise forms.ValidationError(TOO_BIG.format(size=round(data.size / 1024 / 1024)))
        return data

    def clean(self):
        cleaned = super().clean()
        own = cleaned.get("own_description")
        if cleaned.get("description") == OWN:
            if own is None:
                self.add_error("own_description", OWN_MISSING)
            elif not own.name.lower().endswith(".toml") or own.size > 100_000:
                self.add_error("own_description", NOT_TOML)
        return cleaned
