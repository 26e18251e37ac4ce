"""The overview's chart and table scripts, named in a Link header so the browser fetches them with the sign-in form."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import streamlit

# Streamlit loads an element's script when the element first arrives. The overview's chart
# (Plotly, 4.7 MB) and tables (1.2 MB) arrived after the sign-in click, and parsing them held up
# the browser's drawing of the big numbers too; preloaded, they are fetched and compiled while
# the form is on the screen. By stem: the file names carry a hash that changes with Streamlit.
PRELOADED = ("PlotlyChart", "DataFrame", "arrowFormatUtils")
STATIC = Path(streamlit.__file__).parent / "static" / "static" / "js"


@lru_cache(maxsize=4)
def link_header(base: str = "") -> str:
    """``Link`` header value preloading the scripts under ``base`` (the server's URL path).

    Empty when this Streamlit has none of the files: the page then loads them as before.
    """
    prefix = f"/{base.strip('/')}" if base.strip("/") else ""
    files = sorted(f.name for stem in PRELOADED for f in STATIC.glob(f"{stem}.*.js"))
    return ", ".join(f"<{prefix}/static/js/{name}>; rel=modulepreload" for name in files)
