"""Every persona against every people page: the exact response, and a refused request changes
nobody, records nothing and sends no email.

Columns are `PERSONAS` in order: off, off2 = data owners; appr, appr2 = approvers; dir = the
director of Place; perf = the performance team; admin = a superuser; cllr = a councillor;
anon = not signed in. Rows act on Sam Newcomer (a data owner of Parks, invited, never signed in,
no history), on Lee Leaver (deactivated), or on the town's administrator. A 400 is a refusal
shown on the form (nothing changed either).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit.models import AuditEntry
from framework import people_urls
from organisation.models import Role, User
from organisation.tests.factories import UserFactory
from organisation.tests.permission_tables import cells
from organisation.tests.personas import PERSONAS, Town, build_town, sign_in

pytestmark = pytest.mark.django_db

SIGN_IN = "sign-in"
REASON = {"reason": "Agreed with the head of service"}


@dataclass
class People:
    town: Town
    newcomer: User  # invited, no usable password, no history
    leaver: User  # deactivated
    admin: User  # the town's administrator (a superuser)


@pytest.fixture
def folk() -> People:
    town = build_town()
    newcomer = UserFactory(
        username="s.newcomer@testshire.gov.uk",
        email="s.newcomer@testshire.gov.uk",
        first_name="Sam",
        last_name="Newcomer",
        roles=[Role.DATA_OWNER],
        units=[town.parks],
    )
    newcomer.set_unusable_password()
    newcomer.save()
    leaver = UserFactory(username="leaver", first_name="Lee", last_name="Leaver", is_active=False)
    return People(town, newcomer, leaver, town.personas["admin"])


def fresh(person: User) -> User:
    return User.objects.get(pk=person.pk)


def roles(person: User) -> set[str]:
    return set(fresh(person).groups.values_list("name", flat=True))


# --- The changes, each a request and the proof it happened ----------------------------------


@dataclass(frozen=True)
class Change:
    url_name: str
    request: Callable[[People], tuple[str, str, dict]]  # method, url, data
    happened: Callable[[People], None]


def person_url(name: str, person: User) -> str:
    return reverse(f"framework:{name}", args=[person.pk])


def access(units, *role_list):
    return {"roles": [role.value for role in role_list], "units": [u.pk for u in units], **REASON}


CHANGES = {
    "invite": Change(
        "framework:invite_person",
        lambda f: (
            "post",
            reverse("framework:invite_person"),
            {
                "email": "n.new@testshire.gov.uk",
                "first_name": "Nia",
                "last_name": "New",
                "roles": [Role.DATA_OWNER.value],
                "units": [f.town.libraries.pk],
                "reason": "New library officer",
            },
        ),
        lambda f: User.objects.get(email="n.new@testshire.gov.uk"),
    ),
    "give the newcomer the approver role": Change(
        "framework:person_access",
        lambda f: (
            "post",
            person_url("person_access", f.newcomer),
            access([f.town.parks], Role.DATA_OWNER, Role.APPROVER),
        ),
        lambda f: roles(f.newcomer) == {"Data owner", "Approver"} or pytest.fail("not given"),
    ),
    "make the newcomer an administrator": Change(
        "framework:person_access",
        lambda f: (
            "post",
            person_url("person_access", f.newcomer),
            access([f.town.parks], Role.ADMINISTRATOR),
        ),
        lambda f: fresh(f.newcomer).is_superuser or pytest.fail("not an administrator"),
    ),
    "change the administrator's roles": Change(
        "framework:person_access",
        lambda f: (
            "post",
            person_url("person_access", f.admin),
            access([f.town.place], Role.ADMINISTRATOR),
        ),
        lambda f: list(fresh(f.admin).scope.all()) == [f.town.place] or pytest.fail("no scope"),
    ),
    "deactivate the newcomer": Change(
        "framework:deactivate_person",
        lambda f: ("post", person_url("deactivate_person", f.newcomer), REASON),
        lambda f: not fresh(f.newcomer).is_active or pytest.fail("still active"),
    ),
    "deactivate the administrator": Change(
        "framework:deactivate_person",
        lambda f: ("post", person_url("deactivate_person", f.admin), REASON),
        lambda f: not fresh(f.admin).is_active or pytest.fail("still active"),
    ),
    "reactivate the leaver": Change(
        "framework:reactivate_person",
        lambda f: ("post", person_url("reactivate_person", f.leaver), REASON),
        lambda f: fresh(f.leaver).is_active or pytest.fail("still deactivated"),
    ),
    "remove the newcomer": Change(
        "framework:remove_person",
        lambda f: ("post", person_url("remove_person", f.newcomer), REASON),
        lambda f: not User.objects.filter(pk=f.newcomer.pk).exists() or pytest.fail("kept"),
    ),
    "remove the officer, who entered figures": Change(
        "framework:remove_person",
        lambda f: ("post", person_url("remove_person", f.town.personas["officer"]), REASON),
        lambda f: pytest.fail("never allowed"),
    ),
    "send the invitation again": Change(
        "framework:resend_invitation",
        lambda f: ("post", person_url("resend_invitation", f.newcomer), {}),
        lambda f: [m.to for m in mail.outbox] == [[f.newcomer.email]] or pytest.fail("no email"),
    ),
}

# fmt: off
#                                          off  off2  appr appr2 dir  perf admin cllr anon
CHANGE_TABLE = {
    "invite":                               (403, 403, 403, 403, 403, 302, 302, 403, SIGN_IN),
    "give the newcomer the approver role":  (403, 403, 403, 403, 403, 302, 302, 403, SIGN_IN),
    "make the newcomer an administrator":   (403, 403, 403, 403, 403, 400, 302, 403, SIGN_IN),
    "change the administrator's roles":     (403, 403, 403, 403, 403, 403, 302, 403, SIGN_IN),
    "deactivate the newcomer":              (403, 403, 403, 403, 403, 302, 302, 403, SIGN_IN),
    "deactivate the administrator":         (403, 403, 403, 403, 403, 403, 400, 403, SIGN_IN),
    "reactivate the leaver":                (403, 403, 403, 403, 403, 302, 302, 403, SIGN_IN),
    "remove the newcomer":                  (403, 403, 403, 403, 403, 302, 302, 403, SIGN_IN),
    "remove the officer, who entered figures": (
                                             403, 403, 403, 403, 403, 400, 400, 403, SIGN_IN),
    "send the invitation again":            (403, 403, 403, 403, 403, 302, 302, 403, SIGN_IN),
}

# Pages that change nothing, whatever is posted to them.
READ_ONLY_URLS = {
    "framework:people": lambda f: reverse("framework:people"),
    "framework:person": lambda f: person_url("person", f.admin),
    "framework:invite_person": lambda f: reverse("framework:invite_person"),
    "framework:person_access": lambda f: person_url("person_access", f.newcomer),
    "framework:deactivate_person": lambda f: person_url("deactivate_person", f.newcomer),
    "framework:reactivate_person": lambda f: person_url("reactivate_person", f.leaver),
    "framework:remove_person": lambda f: person_url("remove_person", f.newcomer),
}
#                                          off  off2  appr appr2 dir  perf admin cllr anon
READ_ONLY = {
    "framework:people":                     (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
    "framework:person":                     (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
    "framework:invite_person":              (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
    "framework:person_access":              (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
    "framework:deactivate_person":          (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
    "framework:reactivate_person":          (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
    "framework:remove_person":              (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
}
# fmt: on


def database_state() -> dict:
    """What a refused request must leave exactly as it was."""
    return {
        "people": list(
            User.objects.order_by("pk").values_list(
                "pk", "username", "email", "is_active", "is_staff", "is_superuser", "password"
            )
        ),
        "roles": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        "scope": sorted(User.scope.through.objects.values_list("user_id", "orgunit_id")),
        "audit entries": AuditEntry.objects.count(),
        "emails sent": len(mail.outbox),
    }


def request_and_check(client, person, request, expected, *, happened=None):
    method, url, data = request
    sign_in(client, person)
    mail.outbox.clear()
    before = database_state()

    response = getattr(client, method)(url, data)

    if expected == SIGN_IN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected
    if happened is not None and expected == 302:
        happened()
        return response
    assert database_state() == before
    return response


@pytest.mark.parametrize(("change", "persona", "expected"), cells(CHANGE_TABLE))
def test_change(client, folk, change, persona, expected):
    step = CHANGES[change]

    request_and_check(
        client,
        folk.town.personas[persona],
        step.request(folk),
        expected,
        happened=lambda: step.happened(folk),
    )


@pytest.mark.parametrize(("page", "persona", "expected"), cells(READ_ONLY))
@pytest.mark.parametrize("method", ["get", "post"])
def test_read_only_page(client, folk, page, persona, expected, method):
    forms = page not in ("framework:people", "framework:person")
    if method == "post" and forms and expected == 200:
        expected = 400  # a form posted without its reason: refused on the form
    request = (method, READ_ONLY_URLS[page](folk), {"action": "deactivate", "is_active": ""})

    request_and_check(client, folk.town.personas[persona], request, expected)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_invitation_link_opens_for_whoever_holds_it_and_changes_nothing(client, folk, persona):
    """The link is the key: it leads to the password form (a redirect that takes the token out
    of the address), whoever follows it."""
    uid = urlsafe_base64_encode(force_bytes(folk.newcomer.pk))
    token = default_token_generator.make_token(folk.newcomer)
    url = reverse("framework:set_password", args=[uid, token])

    response = request_and_check(client, folk.town.personas[persona], ("get", url, {}), 302)

    assert response["Location"] == reverse("framework:set_password", args=[uid, "set-password"])


def test_an_internal_auditor_is_refused_every_people_page(client, folk):
    auditor = UserFactory(username="auditor", roles=[Role.AUDITOR])

    for url in READ_ONLY_URLS.values():
        request_and_check(client, auditor, ("get", url(folk), {}), 403)
    for step in CHANGES.values():
        request_and_check(client, auditor, step.request(folk), 403)


def test_every_url_of_the_people_pages_is_in_a_table():
    found = {f"framework:{pattern.name}" for pattern in people_urls.urlpatterns}
    in_tables = {step.url_name for step in CHANGES.values()} | set(READ_ONLY)
    in_tables.add("framework:set_password")  # the invitation's link, tested above

    assert found - in_tables == set(), "add these views to a table"
    assert in_tables - found == set(), "these rows name views that no longer exist"
    assert set(CHANGES) == set(CHANGE_TABLE)
    assert set(READ_ONLY) == set(READ_ONLY_URLS)
