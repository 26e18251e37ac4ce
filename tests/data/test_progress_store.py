"""The progress queries on a database built in code: activity, key households' methods, screener days."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_loaders import progress as progress_sql
from data_loaders import reports
from data_loaders import store as store_module
from data_loaders.store import SCREENING_COLUMNS, Store
from paicha.scope import Scope
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B, build_known_store, screening

D = dt.date
DISTRICT = Scope.district("210311")


def test_activity_lists_the_days_with_records_up_to_the_date(known_store):
    a = progress_sql.village_activity(known_store, DISTRICT, D(2024, 9, 12))
    assert a[a["village_code"] == VILLAGE_A]["day"].tolist() == [
        D(2024, 8, 26), D(2024, 8, 27), D(2024, 9, 9), D(2024, 9, 10), D(2024, 9, 11), D(2024, 9, 12)]
    later = progress_sql.village_activity(known_store, Scope.town("210311", TOWN_B), D(2024, 9, 30))
    assert later.values.tolist() == [[VILLAGE_B, D(2024, 9, 14), 2]]  # both on the working Saturday


def test_key_households_screened_only_by_phone_are_counted_per_village(known_store):
    k = progress_sql.key_methods(known_store, DISTRICT, D(2024, 9, 12))
    # A00 visited at home, A01 only phoned, A02 not screened; B00 not screened yet on 9-12.
    assert k.values.tolist() == [[VILLAGE_A, 1, 0]]
    assert progress_sql.key_methods(known_store, DISTRICT, D(2024, 8, 26)).empty


def test_key_households_assessed_by_the_village_are_told_from_those_phoned(known_store):
    with known_store.transaction() as cur:
        known_store.insert_frame(cur, "screenings", pd.DataFrame([
            screening("A02", VILLAGE_A, TOWN_A, D(2024, 9, 11), method="village_assessment")]), SCREENING_COLUMNS)
    assert progress_sql.key_methods(known_store, DISTRICT, D(2024, 9, 12)).values.tolist() == [[VILLAGE_A, 1, 1]]
    assert progress_sql.key_methods(known_store, DISTRICT, D(2024, 9, 10)).values.tolist() == [[VILLAGE_A, 1, 0]]


def test_screener_days_count_records_and_home_visits(known_store):
    s = progress_sql.screener_days(known_store, DISTRICT, D(2024, 9, 12), 30)
    a = s[s["village_code"] == VILLAGE_A].set_index("day")
    assert a.loc[D(2024, 8, 27), "records"] == 1 and a.loc[D(2024, 8, 27), "home_visits"] == 0  # phone only
    assert a["records"].sum() == 6 and not s["over_limit"].any()


@pytest.mark.parametrize("scope", [Scope.empty(), Scope.town("210311", "999999999000")])
def test_empty_or_unknown_scope_returns_no_progress_rows(known_store, scope):
    for frame in (progress_sql.village_activity(known_store, scope, D(2024, 9, 30)),
                  progress_sql.key_methods(known_store, scope, D(2024, 9, 30)),
                  progress_sql.screener_days(known_store, scope, D(2024, 9, 30), 30)):
        assert frame.empty


def _busy_screener(store: Store) -> None:
    """20 home visits in each town by one screener on 9-18: 40 that day, over the limit of 30."""
    rows = [screening(f"A0{i % 10}", VILLAGE_A, TOWN_A, D(2024, 9, 18)) for i in range(20)]
    rows += [screening(f"B0{i % 4}", VILLAGE_B, TOWN_B, D(2024, 9, 18)) for i in range(20)]
    with store.transaction() as cur:
        store.insert_frame(cur, "screenings", pd.DataFrame(rows).assign(screener="忙碌员"), SCREENING_COLUMNS)


def test_a_screeners_day_over_the_limit_is_flagged_in_a_town_that_saw_only_half(known_store, settings):
    _busy_screener(known_store)
    town = reports.screener_report(known_store, settings, Scope.town("210311", TOWN_B), D(2024, 9, 18))
    busy = town.summary.set_index("screener").loc["忙碌员"]
    assert busy.home_visits == 20 and busy.max_home_visits == 20  # only the town's own figures
    assert busy.over_limit_days == [D(2024, 9, 18)] and busy.days_over_limit == 1
    assert town.matrix.columns.tolist() == [VILLAGE_B]  # nothing of the other town


def test_a_store_from_before_screener_days_gets_the_table_filled_when_opened(tmp_path, settings):
    path = tmp_path / "old.duckdb"
    build_known_store(path, settings)
    store = Store(path)
    with store.transaction(refresh=False) as cur:
        cur.execute("DROP TABLE screener_days")
        cur.execute("DROP TABLE key_assessments")
        cur.execute("INSERT INTO screenings SELECT * REPLACE ('village_assessment' AS method, DATE '2024-09-11' AS "
                    "screened_on) FROM screenings WHERE household_id = 'A01'")
    store_module.close_all()
    reopened = Store(path)
    assert reopened.count("screener_days") == 8  # seven days in village A, Saturday 9-14 in B
    assert reopened.count("key_assessments") == 1  # A01, now also assessed by the village


def test_the_village_report_on_the_known_store(known_store, settings):
    r = reports.village_report(known_store, settings, Scope.town("210311", TOWN_A), D(2024, 9, 12), D(2024, 9, 9))
    a = r.villages.set_index("code").loc[VILLAGE_A]
    assert (a.screened, a.screened_delta, a.key_phone_only) == (5, 2, 1)  # A04 9-10, A05 9-12
    assert a.required_rate == pytest.approx(1.0)  # 5 left over 9-13, 9-14, 9-18, 9-19, 9-20
    assert a.leaflet_pct == pytest.approx(40.0) and a.leaflet_screened_pct == pytest.approx(80.0)
    assert a.why == ("尚余 5 户，需每个工作日 1 户，近 5 个工作日日均 0.6 户，按此速度 9-26 完成；"
                     "8-28 至 9-06 停了 8 个工作日；1 户重点户仅电话问询；"
                     "明白纸只发到 4 户（占农户 40.0%，占已排查户 80.0%）；线上确认 1 户（占农户 10.0%，占已排查户 20.0%）")
    assert r.total["code"] == TOWN_A and r.total_since["screened"] == 3


def test_changes_cover_every_town_and_village_of_the_scope(known_store, settings):
    c = reports.changes(known_store, settings, DISTRICT, D(2024, 9, 14), D(2024, 9, 12)).set_index("code")
    assert c.loc[TOWN_B, "screened_delta"] == 2 and c.loc[VILLAGE_A, "screened_delta"] == 1  # A06 on 9-13
    assert c.loc[VILLAGE_B, ["status_before", "status_after"]].tolist() == ["not_started", "severely_lagging"]
    assert set(c["level"]) == {"town", "village"}


# The village counts as they were computed before village_days: every household and its first
# events, straight from the roster and the records. Kept here as the reference.
_PLAIN_VILLAGE_COUNTS = """
    WITH firsts AS (
        SELECT s.household_id, min(s.screened_on) AS first_on,
               min(s.screened_on) FILTER (WHERE s.method = 'home_visit') AS first_home_on,
               min(s.screened_on) FILTER (WHERE s.result = 'propose_monitoring') AS first_propose_on,
               min(s.screened_on) FILTER (WHERE s.leaflet_given) AS first_leaflet_on,
               min(greatest(s.screened_on, s.confirmed_online_on))
                   FILTER (WHERE s.confirmed_online_on IS NOT NULL) AS first_confirmed_on
        FROM screenings s GROUP BY 1)
    SELECT h.village_code, count(*) AS households, count(*) FILTER (WHERE {key}) AS key_households,
           count(*) FILTER (WHERE f.first_on <= ?) AS screened,
           count(*) FILTER (WHERE {key} AND f.first_home_on <= ?) AS key_home_visited,
           count(*) FILTER (WHERE {key} AND f.first_on <= ?) AS key_screened,
           count(*) FILTER (WHERE f.first_propose_on <= ?) AS proposed,
           count(*) FILTER (WHERE f.first_leaflet_on <= ?) AS leaflet,
           count(*) FILTER (WHERE f.first_confirmed_on <= ?) AS confirmed_online
    FROM households h LEFT JOIN firsts f USING (household_id)
    WHERE {where} GROUP BY 1 ORDER BY 1
"""


@pytest.mark.parametrize("town", [None, TOWN_A])
@pytest.mark.parametrize("as_of", [dt.date(2024, 8, 26), dt.date(2024, 9, 12), dt.date(2024, 9, 30)])
def test_village_facts_from_village_days_equal_the_roster_joined_to_its_records(demo_db_path, settings, town, as_of):
    store = Store(demo_db_path)
    scope = Scope.town(settings.district_code, town) if town else Scope.district(settings.district_code)
    where, params = store.scope_sql(scope, "h")
    plain = store.query(_PLAIN_VILLAGE_COUNTS.format(key=store_module.IS_KEY_SQL, where=where),
                        [as_of] * 6 + params).set_index("village_code")
    fast = store.village_facts(scope, as_of).set_index("village_code")
    fast = fast.loc[fast["households"] > 0, plain.columns]
    assert len(plain) > 0 and fast.index.tolist() == plain.index.tolist()
    assert (fast.astype("int64") == plain.astype("int64")).all().all()
