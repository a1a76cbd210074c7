"""Load or refresh the reference list of areas (mySociety's UK local authorities)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from benchmarking.areas import SHIPPED_AREAS, load_areas


class Command(BaseCommand):
    help = (
        "Create or update areas from mySociety's uk_local_authorities.csv (default: the copy "
        "shipped in benchmarking/data). Safe to run again; never deletes an area."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, default=SHIPPED_AREAS)

    def handle(self, *args, file, **options):
        self.stdout.write(self.style.SUCCESS(str(load_areas(path=file))))
