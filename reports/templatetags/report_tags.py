"""Presentation helpers for reports."""

import re

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def paragraphs(text: str, classes: str = "govuk-body") -> str:
    """Plain text as GOV.UK paragraphs: a blank line starts a new one, a newline breaks."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return format_html_join(
        "\n",
        '<p class="{}">{}</p>',
        ((classes, mark_safe(escape(p).replace("\n", "<br>"))) for p in parts),
    )
