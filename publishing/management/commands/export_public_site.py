"""Write the public performance site, as it stands now, as static files in a folder.

Every public address (pages, report downloads, open data, schema, sitemap and feed) is fetched
through the site itself, so the files are exactly what a visitor would be served: only
released reports and their figures. The folder is the root of a web site: copy it to any
static host (the pages link to /performance/… and /static/…).

The site is written to a new folder beside DIRECTORY and then put in its place, so the folder
holds exactly what is public now: a report withdrawn since the last export leaves no page or
file behind, and a failed export leaves the last one as it was. Only a folder this command
wrote (it leaves a marker file) or an empty one is ever replaced; nothing outside DIRECTORY
is touched.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from publishing.addresses import public_addresses
from publishing.published import Publication

# The static files the public pages use: GOV.UK Frontend's CSS, script and images, and ours.
STATIC_PREFIXES = ("govuk/", "publishing/")
FILENAME = re.compile(r'filename="?([^";]+)"?')
MARKER = ".golden-thread-public-site"  # in every folder this command wrote
NOT_OURS = (
    "{root} holds files not written by export_public_site: export into a new or empty folder "
    "(the export replaces the whole folder)"
)


class Command(BaseCommand):
    help = (
        "Write every public performance page, report download and open data file, as a "
        "visitor would be served them now, as static files under DIRECTORY."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where to write the site (created if missing).")
        parser.add_argument(
            "--base-url",
            default=settings.GOLDEN_THREAD_BASE_URL,
            help="The address the site will be published at, for the absolute links in the "
            "sitemap, the feed and the data files (default: GOLDEN_THREAD_BASE_URL).",
        )

    def handle(self, *args, directory: str, base_url: str, **options):
        root = Path(os.path.abspath(directory))
        base = urlsplit(base_url)
        if base.scheme not in ("http", "https") or not base.netloc:
            raise CommandError(f"--base-url must be an http(s) address, not {base_url!r}")
        _check_replaceable(root)
        client = Client(HTTP_HOST=base.netloc)
        secure = base.scheme == "https"

        root.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{root.name}-new-", dir=root.parent))
        try:
            addresses = public_addresses(Publication(timezone.now()))
            for address in addresses:
                response = client.get(address.path, secure=secure)
                if response.status_code != 200:
                    raise CommandError(f"{address.path} answered {response.status_code}")
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                self._write(building, address.path, body, response)
            copied = self._copy_static(building)
            (building / MARKER).write_text(
                "Written by Golden Thread's export_public_site, which replaces this folder.\n"
            )
            _replace(root, building)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        if options["verbosity"]:
            self.stdout.write(
                f"Wrote {len(addresses)} public addresses and {copied} static files to {root}."
            )

    def _write(self, root: Path, path: str, body: bytes, response) -> None:
        relative = path.lstrip("/")
        if not path.endswith("/"):
            target = root / relative
        elif response["Content-Type"].startswith("text/html"):
            target = root / relative / "index.html"
        else:
            # A download at a folder address: the file under its own name, and an index page
            # that sends the browser on to it (a static host cannot name a folder's type).
            found = FILENAME.search(response.get("Content-Disposition", ""))
            name = Path(found.group(1)).name if found else "download"
            self._save(root / relative / name, body)
            target = root / relative / "index.html"
            body = _redirect_page(name).encode()
        self._save(target, body)

    def _save(self, target: Path, body: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)

    def _copy_static(self, root: Path) -> int:
        """Copy the static files the pages use, under the names the pages give them (with
        hashed static storage, the hashed copies that collectstatic made, too)."""
        copied = 0
        static_root = root / settings.STATIC_URL.strip("/")
        stored_name = getattr(staticfiles_storage, "stored_name", None)
        for finder in finders.get_finders():
            for path, storage in finder.list([]):
                name = path.replace("\\", "/")
                if not name.startswith(STATIC_PREFIXES):
                    continue
                copies = [(name, storage, path)]
                if stored_name is not None:
                    try:
                        hashed = stored_name(name)
                    except ValueError:  # not collected: the page links the plain name
                        hashed = name
                    if hashed != name:
                        copies.append((hashed, staticfiles_storage, hashed))
                for target_name, source_storage, source_path in copies:
                    target = static_root / target_name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with source_storage.open(source_path) as source, target.open("wb") as out:
                        shutil.copyfileobj(source, out)
                    copied += 1
        return copied


def _check_replaceable(root: Path) -> None:
    """Refuse a folder the export may not replace: one holding anything it did not write."""
    if not root.name:
        raise CommandError("Give a folder for the site, not the root of the file system")
    if root.is_symlink() or (root.exists() and not root.is_dir()):
        raise CommandError(f"{root} is not a folder: give a folder for the site")
    if root.exists() and any(root.iterdir()) and not (root / MARKER).is_file():
        raise CommandError(NOT_OURS.format(root=root))


def _replace(root: Path, building: Path) -> None:
    """Put the newly written site in the place of the old one, then remove the old one."""
    umask = os.umask(0)
    os.umask(umask)
    building.chmod(0o777 & ~umask)  # mkdtemp makes it private; a web server must read it
    if not root.exists():
        building.rename(root)
        return
    _check_replaceable(root)  # again, just before: nothing of anyone else's is removed
    previous = root.with_name(f".{root.name}-old-{uuid.uuid4().hex}")
    root.rename(previous)
    try:
        building.rename(root)
    except BaseException:
        previous.rename(root)
        raise
    shutil.rmtree(previous)


def _redirect_page(name: str) -> str:
    name = escape(name)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<title>Download {name}</title>\n<meta http-equiv="refresh" content="0; url={name}">\n'
        "</head>\n<body>\n"
        f'<p><a href="{name}">Download {name}</a></p>\n'
        "</body>\n</html>\n"
    )
