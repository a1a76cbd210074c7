"""The admin's part in the audit log: every change made in the admin gives a reason, recorded
with it like the same change made on the pages, or the admin does not make it; and nothing once
published is deleted there (`audit.keeping`), with a message saying why instead of an error.

The admin classes of audited models use `AuditedAdmin` (or `ReasonRequired` beside another
base, such as Django's `UserAdmin`); their inlines use `KeptInlineFormSet`. The log itself is read
on the audit pages (`/audit/`), not in the admin.
"""

from __future__ import annotations

from contextlib import contextmanager

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import actions
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect

from audit.context import acting
from audit.keeping import kept_among

REASON = "change_reason"
REASON_LABEL = "Reason for this change"
REASON_HINT = "Recorded in the audit log with the change, as on the pages"
REASON_REQUIRED = "Enter the reason for this change: it is recorded in the audit log"
DELETE_REASON_REQUIRED = "Enter the reason for deleting: it is recorded in the audit log"
REASON_FIELDSET = (REASON_LABEL, {"fields": [REASON]})


def reason_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=REASON_LABEL,
        help_text=REASON_HINT,
    )


def with_reason(form_class):
    """`form_class` asking for the reason for a change (its own `change_reason` field, where it
    has one, becomes required): always when adding, else when something changed (a save that
    changes nothing records nothing)."""
    if getattr(form_class, "asks_reason", False):
        return form_class
    attrs = {"asks_reason": True, "__module__": form_class.__module__}
    if REASON not in form_class.base_fields:
        attrs[REASON] = reason_field()

    def clean(self):
        cleaned = super(reasoned, self).clean()
        data = self.cleaned_data if cleaned is None else cleaned
        instance = getattr(self, "instance", None)
        adding = instance is None or instance._state.adding
        changed = adding or any(name != REASON for name in self.changed_data)
        if changed and not (data.get(REASON) or "").strip() and REASON not in self.errors:
            self.add_error(REASON, REASON_REQUIRED)
        return cleaned

    attrs["clean"] = clean
    reasoned = type(form_class)(form_class.__name__, (form_class,), attrs)
    return reasoned


@contextmanager
def reason_posted(request):
    """Changes within are recorded with the reason the admin form posted."""
    reason = request.POST.get(REASON, "").strip() if request.method == "POST" else ""
    with acting(reason=reason or None):
        yield reason


@admin.action(permissions=["delete"], description=actions.delete_selected.short_description)
def delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, asking for a reason first."""
    with reason_posted(request) as reason:
        if request.POST.get("post") and not reason:
            messages.error(request, DELETE_REASON_REQUIRED)
            request.POST = request.POST.copy()
            del request.POST["post"]  # back to the confirmation page
        return actions.delete_selected(modeladmin, request, queryset)


class ReasonRequired:
    """Mix into a ModelAdmin: a reason on every add, change and delete, recorded in the audit
    log; deletion refused, with the reason, of anything once published."""

    actions = [delete_selected]  # in place of Django's, of the same name
    delete_confirmation_template = "audit/admin/delete_confirmation.html"
    delete_selected_confirmation_template = "audit/admin/delete_selected_confirmation.html"

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.form = with_reason(self.form)
        if getattr(self, "add_form", None) is not None:
            self.add_form = with_reason(self.add_form)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        declared = self.fieldsets or (obj is None and getattr(self, "add_fieldsets", None))
        if declared and REASON in flatten_fieldsets(fieldsets):
            return fieldsets
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != REASON]})
            for name, options in fieldsets
        ]
        may_save = (
            self.has_add_permission(request)
            if obj is None
            else self.has_change_permission(request, obj)
        )
        return [*fieldsets, REASON_FIELDSET] if may_save else fieldsets

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with reason_posted(request):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        with reason_posted(request) as reason:
            if request.method == "POST" and not reason:
                obj = self.get_object(request, unquote(object_id))
                if obj is not None and self.has_delete_permission(request, obj):
                    messages.error(request, DELETE_REASON_REQUIRED)
                    return HttpResponseRedirect(request.get_full_path())
            return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed, [*protected, *kept_among(objs)]


class AuditedAdmin(ReasonRequired, admin.ModelAdmin):
    pass


class KeptInlineFormSet(BaseInlineFormSet):
    """An inline's changes need the page's reason; its rows marked for deletion are refused if
    they were once published."""

    def clean(self):
        super().clean()
        if self.has_changed() and not self.data.get(REASON, "").strip():
            raise ValidationError(REASON_REQUIRED)
        for form in self.deleted_forms:
            if form.instance.pk is not None:
                kept = kept_among([form.instance])
                if kept:
                    raise ValidationError(kept)
