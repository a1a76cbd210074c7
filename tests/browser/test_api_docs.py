"""The API's documentation page in a real browser: no CSP violation, accessible at desktop
width and at 375 px, and every endpoint reachable from its contents list."""

import pytest
from playwright.sync_api import expect

from api.v1 import api
from organisation.tests.factories import CouncilFactory
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_the_api_documentation_is_accessible(page, live_server, browser_errors):
    CouncilFactory(name="Testshire Council")

    response = page.goto(live_server.url + "/api/v1/docs/")

    assert response.status == 200
    assert response.headers["cache-control"] == "public, max-age=300"
    expect(page.get_by_role("heading", level=1)).to_have_text("Golden Thread API")
    contents = page.locator("main ul.govuk-list").first.get_by_role("link")
    operations = sum(len(methods) for methods in api.get_openapi_schema()["paths"].values())
    expect(contents).to_have_count(operations)  # every endpoint, public and signed in
    contents.nth(4).click()
    expect(page.locator(":target")).to_have_text("Published values")
    assert_accessible(page)
