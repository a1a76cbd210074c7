from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.admin import AuditedAdmin, KeptInlineFormSet
from indicators.definitions import (
    EFFECTIVE_FROM_BEFORE_CURRENT,
    EFFECTIVE_FROM_REQUIRED,
    LAST_PERIOD_REQUIRED,
    PLACE_FIELDS,
    REASON_REQUIRED,
    STAYS_RETIRED,
    DefinitionError,
    create_indicator,
    period_kind_error,
    retire_indicator,
    retirement_refusal,
    revise_definition,
    update_indicator_details,
)
from indicators.models import (
    Baseline,
    Indicator,
    IndicatorSet,
    IndicatorVersion,
    Lifecycle,
    Period,
    ReportingCycle,
    Target,
    Value,
    ValueRevision,
)
from returns.cycles import check_cycle_dates


@admin.register(Period)
class PeriodAdmin(AuditedAdmin):
    list_display = ["label", "kind", "starts_on", "ends_on"]
    list_filter = ["kind"]
    search_fields = ["label", "code"]
    ordering = ["-starts_on"]

    def has_add_permission(self, request):
        # Periods are generated from the calendar, never typed in.
        return False


@admin.register(IndicatorSet)
class IndicatorSetAdmin(AuditedAdmin):
    list_display = ["name", "code", "order"]


# Validation messages the admin form adds to the domain's (indicators/definitions.py).
RETIRE_BY_LIFECYCLE = "Set the last period by retiring the indicator (its status: Retired)"


# The many-to-many places a new indicator is created with (see save_model).
CREATED_PLACES = ("sets", "committees", "outcomes", "principles")
# Changed as the pages change them, with no new version (see save_model).
DETAILS = ("lifecycle", "responsible_officer")


class IndicatorForm(forms.ModelForm):
    change_effective_from = forms.DateField(
        required=False,
        label="Changed definition takes effect from",
        help_text="Needed when you change the definition, the owner, sets, committees or "
        "outcomes: the old version is kept",
    )
    change_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for the change",
        help_text="Recorded in the audit log; kept with the new version when you change the "
        "definition or the indicator's place, or retire it",
    )

    class Meta:
        model = Indicator
        fields = "__all__"

    @property
    def revised(self) -> list[str]:
        """The changed fields kept as a new version: the definition and the places."""
        if not self.instance.pk:
            return []
        versioned = (*Indicator.VERSIONED_FIELDS, *PLACE_FIELDS)
        return [name for name in self.changed_data if name in versioned]

    @property
    def retiring(self) -> bool:
        """Whether the form retires the indicator (or changes a retired one's last period)."""
        if not self.instance.pk:
            return False
        if "last_period" in self.changed_data:
            return True
        was_retired = self.instance.lifecycle == Lifecycle.RETIRED
        retired = self.cleaned_data.get("lifecycle") == Lifecycle.RETIRED
        return "lifecycle" in self.changed_data and (retired or was_retired)

    def clean(self):
        cleaned = super().clean()
        reason = (cleaned.get("change_reason") or "").strip()
        if self.revised:
            if not cleaned.get("change_effective_from"):
                self.add_error("change_effective_from", EFFECTIVE_FROM_REQUIRED)
            if not reason:
                self.add_error("change_reason", REASON_REQUIRED)
            effective = cleaned.get("change_effective_from")
            if effective and effective < self.instance.effective_from:
                current = self.instance.effective_from
                self.add_error(
                    "change_effective_from", EFFECTIVE_FROM_BEFORE_CURRENT.format(current=current)
                )
        if self.retiring:
            self._clean_retirement(cleaned, reason)
        elif not self.instance.pk and cleaned.get("last_period"):
            self.add_error("last_period", RETIRE_BY_LIFECYCLE)
        first = cleaned.get("first_period")
        if first and cleaned.get("frequency"):
            wrong_kind = period_kind_error(Indicator(frequency=cleaned["frequency"]), first)
            if wrong_kind:
                self.add_error("first_period", wrong_kind)
        return cleaned

    def _clean_retirement(self, cleaned, reason: str) -> None:
        last = cleaned.get("last_period")
        if self.instance.lifecycle == Lifecycle.RETIRED and "lifecycle" in self.changed_data:
            self.add_error("lifecycle", STAYS_RETIRED)
        elif cleaned.get("lifecycle") != Lifecycle.RETIRED:
            self.add_error("last_period", RETIRE_BY_LIFECYCLE)
        elif not last:
            self.add_error("last_period", LAST_PERIOD_REQUIRED)
        else:
            refusal = retirement_refusal(indicator=self.instance, last_period=last, reason=reason)
            if refusal:
                field = "change_reason" if not reason else "last_period"
                self.add_error(field, refusal)


class TargetInline(admin.TabularInline):
    model = Target
    formset = KeptInlineFormSet  # a target a signed-off figure was judged against is kept
    fields = ["period", "value", "lower", "upper", "tolerance_percent", "rationale"]
    autocomplete_fields = ["period"]
    extra = 0


class VersionInline(admin.TabularInline):
    model = IndicatorVersion
    fields = [
        "number",
        "effective_from",
        "title",
        "unit",
        "precision",
        "polarity",
        "owner",
        "change_reason",
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    form = IndicatorForm
    list_display = ["code", "title", "owner", "frequency", "polarity", "lifecycle", "version"]
    list_filter = ["lifecycle", "frequency", "polarity", "sets", "owner__parent"]
    search_fields = ["code", "title"]
    list_select_related = ["owner"]
    autocomplete_fields = [
        "owner",
        "responsible_officer",
        "spc_baseline_start",
        "spc_baseline_end",
        "first_period",
        "last_period",
    ]
    filter_horizontal = ["outcomes", "committees", "sets", "principles"]
    readonly_fields = ["version"]
    inlines = [TargetInline, VersionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "title",
                    "lifecycle",
                    "version",
                    "effective_from",
                    "first_period",
                    "last_period",
                ]
            },
        ),
        (
            "Definition",
            {
                "fields": [
                    "definition",
                    "purpose",
                    "calculation",
                    "numerator_label",
                    "denominator_label",
                    "source",
                ]
            },
        ),
        (
            "How it is judged",
            {
                "fields": [
                    "unit",
                    "precision",
                    "polarity",
                    "indicator_type",
                    "frequency",
                    "aggregation",
                    "comparison",
                    "is_seasonal",
                    "tolerance_percent",
                    "tolerance_absolute",
                    "scale",
                    "minimum_value",
                    "maximum_value",
                    "spc_baseline_start",
                    "spc_baseline_end",
                ]
            },
        ),
        (
            "Ownership and the golden thread",
            {
                "fields": [
                    "owner",
                    "responsible_officer",
                    "outcomes",
                    "committees",
                    "sets",
                    "principles",
                ]
            },
        ),
        (
            "Changing the definition or the indicator's place, or retiring it",
            {"fields": ["change_effective_from", "change_reason"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            # Added as the pages add one: with its places and version 1 (save_related then
            # sets the same places again, which changes nothing).
            try:
                create_indicator(
                    indicator=obj,
                    **{name: form.cleaned_data[name] for name in CREATED_PLACES},
                    reason=form.cleaned_data["change_reason"],
                    by=request.user,
                )
            except DefinitionError as error:
                raise ValidationError(str(error)) from error
            return
        # Save the other fields as usual; the definition and places become a new version, and
        # retiring goes through its own function (the many-to-many places are saved after
        # this, in save_related, to what the new version already set).
        changes = {name: form.cleaned_data[name] for name in form.revised}
        stored = Indicator.objects.get(pk=obj.pk)
        kept = [name for name in changes if name in (*Indicator.VERSIONED_FIELDS, "owner")]
        details = {name: form.cleaned_data[name] for name in DETAILS if name in form.changed_data}
        if form.retiring:
            details.pop("lifecycle", None)
        for name in [*kept, "effective_from", "lifecycle", "last_period", "responsible_officer"]:
            setattr(obj, name, getattr(stored, name))
        super().save_model(request, obj, form, change)
        try:
            if changes:
                revise_definition(
                    indicator=obj,
                    changes=changes,
                    effective_from=form.cleaned_data["change_effective_from"]
                    or timezone.localdate(),
                    reason=form.cleaned_data["change_reason"],
                    by=request.user,
                )
            if form.retiring:
                retire_indicator(
                    indicator=obj,
                    last_period=form.cleaned_data["last_period"],
                    reason=form.cleaned_data["change_reason"],
                    by=request.user,
                )
            if details:
                update_indicator_details(
                    indicator=obj,
                    lifecycle=details.get("lifecycle", obj.lifecycle),
                    responsible_officer=details.get("responsible_officer", obj.responsible_officer),
                    reason=form.cleaned_data["change_reason"],
                    by=request.user,
                )
        except DefinitionError as error:
            raise ValidationError(str(error)) from error


@admin.register(IndicatorVersion)
class IndicatorVersionAdmin(admin.ModelAdmin):
    """Versions are a kept record: readable here, changed only through the indicator."""

    list_display = ["indicator", "number", "effective_from", "recorded_by", "recorded_at"]
    list_select_related = ["indicator", "recorded_by"]
    search_fields = ["indicator__code", "indicator__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    list_display = ["indicator", "period", "value", "lower", "upper", "tolerance_percent"]
    list_filter = ["period__kind"]
    search_fields = ["indicator__code", "indicator__title"]
    list_select_related = ["indicator", "period"]
    autocomplete_fields = ["indicator", "period"]


@admin.register(Baseline)
class BaselineAdmin(AuditedAdmin):
    list_display = ["indicator", "period", "value", "is_from_now"]
    list_select_related = ["indicator", "period"]
    autocomplete_fields = ["indicator", "period"]


class ReportingCycleForm(forms.ModelForm):
    class Meta:
        model = ReportingCycle
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        dates = {name: cleaned.get(name) for name in CYCLE_DATES}
        if all(dates.values()):
            problems = check_cycle_dates(period=self.instance.period, **dates)
            for name, message in problems:
                self.add_error(name, message)
        return cleaned


CYCLE_DATES = ("opens_on", "data_entry_deadline", "signoff_deadline")


@admin.register(ReportingCycle)
class ReportingCycleAdmin(AuditedAdmin):
    """A cycle is planned, opened, closed and reopened on the cycle pages, which record who,
    when and why (`returns.cycles`); here its state is shown, never changed."""

    list_display = ["period", "state", "opens_on", "data_entry_deadline", "signoff_deadline"]
    list_filter = ["state", "period__kind"]
    list_select_related = ["period"]
    autocomplete_fields = ["period"]
    filter_horizontal = ["meetings"]
    readonly_fields = ["period", "state", "opened_by", "opened_at", "closed_by", "closed_at"]
    form = ReportingCycleForm

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # deleting a closed cycle would unlock its figures


class RevisionInline(admin.TabularInline):
    model = ValueRevision
    fields = ["number", "action", "changed_by", "changed_at", "reason", "before", "after"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Value)
class ValueAdmin(admin.ModelAdmin):
    """Figures are entered, signed off and revised on the return and value pages, through the
    workflow with its checks and history; the admin only shows them and their history."""

    list_display = ["indicator", "period", "figure", "state", "data_quality", "updated_at"]
    list_filter = ["state", "data_quality", "period__kind"]
    search_fields = ["indicator__code", "indicator__title"]
    list_select_related = ["indicator", "period"]
    autocomplete_fields = ["indicator", "period"]
    readonly_fields = [
        "state",
        "lock_version",
        "entered_by",
        "entered_at",
        "updated_at",
        "submitted_by",
        "submitted_at",
        "approved_by",
        "approved_at",
    ]
    inlines = [RevisionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a figure's history is kept, whatever became of it


@admin.register(ValueRevision)
class ValueRevisionAdmin(admin.ModelAdmin):
    list_display = ["value", "number", "action", "changed_by", "changed_at"]
    list_filter = ["action"]
    list_select_related = ["value__indicator", "value__period", "changed_by"]
    search_fields = ["value__indicator__code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
