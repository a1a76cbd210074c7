from django import forms

from notices.models import NoticeKind


class EmailChoicesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label="Email me when",
        help_text=(
            "Select all that apply. Every notice also shows on your Notices page, whatever you "
            "choose here."
        ),
        choices=[
            (NoticeKind.FIGURE_RETURNED, "a figure I entered is returned for correction"),
            (NoticeKind.FIGURES_SUBMITTED, "figures are submitted for me to sign off"),
            (NoticeKind.REPORT_APPROVED, "a report is approved and ready to read"),
            (NoticeKind.REPORT_PUBLISHED, "a report is published"),
            (NoticeKind.CYCLE_OPENED, "a reporting cycle opens for returns"),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
