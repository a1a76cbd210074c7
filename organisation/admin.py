from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group

from audit.admin import AuditedAdmin, ReasonRequired, reason_posted, with_reason
from organisation.models import Council, OrgUnit, User


@admin.register(Council)
class CouncilAdmin(AuditedAdmin):
    list_display = ["name", "ons_code", "tier", "rag_rule", "default_tolerance_percent"]


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ["name", "kind", "parent", "head", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent", "head"]
    autocomplete_fields = ["parent", "head"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(User)
class PersonAdmin(ReasonRequired, UserAdmin):
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

    # A new password is recorded as changed (who, when, why), never its value.
    change_password_form = with_reason(AdminPasswordChangeForm)
    change_user_password_template = "audit/admin/change_password.html"

    def user_change_password(self, request, id, form_url=""):
        with reason_posted(request):
            return super().user_change_password(request, id, form_url)


# Roles are groups: renaming one, or changing its permissions, is recorded with a reason.
admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(ReasonRequired, GroupAdmin):
    pass
