import datetime

import factory

from strategy.models import Ambition, Committee, CommitteeKind, Meeting, Outcome, Plan, PlanKind


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"Strategic Plan {n}")
    kind = PlanKind.STRATEGIC
    starts_on = datetime.date(2022, 4, 1)
    ends_on = datetime.date(2027, 3, 31)


class AmbitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ambition

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"ambition-{n}")
    title = factory.Sequence(lambda n: f"Ambition {n}")
    order = factory.Sequence(int)


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    ambition = factory.SubFactory(AmbitionFactory)
    code = factory.Sequence(lambda n: f"outcome-{n}")
    title = factory.Sequence(lambda n: f"Outcome {n}")


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"Scrutiny Committee {n}")
    code = factory.Sequence(lambda n: f"committee-{n}")
    kind = CommitteeKind.SCRUTINY


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    starts_at = factory.Sequence(
        lambda n: (
            datetime.datetime(2026, 1, 1, 18, tzinfo=datetime.UTC) + datetime.timedelta(weeks=n)
        )
    )
