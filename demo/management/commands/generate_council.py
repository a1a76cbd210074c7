"""Generate a large council (the demo's catalogue copied up) into an empty database."""

import time
from argparse import ArgumentTypeError
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError

from demo.large import PRESETS, GenerateError, Shape, generate_council
from demo.management.commands.load_demo import parse_day


def positive_scale(given: str) -> float:
    try:
        scale = float(given)
    except ValueError:
        scale = 0.0
    if not scale > 0:
        raise ArgumentTypeError(f"give a scale above 0, e.g. 4 (got {given!r})")
    return scale


class Command(BaseCommand):
    help = (
        "Generate a large council for measuring speed: the demo's structure, people, framework "
        "and registers, widened to more directorates and services, with the demo's indicators "
        "copied up to the size asked for and years of signed-off figures, all in bulk. "
        "--scale 1 is the demo's size (159 indicators, 5 years); --preset county is 2,000 "
        "indicators, mostly monthly, over 10 years in 60 services and 8 directorates. Refuses a "
        "database that holds data unless --replace is given."
    )

    def add_arguments(self, parser):
        size = parser.add_mutually_exclusive_group()
        size.add_argument("--preset", choices=sorted(PRESETS), help="A named size.")
        size.add_argument(
            "--scale",
            type=positive_scale,
            help="Times the demo's indicators (1: 159), over the demo's 5 years (default 1).",
        )
        parser.add_argument("--indicators", type=int, help="Exactly this many indicators.")
        parser.add_argument("--years", type=int, help="Financial years of figures.")
        parser.add_argument("--directorates", type=int, help="Directorates (at least 5).")
        parser.add_argument("--services", type=int, help="Services (at least 26).")
        parser.add_argument(
            "--benchmark-values",
            type=int,
            help="Synthetic published figures of other councils to import (0: none).",
        )
        parser.add_argument(
            "--today",
            type=parse_day,
            help="The council's today, YYYY-MM-DD (default: today in Europe/London).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Seed for the invented figures (default 2026)."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Empty a database that already holds data first (everything but the groups, "
            "permissions, indicator sets and reminder rules the migrations load: its audit "
            "log too). Only for a database kept for measuring.",
        )

    def handle(self, *args, preset, scale, today: date | None, seed: int, **options):
        shape = PRESETS[preset] if preset else Shape.scaled(scale or 1)
        overrides = {
            name: options[name]
            for name in ("indicators", "years", "directorates", "services", "benchmark_values")
            if options[name] is not None
        }
        shape = replace(shape, **overrides)
        today = today or datetime.now(ZoneInfo("Europe/London")).date()
        started = time.perf_counter()
        try:
            summary = generate_council(
                indicators=shape.indicators,
                years=shape.years,
                directorates=shape.directorates,
                services=shape.services,
                benchmark_values=shape.benchmark_values,
                mostly_monthly=shape.mostly_monthly,
                today=today,
                seed=seed,
                replace_existing=options["replace"],
            )
        except GenerateError as error:
            raise CommandError(str(error)) from None
        seconds = time.perf_counter() - started
        if not options["verbosity"]:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated a council of {summary.shape.describe()} as of {today:%-d %B %Y} "
                f"(seed {seed}) in {seconds:.1f} seconds:"
            )
        )
        for line in summary.lines:
            self.stdout.write(f"  {line}")
