from django.urls import path

from scorecards import views

app_name = "scorecards"
urlpatterns = [
    path("", views.organisation_scorecard_page, name="organisation"),
    path("ambitions/<slug:code>/", views.ambition_page, name="ambition"),
    path("outcomes/<slug:code>/", views.outcome_page, name="outcome"),
    path("directorates/<slug:code>/", views.directorate_page, name="directorate"),
    path("services/<slug:code>/", views.service_page, name="service"),
    path("committees/<slug:code>/", views.committee_page, name="committee"),
    path("indicators/<slug:code>/", views.indicator_page, name="indicator"),
    path(
        "indicators/<slug:code>/recalculations/",
        views.recalculation_page,
        name="recalculations",
    ),
    path(
        "indicators/<slug:code>/recalculations/<int:pk>/remove/",
        views.remove_recalculation_page,
        name="remove_recalculation",
    ),
    path(
        "directorates/<slug:code>/narrative/",
        views.narrative_page,
        {"kind": "directorate"},
        name="directorate_narrative",
    ),
    path(
        "ambitions/<slug:code>/narrative/",
        views.narrative_page,
        {"kind": "ambition"},
        name="ambition_narrative",
    ),
]
