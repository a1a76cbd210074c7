"""Telling people what concerns them: the workflow's notices, and their emails.

Who is told what (docs/decisions/0015-notices.md):

- a figure returned: the data owners whose scope covers its service, and whoever submitted it,
  with the approver's reason (any of the figure's own numbers in it taken out);
- figures submitted (or a signed-off figure revised): the approvers whose scope covers the
  service, one notice each per submission listing the indicators, never the person who submitted;
- a report approved: every councillor, "ready to read, public at …" (committees have no members
  in Golden Thread, so all councillors; a report public at once is told as published instead);
- a report published: every councillor and the performance team, once per approval. The clock
  releases reports, so `notify_reports_published` (run every few minutes) finds the releases;
- a reporting cycle opened or reopened: the data owners and approvers whose scope covers a
  service with figures due in it;
- the year's targets proposed: the directors whose scope covers their indicators; returned by a
  director: whoever proposed them, with the reason;
- a project update, risk review, forecast, action update or service plan submitted or revised:
  whoever signs it off (the unit's approvers; a directorate's own returns, its directors; a
  service plan, the service's directors); returned with a reason: whoever entered and submitted
  it (`notify_return`, called by `signoff.workflow` for every kind that describes itself).

A notice carries a summary in words and a link, never a figure. Notices are made in the caller's
transaction, so a change that rolls back tells nobody; the same event never makes two notices for
one person (`Notice.key`). Emails go from the tasks worker after the commit, each recorded in the
same transaction as its sending, so none goes twice and a failed one waits for the next run.
"""

from __future__ import annotations

import hashlib
import logging
import re
import smtplib
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from indicators.models import ReportingCycle, Value
from notices.models import Notice, NoticeKind, NoticePreference, PublicationNoticed
from organisation.models import OrgUnit, OrgUnitKind, Role, User
from organisation.queries import current_council
from reports.models import Report
from reports.publication import release_time, release_times, released_reports

logger = logging.getLogger(__name__)

# A release found more than this after it happened (the first run after installing, or the
# worker stopped for days) is recorded without telling anyone: it is no longer news.
PUBLICATION_NEWS_FOR = timedelta(days=3)
FIGURE_REMOVED = "[figure removed]"
LINK_LABELS = {
    NoticeKind.FIGURE_RETURNED: "Correct the figure",
    NoticeKind.FIGURES_SUBMITTED: "Sign them off",
    NoticeKind.REPORT_APPROVED: "Read the report",
    NoticeKind.REPORT_PUBLISHED: "See it on the public site",
    NoticeKind.CYCLE_OPENED: "See what is due",
    NoticeKind.RETURN_SENT_BACK: "Correct it",
    NoticeKind.RETURN_SUBMITTED: "Sign it off",
    NoticeKind.TARGETS_PROPOSED: "Agree or return them",
    NoticeKind.TARGETS_RETURNED: "See the targets",
}
# A number as people type one: 73519.25, 73,519.25, 61.7 (in "61.7%").
NUMBER = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?")


# --- Who ----------------------------------------------------------------------------------


def _ancestors(parents: dict[int, int | None], unit_id: int | None) -> set[int]:
    found: set[int] = set()
    while unit_id is not None and unit_id not in found:
        found.add(unit_id)
        unit_id = parents.get(unit_id)
    return found


def people_covering(role: Role, services: Iterable[OrgUnit]) -> dict[User, list[OrgUnit]]:
    """Active people with `role` whose scope covers any of `services` (they answer for the
    service or a unit above it), each with the services they cover (three queries)."""
    services = list(dict.fromkeys(services))
    if not services:
        return {}
    parents = dict(OrgUnit.objects.values_list("id", "parent_id"))
    above = {service.pk: _ancestors(parents, service.pk) for service in services}
    people = (
        User.objects.filter(
            is_active=True, groups__name=role.label, scope__in=set().union(*above.values())
        )
        .distinct()
        .prefetch_related(Prefetch("scope", queryset=OrgUnit.objects.only("id")))
    )
    found = {}
    for person in people:
        scope = {unit.pk for unit in person.scope.all()}
        found[person] = [service for service in services if above[service.pk] & scope]
    return found


def people_signing_off(unit: OrgUnit) -> list[User]:
    """Who signs off a unit's returns (`organisation.permissions.sign_off_unit_ids`): the
    approvers covering it, and for a directorate's own returns its directors."""
    people = set(people_covering(Role.APPROVER, [unit]))
    if unit.kind == OrgUnitKind.DIRECTORATE:
        people |= set(people_covering(Role.DIRECTOR, [unit]))
    return sorted(people, key=lambda person: (person.last_name, person.first_name, person.pk))


def people_with(*roles: Role) -> list[User]:
    """Active people with any of the roles."""
    return list(
        User.objects.filter(is_active=True, groups__name__in=[role.label for role in roles])
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


# --- Words --------------------------------------------------------------------------------


def without_figures(text: str, numbers: Iterable[Decimal | None]) -> str:
    """`text` with every number equal to one of `numbers` replaced, however it was typed
    (73519.25, 73,519.250, -73519.25): a reason that quotes the figure must not carry it."""
    targets = {abs(Decimal(number)) for number in numbers if number is not None}
    if not targets:
        return text

    def replace(match: re.Match) -> str:
        try:
            number = Decimal(match.group(0).replace(",", ""))
        except InvalidOperation:
            return match.group(0)
        return FIGURE_REMOVED if number in targets else match.group(0)

    return NUMBER.sub(replace, text)


def _name(person) -> str:
    if person is None:
        return "Someone"
    return person.get_full_name() or person.get_username()


def _long(day: date) -> str:
    return format_date(day, "j F Y")


def _when(moment: datetime) -> str:
    return format_date(timezone.localtime(moment), r"j F Y \a\t H:i")


def _stamp(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%f") if moment else "none"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _about(report: Report) -> str:
    """What a report is for, in a few words: its committee (or kind) and period."""
    body = report.committee.name if report.committee_id else report.get_kind_display()
    return f"{body}, {report.period.label}"


# --- Making notices -----------------------------------------------------------------------


def _notice(
    person: User, kind: str, key: str, *, subject: str, summary: str, link: str, decides=()
) -> Notice:
    """A notice; `decides`: the items it asks a decision on (`inbox.mark_decided`)."""
    return Notice(
        recipient=person,
        kind=kind,
        key=key[:200],
        subject=subject[:200],
        summary=summary,
        link=link,
        created_at=timezone.now(),
        decides=decision_names(decides),
    )


def decision_name(item) -> str:
    """How a notice names an item it asks a decision on."""
    return f"{item._meta.label_lower}:{item.pk}"


def decision_names(items) -> str:
    names = " ".join(decision_name(item) for item in items)
    return f" {names} " if names else ""


def _save(notices: list[Notice]) -> None:
    """Store the notices (one a person was already given is skipped: same key) and have their
    emails sent once the caller's transaction commits."""
    notices = list({notice.recipient_id: notice for notice in notices}.values())
    if not notices:
        return
    opted_out = set(
        NoticePreference.objects.filter(
            user_id__in=[notice.recipient_id for notice in notices], email=False
        ).values_list("user_id", "kind")
    )
    for notice in notices:
        notice.email_wanted = bool(notice.recipient.email) and (
            (notice.recipient_id, notice.kind) not in opted_out
        )
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    if any(notice.email_wanted for notice in notices):
        # robust: the change is already committed; a queue that fails now is caught up by the
        # periodic `send_notices`, which emails whatever is still waiting.
        transaction.on_commit(_queue_emails, robust=True)


def _queue_emails() -> None:
    from notices.tasks import send_notice_emails  # the tasks module imports this one

    send_notice_emails.enqueue()


def _cycles_by_period(period_ids: Iterable[int]) -> dict[int, ReportingCycle]:
    return {c.period_id: c for c in ReportingCycle.objects.filter(period_id__in=set(period_ids))}


def notify_figure_returned(*, value: Value, by, reason: str) -> None:
    """Tell the figure's data owners, and whoever submitted it, that it was returned and why."""
    value = Value.objects.select_related("indicator__owner", "period", "submitted_by").get(
        pk=value.pk
    )
    indicator, service, period = value.indicator, value.indicator.owner, value.period
    people = list(people_covering(Role.DATA_OWNER, [service]))
    if value.submitted_by is not None and value.submitted_by.is_active:
        people.append(value.submitted_by)
    cycle = _cycles_by_period([period.pk]).get(period.pk)
    if cycle is not None:
        link = reverse("returns:service", args=[cycle.pk, service.code])
    else:
        link = reverse("returns:value", args=[value.pk])
    said = without_figures(reason.strip(), [value.figure, value.numerator, value.denominator])
    summary = (
        f"{_name(by)} returned {indicator.code} {indicator.title} ({service.name}, "
        f"{period.label}) for correction.\nTheir reason: {said}"
    )
    key = f"{NoticeKind.FIGURE_RETURNED}:value:{value.pk}:v{value.lock_version}"
    _save(
        [
            _notice(
                person,
                NoticeKind.FIGURE_RETURNED,
                key,
                subject=f"Returned for correction: {indicator.title}, {period.label}",
                summary=summary,
                link=link,
            )
            for person in people
            if by is None or person.pk != by.pk
        ]
    )


def notify_figures_submitted(*, values: Iterable[Value], by, revised: bool = False) -> None:
    """Tell each approver whose scope covers the figures' services, in one notice, which of them
    wait for their sign-off (never the person who submitted them: they may not sign them off).
    `revised`: a signed-off figure changed with a reason, which needs signing off again."""
    ids = [value.pk for value in values]
    if not ids:
        return
    values = list(
        Value.objects.filter(pk__in=ids)
        .select_related("indicator__owner", "period")
        .order_by("indicator__owner__name", "indicator__code", "period__starts_on")
    )
    if not values:
        return
    cycles = _cycles_by_period(value.period_id for value in values)
    approvers = people_covering(Role.APPROVER, [value.indicator.owner for value in values])
    notices = []
    for person, covered in approvers.items():
        if by is not None and person.pk == by.pk:
            continue
        covered_ids = {service.pk for service in covered}
        theirs = [value for value in values if value.indicator.owner_id in covered_ids]
        first = theirs[0]
        names = ", ".join(dict.fromkeys(value.indicator.owner.name for value in theirs))
        periods = ", ".join(dict.fromkeys(value.period.label for value in theirs))
        cycle = cycles.get(first.period_id)
        one_return = len({(v.indicator.owner_id, v.period_id) for v in theirs}) == 1
        if one_return and cycle is not None:
            link = reverse("returns:service_sign_off", args=[cycle.pk, first.indicator.owner.code])
        else:
            link = reverse("returns:sign_off")
        count = _plural(len(theirs), "figure")
        if revised:
            opening = f"{_name(by)} revised a signed-off figure. It needs your sign-off again:"
        else:
            opening = f"{_name(by)} submitted {count} for your sign-off:"
        lines = [opening] + [
            f"- {value.indicator.code} {value.indicator.title} "
            f"({value.indicator.owner.name}, {value.period.label})"
            for value in theirs
        ]
        # The event: these figures at these versions (a resubmission is a new event).
        events = ",".join(f"{value.pk}.{value.lock_version}" for value in theirs)
        key = f"{NoticeKind.FIGURES_SUBMITTED}:{hashlib.sha256(events.encode()).hexdigest()[:40]}"
        notices.append(
            _notice(
                person,
                NoticeKind.FIGURES_SUBMITTED,
                key,
                subject=f"{count} to sign off: {names}, {periods}",
                summary="\n".join(lines),
                link=link,
                decides=theirs,
            )
        )
    _save(notices)


def notify_return(event: str, *, noun: str, about, item, by, reason: str = "") -> None:
    """Tell people about a project update, risk review, forecast, action update or service plan
    (`signoff.workflow.About` says what it is): "submitted" or "revised", those who sign it off;
    "sent_back", whoever entered and submitted it, with the reason."""
    key, link = f"{item._meta.label_lower}:{item.pk}:v{item.lock_version}", about.link
    if event == "sent_back":
        people = [item.submitted_by, item.entered_by]
        said = without_figures(reason.strip(), about.numbers)
        kind, subject = NoticeKind.RETURN_SENT_BACK, f"Returned for correction: {about.title}"
        summary = (
            f"{_name(by)} returned the {noun} for {about.title} for correction.\n"
            f"Their reason: {said}"
        )
    else:
        people = about.deciders
        if people is None:
            people = people_signing_off(about.unit)
        kind, subject = NoticeKind.RETURN_SUBMITTED, f"To sign off: {noun}, {about.title}"
        if event == "revised":
            said = without_figures(reason.strip(), about.numbers)
            summary = (
                f"{_name(by)} revised the signed-off {noun} for {about.title}. It needs your "
                f"sign-off again.\nTheir reason: {said}"
            )
        else:
            summary = f"{_name(by)} submitted the {noun} for {about.title} for your sign-off."
    decides = [item] if kind == NoticeKind.RETURN_SUBMITTED else []
    _save(
        [
            _notice(
                person,
                kind,
                f"{kind}:{key}",
                subject=subject,
                summary=summary,
                link=link,
                decides=decides,
            )
            for person in people
            if person is not None and person.is_active and (by is None or person.pk != by.pk)
        ]
    )


def notify_targets(event: str, *, targets, by, reason: str = "") -> None:
    """ "proposed": tell each director whose scope covers the indicators which targets wait for
    their agreement; "returned": tell whoever proposed them, with the director's reason (any of
    the targets' own numbers taken out). Never the person who acted."""
    if not targets:
        return
    year = targets[0].year
    link = reverse("targets:year", args=[year.code])
    events = ",".join(f"{target.pk}.{target.lock_version}" for target in targets)
    key = f"{event}:{hashlib.sha256(events.encode()).hexdigest()[:40]}"
    services = OrgUnit.objects.in_bulk({target.indicator.owner_id for target in targets})
    if event == "proposed":
        kind = NoticeKind.TARGETS_PROPOSED
        directors = people_covering(Role.DIRECTOR, services.values())
        readers = {
            person: [t for t in targets if services[t.indicator.owner_id] in covered]
            for person, covered in directors.items()
        }
    else:
        kind = NoticeKind.TARGETS_RETURNED
        readers = {}
        for target in targets:
            if target.proposed_by is not None:
                readers.setdefault(target.proposed_by, []).append(target)
    said = without_figures(
        reason.strip(),
        [n for t in targets for n in (t.annual, t.lower, t.upper) if n is not None],
    )
    notices = []
    for person, theirs in readers.items():
        if not theirs or not person.is_active or (by is not None and person.pk == by.pk):
            continue
        count = _plural(len(theirs), "target")
        lines = [f"- {t.indicator.code} {t.indicator.title}" for t in theirs]
        if event == "proposed":
            subject = f"{count} for {year.label} to agree"
            opening = f"{_name(by)} proposed {count} for {year.label} for your agreement:"
        else:
            subject = f"{count} for {year.label} returned"
            opening = f"{_name(by)} returned {count} for {year.label}:"
            lines.append(f"Their reason: {said}")
        notices.append(
            _notice(
                person,
                kind,
                f"{kind}:{key}",
                subject=subject,
                summary="\n".join([opening, *lines]),
                link=link,
                decides=theirs if event == "proposed" else (),
            )
        )
    _save(notices)


def notify_report_approved(*, report: Report) -> None:
    """Tell the councillors an approved report is ready to read, and when it will be public.
    A report that is public at once (its meeting has begun) is told as published instead."""
    report = (
        Report.objects.select_related("committee", "meeting", "period")
        .defer("snapshot")
        .get(pk=report.pk)
    )
    now = timezone.now()
    released_at = release_time(report)
    if released_at is not None and released_at <= now:
        _tell_published(report, released_at=released_at, now=now, told=True)
        return
    if released_at is None:
        public = "It is held back from the public until a publication time is set."
    else:
        public = f"It will be public at {_when(released_at)}."
    key = f"{NoticeKind.REPORT_APPROVED}:report:{report.pk}:approved:{_stamp(report.approved_at)}"
    summary = f"{report.title} ({_about(report)}) is approved and ready to read. {public}"
    _save(
        [
            _notice(
                person,
                NoticeKind.REPORT_APPROVED,
                key,
                subject=f"Ready to read: {report.title}",
                summary=summary,
                link=reverse("reports:report", args=[report.pk]),
            )
            for person in people_with(Role.COUNCILLOR)
        ]
    )


def _tell_published(report: Report, *, released_at: datetime, now: datetime, told: bool) -> bool:
    """Record a report's release as noticed and, if `told`, tell the councillors and the
    performance team. False if it was already recorded (by another run)."""
    try:
        with transaction.atomic():
            PublicationNoticed.objects.create(
                report=report,
                approved_at=report.approved_at,
                released_at=released_at,
                noticed_at=now,
                told=told,
            )
            if not told:
                return True
            stamp = _stamp(report.approved_at)
            key = f"{NoticeKind.REPORT_PUBLISHED}:report:{report.pk}:approved:{stamp}"
            summary = (
                f"{report.title} ({_about(report)}) is now public on the council's performance "
                "site, with its figures."
            )
            _save(
                [
                    _notice(
                        person,
                        NoticeKind.REPORT_PUBLISHED,
                        key,
                        subject=f"Published: {report.title}",
                        summary=summary,
                        link=reverse("publishing:report", args=[report.pk]),
                    )
                    for person in people_with(Role.COUNCILLOR, Role.PERFORMANCE_TEAM)
                ]
            )
    except IntegrityError:
        return False
    return True


def notify_reports_published(*, now: datetime | None = None) -> int:
    """Tell each report released since the last run, once per approval; returns how many were
    told. A release older than `PUBLICATION_NEWS_FOR` is recorded without telling anyone."""
    now = now or timezone.now()
    noticed = PublicationNoticed.objects.filter(
        report=OuterRef("pk"), approved_at=OuterRef("approved_at")
    )
    found = list(released_reports(now).filter(~Exists(noticed)).defer("snapshot"))
    times = release_times(found)
    told = 0
    for report in found:
        released_at = times[report.pk] or now
        news = released_at >= now - PUBLICATION_NEWS_FOR
        if _tell_published(report, released_at=released_at, now=now, told=news) and news:
            told += 1
    return told


def notify_cycle_opened(*, cycle: ReportingCycle, reopened: bool = False) -> None:
    """Tell the data owners and approvers of every service with figures due in the cycle that
    it is open (or reopened), with its deadlines and their services."""
    from returns.queries import due_indicators  # returns' modules import the workflow's

    cycle = ReportingCycle.objects.select_related("period").get(pk=cycle.pk)
    due = Counter()
    services = {}
    for indicator in due_indicators(cycle):
        due[indicator.owner_id] += 1
        services.setdefault(indicator.owner_id, indicator.owner)
    owners = people_covering(Role.DATA_OWNER, services.values())
    approvers = people_covering(Role.APPROVER, services.values())
    period = cycle.period.label
    deadlines = (
        f"Figures are due by {_long(cycle.data_entry_deadline)} and are to be signed off by "
        f"{_long(cycle.signoff_deadline)}."
    )
    if reopened:
        subject = f"{period} returns reopened"
        opening = f"The reporting cycle for {period} has been reopened, so its figures can change."
    else:
        subject = f"{period} returns are open: due by {_long(cycle.data_entry_deadline)}"
        opening = f"The reporting cycle for {period} is open. {deadlines}"
    key = f"{NoticeKind.CYCLE_OPENED}:cycle:{cycle.pk}:opened:{_stamp(cycle.opened_at)}"
    notices = []
    for person in {**approvers, **owners}:
        covered = list(dict.fromkeys([*owners.get(person, []), *approvers.get(person, [])]))
        covered.sort(key=lambda service: service.name)
        if person not in owners:
            link = reverse("returns:sign_off")
        elif len(covered) == 1:
            link = reverse("returns:service", args=[cycle.pk, covered[0].code])
        else:
            link = reverse("returns:mine")
        lines = [opening, "", "Your services with figures due:"] + [
            f"- {service.name}: {_plural(due[service.pk], 'figure')}" for service in covered
        ]
        notices.append(
            _notice(
                person,
                NoticeKind.CYCLE_OPENED,
                key,
                subject=subject,
                summary="\n".join(lines),
                link=link,
            )
        )
    _save(notices)


# --- Emails -------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    base = getattr(settings, "GOLDEN_THREAD_BASE_URL", "http://127.0.0.1:8000")
    return base.rstrip("/") + path


def email_body(notice: Notice) -> str:
    """The notice as a plain-text email: its summary and a link, nothing more."""
    text = render_to_string(
        "notices/email/notice.txt",
        {
            "recipient": notice.recipient,
            "council": current_council(),
            "summary": notice.summary,
            "link_label": LINK_LABELS.get(notice.kind, "Open it"),
            # Through the notice, so following the email marks it read too.
            "link": _absolute(reverse("notices:open", args=[notice.pk])),
            "settings_url": _absolute(reverse("notices:settings")),
        },
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _email_one(notice: Notice, now: datetime) -> bool:
    """Record the email and send it, together: if sending fails, nothing is recorded and the
    next run tries again; if another run recorded it first, nothing is sent."""
    try:
        with transaction.atomic():
            claimed = Notice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(
                emailed_at=now
            )
            if not claimed:
                return False
            send_mail(notice.subject, email_body(notice), None, [notice.recipient.email])
    except (smtplib.SMTPException, OSError):
        logger.exception("Notice %s to %s was not emailed", notice.pk, notice.recipient.email)
        return False
    notice.emailed_at = now
    return True


def email_notices(*, now: datetime | None = None) -> list[Notice]:
    """Email every notice still waiting to a person who wants it; returns those sent. A person
    who has since switched the kind off, lost their address or left is not emailed."""
    now = now or timezone.now()
    waiting = list(
        Notice.objects.filter(email_wanted=True, emailed_at__isnull=True)
        .select_related("recipient")
        .order_by("pk")
    )
    opted_out = set(
        NoticePreference.objects.filter(
            user_id__in={notice.recipient_id for notice in waiting}, email=False
        ).values_list("user_id", "kind")
    )
    sent = []
    for notice in waiting:
        person = notice.recipient
        if not person.is_active or not person.email or (person.pk, notice.kind) in opted_out:
            Notice.objects.filter(pk=notice.pk).update(email_wanted=False)
        elif _email_one(notice, now):
            sent.append(notice)
    return sent
