"""AppTest fixtures: each test gets a fresh cache and its own database through PAICHA_DB.

Page routing and downloads as the served app has them are set up by tests/app/walk.py, which
every AppTest goes through.
"""

import pytest
import streamlit as st

from data_loaders import store as store_module


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
