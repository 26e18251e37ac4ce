"""The lists of unreached households (on the 农户清单 page, linked from 村级进度): masked by
default, confined to the scope, unmasked only when asked."""

import datetime as dt

from data_loaders import households
from paicha.household_lists import ListRequest
from paicha.scope import Scope
from paicha.vocab import HouseholdList
from tests.conftest import TOWN_B

AS_OF = dt.date(2024, 9, 12)


def page(store, settings, scope, which, unmasked=False):
    return households.household_page(store, settings, scope, AS_OF, ListRequest(which), None, 50, 0, unmasked)


def test_lists_show_unscreened_and_key_households_masked(known_store, settings):
    district = Scope.district("210311")
    unscreened = page(known_store, settings, district, HouseholdList.unscreened)
    key = page(known_store, settings, district, HouseholdList.key_not_home)
    total = households.counts(known_store, settings, district, AS_OF, ListRequest().filters)
    # 14 households, 5 screened by 9-12 → 9 unscreened; key A01 (phone only), A02, B00 not visited at home
    assert len(unscreened) == 9 and total.unscreened == 9
    assert sorted(key["household_id"]) == ["A01", "A02", "B00"]
    assert set(unscreened["head_id_number"]) == {"110105********002X"}
    assert set(unscreened["phone"]) == {"138****2565"}


def test_town_supervisor_lists_hold_only_their_town(known_store, settings):
    scope = Scope.town("210311", TOWN_B)
    unscreened = page(known_store, settings, scope, HouseholdList.unscreened)
    key = page(known_store, settings, scope, HouseholdList.key_not_home)
    assert set(unscreened["household_id"]) == {"B00", "B01", "B02", "B03"}
    assert key["household_id"].tolist() == ["B00"]


def test_unmasked_lists_carry_the_full_numbers(known_store, settings):
    unscreened = page(known_store, settings, Scope.district("210311"), HouseholdList.unscreened, unmasked=True)
    assert set(unscreened["head_id_number"]) == {"11010519491231002X"}
