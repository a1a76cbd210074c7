from django.contrib import admin

from scorecards.models import Narrative


@admin.register(Narrative)
class NarrativeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "period", "written_by", "updated_at"]
    list_filter = ["period"]
    list_select_related = ["unit", "ambition", "period", "written_by"]
    autocomplete_fields = ["unit", "ambition", "period"]
