from django.urls import path

from risks import views

app_name = "risks"

urlpatterns = [
    path("", views.register_page, name="register"),
    path("export.csv", views.register_csv, name="export"),
    path("heat-map/", views.heat_map_page, name="heat_map"),
    path("new/", views.new_risk, name="new"),
    path("<int:pk>/", views.risk_page, name="risk"),
    path("<int:pk>/edit/", views.edit_risk, name="edit"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/controls/", views.add_control_page, name="add_control"),
    path("<int:pk>/actions/", views.add_action_page, name="add_action"),
    path("<int:pk>/review/", views.review, name="review"),
    path("reviews/<int:pk>/decide/", views.decide, name="decide"),
    path("reviews/<int:pk>/revise/", views.revise, name="revise"),
]
