from django.contrib import admin

from audit.admin import AuditedAdmin
from reports.models import Report, ReportEvent, ReportOutput


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "by", "at", "reason")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    """Reports are written and approved on their own pages; the admin is for looking, and for
    deleting a draft never approved (with a reason; an approved one is kept)."""

    list_display = ("title", "kind", "period", "committee", "state", "approved_at")
    list_filter = ("kind", "state", "committee")
    search_fields = ("title",)
    inlines = [ReportEventInline]
    readonly_fields = [f.name for f in Report._meta.fields] + ["extra_indicators"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportOutput)
class ReportOutputAdmin(AuditedAdmin):
    list_display = ("report", "format", "state", "is_draft", "requested_at", "size")
    list_filter = ("format", "state")
    readonly_fields = [f.name for f in ReportOutput._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
