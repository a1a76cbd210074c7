"""The upload forms of the bulk routes: a return workbook, or a CSV of many services' figures."""

from django import forms
from django.core.exceptions import ValidationError

from returns.imports import MAX_FILE_BYTES, MAX_ROWS, ImportRejected, check_file_size

FILE_REQUIRED = "Select {what}"
FILE_EMPTY = "The selected file is empty. Choose the file with the figures in it"
LIMIT = f"Up to {MAX_FILE_BYTES // 1024 // 1024} MB"


class _UploadForm(forms.Form):
    file = forms.FileField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_file_size(upload.size, upload.name)  # before anything reads it
        except ImportRejected as rejected:
            raise ValidationError(rejected.problems[0]["message"]) from None
        return upload


class WorkbookUploadForm(_UploadForm):
    file = forms.FileField(
        label="Upload the completed spreadsheet",
        help_text=f"The Excel file (.xlsx) downloaded from this return, with your figures in. "
        f"{LIMIT}.",
        error_messages={
            "required": FILE_REQUIRED.format(what="the completed spreadsheet"),
            "empty": FILE_EMPTY,
        },
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class ValuesCsvForm(_UploadForm):
    file = forms.FileField(
        label="Upload a CSV file of figures",
        help_text=f"UTF-8 CSV with the columns described below. {LIMIT} and {MAX_ROWS:,} rows.",
        error_messages={"required": FILE_REQUIRED.format(what="a CSV file"), "empty": FILE_EMPTY},
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
