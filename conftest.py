"""Suite-wide test settings: a fast password hasher, tasks run immediately, no API rate limit,
and an empty cache for each test (kept public pages and report contents belong to one test's
database)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tests make many API requests from one address in a minute; api/tests/test_limits.py
    # sets its own limits.
    settings.API_ANONYMOUS_REQUESTS_PER_MINUTE = 1_000_000
    settings.API_TOKEN_REQUESTS_PER_MINUTE = 1_000_000
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
