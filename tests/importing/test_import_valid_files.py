"""Messy but valid files import to exactly the synthetic data they were written from."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_loaders.importing import ImportKind, import_file
from data_loaders.store import SCREENING_COLUMNS
from paicha.vocab import KeyGroup
from tests.importing.conftest import FILES
from tests.importing.synthetic_import_data import screenings

BASIC_COLUMNS = ["household_id", "head_name", "head_id_number", "town_code", "village_code",
                 "members", "is_former_poor", "monitor_type", "per_capita_income"]


def stored(store, table: str, key: str) -> pd.DataFrame:
    return store.query(f"SELECT * FROM {table} ORDER BY {key}").reset_index(drop=True)


def assert_same_rows(actual: pd.DataFrame, expected: pd.DataFrame, columns: list[str]) -> None:
    left = actual[columns].reset_index(drop=True).astype(object)
    right = expected[columns].reset_index(drop=True).astype(object)
    pd.testing.assert_frame_equal(left, right, check_dtype=False, check_exact=False, rtol=1e-12)


def import_fixture(store, settings, name, **kwargs):
    report = import_file(store, name, (FILES / name).read_bytes(), settings=settings, user="t", **kwargs)
    assert report.ok, [e.as_dict() for e in report.errors]
    assert report.applied
    return report


@pytest.mark.parametrize(("name", "start", "n", "columns"), [
    ("gbk_encoded_roster.csv", 5, 6, BASIC_COLUMNS),
    ("title_rows_and_merged_header.xlsx", 11, 6, BASIC_COLUMNS[:7]),
    ("total_row_and_fullwidth.xlsx", 17, 5, BASIC_COLUMNS),
    ("roster.xls", 22, 5, BASIC_COLUMNS),
    ("excel_unicode_text_roster.txt", 51, 5, BASIC_COLUMNS),
    ("messy_roster_export.xlsx", 27, 10, [
        *BASIC_COLUMNS, "phone", "compliant_oop_spending", "lon", "lat",
        KeyGroup.severe_disability.column, "problem_housing"]),
])
def test_roster_file_imports_to_the_synthetic_roster(store, settings, roster, name, start, n, columns):
    report = import_fixture(store, settings, name)
    assert (report.kind, report.rows, report.new, report.changed) == (ImportKind.households, n, n, 0)
    expected = roster.iloc[start:start + n].sort_values("household_id")
    assert_same_rows(stored(store, "households", "household_id"), expected, columns)
    # The households' places were resolved to codes, never left as typed names.
    assert store.query("SELECT count(*) AS n FROM households h JOIN divisions d "
                       "USING (village_code, town_code)")["n"][0] == n


def test_total_row_is_dropped_not_reported(store, settings):
    report = import_fixture(store, settings, "total_row_and_fullwidth.xlsx")
    assert report.rows == 5 and not report.errors


def test_messy_screenings_import_every_date_form(roster_store, settings, roster):
    report = import_fixture(roster_store, settings, "messy_screenings_export.xlsx")
    assert (report.kind, report.rows, report.new) == (ImportKind.screenings, 12, 12)
    expected = screenings(settings, roster).iloc[5:17]
    key = ["household_id", "screened_on", "method", "screener"]
    actual = stored(roster_store, "screenings", ", ".join(key))
    actual["screened_on"] = pd.to_datetime(actual["screened_on"]).dt.date
    actual["confirmed_online_on"] = [None if pd.isna(d) else d.date()
                                     for d in pd.to_datetime(actual["confirmed_online_on"])]
    assert_same_rows(actual, expected.sort_values(key), [c for c in SCREENING_COLUMNS
                                                          if c not in ("lon", "lat")])


def test_department_list_sets_flags_by_household_id_or_id_number(roster_store, settings, roster):
    before = stored(roster_store, "households", "household_id").set_index("household_id")
    report = import_fixture(roster_store, settings, "messy_key_group_list.csv")
    after = stored(roster_store, "households", "household_id").set_index("household_id")
    listed = roster.iloc[40:46]["household_id"].tolist()
    groups = [KeyGroup.new_dibao, KeyGroup.dispersed_tekun, KeyGroup.serious_illness,
              KeyGroup.mental_disorder, KeyGroup.severe_disability, KeyGroup.new_dibao]
    for household, group in zip(listed, groups, strict=True):
        assert after.at[household, group.column]
    flipped = sum(not before.at[h, g.column] for h, g in zip(listed, groups, strict=True))
    assert (report.kind, report.changed, report.unchanged) == (ImportKind.key_groups, flipped, 6 - flipped)
    # Nothing else moved: only False→True on the listed pairs.
    # (A column both frames hold empty, such as a roster's unset identification date, is unchanged.)
    diff = (before.ne(after) & ~(before.isna() & after.isna())).sum().sum()
    assert diff == flipped


def test_messy_milestones(store, settings):
    import_fixture(store, settings, "messy_milestones.xlsx")
    frame = stored(store, "milestones", "town_code").set_index("town_code")
    for col in ("plan_done_on", "training_done_on", "report_submitted_on"):
        frame[col] = [None if pd.isna(d) else d.date() for d in pd.to_datetime(frame[col])]
    frame["report_approved"] = [None if pd.isna(v) else bool(v) for v in frame["report_approved"]]
    d = dt.date
    assert frame.loc["210311006000"].tolist() == [d(2024, 8, 20), d(2024, 8, 22), d(2024, 9, 21), True]
    assert frame.loc["210311007000"].tolist() == [d(2024, 8, 19), d(2024, 8, 23), None, None]
    assert frame.loc["210311102000"].tolist() == [d(2024, 8, 21), d(2024, 8, 23), d(2024, 9, 23), True]
    assert frame.loc["210311103000"].tolist() == [d(2024, 8, 19), d(2024, 8, 21), None, False]
    assert len(frame) == 4


@pytest.mark.parametrize("name", ["flood_zones.geojson", "flood_zones_utm.zip"])
def test_flood_zones_mark_the_households_inside(roster_store, settings, roster, name):
    report = import_fixture(roster_store, settings, name)
    assert (report.kind, report.rows, report.new) == (ImportKind.hazards, 2, 2)
    zones = stored(roster_store, "hazard_zones", "zone_id")
    assert zones["zone_id"].tolist() == ["FLOOD-001", "FLOOD-002"]
    assert set(zones["kind"]) == {"flood"} and zones["level"].tolist() == ["high", "medium"]
    assert set(zones["crs"]) == {"EPSG:4326"}
    assert zones["source"].str.startswith(name).all()
    if name.endswith(".zip"):
        assert zones["source"].str.contains("EPSG:32651").all()  # reprojected from UTM 51N
    exposed = stored(roster_store, "household_hazards", "zone_id, household_id")
    pairs = set(zip(exposed["zone_id"], exposed["household_id"], strict=True))
    assert {("FLOOD-001", roster["household_id"][0]), ("FLOOD-002", roster["household_id"][1])} <= pairs


def test_reimporting_a_layer_replaces_its_zones(roster_store, settings):
    import_fixture(roster_store, settings, "flood_zones.geojson")
    report = import_fixture(roster_store, settings, "flood_zones_utm.zip")
    assert report.new == 0 and report.changed + report.unchanged == 2
    assert roster_store.count("hazard_zones") == 2
    n = roster_store.count("household_hazards")
    import_fixture(roster_store, settings, "flood_zones.geojson")
    assert roster_store.count("household_hazards") == n
