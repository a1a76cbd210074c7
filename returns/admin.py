from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from audit.admin import AuditedAdmin
from framework.reminder_rules import rule_problems
from returns.models import CycleEvent, Evidence, ImportRun, ReminderRule, ReminderSent


class RecordAdmin(admin.ModelAdmin):
    """Rows the system writes as a record (what was sent, uploaded, done): shown, never edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReminderRuleForm(forms.ModelForm):
    """The same rules as the framework's reminder pages (`framework.reminder_rules`)."""

    class Meta:
        model = ReminderRule
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        problems = rule_problems(
            rule=self.instance if self.instance.pk else None,
            deadline=cleaned.get("deadline", ""),
            days_after=cleaned.get("days_after"),
            audience=cleaned.get("audience", ""),
            repeat_every_days=cleaned.get("repeat_every_days"),
        )
        for field, message in problems:
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned


@admin.register(ReminderRule)
class ReminderRuleAdmin(AuditedAdmin):
    """The council's escalation: who is reminded, and when, while returns are outstanding."""

    form = ReminderRuleForm

    # Changed on its own page, with a reason for the audit log (no editing in the list).
    list_display = [
        "__str__",
        "deadline",
        "days_after",
        "audience",
        "repeat_every_days",
        "is_active",
    ]
    list_filter = ["deadline", "audience", "is_active"]

    def has_delete_permission(self, request, obj=None):
        # A step that has sent reminders is kept with them; switch it off instead.
        if obj is not None and obj.sent.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ReminderSent)
class ReminderSentAdmin(RecordAdmin):
    list_display = ["subject", "recipient", "rule", "outstanding", "sent_at"]
    list_filter = ["cycle", "rule"]
    list_select_related = ["recipient", "rule", "cycle__period"]
    search_fields = ["subject", "recipient__username", "recipient__email"]
    date_hierarchy = "sent_at"


@admin.register(CycleEvent)
class CycleEventAdmin(RecordAdmin):
    list_display = ["cycle", "action", "by", "at", "reason"]
    list_filter = ["action", "cycle"]
    list_select_related = ["cycle__period", "by"]


@admin.register(Evidence)
class EvidenceAdmin(RecordAdmin):
    # Evidence is private: it is downloaded through the return's permission check, not MEDIA_URL.
    fields = [
        "value",
        "original_name",
        "download",
        "content_type",
        "size",
        "description",
        "uploaded_by",
        "uploaded_at",
    ]
    readonly_fields = fields
    list_display = ["original_name", "value", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["value__indicator", "value__period", "uploaded_by"]
    search_fields = ["original_name", "description", "value__indicator__code"]

    @admin.display(description="File")
    def download(self, obj):
        return format_html(
            '<a href="{}">Download {}</a>',
            reverse("returns:evidence", args=[obj.pk]),
            obj.original_name,
        )


@admin.register(ImportRun)
class ImportRunAdmin(RecordAdmin):
    fields = [
        "kind",
        "cycle",
        "service",
        "original_name",
        "uploaded_by",
        "state",
        "total_rows",
        "processed_rows",
        "imported_rows",
        "problems",
        "notes",
        "created_at",
        "finished_at",
    ]
    readonly_fields = fields
    list_display = ["original_name", "kind", "state", "imported_rows", "uploaded_by", "created_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["uploaded_by"]
