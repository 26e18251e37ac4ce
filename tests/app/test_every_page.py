"""Every registered page renders without exception for a district user and a town user."""

from pathlib import Path

import pytest

from tests.app.walk import APP, go_to, open_app, sign_in
from ui.pages import PAGES
from ui.text import has, t


def test_page_registry_is_consistent():
    for page in PAGES:
        assert Path(page.script).stem == page.url_path  # deep links with a pages/ folder need it
        assert has(page.title_key)
        assert (Path(APP).parent / page.script).exists()
    assert sum(p.default for p in PAGES) == 1


@pytest.mark.parametrize("page", [p.script for p in PAGES])
@pytest.mark.parametrize("user", ["leader", "datun", "admin"])
def test_page_renders(page, user, demo_copy, app_env):
    app_env(demo_copy)
    at = go_to(sign_in(open_app(), user), page)
    assert not at.exception, at.exception
    assert at.title and at.title[0].value == t(next(p.title_key for p in PAGES if p.script == page))
