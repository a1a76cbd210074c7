"""People: inviting someone, giving and taking away their roles and the units they answer for,
deactivating, reactivating and removing them, and who may do which.

The performance team and administrators manage people. Only administrators give or take away
the Administrator and Internal auditor roles, and only they change the account of an
administrator or an internal auditor: the people who hold the keys and those who check the
performance team are not at its mercy. Nobody deactivates or removes themselves, nor takes away
their own Administrator role, so there is always an administrator left.

A person's admin access follows their roles (`follow_roles`): staff for the performance team and
administrators, superuser for administrators. Every change is recorded in the audit log with
who, when and why (`audit.recording` records people, their roles and scope).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.oidc import provider_name, sso_enabled
from audit.context import audited
from audit.keeping import handled_figures
from audit.models import AuditEntry
from organisation.models import OrgUnit, Role, User
from organisation.permissions import Action, can, require, roles_of

# Only administrators give or take these away, or change the accounts of people who hold them.
ADMINISTRATORS_ONLY = frozenset({Role.ADMINISTRATOR, Role.AUDITOR})
# The roles that need the admin (Django's staff flag); its permissions come from the group.
ADMIN_ACCESS = frozenset({Role.PERFORMANCE_TEAM, Role.ADMINISTRATOR})

# Messages name the field and the fix; the forms show them against that field.
REASON_REQUIRED = "Reason: say why, for the audit log"
EMAIL_TAKEN = (
    "Email address: {email} already has an account. Find them in the list of people instead"
)
ROLE_NOT_YOURS = "Roles: only an administrator can give or take away the {role} role"
ADMINISTRATORS_ACCOUNT = (
    "Only an administrator can change the account of an administrator or an internal auditor"
)
NOT_YOURSELF = "You cannot {what} your own account: ask someone else on the performance team"
OWN_ADMINISTRATOR_ROLE = (
    "Roles: you cannot take away your own Administrator role. Ask another administrator"
)
ALREADY_ACTIVE = "{person} is already active"
ALREADY_INACTIVE = "{person} is already deactivated"
KEPT = (
    "{person} entered, submitted or signed off figures, or changed something recorded in the "
    "audit log, so they are kept: deactivate them instead"
)


class PeopleError(ValueError):
    """A change to a person that was refused; `problems` are (field name, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


# --- Who may do what -------------------------------------------------------------------------


def may_manage_people(user) -> bool:
    return can(user, Action.MANAGE_FRAMEWORK)


def grantable_roles(user) -> list[Role]:
    """The roles `user` may give and take away, in the order they are listed everywhere."""
    if not may_manage_people(user):
        return []
    if Role.ADMINISTRATOR in roles_of(user):
        return list(Role)
    return [role for role in Role if role not in ADMINISTRATORS_ONLY]


def may_change(user, person: User) -> bool:
    """Whether `user` may change `person`'s roles, scope or whether they are active."""
    if not may_manage_people(user):
        return False
    if Role.ADMINISTRATOR in roles_of(user):
        return True
    return not roles_of(person) & ADMINISTRATORS_ONLY


def _require_change(by: User, person: User) -> None:
    require(by, Action.MANAGE_FRAMEWORK)
    if not may_change(by, person):
        raise PeopleError([("", ADMINISTRATORS_ACCOUNT)])


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise PeopleError([("reason", REASON_REQUIRED)])
    return reason


def _fresh(person: User) -> User:
    """The person, locked for this transaction, with nothing cached from an earlier read."""
    return User.objects.select_for_update().get(pk=person.pk)


def has_history(person: User) -> bool:
    """Whether `person` ever entered, submitted or signed off a figure, or changed anything the
    audit log records: such a person is kept (audit.keeping's rule, decision 0013)."""
    return handled_figures(person) or AuditEntry.objects.filter(actor=person).exists()


def may_remove(user, person: User) -> bool:
    return may_change(user, person) and user.pk != person.pk and not has_history(person)


def is_invited(person: User) -> bool:
    """Invited and not yet in: no password set and never signed in."""
    return person.is_active and person.last_login is None and not person.has_usable_password()


# --- Roles and admin access ------------------------------------------------------------------


def _groups(roles: Iterable[Role]) -> list[Group]:
    return [Group.objects.get_or_create(name=Role(role).label)[0] for role in roles]


def follow_roles(person: User, roles: Iterable[Role]) -> list[str]:
    """Set `person`'s admin flags from their roles; the names of the flags that changed.
    The admin's permissions are the Performance team group's (organisation migration 0004)."""
    roles = set(roles)
    changed = []
    for flag, value in (
        ("is_staff", bool(roles & ADMIN_ACCESS)),
        ("is_superuser", Role.ADMINISTRATOR in roles),
    ):
        if getattr(person, flag) != value:
            setattr(person, flag, value)
            changed.append(flag)
    return changed


def _check_roles(by: User, person: User | None, roles: set[Role]) -> None:
    before = roles_of(person) if person is not None else set()
    allowed = set(grantable_roles(by))
    problems = [
        ("roles", ROLE_NOT_YOURS.format(role=role.label))
        for role in Role
        if role in (roles ^ before) and role not in allowed
    ]
    if person is not None and person.pk == by.pk and Role.ADMINISTRATOR in before - roles:
        problems.append(("roles", OWN_ADMINISTRATOR_ROLE))
    if problems:
        raise PeopleError(problems)


# --- Changes ---------------------------------------------------------------------------------


@transaction.atomic
@audited(reason="reason")
def invite_person(
    *,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    job_title: str = "",
    home_unit: OrgUnit | None = None,
    roles: Iterable[Role] = (),
    units: Iterable[OrgUnit] = (),
    reason: str,
) -> User:
    """Make an account for someone new, with no usable password: they set one from the
    invitation (`send_invitation`), or sign in with the council's account."""
    require(by, Action.MANAGE_FRAMEWORK)
    reason = _reason(reason)
    email = email.strip()
    roles = {Role(role) for role in roles}
    _check_roles(by, None, roles)
    # Single sign-on finds people by email address, ignoring case: it must be one person's.
    taken = User.objects.filter(email__iexact=email).exists()
    if taken or User.objects.filter(username__iexact=email).exists():
        raise PeopleError([("email", EMAIL_TAKEN.format(email=email))])
    person = User(
        username=email.lower(),
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        job_title=job_title.strip(),
        home_unit=home_unit,
    )
    person.set_unusable_password()
    follow_roles(person, roles)
    person.save()
    person.groups.set(_groups(sorted(roles)))
    person.scope.set(list(units))
    return person


@transaction.atomic
@audited(reason="reason")
def change_access(
    *, by: User, person: User, roles: Iterable[Role], units: Iterable[OrgUnit], reason: str
) -> User:
    """Give and take away `person`'s roles and the units they answer for, in one change."""
    person = _fresh(person)
    _require_change(by, person)
    reason = _reason(reason)
    roles = {Role(role) for role in roles}
    _check_roles(by, person, roles)
    changed = follow_roles(person, roles)
    if changed:
        person.save(update_fields=changed)
    wanted = _groups(sorted(roles))
    # Groups that are not roles (none today) are left as they are.
    others = [group for group in person.groups.all() if group.name not in _ROLE_LABELS]
    person.groups.set([*others, *wanted])
    person.scope.set(list(units))
    return person


_ROLE_LABELS = frozenset(role.label for role in Role)


@transaction.atomic
@audited(reason="reason")
def deactivate_person(*, by: User, person: User, reason: str) -> User:
    """Stop `person` signing in, by password or single sign-on; everything they did is kept."""
    person = _fresh(person)
    _require_change(by, person)
    reason = _reason(reason)
    if person.pk == by.pk:
        raise PeopleError([("", NOT_YOURSELF.format(what="deactivate"))])
    if not person.is_active:
        raise PeopleError([("", ALREADY_INACTIVE.format(person=person))])
    person.is_active = False
    person.save(update_fields=["is_active"])
    return person


@transaction.atomic
@audited(reason="reason")
def reactivate_person(*, by: User, person: User, reason: str) -> User:
    """Let a deactivated person sign in again, with the roles and scope they had."""
    person = _fresh(person)
    _require_change(by, person)
    reason = _reason(reason)
    if person.is_active:
        raise PeopleError([("", ALREADY_ACTIVE.format(person=person))])
    person.is_active = True
    person.save(update_fields=["is_active"])
    return person


@transaction.atomic
@audited(reason="reason")
def remove_person(*, by: User, person: User, reason: str) -> None:
    """Delete the account of someone invited by mistake, who never did anything recorded; the
    audit log keeps what the account was."""
    person = _fresh(person)
    _require_change(by, person)
    reason = _reason(reason)
    if person.pk == by.pk:
        raise PeopleError([("", NOT_YOURSELF.format(what="remove"))])
    if has_history(person):
        raise PeopleError([("", KEPT.format(person=person))])
    person.delete()


# --- The invitation --------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.GOLDEN_THREAD_BASE_URL.rstrip("/") + path


def set_password_path(person: User) -> str:
    """The one-time address that sets `person`'s password (Django's password-reset token: it
    stops working once a password is set or they sign in, and after PASSWORD_RESET_TIMEOUT)."""
    return reverse(
        "framework:set_password",
        args=[
            urlsafe_base64_encode(force_bytes(person.pk)),
            default_token_generator.make_token(person),
        ],
    )


def invitation_subject() -> str:
    return "Your Golden Thread account"


def invitation_body(person: User, *, by: User) -> str:
    """With single sign-on on, how to sign in with the council's account; else a link to set a
    password."""
    sso = sso_enabled()
    return render_to_string(
        "framework/people/invitation_email.txt",
        {
            "person": person,
            "by": by,
            "sso": sso,
            "provider": provider_name(),
            "sign_in_url": _absolute(reverse("login")),
            "set_password_url": None if sso else _absolute(set_password_path(person)),
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)),
        },
    )


def send_invitation(*, person: User, by: User) -> None:
    """Email `person` how to sign in. Raises OSError (or smtplib's errors) if it cannot be sent;
    the account stays, and the invitation can be sent again from their page."""
    send_mail(invitation_subject(), invitation_body(person, by=by), None, [person.email])


# --- Reading ---------------------------------------------------------------------------------


def role_labels(roles: Iterable[Role]) -> list[str]:
    roles = set(roles)
    return [role.label for role in Role if role in roles]


def units_for_filters() -> list[OrgUnit]:
    """Every unit, by name, with the id of the one above it (one query)."""
    return list(OrgUnit.objects.order_by("name").only("id", "name", "parent_id", "is_active"))


def find_people(*, units: list[OrgUnit], role: str = "", unit: str = "", status: str = ""):
    """People, by name, with a role (administrators include superusers), answering for a unit
    (directly or through a unit above it: a director answers for their services), active or
    deactivated. `units` is `units_for_filters()`, read once for the page."""
    found = User.objects.select_related("home_unit").order_by("last_name", "first_name", "pk")
    if role:
        label = Role(role).label
        if Role(role) == Role.ADMINISTRATOR:
            found = found.filter(Q(groups__name=label) | Q(is_superuser=True))
        else:
            found = found.filter(groups__name=label)
    if unit:
        parents = {each.pk: each.parent_id for each in units}
        above, at = [], int(unit)
        while at is not None and at not in above:
            above.append(at)
            at = parents.get(at)
        found = found.filter(scope__in=above)
    if status:
        found = found.filter(is_active=status == "active")
    return found.distinct()


@dataclass(frozen=True)
class Row:
    person: User
    roles: list[str]
    units: list[str]
    is_invited: bool


def rows(page: Iterable[User]) -> list[Row]:
    """The list's rows for one page of people: two queries, for their roles and units."""
    page = list(page)
    ids = [person.pk for person in page]
    groups: dict[int, set[Role]] = {pk: set() for pk in ids}
    by_label = {role.label: role for role in Role}
    for user_id, name in User.groups.through.objects.filter(user_id__in=ids).values_list(
        "user_id", "group__name"
    ):
        if name in by_label:
            groups[user_id].add(by_label[name])
    scopes: dict[int, list[str]] = {pk: [] for pk in ids}
    for user_id, name in (
        User.scope.through.objects.filter(user_id__in=ids)
        .order_by("orgunit__name")
        .values_list("user_id", "orgunit__name")
    ):
        scopes[user_id].append(name)
    found = []
    for person in page:
        roles = groups[person.pk] | ({Role.ADMINISTRATOR} if person.is_superuser else set())
        found.append(Row(person, role_labels(roles), scopes[person.pk], is_invited(person)))
    return found
