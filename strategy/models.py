"""The strategic framework (plans → ambitions → outcomes, operating principles) and
the committees and meetings that scrutinise performance."""

from django.db import models


class PlanKind(models.TextChoices):
    STRATEGIC = "strategic", "Strategic plan"
    CORPORATE = "corporate", "Corporate plan"
    DELIVERY = "delivery", "Delivery plan"
    SERVICE = "service", "Service plan"


class Plan(models.Model):
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PlanKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The plan this one delivers, e.g. a corporate plan under the strategic plan",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    summary = models.TextField(blank=True)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="plan_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title


class OperatingPrinciple(models.Model):
    """A cross-cutting principle (e.g. "Digital self-service") used as a tag."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ambition(models.Model):
    """A top-level ambition, priority or theme of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="ambitions")
    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    principles = models.ManyToManyField(OperatingPrinciple, blank=True, related_name="ambitions")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title


class Outcome(models.Model):
    """An outcome the council wants under one ambition; may be shared with a partnership."""

    ambition = models.ForeignKey(Ambition, on_delete=models.PROTECT, related_name="outcomes")
    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    lead_unit = models.ForeignKey(
        "organisation.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_outcomes",
        help_text="The directorate or partnership leading this outcome",
    )
    principles = models.ManyToManyField(OperatingPrinciple, blank=True, related_name="outcomes")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["ambition__order", "order", "title"]

    def __str__(self) -> str:
        return self.title


class CommitteeKind(models.TextChoices):
    CABINET = "cabinet", "Cabinet"
    SCRUTINY = "scrutiny", "Scrutiny committee"
    POLICY_AND_SERVICE = "policy_and_service", "Policy and service committee"
    RESOURCES = "resources", "Resources and performance committee"
    FULL_COUNCIL = "full_council", "Full council"
    PARTNERSHIP_BOARD = "partnership_board", "Partnership board"
    AUDIT = "audit", "Audit and governance committee"


class Committee(models.Model):
    """A body that receives performance reports; its remit says what it scrutinises."""

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    kind = models.CharField(max_length=30, choices=CommitteeKind.choices)
    remit = models.TextField(blank=True, help_text="Terms of reference, in brief")
    remit_ambitions = models.ManyToManyField(Ambition, blank=True, related_name="committees")
    remit_units = models.ManyToManyField(
        "organisation.OrgUnit", blank=True, related_name="committees"
    )
    receives_full_scorecard = models.BooleanField(
        default=False,
        help_text="Receives the whole organisation-wide balanced scorecard each quarter",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    is_cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "starts_at"], name="one_meeting_per_committee_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee.name}, {self.starts_at:%d %B %Y}"
