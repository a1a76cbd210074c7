"""Version 1 of the API, under /api/v1/: its OpenAPI document, its documentation page and
its endpoints. A change that would break a client needs a new version beside this one."""

from __future__ import annotations

from ninja import NinjaAPI

from api import problems
from api.caching import public
from api.docs import Documentation
from api.public import router as public_router
from api.signed_in import router as signed_in_router

DESCRIPTION = """\
Golden Thread's API: the council's published performance as data.

The public endpoints need no sign-in: periods, ambitions, indicators, published values, where
the council stands among other councils (benchmark positions), and the released reports with
their appendices (risks, finance, change). They read only released reports, exactly as the
public performance site shows them: a report's figures appear nowhere until its release, and a
withdrawn report's figures leave every response at once. Published data are under the Open
Government Licence v3.0.

Lists are paged (`page`, `page_size`) with the total `count` and links to the `next` and
`previous` pages. Every public response may be kept by a proxy for five minutes and carries an
ETag and Last-Modified, so a conditional request is answered 304 Not Modified when nothing
public has changed. Every address that answers GET answers HEAD too, with the same status
and headers and no body. Errors are RFC 9457 problem details (`application/problem+json`).

The signed-in endpoints need a personal API token, made on your account page and sent as
`Authorization: Bearer <token>`. It acts as you, with your role and the services you answer
for, never more: it reads the figures in your scope, drafts included, lists the returns due
from you, and sends figures, project updates and finance forecasts into the same checks and
sign-off as their pages. Their
answers are never kept (`Cache-Control: private, no-store`).
"""


class GoldenThreadAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return problems.document_problems(schema)


api = GoldenThreadAPI(
    title="Golden Thread API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs=Documentation(),
    docs_url="/docs/",
    docs_decorator=public,
)
problems.install(api)
api.add_router("/", public_router)
api.add_router("/", signed_in_router)
