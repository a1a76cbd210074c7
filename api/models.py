"""Personal API tokens, and the requests sent with an Idempotency-Key that the API remembers.

A token acts as its person, with exactly their roles and scope (`organisation.permissions`),
never more. Only a hash of its secret is kept: the secret is shown once, when it is made.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A personal API token: `gt_<prefix>_<secret>`.

    Only the SHA-256 of the whole token is stored. A fast hash is enough here, unlike for a
    password: the secret is 256 random bits (`secrets.token_urlsafe(32)`), so guessing it from
    its hash is as hopeless as guessing it outright, and a slow hash (Argon2) would only add a
    tenth of a second to every request. The prefix is not secret: it finds the token without
    a search over hashes, and lets its owner, the account page and the audit log name it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What it is for, e.g. the housing system")
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)  # hex SHA-256 of the whole token
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # Set at most once a minute, so that a busy client does not write on every request.
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"“{self.name}” ({self.shown_prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def shown_prefix(self) -> str:
        """How the token begins, as its owner sees it: `gt_ab12cd34`."""
        return f"gt_{self.prefix}"


class IdempotentRequest(models.Model):
    """A write sent with an Idempotency-Key, and the answer it got: the same key again with
    the same request gets the same answer and records nothing; with another request, a 422.
    Kept for a day (`api.idempotency.KEPT_FOR`)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of the request
    status = models.PositiveSmallIntegerField(null=True)  # None while it is being answered
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="one_request_per_token_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.token})"
