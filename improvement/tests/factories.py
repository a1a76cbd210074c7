import datetime

import factory
from django.utils import timezone

from improvement.models import Finding, ImprovementAction, Source
from organisation.tests.factories import OrgUnitFactory, UserFactory
from status.improvement import ActionState


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    kind = Source.INTERNAL_AUDIT
    title = factory.Sequence(lambda n: f"Audit of contract management {n}")
    found_on = datetime.date(2026, 6, 1)
    reference = factory.Sequence(lambda n: f"IA 2026/{n:02d}")
    body = "Internal audit"
    unit = factory.SubFactory(OrgUnitFactory)
    recorded_at = factory.LazyFunction(timezone.now)


class ImprovementActionFactory(factory.django.DjangoModelFactory):
    """An open action of the finding's unit, due 31 March 2027."""

    class Meta:
        model = ImprovementAction

    finding = factory.SubFactory(FindingFactory)
    reference = factory.Sequence(lambda n: f"R{n}")
    description = "Keep a register of every contract over £25,000"
    owner = factory.SubFactory(UserFactory)
    unit = factory.LazyAttribute(lambda a: a.finding.unit)
    state = ActionState.open.value
    due_on = datetime.date(2027, 3, 31)
    agreed_at = factory.LazyFunction(timezone.now)
