"""Signing in: the sign-in page, its two-factor step and single sign-on's two addresses. The
names are Django's (login) and mozilla-django-oidc's (oidc_authentication_*), which both look
them up."""

from django.urls import path

from accounts import oidc, views

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/code/", views.sign_in_code_page, name="sign_in_code"),
    path("oidc/authenticate/", oidc.StartSignIn.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.FinishSignIn.as_view(), name="oidc_authentication_callback"),
]
