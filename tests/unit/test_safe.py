"""Values from files come out of ui.safe as literal text: no image, link, tag or markup survives.

Rendered with markdown-it in its GitHub-flavoured mode with raw HTML allowed (stricter than
Streamlit, which drops raw HTML): if nothing fires there, nothing fires in the browser.
"""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from ui import safe
from ui.text import t

RENDER = MarkdownIt("gfm-like", {"html": True})
HOSTILE = [
    "![x](http://host/)",
    "<img src=x onerror=alert(1)>",
    "[点这里](javascript:alert(1))",
    "<script>alert(1)</script>",
    "http://host/track.png www.host.com",
    "**粗体** _斜体_ ~~删除~~ `代码`",
    "# 标题\n\n- 列表\n> 引用",
    ":red[红字] :material/warning: $x^2$",
    "&lt;b&gt; &amp;",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "2103111022120051\\",
]


def rendered_text(markdown: str) -> tuple[str, str]:
    """(the HTML markdown-it makes of it, the text a reader sees in it)."""
    out = RENDER.render(markdown)
    return out, html.unescape(re.sub(r"<[^>]+>", "", out)).strip("\n ")


def as_read(value: str) -> str:
    """What a reader should see: the value on one line (breaks as spaces), as a paragraph shows it."""
    return value.translate(safe._BREAKS).replace("\x00", "\ufffd").strip(" ")


@pytest.mark.parametrize("value", HOSTILE)
def test_escaped_values_render_as_their_own_text_and_nothing_else(value):
    out, text = rendered_text(safe.escape(value))
    assert re.findall(r"<(\w+)", out) == ["p"]  # one paragraph: no img, a, script, em, code, h1, table
    assert text == as_read(value)  # line breaks and tabs become spaces, nothing else changes


def test_the_image_in_a_household_id_cell_fetches_nothing():
    out, _ = rendered_text(safe.t("spot_checks.failed", error="户编号「![x](http://host/)」不在本次抽样中"))
    assert "<img" not in out and "http://host/" in out


def test_catalogue_text_keeps_its_own_markup_while_the_values_do_not():
    assert safe.t("imports.failed_apply", error="*x*") == t("imports.failed_apply", error="\\*x\\*")


def test_a_bullet_list_escapes_each_line():
    out, _ = rendered_text(safe.bullet_list(["<img src=x>", "![a](b)"]))
    assert out.count("<li>") == 2 and "<img" not in out


@pytest.mark.parametrize(("value", "expected"), [
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ("`);alert(1);(`", "&#96;);alert(1);(&#96;"),
    ("${alert(1)}", "&#36;{alert(1)}"),
    ("a\\b", "a&#92;b"),
    ('"洪涝区"', "&quot;洪涝区&quot;"),
])
def test_html_text_is_inert_in_html_and_in_a_javascript_template_literal(value, expected):
    assert safe.html_text(value) == expected


@given(st.text())
def test_any_value_renders_to_its_own_text(value):
    out, text = rendered_text(safe.escape(value))
    assert set(re.findall(r"<(\w+)", out)) <= {"p"}
    assert text.strip() == as_read(value).strip()  # whitespace at the ends is the paragraph's
