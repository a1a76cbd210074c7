"""Serve the app with its tasks worker beside it; one Ctrl-C ends both."""

import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from demo.people import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Run the web server and the background tasks worker together (for the demo)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        worker = subprocess.Popen([sys.executable, "manage.py", "db_worker"])
        # The demo's approved reports get their PDF, Word and Excel files in the background.
        call_command("make_report_files", verbosity=0)
        self.print_logins(host, port)
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()

    def print_logins(self, host, port):
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS(f"Golden Thread demo council: http://{host}:{port}/"))
        out.write(f"Every demo account's password is: {DEMO_PASSWORD}   (demo only)")
        width = max(len(username) for username, _ in DEMO_LOGINS)
        for username, role in DEMO_LOGINS:
            out.write(f"  {username.ljust(width)}  {role}")
        out.write("Press Ctrl-C to stop the server and the tasks worker.\n")
