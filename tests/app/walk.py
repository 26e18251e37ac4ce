"""AppTest steps in the order a person takes them: open the app, sign in, set the date, go to a page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from data_loaders.accounts import DEMO_PASSWORD
from ui import keys

APP = str(Path(__file__).resolve().parents[2] / "app.py")
# Deferred download builders by element id (see _record_deferred_downloads).
DEFERRED: dict[str, Callable[[], bytes]] = {}


def _route_pages_as_served() -> None:
    """Route pages as server.py does (see ui/pages.py): app.py runs first on every run.

    AppTest re-detects the pages/ folder before each run and would otherwise run a page script
    alone, without app.py, which the served app never does.
    """
    original = PagesManager.__init__
    if getattr(original, "_as_served", False):
        return

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    init._as_served = True
    PagesManager.__init__ = init


def _record_deferred_downloads() -> None:
    """Keep each download button's deferred file builder, so a test can ask for the file as the
    browser does when the button is clicked (AppTest itself never requests it)."""
    original = MediaFileManager.add_deferred
    if getattr(original, "_recorded", False):
        return

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, *, element_id=""):
        DEFERRED[element_id] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, element_id=element_id)

    add_deferred._recorded = True
    MediaFileManager.add_deferred = add_deferred


# Every AppTest goes through this module, so the patches hold wherever one runs (a pytest test
# or a helper process of the fault tests).
_route_pages_as_served()
_record_deferred_downloads()


def open_app(timeout: float = 90) -> AppTest:
    """The app as a new visitor sees it: the first run, nobody signed in."""
    DEFERRED.clear()
    return AppTest.from_file(APP, default_timeout=timeout).run()


def sign_in(at: AppTest, username: str, password: str = DEMO_PASSWORD) -> AppTest:
    """Type the user name and password into the sign-in form and press 登录.

    The demo store's accounts and the hand-made test stores' accounts share the demo password.
    """
    at.text_input(key=keys.SIGNIN_USERNAME).input(username)
    at.text_input(key=keys.SIGNIN_PASSWORD).input(password)
    return at.button(key=keys.SIGNIN_SUBMIT).click().run()


def sign_out(at: AppTest) -> AppTest:
    return at.button(key=keys.SIDEBAR_SIGN_OUT).click().run()


def set_as_of(at: AppTest, day: dt.date) -> AppTest:
    return at.date_input(key=keys.SIDEBAR_AS_OF).set_value(day).run()


def set_since(at: AppTest, day: dt.date) -> AppTest:
    """Pick the comparison date (对比日期) in the sidebar."""
    return at.date_input(key=keys.SIDEBAR_SINCE).set_value(day).run()


def go_to(at: AppTest, script: str) -> AppTest:
    """Follow a menu link to a page (``pages/villages.py``)."""
    return at.switch_page(script).run()


def open_page(script: str, username: str, as_of: dt.date | None = None) -> AppTest:
    """Open the app, sign in, set the date, then go to the page: the order a person acts in."""
    at = sign_in(open_app(), username)
    if as_of is not None:
        at = set_as_of(at, as_of)
    return go_to(at, script)


def download_buttons(at: AppTest) -> dict[str, object]:
    """The download buttons on the page, by widget key."""
    return {b.proto.id.rsplit("-", 1)[-1]: b for b in at.get("download_button")}


def download(at: AppTest, key: str) -> bytes:
    """Click a download button as the browser does: ask the server for the file and get its bytes."""
    button = next(b for b in at.get("download_button") if b.proto.id.endswith(f"-{key}"))
    # Every download is built when clicked (ui/exports.py): a button holding ready bytes would
    # have built its file on every rerun, and exports would bypass the audit.
    assert button.proto.id in DEFERRED, f"{key}: the file is not built on request"
    content = DEFERRED[button.proto.id]()
    return content.encode() if isinstance(content, str) else content


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    """The text a person reads in an st.error/st.info/…: the Markdown source without the
    backslash escapes ``ui.safe`` puts before punctuation of values from files."""
    return _ESCAPED.sub(r"\1", markdown)
