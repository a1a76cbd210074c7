"""The council, its structure (directorates, services, teams, partnerships) and its people.

Councils restructure often, so the structure is data: one tree of organisation units.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models


class Tier(models.TextChoices):
    DISTRICT = "district", "District (shire district)"
    COUNTY = "county", "County"
    UNITARY = "unitary", "Unitary authority"
    METROPOLITAN = "metropolitan", "Metropolitan borough"
    LONDON_BOROUGH = "london_borough", "London borough"
    SCOTTISH_UNITARY = "scottish_unitary", "Scottish council"
    WELSH_UNITARY = "welsh_unitary", "Welsh principal council"
    NI_DISTRICT = "ni_district", "Northern Ireland district"


class RagRuleChoice(models.TextChoices):
    # STATUS-RULES: one organisation-wide rule, recorded with each report.
    TOLERANCE = "tolerance", "Tolerance band (Green, Amber within tolerance, Red)"
    TOLERANCE_AND_TREND = (
        "tolerance_and_trend",
        "Tolerance and trend (outside tolerance: Amber if improved on last year, else Red)",
    )


class Council(models.Model):
    """The authority using this installation (one per installation)."""

    name = models.CharField(max_length=200, help_text="Official name, e.g. Wyvern Vale Council")
    short_name = models.CharField(max_length=100, help_text="Name used in headings")
    ons_code = models.CharField(
        "ONS (GSS) code",
        max_length=9,
        unique=True,
        help_text="Nine-character GSS code, e.g. E06000045",
    )
    tier = models.CharField(max_length=20, choices=Tier.choices)
    region = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    default_tolerance_percent = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=5,
        help_text="Amber band as a percentage of the target, unless an indicator sets its own",
    )
    rag_rule = models.CharField(
        "RAG rule", max_length=30, choices=RagRuleChoice.choices, default=RagRuleChoice.TOLERANCE
    )
    ambition_label = models.CharField(
        max_length=40,
        default="Ambition",
        help_text="What this council calls the top of its framework: Ambition, Priority, Theme",
    )

    class Meta:
        verbose_name_plural = "council"

    def __str__(self) -> str:
        return self.name


class OrgUnitKind(models.TextChoices):
    DIRECTORATE = "directorate", "Directorate"
    SERVICE = "service", "Service"
    TEAM = "team", "Team"
    PARTNERSHIP = "partnership", "Partnership"


class OrgUnit(models.Model):
    """A directorate, service, team or partnership; services sit under directorates."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="org_units")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(max_length=20, choices=OrgUnitKind.choices)
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    partners = models.TextField(
        blank=True, help_text="For partnerships: the partner organisations, one per line"
    )
    head = models.ForeignKey(
        "organisation.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="heads",
        help_text="Director, head of service or team manager",
    )
    is_active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "organisation unit"

    def __str__(self) -> str:
        return self.name

    @property
    def directorate(self) -> "OrgUnit | None":
        """The directorate this unit belongs to (itself, for a directorate)."""
        unit = self
        while unit is not None and unit.kind != OrgUnitKind.DIRECTORATE:
            unit = unit.parent
        return unit


class Role(models.TextChoices):
    """Roles are Django groups of these names; scope says which units a person answers for."""

    PERFORMANCE_TEAM = "performance_team", "Performance team"
    DATA_OWNER = "data_owner", "Data owner"
    APPROVER = "approver", "Approver"
    DIRECTOR = "director", "Director"
    COUNCILLOR = "councillor", "Councillor"
    ADMINISTRATOR = "administrator", "Administrator"
    AUDITOR = "auditor", "Internal auditor"  # reads everything signed off, changes nothing
    # Enters the budget forecasts of the directorates and services in their scope.
    FINANCE_PARTNER = "finance_partner", "Finance business partner"


class User(AbstractUser):
    """A person who signs in: an officer, a councillor or an administrator."""

    job_title = models.CharField(max_length=200, blank=True)
    home_unit = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        help_text="Where the person works (councillors: none)",
    )
    scope = models.ManyToManyField(
        OrgUnit,
        blank=True,
        related_name="scoped_users",
        help_text="The units this person answers for (their units below are included)",
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, role: Role) -> bool:
        return any(group.name == role.label for group in self.groups.all())
