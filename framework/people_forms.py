"""Forms of the people pages: finding people, inviting someone, their roles and units, and the
reason for deactivating, reactivating or removing them."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from framework.people import REASON_REQUIRED, grantable_roles
from organisation.models import OrgUnit, OrgUnitKind, Role

ENTER_EMAIL = "Email address: enter their work email address, like name@council.gov.uk"
EMAIL_TOO_LONG = "Email address: enter an address of 150 characters or fewer"
ENTER_FIRST_NAME = "First name: enter their first name"
ENTER_LAST_NAME = "Last name: enter their last name"
CHOOSE_ROLE = "Roles: choose only the roles listed"
CHOOSE_UNIT = "Units they answer for: choose only the units listed"
CHOOSE_HOME_UNIT = "Where they work: choose one of the units listed"
WHY_REQUIRED = "Why they need access: say why, for the audit log"
CHOOSE_FILTER = "{label}: choose one of the options listed"
ANY = ""
STATUS_CHOICES = [(ANY, "Anyone"), ("active", "Active"), ("inactive", "Deactivated")]


def unit_label(unit: OrgUnit) -> str:
    """A unit with the one above it, so two teams of one name can be told apart."""
    parent = f" ({unit.parent.name})" if unit.parent_id else ""
    return f"{unit.name}{parent}"


def _units():
    """Active units, directorates first, each service after its directorate's name."""
    kinds = [OrgUnitKind.DIRECTORATE, OrgUnitKind.SERVICE, OrgUnitKind.TEAM]
    order = {kind: n for n, kind in enumerate([*kinds, OrgUnitKind.PARTNERSHIP])}
    units = list(OrgUnit.objects.filter(is_active=True).select_related("parent"))
    units.sort(key=lambda unit: (order.get(unit.kind, 9), unit.name.lower()))
    return units


def _reason_field(label: str, hint: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": REASON_REQUIRED},
    )


class FindPeopleForm(forms.Form):
    """The list's filters: any of them may be left as "any"."""

    role = forms.ChoiceField(
        label="Role",
        required=False,
        error_messages={"invalid_choice": CHOOSE_FILTER.format(label="Role")},
    )
    unit = forms.ChoiceField(
        label="Answers for",
        required=False,
        error_messages={"invalid_choice": CHOOSE_FILTER.format(label="Answers for")},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=STATUS_CHOICES,
        error_messages={"invalid_choice": CHOOSE_FILTER.format(label="Status")},
    )

    def __init__(self, *args, units: list[OrgUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(ANY, "Any role"), *((r.value, r.label) for r in Role)]
        self.fields["unit"].choices = [
            (ANY, "Any unit"),
            *((str(unit.pk), unit_label(unit)) for unit in units),
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"role": ANY, "unit": ANY, "status": ANY}
        return self.cleaned_data


class AccessForm(forms.Form):
    """Roles and the units a person answers for: only the roles the signed-in person may give
    are offered (see framework.people.grantable_roles)."""

    roles = forms.MultipleChoiceField(
        label="Roles",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The Performance team and Administrator roles give access to the admin",
        error_messages={"invalid_choice": CHOOSE_ROLE},
    )
    units = forms.ModelMultipleChoiceField(
        label="Units they answer for",
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Data owners enter, approvers sign off and directors read the figures of these "
            "units and every unit below them"
        ),
        error_messages={"invalid_choice": CHOOSE_UNIT, "invalid_pk_value": CHOOSE_UNIT},
    )
    reason = _reason_field("Reason", "Recorded in the audit log with the change")

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r.value, r.label) for r in grantable_roles(by)]
        units = _units()
        self.fields["units"].queryset = OrgUnit.objects.filter(pk__in=[u.pk for u in units])
        # Offer them in the order _units() chose, without another query per choice.
        self.fields["units"].choices = [(u.pk, unit_label(u)) for u in units]

    def chosen_roles(self) -> set[Role]:
        return {Role(value) for value in self.cleaned_data["roles"]}


class InviteForm(AccessForm):
    email = forms.EmailField(
        label="Email address",
        max_length=150,
        help_text="Their work address: the invitation goes there, and sign-in finds them by it",
        error_messages={
            "required": ENTER_EMAIL,
            "invalid": ENTER_EMAIL,
            "max_length": EMAIL_TOO_LONG,
        },
    )
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": ENTER_FIRST_NAME}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": ENTER_LAST_NAME}
    )
    job_title = forms.CharField(label="Job title", max_length=200, required=False)
    home_unit = forms.ModelChoiceField(
        label="Where they work",
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label="Not in a unit (for example, a councillor)",
        error_messages={"invalid_choice": CHOOSE_HOME_UNIT},
    )

    field_order = [
        "email",
        "first_name",
        "last_name",
        "job_title",
        "home_unit",
        "roles",
        "units",
        "reason",
    ]

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, by=by, **kwargs)
        self.fields["home_unit"].queryset = self.fields["units"].queryset
        self.fields["home_unit"].choices = [("", self.fields["home_unit"].empty_label)] + list(
            self.fields["units"].choices
        )
        self.fields["reason"].label = "Why they need access"
        self.fields["reason"].error_messages["required"] = WHY_REQUIRED


class ReasonForm(forms.Form):
    reason = _reason_field("Reason", "Recorded in the audit log with the change")


class NewPasswordForm(SetPasswordForm):
    """Django's form, with messages that name the field."""

    error_messages = {
        **SetPasswordForm.error_messages,
        "password_mismatch": "Confirm your password: enter the same password twice",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "Confirm your password"
        self.fields["new_password1"].error_messages["required"] = "New password: enter a password"
        self.fields["new_password2"].error_messages["required"] = (
            "Confirm your password: enter the password again"
        )
