from django.urls import path

from returns import cycle_views, import_views, views

app_name = "returns"
urlpatterns = [
    path("", views.my_returns_page, name="mine"),
    path("<int:cycle_id>/<slug:service_code>/", views.service_return_page, name="service"),
    path(
        "<int:cycle_id>/<slug:service_code>/statuses.json",
        views.return_statuses,
        name="return_statuses",
    ),
    path(
        "<int:cycle_id>/<slug:service_code>/workbook.xlsx",
        import_views.workbook_download,
        name="workbook",
    ),
    path(
        "<int:cycle_id>/<slug:service_code>/upload/",
        import_views.upload_workbook_page,
        name="upload_workbook",
    ),
    path("imports/new/", import_views.import_values_page, name="import_values"),
    path("imports/<int:run_id>/", import_views.import_run_page, name="import_run"),
    path("sign-off/", views.sign_off_queue_page, name="sign_off"),
    path(
        "<int:cycle_id>/<slug:service_code>/sign-off/",
        views.service_sign_off_page,
        name="service_sign_off",
    ),
    path("values/<int:value_id>/", views.value_page, name="value"),
    path("evidence/<int:evidence_id>/", views.evidence_file, name="evidence"),
    path("cycles/", cycle_views.cycles_page, name="cycles"),
    path("cycles/new/", cycle_views.new_cycle_page, name="new_cycle"),
    path("cycles/<int:cycle_id>/", cycle_views.cycle_page, name="cycle"),
    path("cycles/<int:cycle_id>/action/", cycle_views.cycle_action, name="cycle_action"),
    path("cycles/<int:cycle_id>/close/", cycle_views.close_cycle_page, name="close_cycle"),
]
