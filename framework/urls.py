"""The performance team's pages for the framework: one module of URLs per part of it."""

from django.urls import include, path

from framework import views

app_name = "framework"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("framework.indicator_urls")),
    path("", include("framework.structure_urls")),
    path("", include("framework.people_urls")),
]
