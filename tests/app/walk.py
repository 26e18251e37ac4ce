"""AppTest steps in the order a person takes them: open the app, sign in, set the date, go to a page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui import keys

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_app(timeout: float = 90) -> AppTest:
    """The app as a new visitor sees it: the first run, nobody signed in."""
    return AppTest.from_file(APP, default_timeout=timeout).run()


def sign_in(at: AppTest, username: str) -> AppTest:
    """Sign in as a demo account."""
    return at.selectbox(key=keys.SIDEBAR_USER).set_value(username).run()


def set_as_of(at: AppTest, day: dt.date) -> AppTest:
    return at.date_input(key=keys.SIDEBAR_AS_OF).set_value(day).run()


def go_to(at: AppTest, script: str) -> AppTest:
    """Follow a menu link to a page (``pages/villages.py``)."""
    return at.switch_page(script).run()


def open_page(script: str, username: str, as_of: dt.date | None = None) -> AppTest:
    """Open the app, sign in, set the date, then go to the page: the order a person acts in."""
    at = sign_in(open_app(), username)
    if as_of is not None:
        at = set_as_of(at, as_of)
    return go_to(at, script)


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    """The text a person reads in an st.error/st.info/…: the Markdown source without the
    backslash escapes ``ui.safe`` puts before punctuation of values from files."""
    return _ESCAPED.sub(r"\1", markdown)
