from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from audit.admin import AuditedAdmin, KeptInlineFormSet
from framework.structure import ambition_dependents, outcome_dependents, plan_dependents
from reports.reporting import change_meeting, check_meeting_change, publication_moves
from strategy.models import Ambition, Committee, Meeting, OperatingPrinciple, Outcome, Plan


class KeptWhileDependedOn:
    """Deletion here follows the framework pages' rule (`framework.structure`): refused while
    anything depends on the thing, saying what."""

    dependents = staticmethod(lambda obj: [])

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        found = [f"{obj}: {why}" for obj in objs for why in self.dependents(obj)]
        return deleted, counts, perms_needed, [*protected, *found]


@admin.register(Plan)
class PlanAdmin(KeptWhileDependedOn, AuditedAdmin):
    dependents = staticmethod(plan_dependents)
    list_display = ["title", "kind", "starts_on", "ends_on", "is_current"]
    list_filter = ["kind", "is_current"]


@admin.register(OperatingPrinciple)
class OperatingPrincipleAdmin(AuditedAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class OutcomeInline(admin.TabularInline):
    model = Outcome
    formset = KeptInlineFormSet
    fields = ["code", "title", "lead_unit", "order"]
    extra = 0
    show_change_link = True
    can_delete = False  # removed on its own page, where what depends on it is checked


@admin.register(Ambition)
class AmbitionAdmin(KeptWhileDependedOn, AuditedAdmin):
    dependents = staticmethod(ambition_dependents)
    list_display = ["title", "plan", "order"]
    list_filter = ["plan"]
    search_fields = ["title", "code"]
    filter_horizontal = ["principles"]
    inlines = [OutcomeInline]


@admin.register(Outcome)
class OutcomeAdmin(KeptWhileDependedOn, AuditedAdmin):
    dependents = staticmethod(outcome_dependents)
    list_display = ["title", "ambition", "lead_unit", "order"]
    list_filter = ["ambition"]
    search_fields = ["title", "code"]
    list_select_related = ["ambition", "lead_unit"]
    filter_horizontal = ["principles"]


class MeetingInline(admin.TabularInline):
    """A committee's meetings, listed; each is added, moved or cancelled on its own page,
    where a change that moves a report's publication needs a reason and is recorded."""

    model = Meeting
    fields = ["starts_at", "venue", "is_cancelled"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Committee)
class CommitteeAdmin(AuditedAdmin):
    list_display = ["name", "kind", "receives_full_scorecard"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["remit_ambitions", "remit_units"]
    inlines = [MeetingInline]


TIMING_FIELDS = ("starts_at", "is_cancelled")


class MeetingForm(forms.ModelForm):
    change_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for the change",
        help_text="Recorded in the audit log; when moving or cancelling the meeting changes "
        "when an approved report is published, also with each such report",
    )

    class Meta:
        model = Meeting
        fields = "__all__"

    def timing_changed(self) -> bool:
        return bool(self.instance.pk) and any(n in self.changed_data for n in TIMING_FIELDS)

    def clean(self):
        cleaned = super().clean()
        starts_at = cleaned.get("starts_at")
        if not self.timing_changed() or starts_at is None:
            return cleaned
        # Still the stored meeting here: the form's values are applied after clean().
        moves = publication_moves(
            self.instance, starts_at=starts_at, is_cancelled=cleaned.get("is_cancelled", False)
        )
        try:
            check_meeting_change(moves, reason=cleaned.get("change_reason") or "")
        except ValidationError as refused:
            if hasattr(refused, "error_dict"):
                self.add_error("change_reason", refused.message_dict["reason"])
            else:
                self.add_error(None, refused)
        return cleaned


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    """A meeting's time decides when its approved reports are published: moving or cancelling
    it goes through `reports.reporting.change_meeting`, which records why."""

    form = MeetingForm
    list_display = ["committee", "starts_at", "venue", "is_cancelled"]
    list_filter = ["committee", "is_cancelled"]
    date_hierarchy = "starts_at"
    list_select_related = ["committee"]

    def get_readonly_fields(self, request, obj=None):
        # A meeting's reports were written for its committee.
        return ["committee"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not (change and form.timing_changed()):
            super().save_model(request, obj, form, change)
            return
        starts_at, is_cancelled = obj.starts_at, obj.is_cancelled
        stored = Meeting.objects.get(pk=obj.pk)
        obj.starts_at, obj.is_cancelled = stored.starts_at, stored.is_cancelled
        super().save_model(request, obj, form, change)  # the venue, as usual
        changed = change_meeting(
            obj,
            by=request.user,
            starts_at=starts_at,
            is_cancelled=is_cancelled,
            reason=form.cleaned_data["change_reason"],
        )
        obj.starts_at, obj.is_cancelled = changed.starts_at, changed.is_cancelled
