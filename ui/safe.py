r"""Values from files or exceptions made inert before they go into Streamlit's Markdown.

``st.error``, ``st.warning``, ``st.info``, ``st.success``, ``st.markdown`` and ``st.caption``
render their text as Markdown (GitHub flavour, plus Streamlit's ``:red[...]`` colours,
``:material/...:`` icons and ``$...$`` maths). A household-id cell holding
``![x](http://host/)`` would make every viewer's browser fetch that address. CommonMark lets
any ASCII punctuation be escaped with a backslash, and an escaped character is always literal
text, so escaping all of them turns any value into plain text, whatever syntax it imitates:

>>> escape("![x](http://host/)")
'\\!\\[x\\]\\(http\\:\\/\\/host\\/\\)'

Use :func:`t` for catalogue text with values in it, :func:`html_text` where a value becomes
HTML (map tooltips); values shown in ``st.dataframe`` or ``st.text`` need nothing (they are
never markup).
"""

from __future__ import annotations

import html
import string
from collections.abc import Iterable

from ui import text

_SPECIAL = frozenset(string.punctuation)
# A line break inside a value would start a new Markdown block (a heading, a list, a code
# block after four spaces): values stay on their line.
_BREAKS = str.maketrans({"\r": " ", "\n": " ", "\t": " ", "\v": " ", "\f": " ",
                         "\u2028": " ", "\u2029": " "})


def escape(value: object) -> str:
    """``value`` as text that Streamlit's Markdown shows character for character.

    Every ASCII punctuation character gets a backslash (HTML tags, links, images, emphasis,
    colours, maths, autolinks and entities all need one), and line breaks become spaces.
    """
    return "".join("\\" + c if c in _SPECIAL else c for c in str(value).translate(_BREAKS))


def t(key: str, **values: object) -> str:
    """The catalogue text for ``key`` with every value escaped.

    The catalogue is ours and may hold Markdown; the values (file names, cells, exception
    texts) are data and come out literal.
    """
    return text.t(key, **{name: escape(value) for name, value in values.items()})


def html_text(value: object) -> str:
    """``value`` as HTML text, safe inside a JavaScript template literal too.

    For map tooltips: folium writes tooltip text unescaped into a backtick-quoted JavaScript
    string, so besides ``< > & " '`` a backtick, ``$`` or backslash would end or interpolate it.
    """
    return (html.escape(str(value), quote=True)
            .replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;"))


def bullet_list(values: Iterable[object]) -> str:
    """A Markdown list with one escaped value per item."""
    return "\n".join(f"- {escape(value)}" for value in values)
