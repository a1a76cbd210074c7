from django import forms

from audit import queries

DATES_BACKWARDS = "The ‘to’ date must be on or after the ‘from’ date"


class AuditFilterForm(forms.Form):
    """The audit log's filters, read from the address (GET), so a filtered list can be shared
    and exported as it is."""

    object_type = forms.ChoiceField(label="What was changed", required=False)
    actor = forms.ChoiceField(label="Who changed it", required=False)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(
        label="Containing",
        required=False,
        max_length=200,
        help_text="Words in the name of what was changed, the action or the reason",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "Anything"), *queries.object_types()]
        self.fields["actor"].choices = [("", "Anyone"), *queries.actors()]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", DATES_BACKWARDS)
        return cleaned

    def filters(self) -> queries.Filters:
        """The filters given, leaving out any that were not valid (the page says which)."""
        if not self.is_bound:
            return queries.Filters()
        self.is_valid()
        valid = {
            name: value for name, value in self.cleaned_data.items() if name not in self.errors
        }
        return queries.Filters(
            object_type=valid.get("object_type") or "",
            actor=valid.get("actor") or "",
            date_from=valid.get("date_from"),
            date_to=valid.get("date_to"),
            text=(valid.get("text") or "").strip(),
        )
