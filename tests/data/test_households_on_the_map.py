"""The risk map's 应纳未纳 figures are the households page's: per village equal to the list's count
for that village, in the user's scope and as of the date; the heat layer's 应纳未纳 subject draws
the same households."""

from __future__ import annotations

import datetime as dt

import pytest

from data_loaders import exposure
from data_loaders import households as H
from data_loaders.store import Store
from paicha.household_lists import ListFilters, ListRequest
from paicha.scope import Scope
from paicha.vocab import HeatSubject, HouseholdList, MapMeasure
from ui.maps.measures import MEASURES, classify
from ui.tables.risk import village_table

DATES = [dt.date(2024, 9, 3), dt.date(2024, 9, 20)]


@pytest.fixture
def store(demo_db_path):
    return Store(demo_db_path, read_only=True)


def district(settings) -> Scope:
    return Scope.district(settings.district_code)


def list_count(store, settings, scope, as_of, village_code) -> int:
    """What the households page shows as the 应纳未纳 count with the village filter set."""
    return H.counts(store, settings, scope, as_of, ListFilters(village_code=village_code)).should_monitor


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_the_maps_candidates_of_every_village_equal_the_households_lists_count_for_it(store, settings, as_of):
    villages = exposure.village_measures(store, settings, district(settings), as_of)
    figures = dict(zip(villages["village_code"], villages["should_monitor"], strict=True))
    assert sum(figures.values()) > 0  # the demo district has candidates: the comparison is not 0 == 0
    assert figures == {code: list_count(store, settings, district(settings), as_of, code) for code in figures}
    assert sum(figures.values()) == H.counts(store, settings, district(settings), as_of, ListFilters()).should_monitor


def test_the_villages_figure_is_the_length_of_its_list(store, settings):
    as_of = DATES[1]
    villages = exposure.village_measures(store, settings, district(settings), as_of)
    top = villages.sort_values(["should_monitor", "village_code"], ascending=[False, True]).iloc[0]
    request = ListRequest(HouseholdList.should_monitor, ListFilters(village_code=top.village_code))
    listed = H.household_page(store, settings, district(settings), as_of, request, None, 20_000, 0, False)
    assert len(listed) == top.should_monitor > 0
    assert set(listed["village_code"]) == {top.village_code}
    assert all(len(rules) > 0 for rules in listed["rules"])


def test_a_town_supervisors_map_counts_its_own_villages_as_the_district_does(store, settings):
    as_of = DATES[1]
    whole = exposure.village_measures(store, settings, district(settings), as_of).set_index("village_code")
    town_code = whole.groupby("town_code")["should_monitor"].sum().idxmax()
    town = Scope.town(settings.district_code, town_code)
    own = exposure.village_measures(store, settings, town, as_of).set_index("village_code")
    assert set(own["town_code"]) == {town_code}
    assert set(own.index) == set(whole.index[whole["town_code"] == town_code])
    assert own["should_monitor"].to_dict() == whole.loc[own.index, "should_monitor"].to_dict()
    assert own["should_monitor"].to_dict() == {code: list_count(store, settings, town, as_of, code) for code in own.index}


def test_the_candidates_follow_the_as_of_date(store, settings):
    # Proposals ageing past the configured working days, and identifications by the date, move
    # the figures; the map moves with the list.
    early, late = (exposure.village_measures(store, settings, district(settings), d)["should_monitor"].sum()
                   for d in DATES)
    assert (early, late) == tuple(H.counts(store, settings, district(settings), d, ListFilters()).should_monitor
                                  for d in DATES)
    assert early != late


def test_the_measure_colours_the_villages_and_heads_its_column_in_the_table(store, settings):
    view = exposure.risk_view(store, settings, district(settings), DATES[1], exposure.ALL_KINDS, ())
    spec = MEASURES[MapMeasure.should_monitor]
    classes = classify(view.villages, spec)
    assert len(classes.fills) == len(view.villages) and len(classes.entries) > 2
    table = village_table(view.villages, view.zones, spec)
    column = table[MapMeasure.should_monitor.label].tolist()
    assert column == sorted(column, reverse=True)  # worst first by the chosen measure
    assert sum(column) == view.villages["should_monitor"].sum()


def _ids(store, settings, scope, as_of, which: HouseholdList) -> set[str]:
    rows = H.ordered_households(store, settings, scope, as_of, ListRequest(which), None, 20_000)
    return set(rows["household_id"])


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_the_heat_layers_candidates_are_the_lists_households_counted_once_with_other_subjects(store, settings, as_of):
    scope = district(settings)
    candidates = _ids(store, settings, scope, as_of, HouseholdList.should_monitor)
    unscreened = _ids(store, settings, scope, as_of, HouseholdList.unscreened)
    only = exposure.heat_points(store, scope, as_of, [HeatSubject.should_monitor.value], (), 50_000, settings)
    assert only.households + only.unlocated == len(candidates) > 0
    both = exposure.heat_points(store, scope, as_of, [HeatSubject.unscreened.value, HeatSubject.should_monitor.value],
                                (), 50_000, settings)
    assert both.households + both.unlocated == len(candidates | unscreened)
    assert len(candidates & unscreened) > 0  # so counting once is tested, not assumed


def test_the_heat_layers_candidates_stay_in_the_scope(store, settings):
    as_of = DATES[1]
    whole = exposure.village_measures(store, settings, district(settings), as_of)
    town_code = whole["town_code"].iloc[0]
    town = Scope.town(settings.district_code, town_code)
    heat = exposure.heat_points(store, town, as_of, [HeatSubject.should_monitor.value], (), 50_000, settings)
    assert heat.households + heat.unlocated == int(whole.loc[whole["town_code"] == town_code, "should_monitor"].sum())


def test_the_candidates_subject_needs_the_settings_its_rules_are_cut_by(store, settings):
    with pytest.raises(ValueError):
        exposure.heat_points(store, district(settings), DATES[1], [HeatSubject.should_monitor.value], (), 100)
