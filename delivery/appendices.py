"""The change appendix of a committee report: the programmes' roll-ups and the projects in the
committee's remit (the whole council when it has no remit units). Signed-off updates only."""

from __future__ import annotations

from delivery.queries import (
    NO_UPDATE,
    ProjectRow,
    every_programme,
    project_rows,
    projects,
    roll_up,
    units_within,
)
from delivery.templatetags.delivery_tags import slippage_text
from reports.appendices import AppendixRequest
from reports.content import Appendix, Table
from status.delivery import DeliveryStatus

TITLE = "Change programmes and projects"
NO_PROGRAMME = "Not in a programme"


def _status_text(row: ProjectRow) -> str:
    if row.reading is None:
        return NO_UPDATE
    text = row.reading.status.label
    if row.reading.is_overridden:
        text += f" (owner's override; calculated {row.reading.calculated.label})"
    return text


def _project_line(row: ProjectRow) -> list[str]:
    project, milestone = row.project, row.next_milestone
    return [
        project.reference,
        project.title,
        project.programme.name if project.programme else NO_PROGRAMME,
        project.lead_service.name,
        _status_text(row),
        row.update.period.label if row.update else "",
        f"{row.update.percent_complete}%" if row.update else "",
        f"{milestone.title}, due {milestone.baseline_due:%-d %b %Y}" if milestone else "None left",
        slippage_text(row.slippage) if milestone else "",
    ]


def change_appendix(request: AppendixRequest) -> Appendix | None:
    """Projects led in the remit, with each programme's counts by delivery status."""
    unit_ids = units_within(request.unit_ids) if request.unit_ids else None
    rows = project_rows(projects(unit_ids=unit_ids), request.period)
    if not rows:
        return None
    by_programme: dict[int | None, list[ProjectRow]] = {}
    for row in rows:
        by_programme.setdefault(row.project.programme_id, []).append(row)
    names = {p.pk: p.name for p in every_programme().filter(pk__in=[k for k in by_programme if k])}
    statuses = list(DeliveryStatus)
    programme_lines = []
    for key in sorted(by_programme, key=lambda k: (k is None, names.get(k, ""))):
        counted = roll_up(by_programme[key])
        programme_lines.append(
            [names.get(key, NO_PROGRAMME), str(counted.total)]
            + [str(counted.counts[s]) for s in statuses]
            + [str(counted.no_update)]
        )
    where = "the whole council" if unit_ids is None else "the committee's remit"
    return Appendix(
        title=TITLE,
        anchor="change",
        introduction=(
            f"The active projects led in {where}, with the latest signed-off update at "
            f"{request.period.label}. Delivery status is calculated from % complete against "
            "the time elapsed, unless the project's owner overrode it with a reason. Slippage "
            "is the next milestone's forecast against the date first agreed."
        ),
        tables=[
            Table(
                caption="Projects by programme and delivery status",
                headers=["Programme", "Projects"] + [s.label for s in statuses] + [NO_UPDATE],
                rows=programme_lines,
                numeric_columns=list(range(1, len(statuses) + 3)),
            ),
            Table(
                caption="Projects",
                headers=[
                    "Reference",
                    "Project",
                    "Programme",
                    "Lead service",
                    "Delivery status",
                    "Update for",
                    "% complete",
                    "Next milestone",
                    "Slippage",
                ],
                rows=[_project_line(row) for row in rows],
                numeric_columns=[6],
            ),
        ],
    )
