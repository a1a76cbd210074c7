"""Load the Wyvern Vale demo council into an empty database."""

import time
from argparse import ArgumentTypeError
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError

from demo.generate import DemoError, existing_data, indicator_counts, load_demo

BAD_DATE = "give a date as YYYY-MM-DD, e.g. 2026-11-24 (got {given!r})"


def parse_day(given: str) -> date:
    try:
        return date.fromisoformat(given)
    except ValueError:
        raise ArgumentTypeError(BAD_DATE.format(given=given)) from None


class Command(BaseCommand):
    help = (
        "Load the fictional Wyvern Vale Council (structure, people, framework, indicators and "
        "years of figures) into an empty database. Never overwrites data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) if the database already holds data.",
        )
        parser.add_argument(
            "--today",
            type=parse_day,
            help="The demo's today, YYYY-MM-DD (default: today in Europe/London).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Seed for the invented figures (default 2026)."
        )

    def handle(self, *args, if_empty: bool, today: date | None, seed: int, **options):
        today = today or datetime.now(ZoneInfo("Europe/London")).date()
        verbosity = options["verbosity"]
        what = existing_data()
        if what and if_empty:
            if verbosity:
                self.stdout.write(f"The database already holds {what}; the demo was not loaded.")
            return
        started = time.perf_counter()
        try:
            summary = load_demo(today=today, seed=seed)
        except DemoError as error:
            raise CommandError(str(error)) from None
        seconds = time.perf_counter() - started
        if not verbosity:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the Wyvern Vale demo council as of {today:%-d %B %Y} "
                f"(seed {seed}) in {seconds:.1f} seconds:"
            )
        )
        for line in summary.lines():
            self.stdout.write(f"  {line}")
        if verbosity > 1:
            for heading, counts in indicator_counts().items():
                shown = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
                self.stdout.write(f"  indicators by {heading}: {shown}")
