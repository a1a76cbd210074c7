"""The register in the admin: risks with their controls and further actions, and the council's
risk bands. Reviews are entered and signed off on the risk's page, through the workflow; the
admin only shows them and their revisions."""

from django.contrib import admin

from audit.admin import AuditedAdmin, KeptInlineFormSet
from risks.models import (
    Control,
    FurtherAction,
    Risk,
    RiskBands,
    RiskReview,
    RiskReviewRevision,
)


class ControlInline(admin.TabularInline):
    model = Control
    formset = KeptInlineFormSet
    fields = ["description", "owner", "effectiveness"]
    autocomplete_fields = ["owner"]
    extra = 0


class FurtherActionInline(admin.TabularInline):
    model = FurtherAction
    formset = KeptInlineFormSet
    fields = ["description", "owner", "due_on", "done_on"]
    autocomplete_fields = ["owner"]
    extra = 0


@admin.register(Risk)
class RiskAdmin(AuditedAdmin):
    list_display = ["reference", "title", "level", "unit", "owner", "status"]
    list_filter = ["level", "status", "unit"]
    search_fields = ["reference", "title"]
    list_select_related = ["unit", "owner"]
    autocomplete_fields = ["owner", "unit", "outcomes", "indicators"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ControlInline, FurtherActionInline]


@admin.register(Control)
class ControlAdmin(AuditedAdmin):
    list_display = ["risk", "effectiveness", "owner"]
    list_filter = ["effectiveness"]
    search_fields = ["risk__reference", "description"]
    list_select_related = ["risk", "owner"]
    autocomplete_fields = ["risk", "owner"]


@admin.register(FurtherAction)
class FurtherActionAdmin(AuditedAdmin):
    list_display = ["risk", "owner", "due_on", "done_on"]
    search_fields = ["risk__reference", "description"]
    list_select_related = ["risk", "owner"]
    autocomplete_fields = ["risk", "owner"]


@admin.register(RiskBands)
class RiskBandsAdmin(AuditedAdmin):
    fieldsets = [
        (
            "Where each band ends (very high runs to 25)",
            {"fields": ["low_last", "medium_last", "high_last"]},
        ),
        ("Names", {"fields": ["low_name", "medium_name", "high_name", "very_high_name"]}),
        ("Colours", {"fields": ["low_colour", "medium_colour", "high_colour", "very_high_colour"]}),
    ]

    def has_add_permission(self, request):
        # One row: the council's bands.
        return not RiskBands.objects.exists()


class RevisionInline(admin.TabularInline):
    model = RiskReviewRevision
    fields = ["number", "action", "changed_by", "changed_at", "reason", "before", "after"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RiskReview)
class RiskReviewAdmin(admin.ModelAdmin):
    list_display = ["risk", "reviewed_on", "state", "updated_at"]
    list_filter = ["state"]
    search_fields = ["risk__reference", "risk__title"]
    list_select_related = ["risk"]
    inlines = [RevisionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a review's history is kept
