from django.urls import path

from finance import views

app_name = "finance"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_page, name="import"),
    path("cost-centres/", views.cost_centres_page, name="cost_centres"),
    path("lines/<int:line_id>/", views.line_page, name="line"),
    path("forecasts/<int:forecast_id>/", views.forecast_page, name="forecast"),
    path("<str:code>/", views.year_page, name="year"),
]
