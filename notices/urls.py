from django.urls import path

from notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:notice_id>/", views.open_notice, name="open"),
    path("read/", views.read_all, name="read_all"),
    path("settings/", views.email_settings, name="settings"),
]
