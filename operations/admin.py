from django.contrib import admin
from django.utils import timezone

from operations.models import JobAttempt, RemovedFile, RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    """The council's one set of retention rules: added once, changed, never deleted."""

    fields = ["keep_import_files_days", "keep_draft_evidence_days", "changed_by", "changed_at"]
    readonly_fields = ["changed_by", "changed_at"]

    def has_add_permission(self, request):
        return not RetentionPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        obj.changed_by, obj.changed_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)


class RecordAdmin(admin.ModelAdmin):
    """Rows the system writes as a record: shown, never edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RemovedFile)
class RemovedFileAdmin(RecordAdmin):
    list_display = ["original_name", "kind", "rule", "removed_at", "removed_by"]
    list_filter = ["kind"]
    search_fields = ["original_name", "path"]


@admin.register(JobAttempt)
class JobAttemptAdmin(RecordAdmin):
    list_display = ["__str__", "worker", "started_at", "outcome", "ended_at"]
    list_filter = ["kind", "outcome"]
