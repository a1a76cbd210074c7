"""URLs of the performance team's indicator pages (see framework/urls.py)."""

from django.urls import path

from framework import indicator_views as views

urlpatterns = [
    path("indicators/", views.indicator_list_page, name="indicators"),
    path("indicators/new/", views.new_indicator_page, name="new_indicator"),
    path("indicators/<slug:code>/", views.indicator_page, name="indicator"),
    path(
        "indicators/<slug:code>/definition/",
        views.change_definition_page,
        name="change_indicator",
    ),
    path(
        "indicators/<slug:code>/status/",
        views.indicator_details_page,
        name="indicator_details",
    ),
    path("indicators/<slug:code>/move/", views.move_indicator_page, name="move_indicator"),
    path("indicators/<slug:code>/retire/", views.retire_indicator_page, name="retire_indicator"),
]
