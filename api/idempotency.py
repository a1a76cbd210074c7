"""Idempotency keys: a write retried with the same `Idempotency-Key` is answered as the first
time and records nothing twice.

A key belongs to the token that sent it and is kept for a day. Only a write that succeeded is
remembered: one that was refused recorded nothing, so it may be corrected and sent again with
the same key. The same key with a different request is refused (422): that is a client's
mistake, and answering it with the first request's answer would hide it.

Call `claim` and `keep` inside the write's own transaction: the claim inserts the key first,
so a second copy of the request arriving while the first is being answered waits for it
(the key is unique per token) and then gets its answer.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from api.models import ApiToken, IdempotentRequest

KEPT_FOR = datetime.timedelta(hours=24)
HEADER = "Idempotency-Key"
MAX_LENGTH = 255
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"  # visible ASCII, no spaces

REUSED = "Idempotency-Key reused"
OTHER_REQUEST = (
    "This Idempotency-Key was used in the last 24 hours with a different request. Use a new "
    "key for each new request, and the same key only to send the same request again."
)


class KeyReused(Exception):
    """The key was used with another request."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict


def fingerprint(method: str, path: str, body: dict) -> str:
    text = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def claim(*, token: ApiToken, key: str, request_fingerprint: str) -> IdempotentRequest | Answer:
    """Claim `key` for this request: the claim to keep its answer in, or the answer already
    given to the same request. KeyReused if the key was used with another request."""
    now = timezone.now()
    IdempotentRequest.objects.filter(created_at__lt=now - KEPT_FOR).delete()
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(
                token=token, key=key, fingerprint=request_fingerprint, created_at=now
            )
    except IntegrityError:
        pass
    first = IdempotentRequest.objects.get(token=token, key=key)
    if first.fingerprint != request_fingerprint:
        raise KeyReused(OTHER_REQUEST)
    return Answer(status=first.status, body=first.body)


def keep(held: IdempotentRequest, *, status: int, body: dict) -> None:
    """Remember the answer a claimed request got."""
    held.status, held.body = status, body
    held.save(update_fields=["status", "body"])
