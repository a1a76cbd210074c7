"""Two-factor sign-in with an authenticator app (TOTP, through django-otp), for accounts that
sign in with a password: setting an app up, checking a code, removing the app, and who must
use it.

Administrators must use it outside the demo (or wherever GOLDEN_THREAD_REQUIRE_TWO_FACTOR_FOR_ADMINS
is true) when they sign in with a password; single sign-on leaves the second factor to the
council's identity provider.
"""

from __future__ import annotations

import datetime
import logging
import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from organisation.models import Role, User
from organisation.permissions import roles_of

log = logging.getLogger("accounts")

DEVICE_NAME = "Authenticator app"
KEY_BYTES = 20  # 160 bits, as RFC 4226 recommends for HMAC-SHA1
STEP_SECONDS = 30
DIGITS = 6
TOLERANCE = 1  # the code before and after the current one are accepted too (clock drift)


def two_factor_required_for_admins() -> bool:
    """Administrators must use two-factor with a password: always outside the demo, and in the
    demo when GOLDEN_THREAD_REQUIRE_TWO_FACTOR_FOR_ADMINS is true."""
    return not settings.DEMO_MODE or settings.REQUIRE_TWO_FACTOR_FOR_ADMINS


def must_use_two_factor(user) -> bool:
    """Whether this person, signing in with a password, must use an authenticator app."""
    return two_factor_required_for_admins() and Role.ADMINISTRATOR in roles_of(user)


def may_use_two_factor(user) -> bool:
    """Two-factor guards a password: only people who can sign in with one may set it up."""
    return settings.PASSWORD_SIGN_IN and user.has_usable_password()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- Setting an app up ----------------------------------------------------------------------


def new_key() -> str:
    """A new secret for an authenticator app, hex-encoded as django-otp keeps it."""
    return random_hex(KEY_BYTES)


def key_for_typing(key: str) -> str:
    """The secret as an authenticator app asks for it when typed: base32, in groups of four."""
    text = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _setup_address(user: User, key: str) -> str:
    return TOTPDevice(user=user, key=key, step=STEP_SECONDS, digits=DIGITS).config_url


def qr_code_data_uri(user: User, key: str) -> str:
    """The set-up QR code as an SVG data URI: drawn here, so no image is fetched from anywhere
    and the Content Security Policy (img-src 'self' data:) allows it."""
    code = segno.make(_setup_address(user, key), error="m")
    return code.svg_data_uri(scale=5, border=4, dark="#0b0c0c", light="#ffffff")


@transaction.atomic
def set_up_two_factor(*, user: User, key: str, code: str) -> TOTPDevice | None:
    """Save the authenticator app holding `key` as the person's second factor, if `code` is one
    it shows now; it replaces any app set up before. Nothing is saved for a wrong code."""
    totp = TOTP(unhexlify(key), STEP_SECONDS, 0, DIGITS, 0)
    totp.time = time.time()
    if not _is_code(code) or not totp.verify(int(code), TOLERANCE):
        return None
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user,
        name=DEVICE_NAME,
        key=key,
        step=STEP_SECONDS,
        digits=DIGITS,
        tolerance=TOLERANCE,
        drift=totp.drift,
        last_t=totp.t(),  # this code is used: it cannot sign in too
        confirmed=True,
        last_used_at=timezone.now(),
    )
    log.info("%s set up two-factor sign-in", user.get_username())
    return device


@transaction.atomic
def remove_two_factor(*, user: User, code: str) -> CodeCheck:
    """Remove the person's authenticator app, if `code` is one it shows now."""
    check = check_code(user=user, code=code)
    if check.accepted:
        TOTPDevice.objects.filter(user=user).delete()
        log.info("%s removed two-factor sign-in", user.get_username())
    return check


@transaction.atomic
def reset_two_factor(*, user: User) -> bool:
    """Remove the person's authenticator app without a code (they have lost it); answers
    whether there was one."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    if removed:
        log.warning("Two-factor sign-in of %s was reset", user.get_username())
    return bool(removed)


# --- Checking a code ------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeCheck:
    accepted: bool
    device: TOTPDevice | None = None
    # Set when wrong codes came too fast: django-otp refuses to check until then.
    wait_until: datetime.datetime | None = None

    @property
    def wait_seconds(self) -> int:
        if self.wait_until is None:
            return 0
        return max(1, int((self.wait_until - timezone.now()).total_seconds()) + 1)


def _is_code(code: str) -> bool:
    return len(code) == DIGITS and code.isascii() and code.isdigit()


@transaction.atomic
def check_code(*, user: User, code: str) -> CodeCheck:
    """Check a code from the person's authenticator app. A code is accepted once only; each
    wrong code doubles the wait before the next may be checked (django-otp's throttling:
    1, 2, 4, 8… seconds)."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=True)
        .order_by("pk")
        .first()
    )
    if device is None:
        return CodeCheck(accepted=False)
    allowed, why_not = device.verify_is_allowed()
    if not allowed:
        return CodeCheck(accepted=False, device=device, wait_until=why_not.get("locked_until"))
    if device.verify_token(code if _is_code(code) else ""):
        return CodeCheck(accepted=True, device=device)
    return CodeCheck(accepted=False, device=device)
