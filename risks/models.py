"""The risk register: corporate, directorate and service risks, their controls and further
actions, and their periodic reviews (returns, signed off through the one workflow).

A risk belongs to the unit that holds it: a service, a directorate, or for a corporate risk
the Chief Executive's directorate (or whichever unit the council chooses). Its scores live on
its reviews, so the score history is the list of signed-off reviews.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from signoff.models import Returnable, Revision
from status.risks import (
    DEFAULT_BANDS,
    DEFAULT_REVIEW_INTERVAL_MONTHS,
    RiskBand,
    check_bands,
    risk_score,
)

RATING = [MinValueValidator(1), MaxValueValidator(5)]  # STATUS-RULES: likelihood, impact 1-5


class RiskLevel(models.TextChoices):
    CORPORATE = "corporate", "Corporate (strategic)"
    DIRECTORATE = "directorate", "Directorate"
    SERVICE = "service", "Service"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Risk(models.Model):
    """A risk: what could happen (event), why (cause) and what it would mean (effect)."""

    reference = models.CharField(max_length=20, unique=True, help_text="e.g. CR-01")
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=RiskLevel.choices)
    cause = models.TextField(blank=True)
    event = models.TextField(blank=True)
    effect = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risks_owned"
    )
    unit = models.ForeignKey(
        "organisation.OrgUnit",
        on_delete=models.PROTECT,
        related_name="risks",
        help_text="The directorate or service that holds the risk",
    )
    outcomes = models.ManyToManyField("strategy.Outcome", blank=True, related_name="risks")
    indicators = models.ManyToManyField("indicators.Indicator", blank=True, related_name="risks")
    projects = models.ManyToManyField("delivery.Project", blank=True, related_name="risks")
    review_interval_months = models.PositiveSmallIntegerField(
        default=DEFAULT_REVIEW_INTERVAL_MONTHS,
        validators=[MinValueValidator(1)],
        help_text="Whole calendar months between reviews",
    )
    target_likelihood = models.PositiveSmallIntegerField(validators=RATING)
    target_impact = models.PositiveSmallIntegerField(validators=RATING)
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    opened_on = models.DateField(
        default=timezone.localdate, help_text="When the risk joined the register"
    )
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def owning_unit_id(self) -> int:
        return self.unit_id


class Effectiveness(models.TextChoices):
    EFFECTIVE = "effective", "Effective"
    PARTIAL = "partial", "Partially effective"
    INEFFECTIVE = "ineffective", "Not effective"
    NOT_ASSESSED = "not_assessed", "Not yet assessed"


class Control(models.Model):
    """Something already in place that reduces the risk."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="controls")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risk_controls",
    )
    effectiveness = models.CharField(
        max_length=20, choices=Effectiveness.choices, default=Effectiveness.NOT_ASSESSED
    )

    class Meta:
        ordering = ["risk", "pk"]

    def __str__(self) -> str:
        return f"{self.risk.reference}: {self.description[:60]}"

    @property
    def owning_unit_id(self) -> int:
        return self.risk.unit_id


class FurtherAction(models.Model):
    """Something still to do to bring the risk down to its target."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="further_actions")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_actions"
    )
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["risk", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.risk.reference}: {self.description[:60]}"

    @property
    def owning_unit_id(self) -> int:
        return self.risk.unit_id


class RiskReview(Returnable):
    """One review of a risk: its inherent, current and target scores on a day, and a note."""

    TRACKED_FIELDS = (
        "state",
        "reviewed_on",
        "inherent_likelihood",
        "inherent_impact",
        "current_likelihood",
        "current_impact",
        "target_likelihood",
        "target_impact",
        "note",
    )

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    inherent_likelihood = models.PositiveSmallIntegerField(validators=RATING)
    inherent_impact = models.PositiveSmallIntegerField(validators=RATING)
    current_likelihood = models.PositiveSmallIntegerField(validators=RATING)
    current_impact = models.PositiveSmallIntegerField(validators=RATING)
    target_likelihood = models.PositiveSmallIntegerField(validators=RATING)
    target_impact = models.PositiveSmallIntegerField(validators=RATING)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["risk", "-reviewed_on"]
        constraints = [
            models.UniqueConstraint(fields=["risk", "reviewed_on"], name="one_review_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.risk.reference} review of {self.reviewed_on:%-d %B %Y}"

    @property
    def owning_unit_id(self) -> int:
        return self.risk.unit_id

    @property
    def inherent_score(self) -> int:
        return risk_score(self.inherent_likelihood, self.inherent_impact)

    @property
    def current_score(self) -> int:
        return risk_score(self.current_likelihood, self.current_impact)

    @property
    def target_score(self) -> int:
        return risk_score(self.target_likelihood, self.target_impact)


class RiskReviewRevision(Revision):
    """One change to a risk review: who, when, why, and the scores before and after."""

    review = models.ForeignKey(RiskReview, on_delete=models.CASCADE, related_name="revisions")

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="one_review_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.review} revision {self.number} ({self.get_action_display()})"


class TagColour(models.TextChoices):
    """GOV.UK tag colours: each has text with enough contrast, and the name is always shown."""

    GREEN = "govuk-tag--green", "Green"
    YELLOW = "govuk-tag--yellow", "Yellow"
    ORANGE = "govuk-tag--orange", "Orange"
    RED = "govuk-tag--red", "Red"
    PURPLE = "govuk-tag--purple", "Purple"
    PINK = "govuk-tag--pink", "Pink"
    BLUE = "govuk-tag--blue", "Blue"
    GREY = "govuk-tag--grey", "Grey"


class RiskBands(models.Model):
    """The council's risk bands: where each ends, and its name and colour (one row)."""

    low_last = models.PositiveSmallIntegerField(
        "Low: highest score", default=DEFAULT_BANDS[RiskBand.low][1]
    )
    medium_last = models.PositiveSmallIntegerField(
        "Medium: highest score", default=DEFAULT_BANDS[RiskBand.medium][1]
    )
    high_last = models.PositiveSmallIntegerField(
        "High: highest score", default=DEFAULT_BANDS[RiskBand.high][1]
    )
    low_name = models.CharField(max_length=40, default=RiskBand.low.label)
    medium_name = models.CharField(max_length=40, default=RiskBand.medium.label)
    high_name = models.CharField(max_length=40, default=RiskBand.high.label)
    very_high_name = models.CharField(max_length=40, default=RiskBand.very_high.label)
    low_colour = models.CharField(max_length=30, choices=TagColour.choices, default=TagColour.GREEN)
    medium_colour = models.CharField(
        max_length=30, choices=TagColour.choices, default=TagColour.YELLOW
    )
    high_colour = models.CharField(
        max_length=30, choices=TagColour.choices, default=TagColour.ORANGE
    )
    very_high_colour = models.CharField(
        max_length=30, choices=TagColour.choices, default=TagColour.RED
    )

    class Meta:
        verbose_name = "risk bands"
        verbose_name_plural = "risk bands"

    def __str__(self) -> str:
        return "Risk bands"

    def ranges(self) -> dict[RiskBand, tuple[int, int]]:
        """Inclusive score ranges per band; very high always ends at 25."""
        return {
            RiskBand.low: (1, self.low_last),
            RiskBand.medium: (self.low_last + 1, self.medium_last),
            RiskBand.high: (self.medium_last + 1, self.high_last),
            RiskBand.very_high: (self.high_last + 1, 25),
        }

    def clean(self) -> None:
        try:
            check_bands(self.ranges())
        except ValueError as error:
            raise ValidationError(
                f"The bands must cover scores 1 to 25 in order: {error}"
            ) from None
