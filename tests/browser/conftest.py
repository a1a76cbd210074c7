"""The browser harness: real Chromium driven by Playwright, axe-core for accessibility.

A browser test module starts with `pytestmark = pytest.mark.browser` and its tests take the `page`
fixture: a fresh browser context on the live server, with a real (transactional) test database the
server's thread can see. `demo_council` loads the demo council as of 24 November 2026. Helpers,
imported from here: `sign_in(page, live_server, username, password)` drives the real sign-in form;
`assert_accessible(page)` runs axe-core at desktop width and at 375 px (reflow).

A test fails if its page logged a JavaScript error or a console error, which includes Content
Security Policy violations; a test that expects one (a 404 logs "Failed to load resource") says so
with `browser_errors.allow(pattern)`. On failure, a full-page screenshot and the page's HTML are
written to test-artifacts/<test name>.png and .html.
"""

import datetime
import functools
import json
import os
import re
from importlib import import_module
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
from django.test import testcases
from django.urls import reverse
from django.utils import timezone

from audit import context as audit_context
from demo.people import DEMO_PASSWORD  # noqa: F401  (re-exported for the tests)
from organisation.models import Council
from tests.browser.database_copy import DatabaseCopy

# Playwright's sync API keeps an asyncio loop running in the test thread, so Django would refuse
# database access from it (SynchronousOnlyOperation). Nothing here is async; relax the check.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = "Chromium is not installed: apt-get install -y chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 375, "height": 800}  # WCAG 1.4.10 reflow: 320 CSS px wide plus a margin

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
AXE_SOURCE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

DEMO_TODAY = datetime.date(2026, 11, 24)  # the demo's latest complete quarter is Q2 2026/27


# --- skipping, and remembering each test's outcome -------------------------------------------


def pytest_collection_modifyitems(config, items):
    """Skip browser tests, loudly, on a machine without Chromium (CI greps for the reason)."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=CHROMIUM_MISSING)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


_reports_key = pytest.StashKey[dict]()
_errors_key = pytest.StashKey["BrowserErrors"]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell in teardown if the test failed."""
    report = yield
    item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a test whose page logged a JavaScript or console error, even if its asserts passed."""
    result = yield
    errors = item.stash.get(_errors_key, None)
    if errors is not None and errors.unexpected():
        pytest.fail(errors.describe(), pytrace=False)
    return result


# --- the browser and the page -----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(CHROMIUM_MISSING)
    from playwright.sync_api import expect, sync_playwright

    # An assertion waits up to 15 s for what it needs to see (Playwright's 5 s is too short for a
    # loaded 2-core machine); it returns as soon as the page shows it.
    expect.set_options(timeout=15_000)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


class BrowserErrors:
    """Console errors and uncaught exceptions a page produced, less those a test expects."""

    def __init__(self):
        self.messages: list[str] = []
        self.allowed: list[re.Pattern] = []

    def allow(self, pattern: str) -> None:
        """Expect console errors matching this regular expression (e.g. a 404's failed load)."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [m for m in self.messages if not any(p.search(m) for p in self.allowed)]

    def describe(self) -> str:
        lines = "\n".join(f"  - {message}" for message in self.unexpected())
        return f"The page logged JavaScript or console errors (CSP violations show here):\n{lines}"


@pytest.fixture
def browser_errors(request):
    errors = BrowserErrors()
    request.node.stash[_errors_key] = errors
    return errors


@pytest.fixture
def page(
    browser,
    live_server,
    transactional_db,
    django_db_serialized_rollback,
    browser_errors,
    request,
):
    """A new page in its own browser context (no shared cookies), desktop width, British English.

    The live server answers from another thread, so the test's data must be committed: the test
    runs in real transactions and the database is flushed afterwards. Serialized rollback puts
    back what migrations created (role groups, indicator sets), which the flush would remove.
    """
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", base_url=live_server.url)
    # Generous waits: a loaded 2-core machine can take many seconds over one request (approving
    # a report makes its PDF, Word and Excel files in the request when tasks run immediately).
    # A passing test never waits for these; only a failing one does.
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(90_000)
    page = context.new_page()

    def on_console(message):
        if message.type == "error":
            where = message.location.get("url", "")
            browser_errors.messages.append(f"console error: {message.text} ({where})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: browser_errors.messages.append(f"page error: {error}"))
    yield page
    reports = request.node.stash.get(_reports_key, {})
    if any(report.failed for report in reports.values()):
        _save_artifacts(page, request.node.name)
    context.close()


def _save_artifacts(page, test_name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / re.sub(r"[^\w.-]+", "_", test_name)
    try:
        page.screenshot(path=f"{stem}.png", full_page=True)
        Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
    except Exception as error:  # the page may have crashed; the test's own failure matters more
        print(f"Could not save browser artifacts for {test_name}: {error}")


# --- data ---------------------------------------------------------------------------------------


# Every module whose pages or tasks ask for today's date (grep for `localdate`).
MODULES_ASKING_TODAY = (
    "scorecards.views",
    "returns.views",
    "returns.cycle_views",
    "returns.import_views",
    "returns.tasks",
    "indicators.admin",
)


@pytest.fixture
def demo_today(monkeypatch):
    """Pin the pages' idea of today (the live server is a thread of this process).

    Each module calls `timezone.localdate()` through django.utils.timezone, so one patch would
    pin them all; naming each makes the patch fail loudly, not silently miss, if one ever
    imports `localdate` itself. The clock (`timezone.now()`: when a figure was submitted or
    signed off) is left running.
    """
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        # Only "today" is pinned: the local date of a given moment stays what it is.
        return DEMO_TODAY if value is None else real(value, timezone)

    for module in MODULES_ASKING_TODAY:
        monkeypatch.setattr(f"{module}.timezone.localdate", localdate)
    return DEMO_TODAY


_demo_copy: list[DatabaseCopy] = []  # the demo, once loaded in this session


class OneRequestAtATime(WSGIServer):
    """The live server, answering one request at a time. On SQLite its threads would share the
    test's one in-memory connection, and a page's background poll made while another request
    writes fails with "database table is locked" (served for real, a file database in WAL mode
    and a connection per thread have no such clash). Django closes each connection after its
    response when the server is not threaded, so a browser never waits on a kept-alive one."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_sqlite():
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        testcases.LiveServerThread.server_class = OneRequestAtATime


# What data migrations make (role groups, indicator sets, the default reminder escalation).
# Emptying the database after an earlier transactional test removes it, and migrations do not
# run again, so it is made again here before the demo is loaded and copied.
MIGRATION_DATA = (
    ("organisation.migrations.0002_role_groups", "create_role_groups"),
    ("organisation.migrations.0003_auditor_group", "create_auditor_group"),
    ("organisation.migrations.0005_finance_partner_group", "create_finance_partner_group"),
    ("indicators.migrations.0003_indicator_sets", "create_sets"),
    ("returns.migrations.0002_default_reminder_rules", "create_rules"),
    ("returns.migrations.0005_repeating_reminders", "repeat_overdue_steps"),
)


def make_migration_data() -> None:
    # Made again, not changed by anyone: the audit log stays as a fresh database has it.
    with audit_context.paused():
        _make_migration_data()


def _make_migration_data() -> None:
    for module, function in MIGRATION_DATA:
        getattr(import_module(module), function)(apps, None)
    team, _ = Group.objects.get_or_create(name="Performance team")
    for grants in ("0004_performance_team_admin", "0006_registers_admin"):
        team.permissions.add(*import_module(f"organisation.migrations.{grants}")._permissions(apps))


@pytest.fixture
def demo_council(demo_today, transactional_db, django_db_serialized_rollback) -> Council:
    """The demo council as `make run` loads it, as of 24 November 2026.

    Loaded once per session (about 7 seconds) and copied back for each later test (well under a
    second): the database holds the demo and nothing a previous test wrote. Sign in with a
    username from demo.people.DEMO_LOGINS and DEMO_PASSWORD.
    """
    if _demo_copy:
        _demo_copy[0].put_back()
    else:
        make_migration_data()
        call_command("load_demo", "--today", DEMO_TODAY.isoformat(), stdout=StringIO())
        _demo_copy.append(DatabaseCopy())
    return Council.objects.get()


# --- journeys -----------------------------------------------------------------------------------


def sign_in(page, live_server, username: str, password: str) -> None:
    """Sign in through the real form, as a person would, and wait for the next page."""
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()


# --- accessibility ------------------------------------------------------------------------------


def assert_accessible(page, *, context=None) -> None:
    """axe-core finds no WCAG 2.2 AA violations at desktop width nor at 375 px, which must reflow.

    context: an axe context (a CSS selector, or {"include": [...], "exclude": [...]}) to limit the
    check to part of the page; the default is the whole document.
    """
    desktop = page.viewport_size
    found = {"at desktop width": _axe_violations(page, context)}
    page.set_viewport_size(NARROW)
    try:
        _settle(page)
        found[f"at {NARROW['width']} px wide"] = _axe_violations(page, context)
        reflow = _reflow_problems(page)
    finally:
        page.set_viewport_size(desktop)
        _settle(page)
    problems = _describe_violations(found) + reflow
    if problems:
        raise AssertionError(f"Accessibility problems on {page.url}:\n\n" + "\n\n".join(problems))


def _settle(page) -> None:
    """Let media-query listeners (GOV.UK Frontend's responsive components) run after a resize."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _axe_violations(page, context) -> list[dict]:
    # The app's Content Security Policy rightly refuses an injected <script> (add_script_tag), so
    # evaluate axe's source instead: DevTools evaluation is not subject to the page's CSP.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(
        """async ([context, tags]) => {
            const results = await axe.run(context ?? document, {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations'],
            });
            return results.violations;
        }""",
        [context, AXE_TAGS],
    )


def _describe_violations(found: dict[str, list[dict]]) -> list[str]:
    """One paragraph per violation; one found at both widths on the same elements is told once."""
    where_found: dict[tuple, list[str]] = {}
    violations: dict[tuple, dict] = {}
    for where, results in found.items():
        for violation in results:
            key = (violation["id"], tuple(json.dumps(n["target"]) for n in violation["nodes"]))
            where_found.setdefault(key, []).append(where)
            violations.setdefault(key, violation)
    return [
        _describe_violation(violations[key], " and ".join(wheres))
        for key, wheres in where_found.items()
    ]


def _describe_violation(violation: dict, where: str) -> str:
    nodes = violation["nodes"]
    lines = [
        f"{violation['id']} ({violation['impact']}) {where}: {violation['help']}",
        f"  {violation['helpUrl']}",
        f"  {len(nodes)} element(s){', for example' if len(nodes) > 3 else ''}:",
    ]
    for node in nodes[:3]:
        lines.append(f"  - {json.dumps(node['target'])}")
        lines.append(f"    {_shorten(node['html'], 300)}")
        summary = [line.strip() for line in (node.get("failureSummary") or "").splitlines()]
        lines.extend(f"    {_shorten(line, 200)}" for line in summary[:4] if line)
    return "\n".join(lines)


def _reflow_problems(page) -> list[str]:
    """WCAG 1.4.10: no scrolling in two dimensions. Data tables may scroll in their own region."""
    overflow = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, view: window.innerWidth})"
    )
    if overflow["scroll"] <= overflow["view"]:
        return []
    return [
        f"reflow at {overflow['view']} px wide: the page scrolls sideways "
        f"(content is {overflow['scroll']} px wide); wrap wide content or let it scroll in its "
        "own region"
    ]


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@functools.cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")
