"""A person's own account pages (/account/)."""

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account_page, name="account"),
    path("two-factor/", views.two_factor_page, name="two_factor"),
]
