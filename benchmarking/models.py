"""Other councils' published figures: areas, external metrics and their values, comparator groups.

These are statistics published by others (Oflog, DEFRA, the Improvement Service), never the
council's own returns: they arrive by import only and keep their source and licence with them.
"""

from django.db import models

from status.polarity import Polarity

# Published figures keep their own precision; none is rounded for benchmarking.
VALUE = {"max_digits": 30, "decimal_places": 10}


class Tier(models.TextChoices):
    """mySociety's local-authority-type codes, in the council's words."""

    COUNTY = "CTY", "County"
    DISTRICT = "NMD", "District (non-metropolitan)"
    UNITARY = "UA", "Unitary authority"
    METROPOLITAN = "MD", "Metropolitan district"
    LONDON_BOROUGH = "LBO", "London borough"
    CITY_CORPORATION = "CC", "City corporation"
    SCOTTISH_UNITARY = "SCO", "Scottish council"
    WELSH_UNITARY = "WPA", "Welsh principal council"
    NI_DISTRICT = "NID", "Northern Ireland district"
    COMBINED = "COMB", "Combined authority"
    STRATEGIC_REGIONAL = "SRA", "Strategic regional authority"
    OTHER = "OTHER", "Other"


class Area(models.Model):
    """A local authority, current or former, as mySociety lists it."""

    # Northern Ireland's districts abolished in 2015 never had a GSS code.
    gss_code = models.CharField("GSS code", max_length=9, unique=True, null=True, blank=True)
    code = models.CharField(
        "local authority code", max_length=10, unique=True, help_text="mySociety's 3-letter code"
    )
    name = models.CharField(max_length=200, help_text="Everyday name, e.g. City of Bristol")
    official_name = models.CharField(max_length=200)
    other_names = models.TextField(
        blank=True, help_text="Other spellings found in published data, one a line"
    )
    nation = models.CharField(max_length=30)
    tier = models.CharField(max_length=10, choices=Tier.choices)
    region = models.CharField(max_length=100, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    is_current = models.BooleanField(default=True)
    former_gss_codes = models.TextField(blank=True, help_text="Comma-separated")
    successor_codes = models.CharField(
        max_length=100, blank=True, help_text="mySociety's replaced-by: 3-letter codes"
    )
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.gss_code or self.code})"


class PeriodType(models.TextChoices):
    FINANCIAL_YEAR = "financial_year", "Financial year"
    CALENDAR_YEAR = "calendar_year", "Calendar year"
    ACADEMIC_YEAR = "academic_year", "Academic year"
    QUARTER = "quarter", "Quarter"
    MONTH = "month", "Month"


class Metric(models.Model):
    """One published statistic, e.g. Oflog's household waste recycling rate."""

    code = models.CharField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    source = models.CharField(max_length=300, help_text="The publication or dataset")
    publisher = models.CharField(max_length=200)
    licence = models.CharField(max_length=200)
    url = models.URLField("URL", max_length=500, blank=True)
    polarity = models.CharField(max_length=20, choices=Polarity.choices())
    unit = models.CharField(max_length=30, blank=True)
    precision = models.PositiveSmallIntegerField(default=1, help_text="Decimal places shown")
    period_type = models.CharField(max_length=20, choices=PeriodType.choices)
    release_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    is_contextual = models.BooleanField(
        "contextual (evidence, not for ranking)",
        default=False,
        help_text="Shown beside outcomes as evidence (a residents' survey, a needs "
        "assessment); never ranked or compared with an indicator",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class ExternalValue(models.Model):
    """One area's published figure for one period, or the marker published instead."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="values")
    period = models.CharField(max_length=20, help_text="Normalised label, e.g. 2022/23")
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(**VALUE, null=True, blank=True)
    marker = models.CharField(
        max_length=20,
        blank=True,
        help_text='Published instead of a figure (":", "..", "[x]"), kept as given',
    )
    numerator = models.DecimalField(**VALUE, null=True, blank=True)
    denominator = models.DecimalField(**VALUE, null=True, blank=True)
    release = models.CharField(max_length=100, blank=True, help_text="The release it came from")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "area", "period"], name="one_external_value_per_period"
            )
        ]
        indexes = [models.Index(fields=["metric", "period_start"])]

    def __str__(self) -> str:
        return f"{self.metric.code} {self.area.gss_code} {self.period}"


class ValueChange(models.Model):
    """What a newer release changed: the history of a published figure."""

    external_value = models.ForeignKey(
        ExternalValue, on_delete=models.CASCADE, related_name="changes"
    )
    old_value = models.DecimalField(**VALUE, null=True, blank=True)
    new_value = models.DecimalField(**VALUE, null=True, blank=True)
    old_marker = models.CharField(max_length=20, blank=True)
    new_marker = models.CharField(max_length=20, blank=True)
    old_release = models.CharField(max_length=100, blank=True)
    release = models.CharField(max_length=100, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.old_value or self.old_marker} → {self.new_value or self.new_marker}"


class GroupKind(models.TextChoices):
    NATION = "nation", "All councils in the nation"
    TIER = "tier", "Same tier"
    REGION = "region", "Same region"
    PUBLISHED = "published", "Published group (nearest neighbours, family group)"
    OWN = "own", "The council's own group"


class ComparatorGroup(models.Model):
    """The councils a figure is compared with."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=GroupKind.choices)
    source = models.TextField(blank=True, help_text="Where the group comes from, and its licence")
    anchor = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_groups",
        help_text="For nearest neighbours: the authority whose neighbours these are",
    )
    members = models.ManyToManyField(Area, related_name="comparator_groups")

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="one_comparator_group_per_name")
        ]

    def __str__(self) -> str:
        return self.name


class BenchmarkLink(models.Model):
    """An indicator of the council's own, compared with a published metric in a group."""

    indicator = models.OneToOneField(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="benchmark_link"
    )
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="links")
    group = models.ForeignKey(
        ComparatorGroup,
        on_delete=models.PROTECT,
        related_name="links",
        help_text="The comparator group shown unless another is chosen",
    )
    definition_note = models.TextField(
        blank=True,
        help_text="Empty when the definitions match; else how ours differs",
    )

    class Meta:
        ordering = ["indicator__code"]

    def __str__(self) -> str:
        return f"{self.indicator} ↔ {self.metric.code}"


class OutcomeEvidence(models.Model):
    """A contextual metric shown beside an outcome as "what the evidence says"."""

    outcome = models.ForeignKey(
        "strategy.Outcome", on_delete=models.CASCADE, related_name="evidence"
    )
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="evidence")
    # Wards are not areas here: the Area table lists local authorities only.
    areas = models.ManyToManyField(
        Area,
        blank=True,
        related_name="evidence",
        help_text="Whose figures are shown; none: the council's own area (its ONS code)",
    )
    note = models.TextField(blank=True, help_text="How to read it beside the outcome")

    class Meta:
        ordering = ["outcome", "metric__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "metric"], name="one_evidence_link_per_outcome_metric"
            )
        ]
        verbose_name_plural = "outcome evidence"

    def __str__(self) -> str:
        return f"{self.outcome} ← {self.metric.code}"


class PublishedGeneration(models.Model):
    """How many times the published side of every comparison has changed: figures, groups,
    links, metrics, areas and the council's own area code.

    Written by the database's own triggers (migration 0004), one row (id 1); none yet reads
    as 0.
    """

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Published generation {self.number}"


class KeptPositions(models.Model):
    """A link's positions in every published period, kept as `benchmarking.positions` worked
    them out (without the group's figures), so that a scorecard reads one row per link instead
    of every published figure of its metric.

    Used only while both generations are current: the published one (`PublishedGeneration`)
    and the linked indicator's reading generation, which moves with its own figures
    (`benchmarking.kept`).
    """

    link = models.OneToOneField(
        BenchmarkLink, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    published_generation = models.BigIntegerField()
    indicator_generation = models.BigIntegerField()
    layout = models.BigIntegerField()  # the shape of `positions`, which a release may change
    positions = models.BinaryField()
    judged_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "kept positions"

    def __str__(self) -> str:
        return f"Positions of link {self.link_id}"
