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

from api import figures, idempotency, signed_in_queries
from api.authentication import personal_token, token_of
from api.figures import API_SOURCE, Refusal
from api.paging import PageQuery, page_of
from api.problems import REUSED_ANCHOR, ConflictProblem, Problem, ValidationProblem, refused
from api.public import router as public_router
from api.queries import Links
from api.signed_in_schemas import (
    DraftValueFilters,
    DraftValuePage,
    FigureIn,
    Me,
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


@public_router.post(
    "/values/",
    auth=personal_token,
    tags=[TAG],
    response={
        200: Recorded,
        400: Problem,
        401: Problem,
        404: Problem,
        409: ConflictProblem,
        422: ValidationProblem,
    },
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
    idempotency_key: str | None = Header(
        None,
        alias=idempotency.HEADER,
        pattern=idempotency.KEY_PATTERN,
        description="A key of your choosing (a UUID, say), up to 255 visible characters: "
        "the same request sent again with it within 24 hours is answered as the first time "
        "and records nothing twice. Used with a different request: 422.",
        example="7c9e6679-7425-40de-944b-e07c1f9c1a2b",
    ),
):
    token = token_of(request)
    body = submission.model_dump(mode="json", exclude_unset=True)
    fingerprint = idempotency.fingerprint("POST", request.path, body)
    try:
        with transaction.atomic(), acting(request.user, source=API_SOURCE, token=str(token)):
            held = None
            if idempotency_key is not None:
                held = idempotency.claim(
                    token=token, key=idempotency_key, request_fingerprint=fingerprint
                )
                if isinstance(held, idempotency.Answer):
                    response[REPLAYED] = "true"
                    return Status(held.status, held.body)
            entered = figures.enter_figure(
                submission=submission,
                by=request.user,
                council=current_council(request),
                today=timezone.localdate(),
            )
            answer = Recorded.model_validate(_recorded(request, entered)).model_dump(mode="json")
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
