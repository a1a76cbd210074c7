"""Indicators (with versioned definitions), periods, targets, baselines, reporting cycles,
values and the kept history of every revision of a value.

The choices mirror the pure status package's enums, so a stored slug is what the rules take.
"""

from django.conf import settings
from django.db import models

from signoff.models import (
    SIGNED_OFF_STATES,  # noqa: F401  (read from here by the rest of the product)
    Returnable,
    ReturnState,
    Revision,
    RevisionAction,  # noqa: F401
)
from status.direction import Comparison
from status.periods import Aggregation, PeriodKind
from status.rag import Polarity

DECIMAL = {"max_digits": 20, "decimal_places": 6}


class Period(models.Model):
    """A reporting period, generated from the calendar (never typed in)."""

    kind = models.CharField(max_length=20, choices=PeriodKind.choices())
    # Unique only within a kind: October 2009 and the year 2009/10 are both "2009-10".
    code = models.CharField(max_length=20, help_text="e.g. 2024-25-Q1")
    label = models.CharField(max_length=40, help_text="e.g. Q1 2024/25")
    starts_on = models.DateField()
    ends_on = models.DateField()
    financial_year = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="in_year_periods",
        help_text="For months and quarters: the financial year they fall in",
    )

    class Meta:
        ordering = ["starts_on", "-ends_on"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "starts_on"], name="one_period_per_kind_start"),
            models.UniqueConstraint(fields=["kind", "code"], name="one_period_per_kind_code"),
        ]

    def __str__(self) -> str:
        return self.label


class IndicatorSet(models.Model):
    """A set an indicator belongs to: strategic, operational, statutory, Oflog, partnership…"""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class IndicatorType(models.TextChoices):
    INPUT = "input", "Input"
    OUTPUT = "output", "Output"
    OUTCOME = "outcome", "Outcome"
    EFFICIENCY = "efficiency", "Efficiency"
    QUALITY = "quality", "Quality"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"

    @property
    def period_kind(self) -> str:
        return {
            "monthly": PeriodKind.month,
            "quarterly": PeriodKind.quarter,
            "annual": PeriodKind.financial_year,
        }[self.value]


class Lifecycle(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    PROVISIONAL = "provisional", "Provisional"
    APPROVED = "approved", "Approved"
    RETIRED = "retired", "Retired"


class Definition(models.Model):
    """The fields of an indicator that change only as a new, dated version."""

    title = models.CharField(max_length=200)
    definition = models.TextField(help_text="What is measured")
    purpose = models.TextField(blank=True, help_text="Why it matters")
    calculation = models.TextField(blank=True, help_text="How it is calculated")
    numerator_label = models.CharField(max_length=200, blank=True)
    denominator_label = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Where the data comes from")
    unit = models.CharField(
        max_length=30, help_text='Shown after the figure: "%", "days", "£", "number", "kg"'
    )
    precision = models.PositiveSmallIntegerField(
        default=0, help_text="Decimal places shown (figures are judged as shown)"
    )
    polarity = models.CharField(max_length=20, choices=Polarity.choices())
    indicator_type = models.CharField(
        "type", max_length=20, choices=IndicatorType.choices, default=IndicatorType.OUTCOME
    )
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    aggregation = models.CharField(
        "how a year aggregates", max_length=20, choices=Aggregation.choices()
    )
    comparison = models.CharField(
        "direction of travel compares with",
        max_length=30,
        choices=Comparison.choices(),
        blank=True,
        help_text="Blank: the previous period, or the same period last year for cumulative "
        "and seasonal indicators",
    )
    tolerance_percent = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Amber band as % of target (blank: the council's default)",
    )
    tolerance_absolute = models.DecimalField(
        **DECIMAL, null=True, blank=True, help_text="Amber band as an amount (overrides %)"
    )

    scale = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Figure = numerator ÷ denominator × this (blank: 100 for %, else 1); "
        "e.g. 1000 for a rate per 1,000",
    )
    minimum_value = models.DecimalField(
        **DECIMAL,
        null=True,
        blank=True,
        help_text="Lowest figure that can be right (percentages: 0 unless set)",
    )
    maximum_value = models.DecimalField(
        **DECIMAL,
        null=True,
        blank=True,
        help_text="Highest figure that can be right (percentages: 100 unless set)",
    )

    VERSIONED_FIELDS = (
        "title",
        "definition",
        "purpose",
        "calculation",
        "numerator_label",
        "denominator_label",
        "source",
        "unit",
        "precision",
        "polarity",
        "indicator_type",
        "frequency",
        "aggregation",
        "comparison",
        "tolerance_percent",
        "tolerance_absolute",
        "scale",
        "minimum_value",
        "maximum_value",
    )

    class Meta:
        abstract = True

    @property
    def ratio_scale(self) -> int:
        """What numerator ÷ denominator is multiplied by to give the figure."""
        if self.scale:
            return self.scale
        return 100 if self.unit == "%" else 1

    def definition_values(self) -> dict:
        return {name: getattr(self, name) for name in self.VERSIONED_FIELDS}


class Indicator(Definition):
    """A performance indicator; its definition fields hold the current version."""

    code = models.SlugField(max_length=30, unique=True, help_text="e.g. WST-01")
    owner = models.ForeignKey(
        "organisation.OrgUnit",
        on_delete=models.PROTECT,
        related_name="indicators",
        help_text="The service that owns the figure",
    )
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_for",
    )
    outcomes = models.ManyToManyField("strategy.Outcome", blank=True, related_name="indicators")
    committees = models.ManyToManyField("strategy.Committee", blank=True, related_name="indicators")
    sets = models.ManyToManyField(IndicatorSet, blank=True, related_name="indicators")
    principles = models.ManyToManyField(
        "strategy.OperatingPrinciple", blank=True, related_name="indicators"
    )
    lifecycle = models.CharField(
        max_length=20, choices=Lifecycle.choices, default=Lifecycle.PROPOSED
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    effective_from = models.DateField(help_text="When the current definition took effect")
    is_seasonal = models.BooleanField(
        default=False, help_text="Seasonal: direction of travel compares with last year"
    )
    spc_baseline_start = models.ForeignKey(
        Period,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="SPC: first period of the baseline that sets the centre line (blank: all)",
    )
    spc_baseline_end = models.ForeignKey(
        Period, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_period = models.ForeignKey(
        Period,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The first period the indicator is reported for (blank: the period its "
        "first definition took effect in)",
    )
    last_period = models.ForeignKey(
        Period,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A retired indicator's last reported period",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class IndicatorVersion(Definition):
    """A kept definition of an indicator, in force from its effective date."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    effective_from = models.DateField()
    change_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Where the indicator stood while this version was in force: its owner, and the ids of its
    # sets, committees and outcomes. Kept as a frozen record (like a revision's before/after),
    # so a past scorecard places the indicator as it was, and read with the version itself.
    owner = models.ForeignKey(
        "organisation.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_ids = models.JSONField(default=list, blank=True)
    committee_ids = models.JSONField(default=list, blank=True)
    outcome_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["indicator", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} version {self.number} (from {self.effective_from})"


class SpcRecalculation(models.Model):
    """A point where an indicator's process really changed: SPC limits start afresh from it.

    Removing one keeps the row (who removed it, when and why), so the history of how the
    charts were drawn is never lost.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="spc_recalculations"
    )
    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The first period of the new phase, at the indicator's frequency",
    )
    reason = models.TextField(help_text="What changed in the process")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField()
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["indicator", "period__starts_on", "set_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=models.Q(removed_at__isnull=True),
                name="one_recalculation_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: SPC recalculated from {self.period}"

    @property
    def is_current(self) -> bool:
        return self.removed_at is None


class Target(models.Model):
    """What an indicator should reach in a period, with its tolerance and rationale."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="targets")
    value = models.DecimalField(
        **DECIMAL, null=True, blank=True, help_text="Blank for an in-range target"
    )
    lower = models.DecimalField(
        **DECIMAL, null=True, blank=True, help_text="In-range polarity: bottom of the range"
    )
    upper = models.DecimalField(
        **DECIMAL, null=True, blank=True, help_text="In-range polarity: top of the range"
    )
    tolerance_percent = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, help_text="Overrides the indicator's"
    )
    tolerance_absolute = models.DecimalField(**DECIMAL, null=True, blank=True)
    rationale = models.TextField(blank=True, help_text="Why this target")

    class Meta:
        ordering = ["indicator", "period__starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_target_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} target for {self.period}"


class Baseline(models.Model):
    """Where an indicator started: a value at a period, or "from now" (the first value)."""

    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="baseline")
    period = models.ForeignKey(
        Period, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(**DECIMAL, null=True, blank=True)
    is_from_now = models.BooleanField(
        "from now",
        default=False,
        help_text="No prior data: the first collected value becomes the baseline",
    )
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Baseline for {self.indicator.code}"


class CycleState(models.TextChoices):
    PLANNED = "planned", "Planned"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ReportingCycle(models.Model):
    """The collection of one period's figures, with its deadlines and the meetings it feeds."""

    period = models.OneToOneField(Period, on_delete=models.PROTECT, related_name="cycle")
    opens_on = models.DateField()
    data_entry_deadline = models.DateField()
    signoff_deadline = models.DateField()
    state = models.CharField(max_length=10, choices=CycleState.choices, default=CycleState.PLANNED)
    meetings = models.ManyToManyField("strategy.Meeting", blank=True, related_name="cycles")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["period__starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(signoff_deadline__gte=models.F("data_entry_deadline")),
                name="signoff_after_data_entry",
            )
        ]

    def __str__(self) -> str:
        return f"Reporting cycle {self.period}"


class DataQuality(models.TextChoices):
    PROVISIONAL = "provisional", "Provisional"
    FINAL = "final", "Final"
    ESTIMATED = "estimated", "Estimated"


# One set of states and revision actions for every kind of return (`signoff`).
ValueState = ReturnState


class Value(Returnable):
    """One indicator's figure for one period, with commentary and its sign-off state."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    figure = models.DecimalField(**DECIMAL, null=True, blank=True)
    numerator = models.DecimalField(**DECIMAL, null=True, blank=True)
    denominator = models.DecimalField(**DECIMAL, null=True, blank=True)
    not_available_reason = models.TextField(
        blank=True, help_text="Why there is no figure this period"
    )
    data_quality = models.CharField(
        max_length=20, choices=DataQuality.choices, default=DataQuality.FINAL
    )
    commentary = models.TextField(blank=True, help_text="What the data shows")
    reasons = models.TextField(blank=True, help_text="Why performance is as it is")
    actions = models.TextField(blank=True, help_text="What is being done")

    class Meta:
        ordering = ["indicator", "period__starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_value_per_period"),
        ]
        indexes = [models.Index(fields=["period", "state"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.figure}"

    TRACKED_FIELDS = (
        "figure",
        "numerator",
        "denominator",
        "not_available_reason",
        "data_quality",
        "commentary",
        "reasons",
        "actions",
        "state",
    )


class ValueRevision(Revision):
    """One change to a value: who, when, why, and the tracked fields before and after."""

    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="revisions")

    class Meta:
        ordering = ["value", "number"]
        constraints = [
            models.UniqueConstraint(fields=["value", "number"], name="one_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.value} revision {self.number} ({self.get_action_display()})"
