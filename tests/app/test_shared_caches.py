"""The results shared between sessions (``ui.cache.SHARED``) are only read: after people walk the
pages, each is still what its domain function builds afresh."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data_loaders import exposure, households, reports
from data_loaders.store import Store
from tests.app.walk import go_to, open_page, set_as_of
from tests.conftest import build_known_store
from ui import cache

D = dt.date

FRESH = {
    "overview": lambda s, cfg, scope, as_of, since, _version: reports.overview(s, cfg, scope, as_of, since),
    "village_report": lambda s, cfg, scope, as_of, since, _version: reports.village_report(s, cfg, scope, as_of, since),
    "risk_view": lambda s, cfg, scope, as_of, kinds, subjects, _version: exposure.risk_view(s, cfg, scope, as_of,
                                                                                          kinds, subjects),
    "household_pipeline": lambda s, cfg, scope, as_of, filters, _version: households.pipeline(s, cfg, scope, as_of,
                                                                                            filters),
}


def assert_same(mine: object, fresh: object, where: str) -> None:
    if isinstance(fresh, pd.DataFrame):
        pd.testing.assert_frame_equal(mine, fresh, obj=where)
    elif isinstance(fresh, pd.Series):
        pd.testing.assert_series_equal(mine, fresh, obj=where)
    elif isinstance(fresh, np.ndarray):
        np.testing.assert_array_equal(mine, fresh, err_msg=where)
    elif dataclasses.is_dataclass(fresh):
        for f in dataclasses.fields(fresh):
            assert_same(getattr(mine, f.name), getattr(fresh, f.name), f"{where}.{f.name}")
    elif isinstance(fresh, list | tuple):
        assert len(mine) == len(fresh), where
        for i, (a, b) in enumerate(zip(mine, fresh, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert mine == fresh, where


@pytest.fixture
def recorded(monkeypatch):
    """Every shared result a page got, with the arguments it asked with."""
    calls = []
    for name in cache.SHARED:
        cached = getattr(cache, name)

        def recording(*args, _cached=cached, _name=name):
            result = _cached(*args)
            calls.append((_name, args, result))
            return result

        monkeypatch.setattr(cache, name, recording)
    return calls


def test_walking_the_pages_leaves_every_shared_result_as_built(tmp_path, settings, app_env, recorded):
    path = tmp_path / "k.duckdb"
    build_known_store(path, settings)
    app_env(path)
    at = open_page("pages/overview.py", "leader", D(2024, 9, 12))
    for script in ("pages/villages.py", "pages/households.py", "pages/risk_map.py", "pages/overview.py"):
        at = go_to(at, script)
        assert not at.exception, script
    at = set_as_of(at, D(2024, 9, 14))
    at = go_to(at, "pages/villages.py")
    assert not at.exception
    assert {name for name, _, _ in recorded} == set(cache.SHARED)
    store = Store(path)
    for name, args, result in recorded:
        assert_same(result, FRESH[name](store, settings, *args), f"{name}{args[:2]}")
    # Asked again with the same key, a session gets the very object the others read.
    for name, args, result in list(recorded):
        assert getattr(cache, name)(*args) is result, name
