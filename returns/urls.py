from django.urls import path

from returns import cycle_views, views

app_name = "returns"
urlpatterns = [
    path("", views.my_returns_page, name="mine"),
    path("<int:cycle_id>/<slug:service_code>/", views.service_return_page, name="service"),
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
]
