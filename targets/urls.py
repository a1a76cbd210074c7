from django.urls import path

from targets import views

app_name = "targets"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.year_page, name="year"),
    path("<str:code>/set/", views.set_page, name="set"),
    path("<str:code>/propose/", views.propose, name="propose"),
    path("<str:code>/agree/", views.agree, name="agree"),
    path("<str:code>/return/", views.return_page, name="return"),
    path("<str:code>/workbook/", views.download, name="download"),
    path("<str:code>/upload/", views.upload, name="upload"),
    path("<str:code>/indicators/<str:indicator_code>/", views.indicator_page, name="indicator"),
]
