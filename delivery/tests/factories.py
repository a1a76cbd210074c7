import datetime

import factory

from delivery.models import Milestone, Programme, Project
from organisation.tests.factories import OrgUnitFactory, UserFactory


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"Change programme {n}")
    sponsor = factory.SubFactory(UserFactory)
    expected_benefits = "Services people can reach online"

    @factory.post_generation
    def kpis(self, create, extracted, **kwargs):
        if create and extracted:
            self.kpis.add(*extracted)


class ProjectFactory(factory.django.DjangoModelFactory):
    """An active priority project running through the 2026/27 financial year."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"DP-{n:02d}")
    title = factory.Sequence(lambda n: f"Project {n}")
    is_priority = True
    owner = factory.SubFactory(UserFactory)
    lead_service = factory.SubFactory(OrgUnitFactory)
    starts_on = datetime.date(2026, 4, 1)
    ends_on = datetime.date(2027, 3, 31)

    @factory.post_generation
    def outcomes(self, create, extracted, **kwargs):
        if create and extracted:
            self.outcomes.add(*extracted)

    @factory.post_generation
    def measures(self, create, extracted, **kwargs):
        if create and extracted:
            self.measures.add(*extracted)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    baseline_due = datetime.date(2026, 12, 1)
    position = factory.Sequence(int)
