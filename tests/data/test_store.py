"""The store's scoped counting queries on a small database built in code, and on a demo one."""

import datetime as dt

import pytest

from data_loaders.reports import overview, progress_table
from data_loaders.store import Store
from paicha.scope import Scope
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B

D = dt.date
AS_OF = D(2024, 9, 12)


def test_village_facts_count_first_screenings_on_or_before_the_as_of_date(known_store):
    f = known_store.village_facts(Scope.district("210311"), AS_OF).set_index("village_code")
    a = f.loc[VILLAGE_A]
    assert (a.households, a.key_households, a.screened, a.key_home_visited) == (10, 3, 5, 1)
    assert (a.proposed, a.leaflet, a.confirmed_online) == (1, 4, 1)
    assert (a.first_record_on, a.last_record_on) == (D(2024, 8, 26), D(2024, 9, 12))
    assert f.loc[VILLAGE_B].screened == 0
    assert len(f) == 64  # villages without households still appear, with zeros


def test_replay_of_a_later_day_sees_the_later_records(known_store):
    f = known_store.village_facts(Scope.district("210311"), D(2024, 9, 14)).set_index("village_code")
    assert f.loc[VILLAGE_A].screened == 6
    assert f.loc[VILLAGE_B].screened == 2


def test_town_scope_never_returns_another_towns_rows(known_store):
    scope = Scope.town("210311", TOWN_A)
    assert set(known_store.village_facts(scope, AS_OF)["town_code"]) == {TOWN_A}
    assert set(known_store.daily_first_screenings(scope, D(2024, 9, 30))["village_code"]) == {VILLAGE_A}
    assert known_store.milestones(scope)["town_code"].tolist() == [TOWN_A]


@pytest.mark.parametrize("scope", [Scope.empty(), Scope.town("210311", "999999999000")])
def test_empty_or_unknown_scope_returns_no_rows(known_store, scope):
    assert known_store.village_facts(scope, AS_OF).empty
    assert known_store.daily_first_screenings(scope, AS_OF).empty
    assert known_store.milestones(scope).empty


def test_progress_for_the_district_matches_the_hand_computation(known_store, settings):
    row = progress_table(known_store, settings, Scope.district("210311"), AS_OF, "district").iloc[0]
    assert (row.households, row.screened, row.key_households, row.key_home_visited) == (14, 5, 4, 1)
    assert row.expected == pytest.approx(14 * 14 / 19, abs=0.05)
    village = progress_table(known_store, settings, Scope.district("210311"), AS_OF, "village").set_index("code")
    a = village.loc[VILLAGE_A]
    assert a.recent_rate == pytest.approx(0.6)  # A03 9-09, A04 9-10, A05 9-12 over 5 working days
    assert a.projected_finish == D(2024, 9, 26)  # ceil(5 / 0.6) = 9 working days after 9-12
    assert a.span_workdays == 14
    assert a.status == "severely_lagging"
    assert village.loc[VILLAGE_B].status == "not_started"


def test_overview_lights_and_changes(known_store, settings):
    ov = overview(known_store, settings, Scope.district("210311"), AS_OF)
    assert ov.since == D(2024, 9, 11)  # the previous working day unless another date is given
    assert ov.district.screened - ov.previous.screened == 1  # A05 on 9-12
    lights = ov.lights.set_index("town_code")
    assert lights.loc[TOWN_A, "plan_training"] == "green"
    assert lights.loc[TOWN_B, "plan_training"] == "amber"  # trained 8-27
    assert lights.loc[TOWN_A, "report"] == "grey"  # submitted 9-21: not yet on 9-12
    assert ov.behind["code"].tolist() == [VILLAGE_B, VILLAGE_A]  # lag 2.9 and 2.4 households


def test_a_failed_transaction_leaves_nothing_and_keeps_the_version(known_store):
    before = (known_store.count("households"), known_store.data_version())
    with pytest.raises(RuntimeError), known_store.transaction() as cur:
        cur.execute("DELETE FROM households")
        raise RuntimeError("boom")
    assert (known_store.count("households"), known_store.data_version()) == before


def test_demo_district_is_realistic(demo_db_path, settings):
    store = Store(demo_db_path)
    assert store.is_demo()
    n = store.count("households")
    assert n == 2000
    key_share = store.query("SELECT avg(CASE WHEN kg_new_dibao OR kg_dispersed_tekun OR kg_large_temp_aid "
                            "OR kg_severe_disability OR kg_serious_illness OR kg_mental_disorder "
                            "OR kg_rejected_application THEN 1 ELSE 0 END) AS s FROM households")["s"][0]
    assert 0.03 < key_share < 0.07
    bad_ids = store.query("SELECT head_id_number FROM households")["head_id_number"]
    from paicha.idnumber import is_valid
    assert all(is_valid(x) for x in bad_ids)
    # households lie inside their village's polygon
    import shapely
    div = store.divisions(Scope.district("210311"), with_geometry=True).set_index("village_code")
    # Every 10th household (by id), in SQL both engines speak.
    hh = store.query("SELECT village_code, lon, lat FROM households ORDER BY household_id")[::10]
    inside = [shapely.contains_xy(shapely.from_geojson(div.loc[r.village_code, "geometry"]), r.lon, r.lat)
              for r in hh.itertuples()]
    assert all(inside)
    # some villages start after the latest start date; some key households were not visited at home
    first = store.query("SELECT village_code, min(screened_on) AS f FROM screenings GROUP BY 1")
    assert (first["f"].dt.date > D(2024, 9, 6)).any()
    assert store.query("SELECT count(*) AS n FROM household_hazards WHERE kind = 'flood'")["n"][0] > 0


def test_demo_is_deterministic_from_its_seed(tmp_path, settings):
    from data_loaders.demo import build_demo
    sums = []
    for name in ("a", "b"):
        s = Store.create(tmp_path / f"{name}.duckdb", demo=True)
        build_demo(s, settings, households=300, seed=11)
        sums.append(s.query("SELECT md5(string_agg(household_id || head_id_number || screened_on, ',' "
                            "ORDER BY household_id, screened_on, method)) AS h FROM households "
                            "JOIN screenings USING (household_id)")["h"][0])
    assert sums[0] == sums[1]
