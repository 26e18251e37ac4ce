"""Every registered page renders without exception for a district user and a town user."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import keys
from ui.pages import PAGES
from ui.text import has, t

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_page_registry_is_consistent():
    for page in PAGES:
        assert Path(page.script).stem == page.url_path  # deep links with a pages/ folder need it
        assert has(page.title_key)
        assert (Path(APP).parent / page.script).exists()
    assert sum(p.default for p in PAGES) == 1


@pytest.mark.parametrize("page", [p.script for p in PAGES])
@pytest.mark.parametrize("user", ["leader", "datun"])
def test_page_renders(page, user, demo_db_path, app_env):
    app_env(demo_db_path)
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page(page)
    at.run()
    at.selectbox(key=keys.SIDEBAR_USER).set_value(user).run()
    assert not at.exception, at.exception
    assert at.title and at.title[0].value == t(next(p.title_key for p in PAGES if p.script == page))
