from django.contrib import admin

from audit.admin import AuditedAdmin
from finance.models import BudgetLine, CostCentre, FinanceSettings


@admin.register(BudgetLine)
class BudgetLineAdmin(AuditedAdmin):
    list_display = ("unit", "year", "budget")
    list_filter = ("year",)
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("unit", "year")
    autocomplete_fields = ("unit",)


@admin.register(CostCentre)
class CostCentreAdmin(AuditedAdmin):
    list_display = ("code", "name", "unit")
    search_fields = ("code", "name", "unit__name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)


@admin.register(FinanceSettings)
class FinanceSettingsAdmin(AuditedAdmin):
    """The council's thresholds: one row, changed but never added twice or deleted."""

    list_display = ("__str__", "amber_percent", "red_percent", "amber_pounds", "red_pounds")

    def has_add_permission(self, request) -> bool:
        return not FinanceSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
