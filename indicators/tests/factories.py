import datetime
from decimal import Decimal

import factory

from indicators.definitions import record_first_version
from indicators.models import (
    Frequency,
    Indicator,
    IndicatorSet,
    Lifecycle,
    Period,
    ReportingCycle,
    Target,
)
from organisation.tests.factories import OrgUnitFactory
from status.periods import Aggregation
from status.rag import Polarity


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A quarterly percentage indicator, higher is better, with version 1 kept.

    Place it with `in_sets` (set codes), `outcomes` and `committees`: version 1 records those
    places, so scorecards (which place an indicator by its versions) find it there.
    """

    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"TST-{n:03d}")
    title = factory.Sequence(lambda n: f"Test indicator {n}")
    definition = "Percentage of things done on time"
    unit = "%"
    precision = 1
    polarity = Polarity.higher_is_better
    frequency = Frequency.QUARTERLY
    aggregation = Aggregation.snapshot
    owner = factory.SubFactory(OrgUnitFactory)
    lifecycle = Lifecycle.APPROVED
    effective_from = datetime.date(2022, 4, 1)

    @factory.post_generation
    def in_sets(self, create, extracted, **kwargs):
        for code in extracted or []:
            self.sets.add(IndicatorSet.objects.get(code=code))

    @factory.post_generation
    def outcomes(self, create, extracted, **kwargs):
        if create and extracted:
            self.outcomes.add(*extracted)

    @factory.post_generation
    def committees(self, create, extracted, **kwargs):
        if create and extracted:
            self.committees.add(*extracted)

    # Declared last: factory_boy runs post-generation steps in order, so the places are set.
    @factory.post_generation
    def first_version(self, create, extracted, **kwargs):
        if create:
            record_first_version(indicator=self)


def period(code: str) -> Period:
    return Period.objects.get(code=code)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal("90")


class ReportingCycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingCycle

    opens_on = factory.LazyAttribute(lambda c: c.period.ends_on + datetime.timedelta(days=1))
    data_entry_deadline = factory.LazyAttribute(
        lambda c: c.period.ends_on + datetime.timedelta(days=20)
    )
    signoff_deadline = factory.LazyAttribute(
        lambda c: c.data_entry_deadline + datetime.timedelta(days=10)
    )
