"""A wide table scrolls sideways in its own region (`.gt-table-wrapper`), never the page.

GOV.UK's visually hidden text is absolutely positioned. Inside a scrolling wrapper that is not
itself positioned, that text escapes the wrapper's clipping, so a link such as "5.1% for <the
indicator>" at the far end of a wide table made the whole page scroll sideways at 375 px (WCAG
1.4.10): the demo's reporting-cycle page did, through its table of provisional figures.
"""

import pytest
from django.urls import reverse

from tests.browser.conftest import NARROW

pytestmark = pytest.mark.browser

NBSP = "\u00a0"


def test_hidden_text_at_the_end_of_a_wide_table_does_not_widen_the_page(page, live_server):
    page.goto(live_server.url + reverse("login"))
    page.set_viewport_size(NARROW)
    # The app's stylesheet on a real page, with a table far wider than the screen whose last
    # cell is a link with visually hidden text (built in the DOM: the CSP allows no inline style).
    widths = page.evaluate(
        """(wide) => {
            const wrapper = document.createElement('div');
            wrapper.className = 'gt-table-wrapper';
            const table = wrapper.appendChild(document.createElement('table'));
            table.className = 'govuk-table';
            const cell = table.insertRow().insertCell();
            cell.className = 'govuk-table__cell';
            cell.append(wide);
            const link = cell.appendChild(document.createElement('a'));
            link.className = 'govuk-link';
            link.href = '#';
            link.append('5.1%');
            const hidden = link.appendChild(document.createElement('span'));
            hidden.className = 'govuk-visually-hidden';
            hidden.append(' for Adults with a learning disability in paid employment');
            document.querySelector('main').append(wrapper);
            return {
                table: wrapper.scrollWidth,
                wrapper: wrapper.clientWidth,
                page: document.documentElement.scrollWidth,
                screen: window.innerWidth,
            };
        }""",
        NBSP.join(["Households on the housing register"] * 8).replace(" ", NBSP),
    )
    assert widths["table"] > widths["wrapper"]  # the table is wider, and scrolls in its region
    assert widths["page"] <= widths["screen"], (
        f"the page scrolls sideways: {widths['page']} px of content on a {widths['screen']} px "
        "screen"
    )
