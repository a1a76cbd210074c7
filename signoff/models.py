"""What every return shares, whatever it carries: a state on the way to sign-off, a version
for optimistic locking, who entered, submitted and signed it off, and a kept revision for
every change.

An indicator's value, a project update, a risk review, a finance forecast and an improvement
action's update are each a model built on `Returnable`, with a revision model built on
`Revision`; `signoff.workflow` moves all of them through the same steps.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models


class ReturnState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for correction"
    APPROVED = "approved", "Signed off"
    PUBLISHED = "published", "Published"


SIGNED_OFF_STATES = (ReturnState.APPROVED, ReturnState.PUBLISHED)
EDITABLE_STATES = (ReturnState.DRAFT, ReturnState.RETURNED)


class RevisionAction(models.TextChoices):
    RECORDED = "recorded", "Recorded"
    EDITED = "edited", "Edited"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for correction"
    APPROVED = "approved", "Signed off"
    REVISED = "revised", "Revised after sign-off"
    PUBLISHED = "published", "Published"
    IMPORTED = "imported", "Imported"


class Returnable(models.Model):
    """A return's state and its people. Subclasses name the fields an officer enters
    (`TRACKED_FIELDS`, kept in each revision with the state)."""

    TRACKED_FIELDS: tuple[str, ...] = ("state",)

    state = models.CharField(max_length=20, choices=ReturnState.choices, default=ReturnState.DRAFT)
    lock_version = models.PositiveIntegerField(
        default=1, help_text="Raised on every change; a save from an older copy is refused"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_signed_off(self) -> bool:
        return self.state in SIGNED_OFF_STATES

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    def snapshot(self) -> dict:
        """The tracked fields as JSON-safe text, for a revision's before/after."""
        out = {}
        for name in self.TRACKED_FIELDS:
            field_value = getattr(self, name)
            # Normalised, so 41.5 as typed and 41.500000 as stored read the same.
            if isinstance(field_value, Decimal):
                field_value = format(field_value.normalize(), "f")
            elif hasattr(field_value, "isoformat"):
                field_value = field_value.isoformat()
            out[name] = field_value
        return out


class Revision(models.Model):
    """One change to a return: who, when, why, and the tracked fields before and after.
    Subclasses add the foreign key to their return and its uniqueness with `number`."""

    number = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=RevisionAction.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField()
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        abstract = True
