"""Check the audit log's chain: every entry's hash, in order, up to the head."""

import re
from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand, CommandError

from audit.chain import verify

ANCHOR = re.compile(r"#?(\d+)=([0-9a-f]{64})")


def anchor(given: str) -> tuple[int, str]:
    match = ANCHOR.fullmatch(given.strip())
    if not match:
        raise ArgumentTypeError(f"give an entry and its hash as N=HASH (got {given!r})")
    return int(match[1]), match[2]


class Command(BaseCommand):
    help = (
        "Recompute the audit log's hash chain. Prints the number of entries, the last entry and "
        "its hash and exits 0; or names the first entry that was changed, removed, inserted or "
        "reordered and exits 1. Keep the printed hash outside the database and pass it back "
        "with --kept N=HASH: a log rewritten from scratch then fails too."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kept",
            type=anchor,
            action="append",
            default=[],
            metavar="N=HASH",
            help="An entry's hash printed by an earlier run (may be repeated).",
        )

    def handle(self, *args, kept, **options):
        result = verify(dict(kept))
        if not result.ok:
            raise CommandError(str(result), returncode=1)
        self.stdout.write(self.style.SUCCESS(str(result)))
