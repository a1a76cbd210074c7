from django.urls import path

from improvement import views

app_name = "improvement"

urlpatterns = [
    path("", views.index, name="index"),
    path("findings/new/", views.new_finding, name="new_finding"),
    path("findings/<int:pk>/", views.finding_page, name="finding"),
    path("findings/<int:pk>/agree/", views.agree_page, name="agree"),
    path("actions/<int:pk>/", views.action_page, name="action"),
    path("actions/<int:pk>/due-date/", views.due_date_page, name="due_date"),
    path("actions/<int:pk>/updates/<str:period_code>/", views.update_page, name="update"),
    path("updates/<int:pk>/submit/", views.submit_update, name="submit"),
    path("updates/<int:pk>/sign-off/", views.sign_off_update, name="sign_off"),
    path("updates/<int:pk>/return/", views.return_update, name="return"),
    path("clinic/<int:indicator_id>/", views.clinic_page, name="clinic"),
]
