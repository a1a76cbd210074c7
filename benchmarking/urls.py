from django.urls import path

from benchmarking import link_views, upload_views, views

app_name = "benchmarking"

urlpatterns = [
    path("", views.metrics_page, name="metrics"),
    path("metrics/<str:code>/", views.metric_page, name="metric"),
    path("upload/", upload_views.upload_page, name="upload"),
    path("indicators/<slug:code>/", link_views.link_page, name="link"),
]
