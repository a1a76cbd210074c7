"""A person's own account pages (/account/)."""

from django.urls import path

from accounts import token_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.account_page, name="account"),
    path("two-factor/", views.two_factor_page, name="two_factor"),
    path("tokens/new/", token_views.new_token_page, name="new_token"),
    path("tokens/revoke/", token_views.revoke_token_view, name="revoke_token"),
]
