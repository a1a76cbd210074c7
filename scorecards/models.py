"""Narrative that complements a scorecard: what is going well, what is not, what is done."""

from django.conf import settings
from django.db import models


class Narrative(models.Model):
    """A directorate's or ambition's story for one period, written by those who answer for it.

    Exactly one of `unit` and `ambition` is set.
    """

    unit = models.ForeignKey(
        "organisation.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="narratives",
    )
    ambition = models.ForeignKey(
        "strategy.Ambition",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="narratives",
    )
    period = models.ForeignKey("indicators.Period", on_delete=models.PROTECT, related_name="+")
    going_well = models.TextField("What is going well", blank=True)
    not_going_well = models.TextField("What is not going well", blank=True)
    being_done = models.TextField("What is being done about it", blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-period__starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=True, ambition__isnull=False)
                | models.Q(unit__isnull=False, ambition__isnull=True),
                name="narrative_about_one_thing",
            ),
            models.UniqueConstraint(fields=["unit", "period"], name="one_narrative_per_unit"),
            models.UniqueConstraint(
                fields=["ambition", "period"], name="one_narrative_per_ambition"
            ),
        ]

    def __str__(self) -> str:
        return f"Narrative for {self.unit or self.ambition}, {self.period}"
