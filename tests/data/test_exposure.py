"""Exposure counts on a hand-made polygon set, the heat and key-household point sets, and
hazard indicators imported with a layer."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from data_loaders import exposure
from data_loaders.importing import import_files
from data_loaders.importing.apply import recompute_exposures
from paicha.scope import Scope
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B

D = dt.date(2024, 9, 12)
BOX = [[122.90, 40.99], [122.93, 40.99], [122.93, 41.02], [122.90, 41.02], [122.90, 40.99]]


def place(store, positions: dict[str, tuple[float, float]]) -> None:
    with store.transaction() as cur:
        for hid, (lon, lat) in positions.items():
            cur.execute("UPDATE households SET lon = ?, lat = ? WHERE household_id = ?", [lon, lat, hid])


@pytest.fixture
def zoned(known_store):
    """A00–A04 inside a flood square, A05–A09 outside, B00 inside a drought zone of village B."""
    inside = {f"A0{i}": (122.91 + 0.002 * i, 41.0) for i in range(5)}
    outside = {f"A0{i}": (122.99, 41.05) for i in range(5, 10)}
    place(known_store, inside | outside | {"B00": (122.95, 40.95)})
    columns = "(zone_id, kind, level, name, village_code, source, crs, geometry, indicator, indicator_name, observed_on)"
    drought = [[122.94, 40.94], [122.96, 40.94], [122.96, 40.96], [122.94, 40.96], [122.94, 40.94]]
    # A refreshing transaction, as every import of zones is: the derived household facts carry exposures.
    with known_store.transaction() as cur:
        cur.execute(f"INSERT INTO hazard_zones {columns} VALUES ('f1', 'flood', 'high', '河边', NULL, '测试', 'WGS-84', ?, "
                    "NULL, NULL, DATE '2024-07-31')", [json.dumps({"type": "Polygon", "coordinates": [BOX]})])
        cur.execute(f"INSERT INTO hazard_zones {columns} VALUES ('w1', 'water_shortage', 'medium', '缺水', ?, '水利局', "
                    "'WGS-84', ?, 41.0, '缺水天数(天)', DATE '2024-08-15')",
                    [VILLAGE_B, json.dumps({"type": "Polygon", "coordinates": [drought]})])
        recompute_exposures(cur)
    return known_store


def test_exposure_counts_follow_the_polygons_and_the_screening_state(zoned, settings):
    frame = exposure.village_measures(zoned, settings, Scope.district(settings.district_code), D).set_index("village_code")
    a, b = frame.loc[VILLAGE_A], frame.loc[VILLAGE_B]
    # A00..A04 in the flood square: A02 unscreened (key, no record); A00, A01, A03, A04 screened by 9-12.
    assert (a.exposed, a.exposed_unscreened, a.exposed_key_not_home) == (5, 1, 2)  # A01 only by phone, A02 nothing
    assert (b.exposed, b.exposed_unscreened, b.exposed_key_not_home) == (1, 1, 1)  # B00: key, screened 9-14
    assert (a.households, a.screened, a.key_not_home) == (10, 5, 2)
    only_flood = exposure.village_measures(zoned, settings, Scope.district(settings.district_code), D, ("flood",))
    assert only_flood.set_index("village_code").loc[VILLAGE_B, "exposed"] == 0


def test_a_town_scope_sees_only_its_villages_and_zones(zoned, settings):
    town = Scope.town(settings.district_code, TOWN_B)
    frame = exposure.village_measures(zoned, settings, town, D)
    assert set(frame["town_code"]) == {TOWN_B} and VILLAGE_A not in set(frame["village_code"])
    assert exposure.hazard_layers(zoned, town)["zone_id"].tolist() == ["w1"]
    assert exposure.heat_points(zoned, town, D, ["unscreened"], exposure.ALL_KINDS, 100).households == 4
    assert exposure.hazard_layers(zoned, Scope.empty()).empty


def test_heat_households_count_once_and_are_summed_on_a_grid_past_the_cap(zoned, settings):
    scope = Scope.town(settings.district_code, TOWN_A)
    # Unscreened on 9-12: A02 and A06..A09; key not at home: A01, A02. Union: 6 households.
    exact = exposure.heat_points(zoned, scope, D, ["unscreened", "key_not_home"], (), 100)
    # A06..A09 live on one spot: one position weighing 4, so nobody is dropped and nothing doubles.
    assert (exact.households, exact.aggregated, int(exact.weight.sum()), len(exact.x)) == (6, False, 6, 3)
    assert sorted(exact.weight.tolist()) == [1, 1, 4]
    summed = exposure.heat_points(zoned, scope, D, ["unscreened", "key_not_home"], (), 4)
    assert summed.aggregated and summed.steps == 2 and int(summed.weight.sum()) == 6 and len(summed.x) <= 4
    assert summed.cell_metres > exact.cell_metres * 1000
    exposed = exposure.heat_points(zoned, scope, D, ["exposed"], ("flood",), 100)
    assert exposed.households == 5
    lon, _ = exact.lonlat()
    assert lon.min() == pytest.approx(122.912, abs=1e-5)  # A01, the westernmost of them, within a metre


def test_key_households_not_visited_are_masked_rows_or_per_village_counts(zoned, settings):
    scope = Scope.district(settings.district_code)
    villages = exposure.village_measures(zoned, settings, scope, D)
    key = exposure.key_not_home(zoned, scope, D, 10, villages)
    assert sorted(key.points["household_id"]) == ["A01", "A02", "B00"] and not key.aggregated
    assert set(key.points["head_name"]) == {"测***"} and "head_id_number" not in key.points
    assert set(key.points["groups"]) == {8}  # 重度残疾人, the fourth key group
    capped = exposure.key_not_home(zoned, scope, D, 2, villages)
    assert capped.aggregated and capped.points.empty and capped.total == 3
    assert dict(zip(capped.per_village["village_code"], capped.per_village["key_not_home"], strict=True)) == {
        VILLAGE_A: 2, VILLAGE_B: 1}


def test_village_hazards_carry_indicator_source_and_date(zoned, settings):
    hazards = exposure.village_hazards(exposure.hazard_layers(zoned, Scope.district(settings.district_code)))
    assert hazards[VILLAGE_B] == [{"kind": "water_shortage", "zone_id": "w1", "name": "缺水", "level": "medium",
                                   "indicator": 41.0, "indicator_name": "缺水天数(天)", "source": "水利局",
                                   "observed_on": dt.date(2024, 8, 15)}]


def layer(properties: dict) -> bytes:
    feature = {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [BOX]}}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False).encode()


def test_a_village_hazard_is_imported_with_its_indicator_meaning_source_and_date(known_store, settings):
    content = layer({"编号": "p1", "灾害类型": "农产品价格低迷", "村(社区)": "甘泉村", "乡镇": "甘泉镇",
                     "指标值": "23.5%", "指标名称": "价格降幅(%)", "数据来源": "区农业农村局", "数据日期": "2024/8/31"})
    report = import_files(known_store, [("prices.geojson", content)], settings=settings, user="test")
    assert report.ok, report.errors
    zone = exposure.hazard_layers(known_store, Scope.district(settings.district_code)).iloc[0]
    assert (zone.indicator, zone.indicator_name, zone.source, zone.observed_on) == (
        23.5, "价格降幅(%)", "区农业农村局", dt.date(2024, 8, 31))


def test_a_village_hazard_without_its_indicator_is_refused_at_its_feature(known_store, settings):
    content = layer({"编号": "u1", "灾害类型": "务工就业不稳", "村(社区)": "甘泉村"})
    report = import_files(known_store, [("jobs.geojson", content)], settings=settings, user="test")
    assert not report.ok and known_store.count("hazard_zones") == 0
    (issue,) = report.errors
    assert (issue.file, issue.row, issue.column) == ("jobs.geojson", 1, "指标值")
    assert "务工就业不稳" in issue.message and "指标名称" in issue.message


def test_an_indicator_without_its_meaning_is_refused(known_store, settings):
    content = layer({"编号": "w9", "灾害类型": "季节性缺水", "村(社区)": "甘泉村", "指标值": "abc"})
    report = import_files(known_store, [("water.geojson", content)], settings=settings, user="test")
    assert not report.ok
    assert {i.column for i in report.errors} == {"指标值"} and "应为数字" in report.errors[0].message


# The risk map reads household_facts; these are the statements it replaced, written plainly over
# the roster, household_status and household_hazards, as the reference the fast path must equal.
def _reference_exposure(store, scope, day, kinds):
    where, params = store.scope_sql(scope, "h")
    marks = ", ".join("?" for _ in kinds)
    return store.query(f"""
        SELECT h.village_code, count(*) AS exposed,
               count(*) FILTER (WHERE s.first_on IS NULL OR s.first_on > ?) AS exposed_unscreened,
               count(*) FILTER (WHERE {exposure.IS_KEY_SQL} AND (s.first_home_on IS NULL OR s.first_home_on > ?))
                   AS exposed_key_not_home
        FROM households h LEFT JOIN household_status s USING (household_id)
        WHERE {where} AND h.household_id IN (SELECT household_id FROM household_hazards WHERE kind IN ({marks}))
        GROUP BY 1 ORDER BY 1""", [day, day, *params, *kinds])


def _reference_heat(store, scope, day, kinds):
    """Located households unscreened, key and not visited at home, or exposed: id and position."""
    where, params = store.scope_sql(scope, "h")
    marks = ", ".join("?" for _ in kinds) or "NULL"
    return store.query(f"""
        SELECT h.household_id, h.lon, h.lat FROM households h LEFT JOIN household_status s USING (household_id)
        WHERE {where} AND h.lon IS NOT NULL AND h.lat IS NOT NULL
          AND ((s.first_on IS NULL OR s.first_on > ?)
               OR ({exposure.IS_KEY_SQL} AND (s.first_home_on IS NULL OR s.first_home_on > ?))
               OR h.household_id IN (SELECT household_id FROM household_hazards WHERE kind IN ({marks})))
        ORDER BY 1""", [*params, day, day, *kinds])


@pytest.mark.parametrize("day", [dt.date(2024, 8, 26), D, dt.date(2024, 9, 30)])
@pytest.mark.parametrize("kinds", [exposure.ALL_KINDS, ("flood",)])
def test_the_map_from_household_facts_equals_the_roster_joined_to_its_records(demo_db_path, settings, day, kinds):
    from data_loaders.store import Store

    store = Store(demo_db_path)
    towns = store.towns(Scope.district(settings.district_code))["town_code"]
    for scope in [Scope.district(settings.district_code), Scope.town(settings.district_code, towns.iloc[0])]:
        fast = exposure._village_exposure(store, scope, day, kinds).reset_index(drop=True)
        assert len(fast) and fast.equals(_reference_exposure(store, scope, day, kinds)), (scope, day)
        reference = _reference_heat(store, scope, day, kinds)
        heat = exposure.heat_points(store, scope, day, ["unscreened", "key_not_home", "exposed"], kinds, 10**6)
        assert not heat.aggregated and heat.households == len(reference) > 0
        # Same households at the same places (on the point set's grid), each counted once.
        minx, miny, maxx, maxy = heat.bounds
        qx = np.minimum(np.floor((reference["lon"] - minx) / (maxx - minx) * heat.steps), heat.steps - 1)
        qy = np.minimum(np.floor((reference["lat"] - miny) / (maxy - miny) * heat.steps), heat.steps - 1)
        want = sorted(zip(qx.astype(int), qy.astype(int), strict=True))
        got = sorted(zip(heat.x.astype(int).repeat(heat.weight), heat.y.astype(int).repeat(heat.weight), strict=True))
        assert got == want
