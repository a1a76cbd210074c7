"""Classic hostile text, for putting into every free-text field that reaches a page or a file.

Each payload is something a page, a PDF, a Word document or a spreadsheet might run, follow
or misread if it were not kept as plain text: script and event handlers, `javascript:`
addresses, template and formula syntax, Word fields, direction overrides, control
characters, a line too long to wrap. Whatever field they are typed into, every output should
show them as the literal words they are.
"""

from __future__ import annotations

SCRIPT = "<script>alert(1)</script>"
IMG_ONERROR = '"><img src=x onerror=alert(1)>'
JAVASCRIPT_URL = "javascript:alert(1)"
SVG_ONLOAD = "<svg onload=alert(1)>"
LINK = '<a href="javascript:alert(1)">click</a>'
TEMPLATE = "{{7*7}} {% debug %}"
HYPERLINK = '=HYPERLINK("http://evil.example","Click")'
DDE_PLUS = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-1+1"
RTL_OVERRIDE = "\u202egnp.exe"
CONTROL = "before\x01\x08\x0b\x0cafter"  # what a database will store (PostgreSQL refuses NUL)
NUL = "before\x00after"  # only where no database is involved: forms refuse it
LONG_LINE = "W" * 3_000
MARKDOWN_LINK = "[x](javascript:alert(1))"
TEXTAREA = "</textarea></title><script>alert(2)</script>"
STYLE = "</style><style>*{display:none}</style>"
CDATA = "]]><!-- <![CDATA[ --> -->"
ENTITY = "&lt;script&gt; &amp; &#60;b&#62;"  # already escaped: must stay exactly so
WORD_FIELD = '{ DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe" }'

# Every payload a database can store, in a fixed order.
PAYLOADS = (
    SCRIPT,
    IMG_ONERROR,
    JAVASCRIPT_URL,
    SVG_ONLOAD,
    LINK,
    TEMPLATE,
    HYPERLINK,
    DDE_PLUS,
    AT_SUM,
    MINUS,
    RTL_OVERRIDE,
    CONTROL,
    LONG_LINE,
    MARKDOWN_LINK,
    TEXTAREA,
    STYLE,
    CDATA,
    ENTITY,
    WORD_FIELD,
)

# The markup payloads in a form short enough for a title or a name (under 200 characters).
MARKUP = f"{SCRIPT}{IMG_ONERROR}{SVG_ONLOAD} {TEMPLATE}"


def short_text(lead: str, label: str) -> str:
    """A name or title: `lead` first (a formula, say), then a label, then the markup."""
    text = f"{lead} {label} {MARKUP} {RTL_OVERRIDE}"
    assert len(text) <= 200, text
    return text


def long_text(start: int = 0) -> str:
    """Every payload, one to a paragraph, beginning with the `start`th."""
    turned = PAYLOADS[start:] + PAYLOADS[:start]
    return "\n\n".join(turned)


BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def as_filed(text: str) -> str:
    """`text` as a report's files show it: without the control characters XML cannot hold,
    and without direction overrides, which would turn the words after them round."""
    return "".join(c for c in without_control(text) if c not in BIDI_CONTROLS)


def without_control(text: str) -> str:
    """`text` as a file can hold it: XML 1.0 has no place for most control characters, so
    they are left out; Word's line and page breaks (vertical tab, form feed) become spaces."""
    spaced = text.replace("\x0b", " ").replace("\x0c", " ")
    return "".join(c for c in spaced if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff"))
