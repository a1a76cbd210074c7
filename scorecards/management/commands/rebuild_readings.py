"""Forget every kept reading and judge every indicator again for the periods scorecards show;
and every kept position among published figures."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from benchmarking import kept
from benchmarking.models import KeptPositions
from indicators.models import Period
from scorecards import stored
from status.periods import PeriodKind


class Command(BaseCommand):
    help = (
        "Forget every kept reading and judge every indicator again, for every quarter that "
        "has ended (or the latest ones, with --quarters); and every kept position among "
        "published figures."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quarters", type=int, default=0, help="Only the latest N ended quarters."
        )

    def handle(self, *args, quarters: int, **options):
        today = timezone.localdate()
        ended = Period.objects.filter(kind=PeriodKind.quarter, ends_on__lt=today).order_by(
            "-starts_on"
        )
        periods = list(ended[:quarters] if quarters else ended)
        judged = stored.rebuild(reversed(periods), today=today)
        self.stdout.write(f"Judged {judged} readings for {len(periods)} quarters.")
        KeptPositions.objects.all().delete()
        self.stdout.write(f"Worked out the positions of {kept.refresh()} benchmark links.")
