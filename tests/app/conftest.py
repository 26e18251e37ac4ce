"""AppTest fixtures: each test gets a fresh cache and its own database through PAICHA_DB, and
Streamlit's multipage routing as the server runs it."""

import pytest
import streamlit as st
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.pages_manager import PagesManager

from data_loaders import store as store_module
from tests.app import walk


@pytest.fixture(autouse=True)
def _navigation_as_served(monkeypatch):
    """Route pages as server.py does (see the note there): app.py runs first on every run.

    AppTest re-detects the pages/ folder before each run and would otherwise run a page script
    alone, without app.py, which the served app never does.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture(autouse=True)
def _downloads_on_request(monkeypatch):
    """Keep each download button's deferred file builder, so a test can ask for the file as the
    browser does when the button is clicked (AppTest itself never requests it)."""
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, *, element_id=""):
        walk.DEFERRED[element_id] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, element_id=element_id)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    yield
    walk.DEFERRED.clear()


@pytest.fixture
def app_env(monkeypatch):
    def use(path):
        store_module.close_all()
        st.cache_data.clear()
        st.cache_resource.clear()
        monkeypatch.setenv("PAICHA_DB", str(path))
    yield use
    st.cache_data.clear()
    st.cache_resource.clear()
    store_module.close_all()
