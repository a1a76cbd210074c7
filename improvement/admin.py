from django.contrib import admin
from django.utils import timezone

from audit.admin import AuditedAdmin
from improvement.models import DueDateChange, Finding, ImprovementAction


class ActionInline(admin.TabularInline):
    model = ImprovementAction
    fields = ("reference", "owner", "unit", "state", "due_on", "revised_due_on")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(AuditedAdmin):
    list_display = ("title", "kind", "reference", "body", "unit", "found_on")
    list_filter = ("kind",)
    search_fields = ("title", "reference", "body")
    autocomplete_fields = ("indicator",)
    readonly_fields = ("recorded_by", "recorded_at")
    inlines = [ActionInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by, obj.recorded_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)


class DueDateChangeInline(admin.TabularInline):
    model = DueDateChange
    fields = ("before", "after", "reason", "by", "at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ImprovementAction)
class ImprovementActionAdmin(AuditedAdmin):
    list_display = ("reference", "finding", "owner", "unit", "state", "due_on", "revised_due_on")
    list_filter = ("state", "finding__kind")
    search_fields = ("reference", "description")
    autocomplete_fields = ("indicators",)
    filter_horizontal = ("outcomes",)
    # The state follows signed-off updates and due dates change only with a reason kept
    # (the action's page), so neither is edited here.
    readonly_fields = (
        "state",
        "revised_due_on",
        "revised_reason",
        "completed_on",
        "agreed_by",
        "agreed_at",
    )
    inlines = [DueDateChangeInline]

    def get_readonly_fields(self, request, obj=None):
        # The date first agreed never changes once the action exists.
        fields = self.readonly_fields
        return (*fields, "due_on") if obj is not None else fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.agreed_by, obj.agreed_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
