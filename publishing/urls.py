from django.urls import path, re_path

from publishing import views

app_name = "publishing"

urlpatterns = [
    path("", views.home, name="home"),
    path("scorecards/", views.scorecards, name="scorecards"),
    path("scorecards/<str:period_code>/", views.scorecard, name="scorecard"),
    path("scorecards/<str:period_code>/<slug:ambition_code>/", views.ambition, name="ambition"),
    path(
        "scorecards/<str:period_code>/<slug:ambition_code>/page-<int:number>/",
        views.ambition,
        name="ambition_page",
    ),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/letter/<str:letter>/", views.indicators_letter, name="indicators_letter"),
    path("indicators/<str:code>/", views.indicator, name="indicator"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/download/<slug:output_format>/", views.download, name="download"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("data/", views.data, name="data"),
    path("data/schema.json", views.schema, name="schema"),
    re_path(
        r"^data/periods/(?P<period_code>[^/]+)\.(?P<extension>csv|json)$",
        views.period_data,
        name="period_data",
    ),
    re_path(
        r"^data/indicators/(?P<code>[^/]+)\.(?P<extension>csv|json)$",
        views.indicator_data,
        name="indicator_data",
    ),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
    path("feed.xml", views.feed_xml, name="feed"),
]
