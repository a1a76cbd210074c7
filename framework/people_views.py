"""The people pages: the performance team and administrators list people, invite someone, give
and take away roles and units, deactivate, reactivate and remove them, and read each person's
history. Who may change whom is decided in framework/people.py. The invitation's page, where a
new person sets their password, is the one page here for someone not signed in."""

import smtplib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from audit.context import acting
from framework import people
from framework.history import history
from framework.people_forms import (
    AccessForm,
    FindPeopleForm,
    InviteForm,
    NewPasswordForm,
    ReasonForm,
)
from goldenthread.pagination import pagination
from organisation.models import User
from organisation.permissions import Action, require, roles_of

PER_PAGE = 50
NOT_SENT = (
    "{person}'s account was made, but the email could not be sent. Send the invitation again "
    "from this page, or tell them how to sign in."
)
NOT_INVITED = "{person} has already signed in or set a password: there is no invitation to send"
PASSWORD_SET = (
    "Your password is set. Sign in with your username, {username}, and your new password."
)
INVITATION_USED = "Set their password from the invitation"


def _person(person_id: int) -> User:
    return get_object_or_404(User.objects.select_related("home_unit"), pk=person_id)


def _crumbs(*rest) -> list:
    return [
        ("Manage the framework", reverse("framework:home")),
        ("People", reverse("framework:people") if rest else None),
        *rest,
    ]


def _changeable(request, person_id: int) -> User:
    """The person, if the signed-in person may change them; refused (403) otherwise."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    person = _person(person_id)
    if not people.may_change(request.user, person):
        raise PermissionDenied
    return person


@login_required
def people_page(request):
    """Everyone with an account: their roles, the units they answer for, and whether active."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    units = people.units_for_filters()
    form = FindPeopleForm(request.GET or None, units=units)
    filters = form.filters()
    found = people.find_people(units=units, **filters)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "framework/people/list.html",
        {
            "form": form,
            "filtered": any(filters.values()),
            "page": page,
            "rows": people.rows(page.object_list),
            "pagination": pagination(page, label="Pages of people", query=query.urlencode()),
            "breadcrumbs": _crumbs(),
            "nav_current": "framework",
        },
    )


@login_required
def person_page(request, person_id: int):
    """One person's account, what may be done to it, and its history from the audit log."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    person = _person(person_id)
    user = request.user
    may_change = people.may_change(user, person)
    return render(
        request,
        "framework/people/person.html",
        {
            "person": person,
            "roles": people.role_labels(roles_of(person)),
            "units": person.scope.select_related("parent").order_by("name"),
            "is_invited": people.is_invited(person),
            "may_change": may_change,
            "may_deactivate": may_change and person.pk != user.pk,
            "may_remove": people.may_remove(user, person),
            "events": history(person),
            "breadcrumbs": _crumbs((str(person), None)),
            "nav_current": "framework",
        },
    )


def _problems(form, error: people.PeopleError) -> None:
    for field, message in error.problems:
        form.add_error(field if field in form.fields else None, message)


def _invite(request, person: User) -> None:
    try:
        people.send_invitation(person=person, by=request.user)
    except (smtplib.SMTPException, OSError):
        messages.warning(request, NOT_SENT.format(person=person))
    else:
        messages.success(request, f"An invitation was emailed to {person.email}.")


@login_required
def invite_page(request):
    """Make an account for someone new and email them how to sign in."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    form = InviteForm(request.POST if request.method == "POST" else None, by=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = people.invite_person(
                by=request.user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                job_title=data["job_title"],
                home_unit=data["home_unit"],
                roles=form.chosen_roles(),
                units=data["units"],
                reason=data["reason"],
            )
        except people.PeopleError as error:
            _problems(form, error)
        else:
            _invite(request, person)
            return redirect("framework:person", person.pk)
    return render(
        request,
        "framework/people/invite.html",
        {
            "form": form,
            "sso": people.sso_enabled(),
            "breadcrumbs": _crumbs(("Invite a person", None)),
            "nav_current": "framework",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def resend_invitation(request, person_id: int):
    """Email the invitation again, with a fresh link (the last one may have expired)."""
    person = _changeable(request, person_id)
    if people.is_invited(person):
        _invite(request, person)
    else:
        messages.error(request, NOT_INVITED.format(person=person))
    return redirect("framework:person", person.pk)


@login_required
def access_page(request, person_id: int):
    """Give and take away a person's roles and the units they answer for."""
    person = _changeable(request, person_id)
    initial = {
        "roles": [role.value for role in roles_of(person)],
        "units": list(person.scope.values_list("pk", flat=True)),
    }
    form = AccessForm(
        request.POST if request.method == "POST" else None, by=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            people.change_access(
                by=request.user,
                person=person,
                roles=form.chosen_roles(),
                units=form.cleaned_data["units"],
                reason=form.cleaned_data["reason"],
            )
        except people.PeopleError as error:
            _problems(form, error)
        else:
            messages.success(request, f"{person}'s roles and units were saved.")
            return redirect("framework:person", person.pk)
    return render(
        request,
        "framework/people/access.html",
        {
            "person": person,
            "form": form,
            "breadcrumbs": _crumbs(
                (str(person), reverse("framework:person", args=[person.pk])),
                ("Roles and units", None),
            ),
            "nav_current": "framework",
        },
        status=400 if form.errors else 200,
    )


# What each confirmation page does: its heading, what it says, its button, and what follows.
CONFIRMATIONS = {
    "deactivate": (
        people.deactivate_person,
        "Deactivate {person}",
        "They will not be able to sign in, with a password or the council's account, and are "
        "no longer reminded or told about anything. Everything they did is kept. You can "
        "reactivate them later.",
        "Deactivate",
        "{person} was deactivated.",
    ),
    "reactivate": (
        people.reactivate_person,
        "Reactivate {person}",
        "They will be able to sign in again, with the roles and units they had.",
        "Reactivate",
        "{person} was reactivated.",
    ),
    "remove": (
        people.remove_person,
        "Remove {person}",
        "Their account is deleted. The audit log keeps what it was. Only someone who never "
        "entered or signed off a figure, nor changed anything recorded, can be removed.",
        "Remove",
        "{person} was removed.",
    ),
}


def _confirm(request, person_id: int, what: str):
    person = _changeable(request, person_id)
    change, heading, explanation, button, done = CONFIRMATIONS[what]
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            change(by=request.user, person=person, reason=form.cleaned_data["reason"])
        except people.PeopleError as error:
            _problems(form, error)
        else:
            messages.success(request, done.format(person=person))
            if what == "remove":
                return redirect("framework:people")
            return redirect("framework:person", person.pk)
    return render(
        request,
        "framework/people/confirm.html",
        {
            "person": person,
            "form": form,
            "heading": heading.format(person=person),
            "explanation": explanation,
            "button": button,
            "warning": what != "reactivate",
            "breadcrumbs": _crumbs(
                (str(person), reverse("framework:person", args=[person.pk])), (button, None)
            ),
            "nav_current": "framework",
        },
        status=400 if form.errors else 200,
    )


@login_required
def deactivate_page(request, person_id: int):
    return _confirm(request, person_id, "deactivate")


@login_required
def reactivate_page(request, person_id: int):
    return _confirm(request, person_id, "reactivate")


@login_required
def remove_page(request, person_id: int):
    return _confirm(request, person_id, "remove")


class SetPasswordPage(PasswordResetConfirmView):
    """The invitation's link: a new person sets their password, once, then signs in. Only an
    active account, and only while passwords are on."""

    form_class = NewPasswordForm
    template_name = "framework/people/set_password.html"
    success_url = reverse_lazy("login")

    def dispatch(self, *args, **kwargs):
        if not settings.PASSWORD_SIGN_IN:
            return render(
                self.request,
                "framework/people/set_password.html",
                {"passwords_off": True, "provider": people.provider_name()},
                status=404,
            )
        return super().dispatch(*args, **kwargs)

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        # Recorded in the audit log as the person's own change (nobody is signed in yet).
        with acting(form.user, reason=INVITATION_USED):
            response = super().form_valid(form)
        messages.success(self.request, PASSWORD_SET.format(username=form.user.get_username()))
        return response
