from django.urls import path

from delivery import service_plan_views, views

app_name = "delivery"

urlpatterns = [
    path("", views.plan_page, name="plan"),
    path("projects.csv", views.export, name="export"),
    path("programmes/<slug:code>/", views.programme_page, name="programme"),
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("service-plans/", service_plan_views.service_plans_page, name="service_plans"),
    path(
        "service-plans/<slug:service_code>/<slug:year_code>/",
        service_plan_views.service_plan_page,
        name="service_plan",
    ),
]
