from django.urls import path

from benchmarking import evidence_views, group_views, link_views, upload_views, views

app_name = "benchmarking"

urlpatterns = [
    path("", views.metrics_page, name="metrics"),
    path("metrics/<str:code>/", views.metric_page, name="metric"),
    path("upload/", upload_views.upload_page, name="upload"),
    path("indicators/<slug:code>/", link_views.link_page, name="link"),
    path(
        "evidence/outcomes/<slug:code>/",
        evidence_views.outcome_evidence_page,
        name="outcome_evidence",
    ),
    path("groups/", group_views.groups_page, name="groups"),
    path("groups/add/", group_views.group_add_page, name="group_add"),
    path("groups/<int:pk>/", group_views.group_page, name="group"),
    path("groups/<int:pk>/edit/", group_views.group_edit_page, name="group_edit"),
    path("groups/<int:pk>/delete/", group_views.group_delete_page, name="group_delete"),
]
