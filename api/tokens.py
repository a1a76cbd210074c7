"""Making, finding and revoking personal API tokens.

A token is `gt_<prefix>_<secret>`: the prefix (8 hex digits) finds the stored token, and the
SHA-256 of the whole token must match its hash. Only the hash is kept, so the secret is shown
once, in the answer that made it. A token works until it expires (at most a year after it was
made) or is revoked, and only while its person's account is active. The audit log records
each token made and revoked (`audit.recording.AUDITED`).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from api.models import ApiToken

DEFAULT_DAYS = 90
MAX_DAYS = 366  # a year, leap or not
EXPIRY_CHOICES = (7, 30, DEFAULT_DAYS, 180, 365)
# Writing the time of use at most this often keeps a busy client from writing on every request.
LAST_USED_EVERY = datetime.timedelta(minutes=1)
TOKEN = re.compile(r"gt_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{43})")

NOT_YOURS = "You can only revoke your own tokens"


class TokenError(ValueError):
    pass


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token, to show once and never again


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def create_token(*, user, name: str, days: int = DEFAULT_DAYS) -> NewToken:
    """Make a token for `user` that expires `days` from now (at most a year)."""
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"A token expires within 1 to {MAX_DAYS} days")
    name = name.strip()
    if not name:
        raise TokenError("Give the token a name")
    now = timezone.now()
    for _ in range(5):  # 8 hex digits: a clash is rare, two in a row rarer still
        prefix = secrets.token_hex(4)
        secret = f"gt_{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user,
                    name=name,
                    prefix=prefix,
                    secret_hash=_hash(secret),
                    created_at=now,
                    expires_at=now + datetime.timedelta(days=days),
                )
        except IntegrityError:
            continue
        return NewToken(token=token, secret=secret)
    raise TokenError("No free token prefix: try again")


@transaction.atomic
def revoke_token(*, token: ApiToken, by) -> ApiToken:
    """Stop a token working, at once and for good. Only its owner revokes it; revoking it
    again changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != by.pk:
        raise TokenError(NOT_YOURS)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def is_active(token: ApiToken, *, now: datetime.datetime) -> bool:
    return token.revoked_at is None and token.expires_at > now


def token_for(secret: str) -> ApiToken | None:
    """The working token `secret` is, with its person; None for anything else: malformed,
    unknown, tampered with, revoked, expired, or its person's account deactivated. Notes the
    time of use (at most once a minute)."""
    found = TOKEN.fullmatch(secret)
    if found is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=found.group("prefix")).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(secret)):
        return None
    now = timezone.now()
    if not is_active(token, now=now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_of(user) -> list[ApiToken]:
    """A person's tokens, the newest first: working, expired and revoked."""
    return list(ApiToken.objects.filter(user=user))
