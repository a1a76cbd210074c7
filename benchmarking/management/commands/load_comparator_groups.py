"""Build the standard comparator groups and load published ones."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benchmarking.groups import (
    GroupRejected,
    build_standard_groups,
    load_family_groups,
    load_nearest_neighbours,
)


class Command(BaseCommand):
    help = (
        "Build nation, tier and region groups from the areas (--standard), and load published "
        "groups: CIPFA nearest neighbours (--nearest-neighbours FILE, long CSV or JSON) and LGBF "
        "family groups (--family-groups FILE). Each file is saved whole or not at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--standard", action="store_true")
        parser.add_argument("--nearest-neighbours", type=Path)
        parser.add_argument("--family-groups", type=Path)

    def handle(self, *args, standard, nearest_neighbours, family_groups, **options):
        steps = []
        if standard:
            steps.append(("Standard groups", build_standard_groups, {}))
        if nearest_neighbours:
            steps.append(
                ("Nearest neighbours", load_nearest_neighbours, {"path": nearest_neighbours})
            )
        if family_groups:
            steps.append(("Family groups", load_family_groups, {"path": family_groups}))
        if not steps:
            raise CommandError(
                "Say what to load: --standard, --nearest-neighbours or --family-groups"
            )
        for label, load, arguments in steps:
            try:
                saved = load(**arguments)
            except GroupRejected as rejected:
                for problem in rejected.problems:
                    self.stderr.write(problem)
                raise CommandError(f"{label}: {rejected}", returncode=1) from None
            self.stdout.write(f"{label}: {saved}")
