"""Values that came from files or people, made inert before they reach Markdown or HTML."""

from __future__ import annotations

import html
import re

# Every character Markdown (CommonMark + GFM, as Streamlit renders it) gives a meaning to, plus
# "$" (Streamlit's LaTeX) and ":" (its :material/icon: and :color[text] directives).
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:=])")


def text(value: object) -> str:
    """``value`` as literal text inside st.markdown/st.error/st.caption: no link, image or tag."""
    return _MARKDOWN.sub(r"\\\1", html.escape(str(value), quote=False)) if value is not None else ""


def html_text(value: object) -> str:
    """``value`` as literal text inside HTML (tooltips, popups): markup becomes entities."""
    return html.escape("" if value is None else str(value), quote=True)
