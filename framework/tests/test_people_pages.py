"""The people pages as the performance team and administrators use them: the list and its
filters, inviting someone (and their first sign-in), roles and units, deactivating,
reactivating and removing, and each person's history from the audit log."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from framework.people import (
    EMAIL_TAKEN,
    KEPT,
    NOT_YOURSELF,
    OWN_ADMINISTRATOR_ROLE,
    REASON_REQUIRED,
)
from framework.people_forms import CHOOSE_FILTER, CHOOSE_ROLE, ENTER_EMAIL, WHY_REQUIRED
from framework.people_views import PASSWORD_SET
from organisation.models import Role, User
from organisation.tests.factories import UserFactory
from organisation.tests.personas import build_town, sign_in

pytestmark = pytest.mark.django_db

SSO = {
    "OIDC_RP_CLIENT_ID": "golden-thread",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example.gov.uk/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.example.gov.uk/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.example.gov.uk/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.example.gov.uk/keys",
    "SSO_PROVIDER_NAME": "Microsoft",
}


@pytest.fixture
def town():
    return build_town()


@pytest.fixture
def performance(client, town):
    sign_in(client, town.personas["performance"])
    return town.personas["performance"]


@pytest.fixture
def admin(client, town):
    sign_in(client, town.personas["admin"])
    return town.personas["admin"]


def fresh(person) -> User:
    return User.objects.get(pk=person.pk)


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def invite(client, **changes):
    data = {
        "email": "Nia.New@Testshire.gov.uk",
        "first_name": "Nia",
        "last_name": "New",
        "job_title": "Library officer",
        "roles": ["data_owner"],
        "reason": "Joined the libraries team",
        **changes,
    }
    return client.post(reverse("framework:invite_person"), data)


# --- The list ------------------------------------------------------------------------------


def test_the_list_shows_each_person_with_roles_units_status_and_last_sign_in(
    client, town, performance
):
    officer = town.personas["officer"]
    UserFactory(username="gone", first_name="Gail", last_name="Gone", is_active=False)

    page = page_text(client.get(reverse("framework:people")))

    assert "Olu Adeyemi" in page and "officer@example.gov.uk" in page
    row = page[page.index("Olu Adeyemi") : page.index("Olu Adeyemi") + 900]
    assert "Data owner" in row and "Waste and Recycling" in row and "Never" in row
    gone = page[page.index("Gail Gone") :]
    assert "Deactivated" in gone[:900]
    ada = page[page.index("Ada Admin") :]
    assert "Administrator" in ada[:900]  # a superuser is an administrator
    assert f'href="{reverse("framework:person", args=[officer.pk])}"' in page


def test_the_list_filters_by_role_unit_and_status(client, town, performance):
    url = reverse("framework:people")

    approvers = page_text(client.get(url, {"role": "approver"}))
    in_waste = page_text(client.get(url, {"unit": town.waste.pk}))
    deactivated = page_text(client.get(url, {"status": "inactive"}))

    assert "Asha Patel" in approvers and "Ben Hill" in approvers
    assert "Olu Adeyemi" not in approvers
    # The director answers for Place, and so for Waste below it.
    assert {"Olu Adeyemi", "Asha Patel", "Dana Reid"} <= {
        name for name in ("Olu Adeyemi", "Asha Patel", "Dana Reid", "Pat Green") if name in in_waste
    }
    assert "Pat Green" not in in_waste
    assert "Nobody matches these filters." in deactivated


def test_the_list_reads_a_fixed_number_of_queries_however_many_people(client, town, performance):
    url = reverse("framework:people")
    client.get(url)  # sessions and caches settle

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(30):
        UserFactory(roles=[Role.DATA_OWNER, Role.APPROVER], units=[town.waste, town.parks])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"unit": town.waste.pk, "role": "data_owner"})

    assert response.status_code == 200
    assert len(many) == len(few)


def test_a_filter_that_is_not_offered_is_named_and_the_list_shows_everyone(
    client, town, performance
):
    response = client.get(reverse("framework:people"), {"role": "mayor"})

    assert CHOOSE_FILTER.format(label="Role") in response.content.decode()
    assert "Olu Adeyemi" in response.content.decode()


def test_a_long_list_is_paged(client, town, performance):
    for _ in range(55):
        UserFactory()

    first = page_text(client.get(reverse("framework:people")))
    second = client.get(reverse("framework:people"), {"page": 2})

    assert f"{User.objects.count()} people" in first
    assert second.status_code == 200 and "page 2" in page_text(second)


# --- Inviting -------------------------------------------------------------------------------


def test_an_invited_person_is_emailed_a_link_sets_a_password_and_signs_in(
    client, town, performance
):
    response = invite(client, units=[town.libraries.pk], home_unit=town.libraries.pk)

    person = User.objects.get(email="Nia.New@Testshire.gov.uk")
    assert response.status_code == 302
    assert response["Location"] == reverse("framework:person", args=[person.pk])
    assert (person.username, person.job_title, person.home_unit) == (
        "nia.new@testshire.gov.uk",
        "Library officer",
        town.libraries,
    )
    assert not person.has_usable_password() and not person.is_staff
    assert person.has_role(Role.DATA_OWNER) and list(person.scope.all()) == [town.libraries]
    [email] = mail.outbox
    assert email.to == ["Nia.New@Testshire.gov.uk"]
    assert "Priya Perform has given you an account" in email.body
    assert "Your username is: nia.new@testshire.gov.uk" in email.body
    link = re.search(r"http://\S+/framework/people/welcome/\S+/", email.body).group(0)
    page = page_text(client.get(response["Location"]))
    assert "Invited" in page and "Joined the libraries team" in page

    client.logout()
    form = client.get(link.split("127.0.0.1:8000")[1], follow=True)
    assert "Set your password" in page_text(form)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a long library password", "new_password2": "a long library password"},
        follow=True,
    )
    assert PASSWORD_SET.format(username="nia.new@testshire.gov.uk") in page_text(done)
    assert fresh(person).check_password("a long library password")
    signed_in = client.post(
        reverse("login"),
        {"username": "nia.new@testshire.gov.uk", "password": "a long library password"},
    )
    assert signed_in.status_code == 302
    assert client.get(reverse("accounts:account")).status_code == 200
    # The link works once.
    client.logout()
    again = client.get(link.split("127.0.0.1:8000")[1], follow=True)
    assert "This link does not work" in page_text(again)


def test_with_single_sign_on_the_invitation_says_to_sign_in_with_the_councils_account(
    client, town, performance, settings
):
    for name, value in SSO.items():
        setattr(settings, name, value)

    invite(client)

    [email] = mail.outbox
    assert "Sign in with Microsoft" in email.body
    assert "/welcome/" not in email.body and "password" not in email.body.lower()


def test_the_invitation_can_be_sent_again_until_they_sign_in(client, town, performance):
    invite(client)
    person = User.objects.get(email="Nia.New@Testshire.gov.uk")
    mail.outbox.clear()

    client.post(reverse("framework:resend_invitation", args=[person.pk]))
    person.set_password("chosen by them")
    person.save()
    refused = client.post(reverse("framework:resend_invitation", args=[person.pk]), follow=True)

    assert len(mail.outbox) == 1
    assert "there is no invitation to send" in page_text(refused)


def test_an_invitation_that_cannot_be_emailed_keeps_the_account_and_says_so(
    client, town, performance, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("framework.people.send_mail", refuse)

    response = invite(client)
    page = page_text(client.get(response["Location"]))

    assert User.objects.filter(first_name="Nia").exists()
    assert "the email could not be sent" in page
    assert "Send the invitation again" in page


def test_an_invitation_to_an_address_that_has_an_account_is_refused(client, town, performance):
    response = invite(client, email="OFFICER@example.gov.uk")

    assert response.status_code == 400
    assert EMAIL_TAKEN.format(email="OFFICER@example.gov.uk") in response.content.decode()
    assert mail.outbox == []


def test_bad_input_is_named_by_its_field(client, town, performance):
    response = invite(client, email="not an address", reason="", roles=["administrator"])

    page = response.content.decode()
    assert response.status_code == 400
    assert ENTER_EMAIL in page and WHY_REQUIRED in page and CHOOSE_ROLE in page
    assert 'href="#id_email"' in page and 'href="#id_reason"' in page
    assert not User.objects.filter(first_name="Nia").exists()


def test_an_administrator_may_invite_an_internal_auditor(client, town, admin):
    invite(client, roles=["auditor"])

    assert User.objects.get(first_name="Nia").has_role(Role.AUDITOR)


# --- Roles, units and admin access -------------------------------------------------------------


def change_access(client, person, roles, units=(), reason="Moved to the parks team"):
    return client.post(
        reverse("framework:person_access", args=[person.pk]),
        {"roles": roles, "units": [unit.pk for unit in units], "reason": reason},
    )


def test_roles_and_units_are_changed_with_a_reason_shown_in_the_history(client, town, performance):
    officer = town.personas["officer"]

    response = change_access(client, officer, ["data_owner", "approver"], [town.parks])

    assert response.status_code == 302
    officer = fresh(officer)
    assert officer.has_role(Role.APPROVER) and list(officer.scope.all()) == [town.parks]
    page = page_text(client.get(response["Location"]))
    assert "Moved to the parks team" in page
    assert "Priya Perform (performance)" in page
    assert "Waste and Recycling" in page and "Parks" in page  # before and after


def test_admin_access_follows_the_performance_team_and_administrator_roles(client, town, admin):
    officer = town.personas["officer"]

    change_access(client, officer, ["performance_team"])
    assert fresh(officer).is_staff and not fresh(officer).is_superuser
    change_access(client, officer, ["administrator"])
    assert fresh(officer).is_staff and fresh(officer).is_superuser
    change_access(client, officer, ["data_owner"], [town.waste])
    assert not fresh(officer).is_staff and not fresh(officer).is_superuser


def test_the_performance_team_is_not_offered_the_administrator_or_auditor_roles(
    client, town, performance
):
    page = client.get(reverse("framework:person_access", args=[town.personas["officer"].pk]))

    offered = [value for value, _ in page.context["form"].fields["roles"].choices]
    assert offered == [
        "performance_team",
        "data_owner",
        "approver",
        "director",
        "councillor",
        "finance_partner",
    ]


def test_the_performance_team_cannot_change_an_administrator_or_an_auditor(
    client, town, performance
):
    auditor = UserFactory(roles=[Role.AUDITOR])
    for person in (town.personas["admin"], auditor):
        page = page_text(client.get(reverse("framework:person", args=[person.pk])))
        assert "Only an administrator can change the account" in page
        assert "Change roles and units" not in page
        assert change_access(client, person, ["councillor"]).status_code == 403
    assert fresh(auditor).has_role(Role.AUDITOR)


def test_an_administrator_cannot_take_away_their_own_administrator_role(client, town, admin):
    Group.objects.get(name="Administrator").user_set.add(admin)

    response = change_access(client, admin, ["performance_team"])

    assert response.status_code == 400
    assert OWN_ADMINISTRATOR_ROLE in response.content.decode()
    assert fresh(admin).is_superuser


# --- Deactivating, reactivating, removing ---------------------------------------------------


def test_a_deactivated_person_cannot_sign_in_and_is_reactivated_with_a_reason(
    client, town, performance
):
    officer = town.personas["officer"]
    officer.set_password("their own password")
    officer.save()

    missing = client.post(reverse("framework:deactivate_person", args=[officer.pk]), {})
    done = client.post(
        reverse("framework:deactivate_person", args=[officer.pk]), {"reason": "Left the council"}
    )

    assert missing.status_code == 400 and REASON_REQUIRED in missing.content.decode()
    assert done.status_code == 302 and not fresh(officer).is_active
    page = page_text(client.get(done["Location"]))
    assert "Deactivated" in page and "Left the council" in page
    client.logout()
    client.post(reverse("login"), {"username": "officer", "password": "their own password"})
    assert client.get(reverse("accounts:account")).status_code == 302

    sign_in(client, town.personas["performance"])
    client.post(reverse("framework:reactivate_person", args=[officer.pk]), {"reason": "Came back"})
    assert fresh(officer).is_active
    assert "Came back" in page_text(client.get(reverse("framework:person", args=[officer.pk])))


def test_a_deactivated_persons_session_ends(client, town):
    officer = town.personas["officer"]
    sign_in(client, officer)
    assert client.get(reverse("returns:mine")).status_code == 200

    officer.is_active = False
    officer.save()

    assert client.get(reverse("returns:mine")).status_code == 302


def test_nobody_deactivates_themselves(client, town, performance):
    page = page_text(client.get(reverse("framework:person", args=[performance.pk])))
    response = client.post(
        reverse("framework:deactivate_person", args=[performance.pk]), {"reason": "Leaving"}
    )

    assert "Deactivate</a>" not in page
    assert response.status_code == 400
    assert NOT_YOURSELF.format(what="deactivate") in response.content.decode()
    assert fresh(performance).is_active


def test_someone_with_no_history_is_removed_and_the_log_keeps_what_they_were(
    client, town, performance
):
    invite(client)
    person = User.objects.get(first_name="Nia")

    response = client.post(
        reverse("framework:remove_person", args=[person.pk]), {"reason": "Invited by mistake"}
    )

    assert response.status_code == 302 and response["Location"] == reverse("framework:people")
    assert not User.objects.filter(pk=person.pk).exists()
    from audit.models import AuditEntry

    entry = AuditEntry.objects.filter(object_type="organisation.user", action="deleted").get()
    assert (entry.reason, entry.object_label) == ("Invited by mistake", "Nia New")


def test_someone_who_entered_figures_is_kept(client, town, admin):
    officer = town.personas["officer"]
    page = page_text(client.get(reverse("framework:person", args=[officer.pk])))

    response = client.post(
        reverse("framework:remove_person", args=[officer.pk]), {"reason": "Left"}
    )

    assert "Remove</a>" not in page and "deactivate it instead" in page
    assert response.status_code == 400
    assert KEPT.format(person=officer) in page_text(response)
    assert User.objects.filter(pk=officer.pk).exists()
