from django.urls import path

from scorecards import views

app_name = "scorecards"
urlpatterns = [
    path("", views.organisation_scorecard_page, name="organisation"),
]
