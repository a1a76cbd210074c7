"""Remove a person's authenticator app from the command line: for the last administrator who
has lost their phone (anyone else's can be removed in the admin)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.two_factor import reset_two_factor
from organisation.models import User


class Command(BaseCommand):
    help = "Remove a person's authenticator app; they set up a new one at their next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        person = User.objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"No one has the username {username!r}")
        if not reset_two_factor(user=person):
            raise CommandError(f"{username} has no authenticator app")
        self.stdout.write(f"Removed {username}'s authenticator app.")
