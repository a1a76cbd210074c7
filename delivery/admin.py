"""Setting up the delivery plan in the admin: programmes, projects and their milestones; and
reading service plans.

A milestone's dates are set when it is added; after that they move only on the project's page
(`delivery.plan.move_milestone`), which keeps every change with its reason. A service plan's
state moves only through its workflow (`delivery.service_plans`), so the admin shows it
read-only, with its objectives and actions inline.
"""

from django.contrib import admin

from audit.admin import AuditedAdmin, KeptInlineFormSet
from delivery.models import (
    Milestone,
    Programme,
    Project,
    ServicePlan,
    ServicePlanAction,
    ServicePlanObjective,
)

MILESTONE_DATES = ("baseline_due", "forecast_on", "achieved_on")


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["name", "code", "sponsor", "lead_unit"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["kpis"]
    prepopulated_fields = {"code": ["name"]}


class MilestoneInline(admin.TabularInline):
    model = Milestone
    formset = KeptInlineFormSet
    extra = 0
    fields = ["position", "title", *MILESTONE_DATES]

    def get_readonly_fields(self, request, obj=None):
        # Existing milestones' dates move on the project's page, with a reason.
        return MILESTONE_DATES if obj is not None else ()

    def has_add_permission(self, request, obj=None):
        return obj is None


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ["reference", "title", "programme", "lead_service", "owner", "state"]
    list_filter = ["state", "is_priority", "programme"]
    search_fields = ["reference", "title"]
    autocomplete_fields = ["outcomes", "measures"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(AuditedAdmin):
    list_display = ["title", "project", *MILESTONE_DATES]
    search_fields = ["title", "project__reference", "project__title"]
    list_select_related = ["project"]

    def get_readonly_fields(self, request, obj=None):
        return MILESTONE_DATES if obj is not None else ()


# Who moved the plan through its workflow, and when: never typed in.
WORKFLOW_FIELDS = (
    "state",
    "lock_version",
    "entered_by",
    "entered_at",
    "updated_at",
    "submitted_by",
    "submitted_at",
    "approved_by",
    "approved_at",
)


def _is_open(plan) -> bool:
    """Objectives and actions change only while their plan is a draft or returned."""
    return plan is None or plan.is_editable


class ServicePlanObjectiveInline(admin.StackedInline):
    model = ServicePlanObjective
    extra = 0
    fields = ["position", "title", "description", "outcomes"]
    autocomplete_fields = ["outcomes"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return _is_open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_open(obj) and super().has_delete_permission(request, obj)


@admin.register(ServicePlan)
class ServicePlanAdmin(AuditedAdmin):
    list_display = ["service", "year", "state", "approved_by", "approved_at"]
    list_filter = ["state", "year"]
    search_fields = ["service__name", "service__code"]
    list_select_related = ["service", "year", "approved_by"]
    readonly_fields = WORKFLOW_FIELDS
    autocomplete_fields = ["indicators", "risks"]
    inlines = [ServicePlanObjectiveInline]

    def get_readonly_fields(self, request, obj=None):
        # The service and year say which plan it is: fixed once it exists.
        return (*WORKFLOW_FIELDS, "service", "year") if obj is not None else WORKFLOW_FIELDS

    def has_add_permission(self, request):
        # A plan is started by its service (`start_plan`), which writes its first revision.
        return False


class ServicePlanActionInline(admin.TabularInline):
    model = ServicePlanAction
    extra = 0
    fields = ["position", "title", "owner", "starts_on", "due_on", "percent_complete"]
    # Progress is recorded on the plan's page, which keeps its history.
    readonly_fields = ["percent_complete"]
    autocomplete_fields = ["owner"]

    def has_add_permission(self, request, obj=None):
        return _is_open(obj and obj.plan) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_open(obj and obj.plan) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_open(obj and obj.plan) and super().has_delete_permission(request, obj)


@admin.register(ServicePlanObjective)
class ServicePlanObjectiveAdmin(AuditedAdmin):
    list_display = ["title", "plan"]
    search_fields = ["title", "plan__service__name"]
    list_select_related = ["plan__service", "plan__year"]
    autocomplete_fields = ["outcomes"]
    inlines = [ServicePlanActionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return _is_open(obj and obj.plan) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_open(obj and obj.plan) and super().has_delete_permission(request, obj)
