"""Every registered page renders without exception for a district user and a town user."""

import datetime as dt
from pathlib import Path

import pytest

from tests.app.walk import APP, go_to, open_app, set_as_of, sign_in
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


@pytest.mark.parametrize("page", [p.script for p in PAGES])
def test_page_renders_on_a_date_before_the_campaign_starts(page, demo_copy, app_env):
    # The sidebar offers dates from two weeks before the start: nothing is screened or behind yet.
    app_env(demo_copy)
    at = go_to(set_as_of(sign_in(open_app(), "leader"), dt.date(2024, 8, 20)), page)
    assert not at.exception, at.exception
