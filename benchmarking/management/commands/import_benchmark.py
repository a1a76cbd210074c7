"""Import a published statistic by its description; all of it or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benchmarking.importing import ImportRejected, description_path, import_benchmark


class Command(BaseCommand):
    help = (
        "Import FILE as DESCRIPTION says (a shipped description's name such as oflog-waste, or "
        "the path of a .toml file). Prints what was imported, or every problem by row and "
        "column and exits 1 with nothing saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("description")
        parser.add_argument("file", type=Path)
        parser.add_argument("--release", help="Label of the release, e.g. 'LGBF 2021-22'")

    def handle(self, *args, description, file, release, **options):
        try:
            report = import_benchmark(description_path(description), file, release=release)
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(rejected), returncode=1) from None
        for line in report.lines():
            self.stdout.write(line)
