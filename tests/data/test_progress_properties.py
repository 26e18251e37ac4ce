"""Invariants of the progress figures over any as-of date, on the generated demo district."""

import datetime as dt

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from data_loaders.reports import progress_table
from data_loaders.store import Store
from paicha.scope import Scope

DAYS = st.dates(min_value=dt.date(2024, 8, 20), max_value=dt.date(2024, 10, 10))


@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=DAYS, second=DAYS)
def test_replaying_a_later_day_never_loses_a_screened_household(demo_db_path, settings, first, second):
    early, late = sorted((first, second))
    store = Store(demo_db_path)
    scope = Scope.district(settings.district_code)
    a = progress_table(store, settings, scope, early, "village").set_index("code")
    b = progress_table(store, settings, scope, late, "village").set_index("code")
    assert (b["screened"] >= a["screened"]).all()
    assert (b["key_home_visited"] >= a["key_home_visited"]).all()
    assert (b["expected"] >= a["expected"]).all()
    for frame in (a, b):
        assert (frame["screened"] <= frame["households"]).all()
        assert ((frame["expected"] >= 0) & (frame["expected"] <= frame["households"])).all()
        assert (frame["key_home_visited"] <= frame["key_households"]).all()
        assert ((frame["lag"] - (frame["expected"] - frame["screened"])).abs() < 0.11).all()


@hsettings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=DAYS)
def test_towns_add_up_to_the_district(demo_db_path, settings, day):
    store = Store(demo_db_path)
    scope = Scope.district(settings.district_code)
    towns = progress_table(store, settings, scope, day, "town")
    district = progress_table(store, settings, scope, day, "district").iloc[0]
    for column in ("households", "screened", "key_households", "key_home_visited", "proposed"):
        assert towns[column].sum() == district[column]
