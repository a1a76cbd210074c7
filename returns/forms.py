"""The forms of a service's return: one small form per indicator, checked together."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from indicators.entries import MAX_TEXT_LENGTH, NumberError, parse_number, text_problem
from indicators.models import DataQuality
from returns.collection import EVIDENCE_WITHOUT_FIGURE, EntryInput
from returns.evidence import EvidenceError, check_evidence_file
from returns.validation import Entry, check_entry

ROWS_2 = {"rows": 2}
NUMBER_PROBLEM = "{title}, {what}: {problem}"
TEXT_PROBLEM = "{title}: {problem}"


# What each free-text field is called in its message.
TEXT_NAMES = {
    "not_available_reason": "the reason there is no figure",
    "commentary": "the commentary",
    "reasons": "why performance is as it is",
    "actions": "what is being done",
    "unusual_reason": "the reason the figure is right",
    "reason": "the reason",
}


class NumberField(forms.Field):
    """A number as typed, read by the one strict reading every path shares
    (`indicators.entries.parse_number`)."""

    widget = forms.TextInput

    def __init__(self, *, example: str = "92.5", **kwargs):
        self.example = example
        self.title = self.what = ""  # the indicator and field its messages name
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        if isinstance(value, Decimal):
            return value  # an initial value, read from the database
        try:
            return parse_number(str(value), example=self.example)
        except NumberError as error:
            message = NUMBER_PROBLEM.format(title=self.title, what=self.what, problem=error.message)
            raise forms.ValidationError(message, code="invalid") from None


def _name_fields(form: forms.Form, *, title: str) -> None:
    """Name the indicator in the number fields' messages, and keep free text within the
    length a value holds: the browser stops typing at the limit, and `_check_text`
    refuses a longer text sent another way."""
    for name, field in form.fields.items():
        if isinstance(field, NumberField):
            field.title, field.what = title, name
        elif name in TEXT_NAMES:
            field.widget.attrs["maxlength"] = MAX_TEXT_LENGTH


def _check_text(form: forms.Form, *, title: str) -> None:
    for name, what in TEXT_NAMES.items():
        text = form.cleaned_data.get(name)
        problem = text_problem(text, what=what) if isinstance(text, str) else None
        if problem:
            form.add_error(name, TEXT_PROBLEM.format(title=title, problem=problem))


class EntryForm(forms.Form):
    """One indicator's figure, its parts, quality and commentary."""

    figure = NumberField(required=False, label="Figure")
    numerator = NumberField(required=False, example="1250")
    denominator = NumberField(required=False, example="1250")
    not_available_reason = forms.CharField(
        required=False,
        label="Why there is no figure (if there is none)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    data_quality = forms.ChoiceField(
        choices=DataQuality.choices, initial=DataQuality.FINAL, label="Data quality"
    )
    commentary = forms.CharField(
        required=False,
        label="What the figure shows",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reasons = forms.CharField(
        required=False,
        label="Why performance is as it is",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    actions = forms.CharField(
        required=False, label="What is being done", widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_unusual = forms.BooleanField(
        required=False, label="I have checked this figure and it is right"
    )
    unusual_reason = forms.CharField(
        required=False,
        label="Why the unusual figure is right",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = forms.FileField(
        required=False,
        label="Attach evidence (optional)",
        help_text=(
            "PDF, Excel, Word, CSV, PNG or JPEG, up to 10 MB. It is kept with the figure "
            "when you save or submit."
        ),
    )
    evidence_description = forms.CharField(
        required=False, max_length=200, label="What the file shows (optional)"
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, indicator, value=None, **kwargs):
        self.indicator = indicator
        self.value = value
        if value is not None:
            kwargs.setdefault(
                "initial",
                {
                    "figure": _plain(value.figure),
                    "numerator": _plain(value.numerator),
                    "denominator": _plain(value.denominator),
                    "not_available_reason": value.not_available_reason,
                    "data_quality": value.data_quality,
                    "commentary": value.commentary,
                    "reasons": value.reasons,
                    "actions": value.actions,
                    "lock_version": value.lock_version,
                },
            )
        super().__init__(*args, prefix=indicator.code, **kwargs)
        title = indicator.title
        unit = indicator.unit
        self.fields["figure"].label = f"Figure ({unit})" if unit else "Figure"
        _name_fields(self, title=title)
        self.fields["numerator"].label = indicator.numerator_label or "Numerator"
        self.fields["denominator"].label = indicator.denominator_label or "Denominator"
        if not indicator.numerator_label:
            del self.fields["numerator"], self.fields["denominator"]
        if self.is_locked:
            for field in self.fields.values():
                field.disabled = True

    def clean(self):
        cleaned = super().clean()
        _check_text(self, title=self.indicator.title)
        upload = cleaned.get("evidence")
        if upload:
            try:
                check_evidence_file(upload)
            except EvidenceError as problem:
                self.add_error("evidence", f"{self.indicator.title}: {problem}")
        return cleaned

    @property
    def is_locked(self) -> bool:
        return self.value is not None and self.value.state not in ("draft", "returned")

    def entries(self) -> dict:
        """The workflow's fields from the cleaned data."""
        data = self.cleaned_data
        entries = {
            "figure": data.get("figure"),
            "not_available_reason": data.get("not_available_reason", ""),
            "data_quality": data.get("data_quality") or DataQuality.FINAL,
            "commentary": data.get("commentary", ""),
            "reasons": data.get("reasons", ""),
            "actions": data.get("actions", ""),
        }
        if "numerator" in self.fields:
            entries["numerator"] = data.get("numerator")
            entries["denominator"] = data.get("denominator")
        return entries

    def entry(self) -> Entry:
        data = self.cleaned_data
        return Entry(
            figure=data.get("figure"),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            not_available_reason=data.get("not_available_reason", ""),
            commentary=data.get("commentary", ""),
            confirm_unusual=bool(data.get("confirm_unusual")),
            unusual_reason=data.get("unusual_reason", ""),
        )


def _plain(number: Decimal | None) -> str | None:
    """A stored figure without the trailing zeros of its six stored decimal places."""
    if number is None:
        return None
    return format(number.normalize(), "f")


def form_problems(form) -> list[tuple[str, str]]:
    """A form's errors as (message, link to its field) for a GOV.UK error summary; errors of
    the whole form link to its first field."""
    found = []
    for name, errors in form.errors.items():
        field = form[name] if name in form.fields else next(iter(form))
        found.extend((message, f"#{field.id_for_label}") for message in errors)
    return found


CHOOSE_AGAIN = "{title}: nothing was saved, so choose the evidence file again"


def _entered(form: EntryForm) -> bool:
    """Whether anything of the figure was typed (evidence needs a figure to go with)."""
    entries = form.entries()
    return any(entries[key] not in (None, "") for key in entries if key != "data_quality")


class ReturnForm:
    """A service's whole return: an EntryForm per indicator, checked as one."""

    def __init__(self, rows, data=None, files=None):
        self.rows = rows
        self.forms = [
            EntryForm(data, files, indicator=row.indicator, value=row.value) for row in rows
        ]
        self.warnings: list[tuple[str, str]] = []

    def __iter__(self):
        return iter(zip(self.rows, self.forms, strict=True))

    @property
    def editable(self) -> list[EntryForm]:
        return [form for form in self.forms if not form.is_locked]

    def parse(self) -> bool:
        """Check types (numbers are numbers); True when every editable form parses."""
        return all(form.is_valid() for form in self.editable)

    def proposed_figures(self) -> dict:
        return {form.indicator.pk: form.cleaned_data.get("figure") for form in self.editable}

    def validate(self, judge, *, submitting: bool) -> bool:
        """Every check a return's figures get before they are saved, in order: the types
        (`parse`), then the return's rules (`check`) against the rows `judge(proposed=…)` gives
        with the typed figures, which the form keeps to show the status each would get. The
        return page and the API both call this, so the two cannot check differently."""
        if not self.parse():
            return False
        self.rows = judge(proposed=self.proposed_figures())
        return self.check(self.rows, submitting=submitting)

    def check(self, rows_judged, *, submitting: bool) -> bool:
        """Apply the return's rules to parsed forms, given rows judged with the proposed
        figures. Errors go on the fields; unconfirmed unusual figures become warnings,
        which block submission but not a draft."""
        judged = {row.indicator.pk: row for row in rows_judged}
        for form in self.editable:
            row = judged[form.indicator.pk]
            checked = check_entry(
                definition=form.indicator,
                entry=form.entry(),
                history=row.history,
                status=row.reading.rag,
                submitting=submitting,
            )
            for name, message in checked.errors.items():
                form.add_error(name if name in form.fields else None, message)
            for name, message in checked.warnings.items():
                self.warnings.append((message, f"#{form[name].id_for_label}"))
                if submitting:
                    form.add_error("confirm_unusual", message)
            if form.cleaned_data.get("evidence") and row.value is None and not _entered(form):
                title = form.indicator.title
                form.add_error("evidence", EVIDENCE_WITHOUT_FIGURE.format(title=title))
        return all(not form.errors for form in self.editable)

    def problems(self) -> list[tuple[str, str]]:
        """Every error as (message, link to its field), for the error summary. A refused
        return keeps no file, and a browser never sends one back: each file chosen is asked
        for again."""
        if any(form.errors for form in self.editable):
            for form in self.editable:
                chosen = getattr(form, "cleaned_data", {}).get("evidence")
                if chosen and "evidence" not in form.errors:
                    form.add_error("evidence", CHOOSE_AGAIN.format(title=form.indicator.title))
        return [problem for form in self.editable for problem in form_problems(form)]

    def inputs(self):
        return [
            EntryInput(
                indicator=form.indicator,
                entries=form.entries(),
                # The version the officer opened, not the one in the database now.
                expected_version=form.cleaned_data.get("lock_version"),
                reason=form.cleaned_data.get("unusual_reason", ""),
                evidence=form.cleaned_data.get("evidence"),
                evidence_description=form.cleaned_data.get("evidence_description", ""),
            )
            for form in self.editable
        ]


DECISIONS = [("approve", "Sign off"), ("return", "Return for correction"), ("", "Decide later")]


class DecisionForm(forms.Form):
    """An approver's decision on one submitted figure."""

    decision = forms.ChoiceField(
        required=False,
        widget=forms.RadioSelect,
        choices=DECISIONS,
        label="Decision",
    )
    reason = forms.CharField(
        required=False,
        label="Why it is being returned",
        widget=forms.Textarea(attrs=ROWS_2),
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, value, may_return: bool = True, **kwargs):
        self.value = value
        kwargs.setdefault("initial", {"lock_version": value.lock_version, "decision": ""})
        super().__init__(*args, prefix=f"value-{value.pk}", **kwargs)
        if not may_return:  # a closed cycle: sign off, or leave it for later
            self.fields["decision"].choices = [c for c in DECISIONS if c[0] != "return"]
            self.fields["decision"].error_messages["invalid_choice"] = (
                f"{value.indicator.title}: the cycle is closed, so the figure can only be "
                "signed off or left for later; ask the performance team to reopen the cycle "
                "to return it"
            )
        _name_fields(self, title=value.indicator.title)

    def clean(self):
        cleaned = super().clean()
        _check_text(self, title=self.value.indicator.title)
        if cleaned.get("decision") == "return" and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason",
                f"{self.value.indicator.title}: say why the figure is being returned, "
                "so the officer knows what to correct",
            )
        return cleaned


class ReviseForm(forms.Form):
    """Changing a signed-off figure: it goes back for sign-off, with the reason kept."""

    figure = NumberField(required=False)
    # Asked for when the indicator has them: a revised figure must still match its parts.
    numerator = NumberField(required=False, example="1250")
    denominator = NumberField(required=False, example="1250")
    commentary = forms.CharField(
        required=False, label="What the figure shows", widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label="Why the signed-off figure is being changed",
        widget=forms.Textarea(attrs=ROWS_2),
        error_messages={"required": "Say why the signed-off figure is being changed"},
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, value, **kwargs):
        self.value = value
        kwargs.setdefault(
            "initial",
            {
                "figure": _plain(value.figure),
                "numerator": _plain(value.numerator),
                "denominator": _plain(value.denominator),
                "commentary": value.commentary,
                "lock_version": value.lock_version,
            },
        )
        super().__init__(*args, **kwargs)
        indicator = value.indicator
        unit = indicator.unit
        self.fields["figure"].label = f"Figure ({unit})" if unit else "Figure"
        _name_fields(self, title=indicator.title)
        if indicator.numerator_label:
            self.fields["numerator"].label = indicator.numerator_label
            self.fields["denominator"].label = indicator.denominator_label or "Denominator"
        else:
            del self.fields["numerator"], self.fields["denominator"]

    def clean(self):
        cleaned = super().clean()
        _check_text(self, title=self.value.indicator.title)
        return cleaned

    def entries(self) -> dict:
        """The workflow's fields from the cleaned data."""
        entries = {name: self.cleaned_data[name] for name in ("figure", "commentary")}
        if "numerator" in self.fields:
            entries["numerator"] = self.cleaned_data["numerator"]
            entries["denominator"] = self.cleaned_data["denominator"]
        return entries


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, Excel, Word, CSV, PNG or JPEG, up to 10 MB",
        error_messages={"required": "Choose a file to upload"},
    )
    description = forms.CharField(required=False, max_length=200, label="What the file shows")
