"""The frame read from spot_check_frame equals the full query's, row for row, and so do its hash and draws."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from data_loaders import spot_checks
from data_loaders import store as store_module
from data_loaders.store import SCREENING_COLUMNS, Store
from paicha import sampling
from paicha.access import User
from paicha.config import DEFAULT_CONFIG
from paicha.scope import Scope
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, build_known_store, screening

D = dt.date
CHECKER = User("checker", "抽查组", "", frozenset({"sample", "export"}))
# The package re-exports functions under their modules' names; take the modules themselves.
frame_module = importlib.import_module("data_loaders.spot_checks.frame")
draws_module = importlib.import_module("data_loaders.spot_checks.draws")

# Before the campaign's first record, in the middle of it, at its end and long after.
AS_OF = [D(2024, 8, 1), D(2024, 9, 10), D(2024, 9, 16), D(2024, 9, 30), D(2025, 1, 1)]


def scopes(settings) -> dict[str, Scope]:
    return {"district": Scope.district(settings.district_code),
            "town_a": Scope.town(settings.district_code, TOWN_A),
            "town_b": Scope.town(settings.district_code, TOWN_B)}


def with_limits(settings, visits: int | None = None, metres: float | None = None):
    t_ = settings.thresholds
    return dataclasses.replace(settings, thresholds=dataclasses.replace(
        t_, max_home_visits_per_day=t_.max_home_visits_per_day if visits is None else visits,
        far_visit_metres=t_.far_visit_metres if metres is None else metres))


def full_frame(store, settings, scope, as_of, include_unscreened=False) -> pd.DataFrame:
    """build_frame through the full query alone (its conversion of the result included)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(frame_module, "fast_frame_query", lambda *args, **kwargs: None)
        return spot_checks.build_frame(store, settings, scope, as_of, include_unscreened)


def fast_frame(store, settings, scope, as_of, include_unscreened=False) -> pd.DataFrame:
    """build_frame through spot_check_frame alone: the full query would fail the test."""
    def refused(*args, **kwargs):
        raise AssertionError("the full query ran")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(frame_module, "frame_query", refused)
        return spot_checks.build_frame(store, settings, scope, as_of, include_unscreened)


def assert_same_statement_results(store, settings, scope, as_of, include_unscreened) -> None:
    """The two statements' results before any conversion: same column names, types and cells,
    once in household order (the fast one comes in its table's order)."""
    fast = frame_module.fast_frame_query(store, settings, scope, as_of, include_unscreened)
    assert fast is not None
    fast_rows = store.arrow(*fast)
    assert pc.all(fast_rows.column(frame_module.SAME_LIMITS), min_count=0).as_py()
    fast_rows = fast_rows.drop_columns(frame_module.SAME_LIMITS)
    full = store.arrow(*frame_module.frame_query(store, settings, scope, as_of, include_unscreened))
    assert frame_module._by_household(fast_rows).equals(frame_module._by_household(full))
    if not store.server:
        # DuckDB returns the table in the order it was written: build_frame never sorts.
        assert frame_module._by_household(fast_rows) is fast_rows


@pytest.fixture
def demo(demo_db_path) -> Store:
    return Store(demo_db_path, read_only=True)


@pytest.mark.parametrize("include_unscreened", [False, True], ids=["screened", "everyone"])
@pytest.mark.parametrize("scope_name", ["district", "town_a", "town_b"])
def test_the_fast_frame_equals_the_full_query_on_the_demo(demo, settings, scope_name, include_unscreened):
    scope = scopes(settings)[scope_name]
    sizes = []
    for as_of in AS_OF:
        fast = fast_frame(demo, settings, scope, as_of, include_unscreened)
        pd.testing.assert_frame_equal(fast, full_frame(demo, settings, scope, as_of, include_unscreened))
        assert list(fast.columns) == list(sampling.FRAME_COLUMNS)
        assert_same_statement_results(demo, settings, scope, as_of, include_unscreened)
        sizes.append((len(fast), int(fast["screened"].sum())))
    # The dates tell apart what they should: nobody screened before the campaign, more by its end.
    assert sizes[0][1] == 0 and sizes[0][1] < sizes[1][1] < sizes[2][1]
    assert include_unscreened or sizes[0][0] == 0


def test_every_flag_comes_out_of_the_fast_frame(demo, settings):
    frame = fast_frame(demo, settings, scopes(settings)["district"], D(2024, 9, 30), include_unscreened=True)
    for flag in ("key_not_home_visited", "far_visit", "hazard_exposed"):
        assert frame[flag].any(), flag
    assert (~frame["screened"]).any() and frame.loc[~frame["screened"], "screener"].isna().all()


@pytest.mark.parametrize("limits", [{"visits": 4}, {"metres": 60.0}, {"visits": 4, "metres": 5000.0}],
                         ids=["visits", "metres", "both"])
def test_other_limits_than_the_tables_take_the_full_query(demo, settings, limits):
    other = with_limits(settings, **limits)
    scope = scopes(settings)["district"]
    assert frame_module.fast_frame_query(demo, other, scope, D(2024, 9, 16)) is None
    # The frame is the full query's, and it differs from the table's limits where it should.
    ours = spot_checks.build_frame(demo, other, scope, D(2024, 9, 16), include_unscreened=True)
    pd.testing.assert_frame_equal(ours, full_frame(demo, other, scope, D(2024, 9, 16), include_unscreened=True))
    default = fast_frame(demo, settings, scope, D(2024, 9, 16), include_unscreened=True)
    changed = {c for c in sampling.FLAG_COLUMNS if not ours[c].equals(default[c])}
    assert changed == ({"screener_overload"} if "visits" in limits else set()) | (
        {"far_visit"} if "metres" in limits else set())


def test_the_table_is_built_with_the_configurations_limits(demo_copy, settings, tmp_path, monkeypatch):
    """A process configured with other limits builds the table with those, and its frames then take
    the fast path, overloads included (the demo's overloaded days pass a limit of 4)."""
    config = tmp_path / "paicha.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert "max_home_visits_per_day = 30" in text and "far_visit_metres = 1000" in text
    config.write_text(text.replace("max_home_visits_per_day = 30", "max_home_visits_per_day = 4")
                      .replace("far_visit_metres = 1000", "far_visit_metres = 400"), encoding="utf-8")
    monkeypatch.setenv("PAICHA_CONFIG", str(config))
    store = Store(demo_copy)
    with store.transaction():
        pass  # a refreshing write of nothing: the derived tables are rebuilt
    assert store.query("SELECT DISTINCT overload_above, far_above FROM spot_check_frame").values.tolist() == [[4, 400.0]]
    busy = with_limits(settings, visits=4, metres=400.0)
    scope = scopes(settings)["district"]
    assert frame_module.fast_frame_query(store, settings, scope, D(2024, 9, 16)) is None
    overloaded = 0
    for as_of in AS_OF:
        for include_unscreened in (False, True):
            fast = fast_frame(store, busy, scope, as_of, include_unscreened)
            pd.testing.assert_frame_equal(fast, full_frame(store, busy, scope, as_of, include_unscreened))
            overloaded += int(fast["screener_overload"].sum())
    assert overloaded


def test_an_unreadable_configuration_builds_the_table_with_the_defaults(known_store, settings, tmp_path,
                                                                       monkeypatch):
    monkeypatch.setenv("PAICHA_CONFIG", str(tmp_path / "missing.toml"))
    assert frame_module.derived_thresholds() == (settings.thresholds.max_home_visits_per_day,
                                                 settings.thresholds.far_visit_metres)
    with known_store.transaction() as cur:
        known_store.insert_frame(cur, "screenings", pd.DataFrame([screening("A02", VILLAGE_A, TOWN_A, D(2024, 9, 2))]),
                                 SCREENING_COLUMNS)
    assert frame_module.fast_frame_query(known_store, settings, scopes(settings)["district"], D(2024, 9, 12))


def test_the_known_store_frame_is_the_same_both_ways(known_store, settings):
    """Fourteen households, some never screened, some first screened after the date."""
    assert known_store.count("spot_check_frame") == known_store.count("households") == 14
    for as_of in (D(2024, 9, 1), D(2024, 9, 9), D(2024, 9, 12), D(2024, 9, 14), D(2024, 12, 31)):
        for scope in scopes(settings).values():
            for include_unscreened in (False, True):
                pd.testing.assert_frame_equal(fast_frame(known_store, settings, scope, as_of, include_unscreened),
                                              full_frame(known_store, settings, scope, as_of, include_unscreened))


def test_the_table_follows_every_refreshing_write(known_store, settings):
    scope = scopes(settings)["district"]
    before = fast_frame(known_store, settings, scope, D(2024, 9, 12), include_unscreened=True)
    with known_store.transaction() as cur:
        known_store.insert_frame(cur, "screenings", pd.DataFrame([screening("A02", VILLAGE_A, TOWN_A, D(2024, 9, 2))]),
                                 SCREENING_COLUMNS)
    after = fast_frame(known_store, settings, scope, D(2024, 9, 12), include_unscreened=True)
    pd.testing.assert_frame_equal(after, full_frame(known_store, settings, scope, D(2024, 9, 12), True))
    assert not bool(before.set_index("household_id").loc["A02", "screened"])
    assert bool(after.set_index("household_id").loc["A02", "screened"])


@pytest.mark.parametrize("method, params", [("stratified", {"n": 100}), ("backcheck", None)])
def test_hash_and_draws_are_the_same_through_both_paths(demo_copy, settings, monkeypatch, method, params):
    store = Store(demo_copy)
    scope = scopes(settings)["district"]
    as_of = D(2024, 9, 16)
    assert frame_module.fast_frame_query(store, settings, scope, as_of) is not None
    fast = fast_frame(store, settings, scope, as_of)
    full = full_frame(store, settings, scope, as_of)
    for version in sampling.FRAME_HASHES:
        assert sampling.frame_hash(fast, version) == sampling.frame_hash(full, version)

    through_table = spot_checks.create_draw(store, settings, CHECKER, scope, as_of, method, params, seed=5)
    real = frame_module.fast_frame_query
    monkeypatch.setattr(frame_module, "fast_frame_query", lambda *args, **kwargs: None)
    through_query = spot_checks.create_draw(store, settings, CHECKER, scope, as_of, method, params, seed=5)
    assert through_table.frame_hash == through_query.frame_hash == sampling.frame_hash(full)
    assert through_table.frame_size == through_query.frame_size == len(full)
    assert len(through_table.sample) > 0
    pd.testing.assert_frame_equal(through_table.sample, through_query.sample)
    # Rebuilt (as after a change of the store), the full query vouches for the draw made through
    # the table, and the table for the one made through the full query.
    monkeypatch.setattr(draws_module, "frame_key", lambda *args, **kwargs: "changed")
    assert spot_checks.frame_unchanged(store, settings, scope, through_table.draw_id) is True
    monkeypatch.setattr(frame_module, "fast_frame_query", real)
    assert spot_checks.frame_unchanged(store, settings, scope, through_query.draw_id) is True


def test_a_store_without_the_table_is_read_through_the_full_query(tmp_path, settings):
    """An older program's store opened read-only is never upgraded: it has no spot_check_frame."""
    path = tmp_path / "old.duckdb"
    build_known_store(path, settings)
    store_module.close_all()
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE spot_check_frame")
    con.close()
    store = Store(path, read_only=True)
    scope = scopes(settings)["district"]
    assert frame_module.fast_frame_query(store, settings, scope, D(2024, 9, 12)) is None
    frame = spot_checks.build_frame(store, settings, scope, D(2024, 9, 12), include_unscreened=True)
    assert len(frame) == 14 and frame["screened"].sum() == 5
    store_module.close_all()
    # Opened writable, the store gets the table, filled.
    assert Store(path).count("spot_check_frame") == 14


def test_rows_out_of_household_order_are_put_in_it_byte_by_byte():
    ids = ["b2", "B1", "a10", "a9", "甲1", "A1"]
    table = pa.table({"household_id": ids, "n": list(range(len(ids)))})
    ordered = frame_module._by_household(table)
    assert ordered.column("household_id").to_pylist() == sorted(ids)  # Python sorts by code point
    assert ordered.column("n").to_pylist() == [ids.index(i) for i in sorted(ids)]
    assert frame_module._by_household(ordered) is ordered
    one = table.slice(0, 1)
    assert frame_module._by_household(one) is one


def test_a_town_session_sees_only_its_towns_rows_of_the_table(known_store, settings):
    """On PostgreSQL the row policies confine spot_check_frame like every table with a town_code;
    DuckDB has no policies, and the store's scoped statement is all there is."""
    town_b = scopes(settings)["town_b"]
    if known_store.server:
        known_store.act_as(town_b)
        assert set(known_store.query("SELECT DISTINCT town_code FROM spot_check_frame")["town_code"]) == {TOWN_B}
    frame = fast_frame(known_store, settings, town_b, D(2024, 9, 14), include_unscreened=True)
    assert set(frame["town_code"]) == {TOWN_B} and len(frame) == 4
    pd.testing.assert_frame_equal(frame, full_frame(known_store, settings, town_b, D(2024, 9, 14), True))


def test_a_table_rebuilt_with_other_limits_after_the_check_is_not_read(known_store, settings, monkeypatch):
    """Another process's refresh (its configuration's limits) may commit between fast_frame_query's
    look at the table and the read: the read itself tells, and the full query answers."""
    scope = scopes(settings)["district"]
    looked = frame_module.fast_frame_query(known_store, settings, scope, D(2024, 9, 12), True)
    assert looked is not None
    with known_store.transaction(refresh=False) as cur:
        cur.execute("UPDATE spot_check_frame SET overload_above = overload_above + 1")
    monkeypatch.setattr(frame_module, "fast_frame_query", lambda *args, **kwargs: looked)
    frame = spot_checks.build_frame(known_store, settings, scope, D(2024, 9, 12), include_unscreened=True)
    monkeypatch.undo()
    assert frame_module.fast_frame_query(known_store, settings, scope, D(2024, 9, 12), True) is None
    pd.testing.assert_frame_equal(frame, full_frame(known_store, settings, scope, D(2024, 9, 12), True))
