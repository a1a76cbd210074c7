import factory
from django.contrib.auth.models import Group

from organisation.models import Council, OrgUnit, OrgUnitKind, Role, Tier, User


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ["ons_code"]

    name = "Testshire Council"
    short_name = "Testshire"
    ons_code = "E06000998"
    tier = Tier.UNITARY


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    council = factory.SubFactory(CouncilFactory)
    kind = OrgUnitKind.SERVICE
    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Service {n}")


class DirectorateFactory(OrgUnitFactory):
    kind = OrgUnitKind.DIRECTORATE
    name = factory.Sequence(lambda n: f"Directorate {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Officer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.uk")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=Role(role).label)[0])

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        for unit in extracted or []:
            self.scope.add(unit)
