"""The signed-in endpoints: with a personal API token, a council's own systems read the figures
in their person's scope and send figures into the same checks and sign-off as the return form.

Every endpoint here needs `Authorization: Bearer <token>` (`api.authentication`): the token
acts as its person, with exactly their role and scope, and anything outside it is 404, as on
the pages. Answers are never kept by a browser or proxy (`Cache-Control: private, no-store`,
from `goldenthread.middleware.PrivatePagesMiddleware`).

Submitting a figure is `POST /values/`, the address the public endpoints read published values
from: ninja answers one address from one router, so that operation is added to the public
router (whose caching leaves writes alone, `api.caching.public`) with its own token and tag.
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Header, Path, Query, Router, Status

from api import figures, idempotency, registers, signed_in_queries
from api.authentication import personal_token, token_of
from api.figures import API_SOURCE, Refusal
from api.paging import PageQuery, page_of
from api.problems import REUSED_ANCHOR, ConflictProblem, Problem, ValidationProblem, refused
from api.public import router as public_router
from api.queries import Links
from api.signed_in_schemas import (
    BudgetLineFilters,
    BudgetLinePage,
    DraftValueFilters,
    DraftValuePage,
    DueProjectUpdatePage,
    FigureIn,
    ForecastIn,
    ForecastRecorded,
    Me,
    ProjectUpdateIn,
    ProjectUpdateRecorded,
    Recorded,
    ReturnPage,
)
from audit.context import acting
from organisation.queries import current_council

TAG = "Signed in: your returns"
REPLAYED = "Idempotent-Replayed"

router = Router(tags=[TAG], auth=personal_token)

SIGNED_IN_ERRORS = {401: Problem}
LIST_ERRORS = {401: Problem, 422: ValidationProblem}
ONE_ERRORS = {401: Problem, 404: Problem, 422: ValidationProblem}


@router.get(
    "/me/",
    response={200: Me, **SIGNED_IN_ERRORS},
    url_name="me",
    summary="Who the token acts as",
    description="The person the token acts as, their roles, the units whose draft figures "
    "they read, whether they enter figures, and the token itself.",
)
def me(request):
    return signed_in_queries.me(request.user, token_of(request))


@router.get(
    "/returns/",
    response={200: ReturnPage, **LIST_ERRORS},
    url_name="returns",
    summary="The returns due from you",
    description="The returns due from the token's person in the open reporting cycles, as "
    'their "Your returns" page lists them, the earliest deadline first: each service\'s '
    "return with the indicators due and the figure entered so far, its state and "
    "lock_version. Empty for someone who enters no figures.",
)
def returns(request, paging: Query[PageQuery]):
    found = signed_in_queries.returns_due(request.user, today=timezone.localdate())
    links = Links(request)
    return page_of(
        request,
        found,
        paging,
        lambda page: signed_in_queries.return_resources(request, page, links),
    )


@router.get(
    "/indicators/{code}/values/",
    response={200: DraftValuePage, **ONE_ERRORS},
    url_name="draft_values",
    summary="An indicator's figures, drafts included",
    description="Every figure of an indicator in your scope, at whatever stage (draft, "
    "submitted, returned for correction, signed off, published), the latest period first, "
    "with its lock_version. 404 for an indicator outside your scope, as for one that does "
    "not exist.",
)
def draft_values(
    request,
    filters: Query[DraftValueFilters],
    paging: Query[PageQuery],
    code: str = Path(..., description="The indicator's code.", example="WST-01"),
):
    found = signed_in_queries.draft_values(request.user, code, period=filters.period)
    if found is None:
        raise Http404
    return page_of(
        request,
        found,
        paging,
        lambda page: signed_in_queries.draft_value_resources(request, page),
    )


def _idempotency_key():
    return Header(
        None,
        alias=idempotency.HEADER,
        pattern=idempotency.KEY_PATTERN,
        description="A key of your choosing (a UUID, say), up to 255 visible characters: "
        "the same request sent again with it within 24 hours is answered as the first time "
        "and records nothing twice. Used with a different request: 422.",
        example="7c9e6679-7425-40de-944b-e07c1f9c1a2b",
    )


WRITE_ERRORS = {
    400: Problem,
    401: Problem,
    404: Problem,
    409: ConflictProblem,
    422: ValidationProblem,
}


@public_router.post(
    "/values/",
    auth=personal_token,
    tags=[TAG],
    response={200: Recorded, **WRITE_ERRORS},
    url_name="submit_value",
    summary="Send a figure",
    description="Save one indicator's figure for one period as a draft, or with submit: true "
    "send it for sign-off, through the same checks, messages and sign-off as the return "
    "form. Fields left out keep what the draft holds. To change a figure already entered, "
    "send the lock_version you read; a stale one is refused with who changed it (409). "
    "Send an Idempotency-Key to make retrying safe.",
)
def submit_value(
    request,
    submission: FigureIn,
    response: HttpResponse,
    idempotency_key: str | None = _idempotency_key(),
):
    return _written_once(
        request,
        response,
        idempotency_key,
        submission,
        lambda: _recorded(
            request,
            figures.enter_figure(
                submission=submission,
                by=request.user,
                council=current_council(request),
                today=timezone.localdate(),
            ),
        ),
        Recorded,
    )


@router.get(
    "/project-updates/",
    response={200: DueProjectUpdatePage, **LIST_ERRORS},
    url_name="project_updates",
    summary="The project updates due from you",
    description="The active projects led in your scope whose update is due in the open "
    "reporting cycle, by reference, each with the update entered so far, its state and "
    'lock_version, as "Your returns" lists them. Empty when no cycle is open, and for '
    "someone who enters no updates.",
)
def project_updates(request, paging: Query[PageQuery]):
    found = signed_in_queries.project_updates_due(request.user)
    return page_of(
        request,
        found,
        paging,
        lambda page: signed_in_queries.due_project_update_resources(request, page),
    )


@router.post(
    "/project-updates/",
    response={200: ProjectUpdateRecorded, **WRITE_ERRORS},
    url_name="submit_project_update",
    summary="Send a project update",
    description="Save a project's update for the open reporting cycle as a draft, or with "
    "submit: true send it for sign-off, through the same checks, messages and sign-off as the "
    "project page. Fields left out keep what the update holds. A signed-off update is changed "
    "with a reason, which sends it for sign-off again. To change an update already entered, "
    "send the lock_version you read; a stale one is refused with who changed it (409). Send "
    "an Idempotency-Key to make retrying safe.",
)
def submit_project_update(
    request,
    submission: ProjectUpdateIn,
    response: HttpResponse,
    idempotency_key: str | None = _idempotency_key(),
):
    def write():
        entered = registers.enter_project_update(submission=submission, by=request.user)
        update = entered.update
        return {
            **signed_in_queries.project_update(request, update, update.project),
            "already_saved": entered.already_saved,
        }

    return _written_once(
        request, response, idempotency_key, submission, write, ProjectUpdateRecorded
    )


@router.get(
    "/budget-lines/",
    response={200: BudgetLinePage, **ONE_ERRORS},
    url_name="budget_lines",
    summary="The budget lines you forecast for",
    description="A financial year's budget lines of the units you make forecasts for (every "
    "line for the performance team), in the council's order, each with its budget and every "
    "forecast made against it, with their states and lock_versions. Empty for someone who "
    "makes no forecasts; 404 for a year that does not exist.",
)
def budget_lines(request, filters: Query[BudgetLineFilters], paging: Query[PageQuery]):
    found = signed_in_queries.budget_lines(
        request.user, year=filters.year, today=timezone.localdate()
    )
    if found is None:
        raise Http404
    return page_of(
        request,
        found,
        paging,
        lambda page: signed_in_queries.budget_line_resources(request, page),
    )


@router.post(
    "/forecasts/",
    response={200: ForecastRecorded, **WRITE_ERRORS},
    url_name="submit_forecast",
    summary="Send a finance forecast",
    description="Save a budget line's forecast outturn at a month or quarter as a draft, or "
    "with submit: true send it for sign-off, through the same checks, messages and sign-off "
    "as the finance pages. Fields left out keep what the forecast holds. A signed-off "
    "forecast is changed with a reason, which sends it for sign-off again. To change a "
    "forecast already made, send the lock_version you read; a stale one is refused with who "
    "changed it (409). Send an Idempotency-Key to make retrying safe.",
)
def submit_forecast(
    request,
    submission: ForecastIn,
    response: HttpResponse,
    idempotency_key: str | None = _idempotency_key(),
):
    def write():
        entered = registers.enter_forecast(submission=submission, by=request.user)
        forecast = entered.forecast
        return {
            **signed_in_queries.forecast_resource(request, forecast, forecast.line),
            "already_saved": entered.already_saved,
        }

    return _written_once(request, response, idempotency_key, submission, write, ForecastRecorded)


def _written_once(request, response, key: str | None, submission, write, schema):
    """Make one write through the API: as the token's person, in one transaction, audited as
    from the API, answered as the first time when retried with the same Idempotency-Key, and
    refused as problem details naming the field."""
    token = token_of(request)
    body = submission.model_dump(mode="json", exclude_unset=True)
    fingerprint = idempotency.fingerprint("POST", request.path, body)
    try:
        with transaction.atomic(), acting(request.user, source=API_SOURCE, token=str(token)):
            held = None
            if key is not None:
                held = idempotency.claim(token=token, key=key, request_fingerprint=fingerprint)
                if isinstance(held, idempotency.Answer):
                    response[REPLAYED] = "true"
                    return Status(held.status, held.body)
            answer = schema.model_validate(write()).model_dump(mode="json")
            if held is not None:
                idempotency.keep(held, status=200, body=answer)
            return Status(200, answer)
    except Refusal as refusal:
        return refused(request, refusal)
    except idempotency.KeyReused as reused:
        return refused(
            request,
            Refusal(
                422,
                idempotency.REUSED,
                str(reused),
                errors=[(idempotency.HEADER, str(reused))],
                anchor=REUSED_ANCHOR,
            ),
            location="header",
        )


def _recorded(request, entered: figures.Entered) -> dict:
    value = entered.value
    last = value.revisions.select_related("changed_by").order_by("-number").first()
    return {
        **signed_in_queries.draft_value(request, value, last),
        "status": entered.reading.rag.value,
        "status_label": entered.reading.rag.label,
        "warnings": entered.warnings,
        "already_saved": entered.already_saved,
    }
