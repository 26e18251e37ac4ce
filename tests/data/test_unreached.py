"""The drill-down lists of unreached households (moved off 村级进度 to the 农户清单 page): masked by
default, confined to the scope, unmasked only when asked."""

import datetime as dt

from data_loaders.reports import unreached_page
from paicha.scope import Scope
from tests.conftest import TOWN_B

AS_OF = dt.date(2024, 9, 12)


def test_lists_show_unscreened_and_key_households_masked(known_store):
    unscreened, total = unreached_page(known_store, Scope.district("210311"), AS_OF, None, "unscreened", 0, 50, False)
    key, _ = unreached_page(known_store, Scope.district("210311"), AS_OF, None, "key_not_home", 0, 50, False)
    # 14 households, 5 screened by 9-12 → 9 unscreened; key A01 (phone only), A02, B00 not visited at home
    assert len(unscreened) == 9 and total == 9
    assert sorted(key["household_id"]) == ["A01", "A02", "B00"]
    assert set(unscreened["head_id_number"]) == {"110105********002X"}
    assert set(unscreened["phone"]) == {"138****2565"}


def test_town_supervisor_lists_hold_only_their_town(known_store):
    scope = Scope.town("210311", TOWN_B)
    unscreened, _ = unreached_page(known_store, scope, AS_OF, None, "unscreened", 0, 50, False)
    key, _ = unreached_page(known_store, scope, AS_OF, None, "key_not_home", 0, 50, False)
    assert set(unscreened["household_id"]) == {"B00", "B01", "B02", "B03"}
    assert key["household_id"].tolist() == ["B00"]


def test_unmasked_lists_carry_the_full_numbers(known_store):
    unscreened, _ = unreached_page(known_store, Scope.district("210311"), AS_OF, None, "unscreened", 0, 50, True)
    assert set(unscreened["head_id_number"]) == {"11010519491231002X"}
