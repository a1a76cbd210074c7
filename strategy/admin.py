from django.contrib import admin

from strategy.models import Ambition, Committee, Meeting, OperatingPrinciple, Outcome, Plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_on", "ends_on", "is_current"]
    list_filter = ["kind", "is_current"]


@admin.register(OperatingPrinciple)
class OperatingPrincipleAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class OutcomeInline(admin.TabularInline):
    model = Outcome
    fields = ["code", "title", "lead_unit", "order"]
    extra = 0
    show_change_link = True


@admin.register(Ambition)
class AmbitionAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "order"]
    list_filter = ["plan"]
    search_fields = ["title", "code"]
    filter_horizontal = ["principles"]
    inlines = [OutcomeInline]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["title", "ambition", "lead_unit", "order"]
    list_filter = ["ambition"]
    search_fields = ["title", "code"]
    list_select_related = ["ambition", "lead_unit"]
    filter_horizontal = ["principles"]


class MeetingInline(admin.TabularInline):
    model = Meeting
    fields = ["starts_at", "venue", "is_cancelled"]
    extra = 0


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "receives_full_scorecard"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["remit_ambitions", "remit_units"]
    inlines = [MeetingInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["committee", "starts_at", "venue", "is_cancelled"]
    list_filter = ["committee", "is_cancelled"]
    date_hierarchy = "starts_at"
    list_select_related = ["committee"]
