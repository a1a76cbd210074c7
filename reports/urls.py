from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.new_report, name="new"),
    path("<int:report_id>/", views.report_page, name="report"),
    path("<int:report_id>/edit/", views.edit_report, name="edit"),
    path("<int:report_id>/approve/", views.approve, name="approve"),
    path("<int:report_id>/reopen/", views.reopen, name="reopen"),
    path("<int:report_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:report_id>/publication-time/", views.hold, name="hold"),
    path("<int:report_id>/files/", views.make_file, name="make_file"),
    path("files/<int:output_id>/", views.output_page, name="output"),
    path("files/<int:output_id>/download/", views.download, name="download"),
]
