"""On PostgreSQL a town's rows are confined twice: by the store's queries and by row policies."""

from __future__ import annotations

import threading

import psycopg
import pytest

from data_loaders import store as store_module
from data_loaders.engines import postgres
from data_loaders.store import Store
from paicha.scope import Scope
from tests.conftest import TOWN_A, TOWN_B, build_known_store, household


@pytest.fixture
def store(pg_url, settings) -> Store:
    build_known_store(pg_url, settings)
    store_module.close_all()
    return Store(pg_url)


def _towns(store: Store, table: str) -> set[str]:
    # Deliberately unscoped: the query a page would run had it forgotten its WHERE.
    return set(store.query(f"SELECT DISTINCT town_code FROM {table}")["town_code"])


def test_an_unscoped_query_as_a_supervisor_returns_only_their_towns_rows(store, settings):
    assert _towns(store, "households") == {TOWN_A, TOWN_B}  # the CLI's view: every row
    store.act_as(Scope.town(settings.district_code, TOWN_B))
    for table in ("households", "screenings", "household_status", "household_facts", "screening_days",
                  "screener_days", "divisions", "milestones"):
        assert _towns(store, table) == {TOWN_B}, table
    assert store.count("households") == 4  # village B's four, of fourteen
    store.act_as(Scope.district(settings.district_code))
    assert _towns(store, "households") == {TOWN_A, TOWN_B}


def test_a_run_that_has_not_said_whose_it_is_sees_nothing(store, settings):
    store.fail_closed()
    seen: list[int] = []
    # A fresh thread, as a new Streamlit run may be: no scope of its own, so no rows.
    worker = threading.Thread(target=lambda: seen.append(store.count("households")))
    worker.start()
    worker.join()
    assert seen == [0]
    store.act_as(Scope.empty())
    assert store.count("screenings") == 0 and store.count("household_facts") == 0


def test_a_supervisor_cannot_write_another_towns_row(store, settings):
    store.act_as(Scope.town(settings.district_code, TOWN_A))
    other = household("B99", "210311104210", TOWN_B)
    with pytest.raises(psycopg.errors.InsufficientPrivilege), store.transaction(refresh=False) as cur:
        cur.execute("INSERT INTO households (household_id, town_code, village_code, is_former_poor, monitor_type) "
                    "VALUES (?, ?, ?, ?, ?)", [other["household_id"], TOWN_B, other["village_code"], False, "none"])
    store.act_as(Scope.district(settings.district_code))
    assert store.count("households") == 14  # nothing written


def test_the_policies_hold_for_a_plain_connection_with_a_supervisors_setting(store, pg_url):
    """Not the store's cursor: any client of the same role, keyed to a town, sees that town only."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM households").fetchone()[0] == 0  # unset: nothing
        conn.execute("SELECT set_config('paicha.town_prefix', %s, false)", [postgres.town_prefix(f"town:{TOWN_A}")])
        towns = {row[0] for row in conn.execute("SELECT town_code FROM household_facts").fetchall()}
        assert towns == {TOWN_A}
        is_superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
        assert not is_superuser  # a superuser would pass every policy: the test proves nothing then
