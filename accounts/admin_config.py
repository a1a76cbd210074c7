"""App configurations named in INSTALLED_APPS for other packages' apps, as they appear here:
Django's admin with our admin site (accounts.admin_site, which signs in through the product's
sign-in), and django-otp's TOTP devices under a heading people understand."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "accounts.admin_site.AdminSite"


class AuthenticatorAppsConfig(TOTPConfig):
    verbose_name = "Two-factor sign-in"
