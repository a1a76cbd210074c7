"""Authenticator apps in the admin: who has one, and removing one for a person who has lost
their phone (they set a new one up at their next sign-in). The secret is never shown."""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice


class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # people set their own app up, on their account page

    def has_change_permission(self, request, obj=None):
        return False


# Ours replaces django-otp's own (which offers the secret and its QR code to administrators).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TOTPDeviceAdmin)
