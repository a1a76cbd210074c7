from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from organisation.models import Council, OrgUnit, User


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "ons_code", "tier", "rag_rule", "default_tolerance_percent"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "head", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent", "head"]
    autocomplete_fields = ["parent", "head"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(User)
class PersonAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "job_title", "home_unit", "is_active"]
    list_filter = ["groups", "is_staff", "is_active"]
    list_select_related = ["home_unit"]
    search_fields = ["username", "first_name", "last_name", "email", "job_title"]
    filter_horizontal = ["groups", "user_permissions", "scope"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Role in the framework", {"fields": ["job_title", "home_unit", "scope"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        (
            "Role in the framework",
            {"fields": ["first_name", "last_name", "email", "job_title", "home_unit"]},
        ),
    ]
