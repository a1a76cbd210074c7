"""Every page type of the registers beside the indicators (delivery plan, service plans,
risks, finance, improvement) on the demo council passes axe at 1280 px and at 375 px, as its
owner or reader sees it."""

import pytest

from tests.browser.conftest import DEMO_PASSWORD, assert_accessible, sign_in
from tests.browser.test_layout import REGISTER_PAGE_TYPES

pytestmark = pytest.mark.browser


def test_every_register_page_passes_axe_at_both_widths(page, live_server, demo_council):
    signed_in = None
    for page_type in REGISTER_PAGE_TYPES:
        if page_type.persona != signed_in:
            page.context.clear_cookies()
            sign_in(page, live_server, page_type.persona, DEMO_PASSWORD)
            signed_in = page_type.persona
        response = page.goto(live_server.url + page_type.address())
        assert response.status == 200, page_type.name
        assert_accessible(page)
