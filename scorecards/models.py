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


class StoredReading(models.Model):
    """An indicator's reading for one scorecard period, kept as `scorecards.readings` judged
    it, so that scorecards read rows instead of judging every indicator on every request.

    A kept reading is used only while its `generation` is its indicator's current one: every
    change to what a reading is made of moves the generation on in the same transaction
    (`scorecards.stored`), so a reading made from older inputs is never shown.
    """

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey("indicators.Period", on_delete=models.CASCADE, related_name="+")
    generation = models.BigIntegerField()
    layout = models.BigIntegerField()  # the shape of `reading`, which a release may change
    # A reading with no figure is Pending up to its deadline and Missing after: it holds on
    # one side of the deadline only.
    deadline = models.DateField(null=True)
    before_deadline = models.BooleanField(default=False)
    reading = models.BinaryField()
    judged_at = models.DateTimeField()
    # Deadlines, periods and the council's rules are shared by every reading: one number
    # follows them (`CalendarGeneration`).
    calendar_generation = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_reading_per_period")
        ]

    def __str__(self) -> str:
        return f"Reading of indicator {self.indicator_id} for period {self.period_id}"


class StoredHistory(models.Model):
    """What the indicator page draws of an indicator for one scorecard period, drawn once and
    kept: its SPC chart and its "Every period" table (each own period's reading), as HTML.

    Held under the same generations as a kept reading (`scorecards.stored`), and only between
    the deadlines its figure-less periods were judged between (Pending up to a deadline,
    Missing after it)."""

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey("indicators.Period", on_delete=models.CASCADE, related_name="+")
    generation = models.BigIntegerField()
    calendar_generation = models.BigIntegerField()
    layout = models.BigIntegerField()  # the templates and drawing code it was made with
    # It holds from `valid_from` to `valid_until` (either open): the days on which every
    # figure-less period is on the same side of its deadline as when it was drawn.
    valid_from = models.DateField(null=True)
    valid_until = models.DateField(null=True)
    drawn = models.BinaryField()  # the chart's and the table's HTML, compressed
    judged_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_history_per_period")
        ]

    def __str__(self) -> str:
        return f"History of indicator {self.indicator_id} to period {self.period_id}"


class ReadingGeneration(models.Model):
    """How many times what an indicator's readings are made of has changed."""

    # Written by the database's own triggers (migration 0003), also while an indicator is
    # being deleted: no foreign key constraint, so a row left for a deleted one is harmless.
    indicator = models.OneToOneField(
        "indicators.Indicator",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="reading_generation",
        db_constraint=False,
    )
    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Indicator {self.indicator_id}: generation {self.number}"


class CalendarGeneration(models.Model):
    """How many times what every reading shares has changed: the reporting cycles (deadlines),
    the periods and the council (its rules).

    Written by the database's own triggers (migration 0004), one row (id 1); none yet reads
    as 0. One number for all, so that such a change writes one row, not every indicator's.
    """

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Calendar generation {self.number}"
