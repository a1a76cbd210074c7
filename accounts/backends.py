"""Password sign-in, which a council can switch off (GOLDEN_THREAD_PASSWORD_SIGN_IN=false)."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    """Django's username and password check, refused everywhere when passwords are switched
    off: not only on the sign-in page but on any other door that asks for a password. A session
    begun with a password ends when passwords are switched off."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.PASSWORD_SIGN_IN:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        if not settings.PASSWORD_SIGN_IN:
            return None
        return super().get_user(user_id)
