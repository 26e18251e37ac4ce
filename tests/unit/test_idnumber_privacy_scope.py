"""ID check digits, masking and the scope object."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from paicha.access import User, scope_for
from paicha.config import load_settings
from paicha.idnumber import check_char, is_valid, synthetic_ids
from paicha.privacy import mask_frame, mask_id, mask_phone
from paicha.scope import Scope
from paicha.vocab import Role


def test_check_char_of_the_standard_example_is_x():
    assert check_char("11010519491231002") == "X"
    assert is_valid("11010519491231002X") and is_valid("11010519491231002x")
    assert not is_valid("110105194912310021")


def test_id_stored_as_number_is_not_valid():
    assert not is_valid(2.10311197001e17)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=20000), st.integers(min_value=0, max_value=999))
def test_synthetic_ids_always_carry_a_valid_check_character(days, serial):
    birth = np.array([np.datetime64("1940-01-01") + np.timedelta64(days, "D")])
    (number,) = synthetic_ids("210311", birth, np.array([serial]))
    assert len(number) == 18 and is_valid(number)


def test_masks_keep_first_six_and_last_four_of_an_id_and_3_4_of_a_phone():
    assert mask_id("210311197001020051") == "210311********0051"
    assert mask_phone("13800002565") == "138****2565"


def test_mask_frame_masks_unless_unmasked():
    import pandas as pd
    f = pd.DataFrame({"head_id_number": ["210311197001020051"], "phone": ["13800002565"]})
    assert mask_frame(f).iloc[0].tolist() == ["210311********0051", "138****2565"]
    assert mask_frame(f, unmasked=True).iloc[0].tolist() == ["210311197001020051", "13800002565"]


def test_empty_scope_admits_nothing_and_town_scope_only_its_town():
    assert not Scope.empty().admits_town("210311006000")
    town = Scope.town("210311", "210311006000")
    assert town.admits_town("210311006000") and not town.admits_town("210311007000")
    assert Scope.district("210311").admits_town("210311104000")


def test_signed_out_user_gets_the_empty_scope_and_town_users_their_town():
    district = load_settings().district_code
    assert scope_for(None, district).is_empty
    datun = User.of_role("datun", "大屯镇督导员", Role.supervisor, "210311103000")
    assert scope_for(datun, district).town_code == "210311103000"
    assert scope_for(User.of_role("leader", "区领导", Role.leader), district).is_district
