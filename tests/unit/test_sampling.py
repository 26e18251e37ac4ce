"""Reproducible sample selection and exact inclusion probabilities in paicha.sampling."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paicha.sampling import (
    FLAG_COLUMNS,
    SAMPLE_COLUMNS,
    allocate_sample,
    backcheck,
    backcheck_probabilities,
    frame_hash,
    lqas_villages,
    pps_village_probabilities,
    pps_villages,
    simple_random,
    stratified,
    summarise_backcheck,
    systematic_pps,
)

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VILLAGES = ("V01", "V02", "V03", "V04", "V05", "V06")
SCREENERS = ("张三", "李四", "王五", None)


def make_frame(size: int = 200, seed: int = 0, villages: int = 8) -> pd.DataFrame:
    """A synthetic frame in deliberately shuffled row order."""
    rng = np.random.default_rng(seed)
    village = [f"V{i % villages:02d}" for i in range(size)]
    frame = pd.DataFrame(
        {
            "household_id": [f"H{i:05d}" for i in range(size)],
            "town_code": [f"T{int(v[1:]) % 3}" for v in village],
            "village_code": village,
            "screener": [None if i % 37 == 0 else f"S{i % 5}" for i in range(size)],
            "is_key": rng.random(size) < 0.3,
            "screened": rng.random(size) < 0.9,
            **{flag: rng.random(size) < 0.08 for flag in FLAG_COLUMNS},
        }
    )
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


BOOL_FIELDS = ("is_key", "screened", *FLAG_COLUMNS)


@st.composite
def frames(draw: st.DrawFn, max_size: int = 40) -> pd.DataFrame:
    """Small frames; each row's six booleans come from one drawn bit mask to keep draws cheap."""
    size = draw(st.integers(1, max_size))
    order = draw(st.permutations(range(size)))
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(VILLAGES),
                st.sampled_from(SCREENERS),
                st.integers(0, 2 ** len(BOOL_FIELDS) - 1),
            ),
            min_size=size,
            max_size=size,
        )
    )
    village = [v for v, _, _ in rows]
    return pd.DataFrame(
        {
            "household_id": [f"H{i:03d}" for i in order],
            "town_code": ["T1" if v <= "V03" else "T2" for v in village],
            "village_code": village,
            "screener": [s for _, s, _ in rows],
            **{
                field: [bool(bits >> j & 1) for _, _, bits in rows]
                for j, field in enumerate(BOOL_FIELDS)
            },
        }
    )


def assert_valid_sample(sample: pd.DataFrame, frame: pd.DataFrame) -> None:
    """Invariants every method's output must satisfy."""
    assert tuple(sample.columns) == SAMPLE_COLUMNS
    assert not sample["household_id"].duplicated().any()
    villages = frame.set_index("household_id")["village_code"]
    assert sample["household_id"].isin(villages.index).all()
    assert (sample["village_code"].to_numpy() == villages[sample["household_id"]].to_numpy()).all()
    assert ((sample["inclusion_probability"] > 0) & (sample["inclusion_probability"] <= 1)).all()
    keys = list(zip(sample["stratum"], sample["household_id"], strict=True))
    assert keys == sorted(keys)


METHODS: dict[str, Callable[[pd.DataFrame, int], pd.DataFrame]] = {
    "simple_random": lambda f, seed: simple_random(f, 20, seed),
    "stratified": lambda f, seed: stratified(f, 20, seed),
    "pps_villages": lambda f, seed: pps_villages(f, 3, 4, seed),
    "backcheck": lambda f, seed: backcheck(f, 0.15, seed),
    "lqas_villages": lambda f, seed: lqas_villages(f, 5, seed),
}


# --------------------------------------------------------------------------- frame hash


def test_frame_hash_ignores_row_order() -> None:
    frame = make_frame(50)
    shuffled = frame.sample(frac=1.0, random_state=99)
    assert frame_hash(frame) == frame_hash(shuffled)
    assert len(frame_hash(frame)) == 64


def test_frame_hash_changes_when_one_flag_changes() -> None:
    frame = make_frame(50)
    changed = frame.copy()
    changed.loc[0, "far_visit"] = not bool(changed.loc[0, "far_visit"])
    assert frame_hash(frame) != frame_hash(changed)


def test_frame_hash_ignores_working_columns_and_column_order() -> None:
    frame = make_frame(30)
    extended = frame.assign(note="备注")[[*list(reversed(frame.columns)), "note"]]
    assert frame_hash(frame) == frame_hash(extended)


def test_frame_hash_treats_object_and_numpy_bools_and_missing_values_alike() -> None:
    plain = pd.DataFrame(
        {"household_id": ["H1", "H2"], "screener": ["甲", None], "is_key": [True, False]}
    )
    other = pd.DataFrame(
        {
            "household_id": ["H2", "H1"],
            "screener": pd.Series([np.nan, "甲"], dtype=object),
            "is_key": pd.Series([np.False_, np.True_], dtype=object),
        }
    )
    assert frame_hash(plain) == frame_hash(other)


def test_frame_hash_requires_household_id() -> None:
    with pytest.raises(ValueError, match="household_id"):
        frame_hash(pd.DataFrame({"village_code": ["V1"]}))


# --------------------------------------------------------------------------- reproducibility


@pytest.mark.parametrize("method", sorted(METHODS))
def test_same_frame_and_seed_give_the_same_sample_whatever_the_row_order(method: str) -> None:
    frame = make_frame()
    draw = METHODS[method]
    first = draw(frame, 2024)
    shuffled = frame.sample(frac=1.0, random_state=7)
    again = draw(shuffled, 2024)
    # The same households, probabilities and reasons; the index says where each is in its own frame.
    pd.testing.assert_frame_equal(first.reset_index(drop=True), again.reset_index(drop=True))
    assert list(shuffled["household_id"].iloc[again.index]) == list(again["household_id"])
    assert_valid_sample(first, frame)


@pytest.mark.parametrize("method", sorted(METHODS))
def test_different_seeds_give_different_samples(method: str) -> None:
    frame = make_frame()
    draw = METHODS[method]
    assert set(draw(frame, 1)["household_id"]) != set(draw(frame, 2)["household_id"])


# --------------------------------------------------------------------------- simple random


def test_srs_gives_every_household_n_over_n_chance() -> None:
    frame = make_frame(200)
    sample = simple_random(frame, 25, seed=3)
    assert len(sample) == 25
    assert (sample["inclusion_probability"] == 25 / 200).all()
    assert (sample["reason"] == "random").all()


def test_srs_larger_than_frame_takes_everyone_with_certainty() -> None:
    frame = make_frame(12)
    sample = simple_random(frame, 50, seed=3)
    assert set(sample["household_id"]) == set(frame["household_id"])
    assert (sample["inclusion_probability"] == 1.0).all()


def test_srs_rejects_a_zero_sample_size_in_chinese() -> None:
    with pytest.raises(ValueError, match="样本量"):
        simple_random(make_frame(10), 0, seed=1)


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("seed", [None, -1, 1.5])
def test_a_seed_that_could_not_be_replayed_is_rejected_in_chinese(
    method: str, seed: object
) -> None:
    with pytest.raises(ValueError, match="随机种子"):
        METHODS[method](make_frame(20), seed)  # type: ignore[arg-type]


def test_missing_required_column_is_named_in_chinese() -> None:
    with pytest.raises(ValueError, match="抽样框缺少列：village_code"):
        simple_random(pd.DataFrame({"household_id": ["H1"]}), 1, seed=1)


def test_duplicate_household_ids_are_rejected() -> None:
    frame = pd.DataFrame({"household_id": ["H1", "H1"], "village_code": ["V1", "V1"]})
    with pytest.raises(ValueError, match="重复"):
        simple_random(frame, 1, seed=1)


@FAST
@given(frame=frames(), n=st.integers(1, 50), seed=st.integers(0, 2**32 - 1))
def test_srs_size_and_probability_follow_the_design(frame: pd.DataFrame, n: int, seed: int) -> None:
    sample = simple_random(frame, n, seed)
    assert_valid_sample(sample, frame)
    assert len(sample) == min(n, len(frame))
    assert np.allclose(sample["inclusion_probability"], len(sample) / len(frame))
    # With equal probabilities the Horvitz–Thompson count of the frame is exact.
    assert (1 / sample["inclusion_probability"]).sum() == pytest.approx(len(frame))


# --------------------------------------------------------------------------- stratified


def test_proportional_allocation_gives_leftover_units_to_largest_remainders() -> None:
    sizes = pd.Series({"A": 5, "B": 3, "C": 2})
    # Quotas 2.5, 1.5, 1.0: floors add to 4, the tie at .5 goes to the first key.
    alloc = allocate_sample(sizes, 5, "proportional", min_per_stratum=0)
    assert alloc.to_dict() == {"A": 3, "B": 1, "C": 1}


def test_minimum_per_stratum_can_push_total_above_n() -> None:
    sizes = pd.Series({"A": 100, "B": 3, "C": 1})
    alloc = allocate_sample(sizes, 10, "proportional", min_per_stratum=2)
    # B's quota 0.29 and C's 0.10 are raised to 2 and (capped by its size) 1.
    assert alloc.to_dict() == {"A": 10, "B": 2, "C": 1}
    assert alloc.sum() > 10


def test_equal_allocation_spreads_a_small_strata_surplus_over_the_others() -> None:
    sizes = pd.Series({"A": 20, "B": 2, "C": 20})
    alloc = allocate_sample(sizes, 15, "equal", min_per_stratum=0)
    assert alloc.to_dict() == {"A": 7, "B": 2, "C": 6}


@FAST
@given(
    sizes=st.lists(st.integers(0, 60), min_size=1, max_size=8),
    n=st.integers(1, 300),
    allocation=st.sampled_from(["proportional", "equal"]),
)
def test_allocation_without_minimum_sums_exactly_to_n_and_respects_stratum_sizes(
    sizes: list[int], n: int, allocation: str
) -> None:
    stratum_sizes = pd.Series(sizes, index=[f"S{i}" for i in range(len(sizes))])
    alloc = allocate_sample(stratum_sizes, n, allocation, min_per_stratum=0)
    assert alloc.sum() == min(n, sum(sizes))
    assert (alloc >= 0).all() and (alloc <= stratum_sizes).all()


@FAST
@given(
    frame=frames(),
    n=st.integers(1, 30),
    seed=st.integers(0, 2**32 - 1),
    by=st.sampled_from(["village_code", "town_code"]),
    allocation=st.sampled_from(["proportional", "equal"]),
    minimum=st.integers(0, 3),
)
def test_stratified_sample_matches_allocation_and_n_h_over_n_h(
    frame: pd.DataFrame, n: int, seed: int, by: str, allocation: str, minimum: int
) -> None:
    sample = stratified(frame, n, seed, by=by, allocation=allocation, min_per_stratum=minimum)
    assert_valid_sample(sample, frame)
    sizes = frame.groupby(by).size()
    alloc = allocate_sample(sizes, n, allocation, minimum)
    assert alloc.sum() >= min(n, len(frame))
    drawn = sample.groupby("stratum").size()
    assert drawn.to_dict() == alloc[alloc > 0].to_dict()
    expected = sample["stratum"].map(alloc / sizes).to_numpy(dtype=float)
    assert np.allclose(sample["inclusion_probability"], expected)
    # Stratum by stratum, Σ 1/π recovers the stratum size exactly.
    assert (1 / sample["inclusion_probability"]).groupby(sample["stratum"]).sum().round(
        9
    ).to_dict() == sizes[alloc > 0].astype(float).to_dict()


# --------------------------------------------------------------------------- PPS villages


def _village_frame(sizes: dict[str, int], key_every: int = 0) -> pd.DataFrame:
    rows = [
        {
            "household_id": f"{code}-{i:03d}",
            "village_code": code,
            "is_key": bool(key_every) and i % key_every == 0,
        }
        for code, size in sizes.items()
        for i in range(size)
    ]
    return pd.DataFrame(rows)


def test_village_at_least_one_interval_large_is_taken_with_certainty() -> None:
    frame = _village_frame({"A": 100, "B": 10, "C": 10, "D": 10, "E": 10})
    probs = pps_village_probabilities(frame, 2)
    # I = 140/2 = 70 <= 100, so A is certain; one more village from 40 households: π = 10/40.
    assert probs.loc["A", "certainty"]
    assert probs["inclusion_probability"].to_dict() == {
        "A": 1.0,
        "B": 0.25,
        "C": 0.25,
        "D": 0.25,
        "E": 0.25,
    }
    sample = pps_villages(frame, 2, 5, seed=11)
    assert (sample.loc[sample["village_code"] == "A", "reason"] == "certainty").all()
    assert sample["village_code"].nunique() == 2


def test_pps_without_certainty_villages_is_self_weighting() -> None:
    frame = _village_frame({"A": 30, "B": 20, "C": 25, "D": 15, "E": 10})
    sample = pps_villages(frame, 2, 5, seed=5)
    # π = n m / T = 2 * 5 / 100 for every household, whatever village it is in.
    assert np.allclose(sample["inclusion_probability"], 0.1)
    assert len(sample) == 10


def test_villages_without_key_households_cannot_be_drawn_by_key_size() -> None:
    frame = pd.concat(
        [
            _village_frame({"A": 20, "B": 20, "C": 20}, key_every=4),
            _village_frame({"Z": 50}),
        ],
        ignore_index=True,
    )
    probs = pps_village_probabilities(frame, 2, size="key_households")
    assert probs.loc["Z", "inclusion_probability"] == 0.0
    for seed in range(20):
        assert "Z" not in set(pps_villages(frame, 2, 3, seed, size="key_households")["stratum"])


@FAST
@given(
    frame=frames(),
    n_villages=st.integers(1, 7),
    per_village=st.integers(1, 8),
    seed=st.integers(0, 2**32 - 1),
    size=st.sampled_from(["households", "key_households"]),
)
def test_pps_villages_follow_the_two_stage_probabilities(
    frame: pd.DataFrame, n_villages: int, per_village: int, seed: int, size: str
) -> None:
    probs = pps_village_probabilities(frame, n_villages, size)
    drawable = int((probs["size"] > 0).sum())
    assert probs["inclusion_probability"].sum() == pytest.approx(min(n_villages, drawable))
    assert (probs["inclusion_probability"] <= 1).all()

    sample = pps_villages(frame, n_villages, per_village, seed, size)
    assert_valid_sample(sample, frame)
    assert sample["village_code"].nunique() == min(n_villages, drawable)
    assert (probs.loc[sample["village_code"].unique(), "size"] > 0).all()
    for code, rows in sample.groupby("village_code"):
        households = int(probs.loc[code, "households"])
        m = min(per_village, households)
        assert len(rows) == m
        pi = probs.loc[code, "inclusion_probability"] * m / households
        assert np.allclose(rows["inclusion_probability"], pi)
        expected_reason = "certainty" if probs.loc[code, "certainty"] else "random"
        assert (rows["reason"] == expected_reason).all()


# --------------------------------------------------------------------------- back-check


def _screener_frame(flags: dict[int, str], size: int = 30, screener: str = "甲") -> pd.DataFrame:
    """One screener's screenings; ``flags`` maps a row number to the flag set on it."""
    frame = pd.DataFrame(
        {
            "household_id": [f"H{i:03d}" for i in range(size)],
            "village_code": ["V01"] * size,
            "screener": [screener] * size,
            "screened": [True] * size,
            **{flag: [False] * size for flag in FLAG_COLUMNS},
        }
    )
    for row, flag in flags.items():
        frame.loc[row, flag] = True
    return frame


def test_flagged_screening_is_flag_weight_times_as_likely_as_an_unflagged_one() -> None:
    frame = _screener_frame({0: "far_visit", 1: "hazard_exposed", 2: "screener_overload"})
    probs = backcheck_probabilities(frame, share=0.2, flag_weight=4.0)
    # n_s = 6; Σw = 3 * 4 + 27 = 39.
    assert probs["H000"] == pytest.approx(6 * 4 / 39)
    assert probs["H010"] == pytest.approx(6 / 39)
    assert probs.sum() == pytest.approx(6)


def test_flagged_screenings_reaching_probability_one_are_certain_and_the_rest_rescaled() -> None:
    frame = _screener_frame({0: "far_visit", 1: "far_visit"})
    probs = backcheck_probabilities(frame, share=0.1, flag_weight=30.0)
    # n_s = 3: 3 * 30 / 88 > 1, so both flagged are certain and 1 place is left for 28 others.
    assert probs[["H000", "H001"]].tolist() == [1.0, 1.0]
    assert probs["H002"] == pytest.approx(1 / 28)
    sample = backcheck(frame, share=0.1, seed=4, flag_weight=30.0)
    assert {"H000", "H001"} <= set(sample["household_id"])
    assert len(sample) == 3


def test_share_is_rounded_up_per_screener_and_at_least_the_minimum() -> None:
    frame = pd.concat(
        [_screener_frame({}, size=30, screener="甲"), _screener_frame({}, size=4, screener="乙")]
    )
    frame["household_id"] = [f"H{i:03d}" for i in range(len(frame))]
    sample = backcheck(frame, share=0.1, seed=1, min_per_screener=2)
    # 10 % of 30 is exactly 3 (not 4, despite 0.1 * 30 = 3.0000000000000004); 10 % of 4 → 2.
    assert sample.groupby("stratum").size().to_dict() == {"乙": 2, "甲": 3}


def test_reason_is_the_first_flag_in_priority_order() -> None:
    frame = _screener_frame({}, size=5)
    frame.loc[0, ["hazard_exposed", "key_not_home_visited"]] = True
    frame.loc[1, ["far_visit", "screener_overload"]] = True
    frame.loc[2, "hazard_exposed"] = True
    sample = backcheck(frame, share=1.0, seed=1).set_index("household_id")["reason"]
    assert sample.to_dict() == {
        "H000": "key_not_home_visited",
        "H001": "screener_overload",
        "H002": "hazard_exposed",
        "H003": "random",
        "H004": "random",
    }


def test_unscreened_and_unassigned_households_are_never_backchecked() -> None:
    frame = _screener_frame({}, size=6)
    frame.loc[0, "screened"] = False
    frame.loc[1, "screener"] = None
    probs = backcheck_probabilities(frame, share=1.0)
    assert set(probs.index) == {"H002", "H003", "H004", "H005"}
    assert set(backcheck(frame, share=1.0, seed=1)["household_id"]) == set(probs.index)


@pytest.mark.parametrize("share", [0.0, -0.1, 1.5])
def test_backcheck_share_outside_0_1_is_rejected_in_chinese(share: float) -> None:
    with pytest.raises(ValueError, match="抽查比例"):
        backcheck(_screener_frame({}), share=share, seed=1)


def test_summary_splits_each_screeners_sample_into_flagged_and_random() -> None:
    frame = _screener_frame({0: "far_visit", 1: "key_not_home_visited"}, size=4)
    summary = summarise_backcheck(backcheck(frame, share=1.0, seed=1))
    assert summary.loc["甲"].to_dict() == {
        "key_not_home_visited": 1,
        "screener_overload": 0,
        "far_visit": 1,
        "hazard_exposed": 0,
        "random": 2,
        "flagged": 2,
        "total": 4,
    }


@FAST
@given(
    frame=frames(),
    share=st.floats(0.01, 1.0),
    minimum=st.integers(0, 4),
    flag_weight=st.floats(1.0, 30.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_backcheck_probabilities_sum_to_each_screeners_sample_size(
    frame: pd.DataFrame, share: float, minimum: int, flag_weight: float, seed: int
) -> None:
    probs = backcheck_probabilities(frame, share, minimum, flag_weight)
    eligible = frame[frame["screened"] & frame["screener"].notna()]
    assert set(probs.index) == set(eligible["household_id"])
    assert ((probs > 0) & (probs <= 1)).all()
    screener_of = eligible.set_index("household_id")["screener"]
    sizes = eligible.groupby("screener").size()
    n_s = sizes.map(lambda count: min(count, max(minimum, math.ceil(share * count - 1e-9))))
    assert np.allclose(probs.groupby(screener_of[probs.index]).sum()[n_s.index], n_s)

    sample = backcheck(frame, share, seed, minimum, flag_weight)
    assert_valid_sample(sample, frame)
    assert sample.groupby("stratum").size().to_dict() == n_s.to_dict()
    assert np.allclose(sample["inclusion_probability"], probs[sample["household_id"]])
    flagged = eligible.set_index("household_id")[list(FLAG_COLUMNS)].any(axis=1)
    assert (flagged[sample["household_id"]].to_numpy() == (sample["reason"] != "random")).all()


def test_systematic_pps_hits_each_unit_as_often_as_its_probability() -> None:
    frame = _screener_frame({0: "far_visit", 1: "hazard_exposed", 5: "far_visit", 9: "far_visit"})
    frame.loc[[3, 4], "key_not_home_visited"] = True
    pi = backcheck_probabilities(frame, share=0.2, flag_weight=4.0).to_numpy()
    rng = np.random.default_rng(20240601)
    draws = 2_000
    hits = np.zeros(len(pi))
    for _ in range(draws):
        chosen = systematic_pps(pi, rng)
        assert len(chosen) == 6 and len(set(chosen)) == 6
        hits[chosen] += 1
    # Largest binomial standard error is sqrt(0.25 / 2000) ≈ 0.011; 0.04 is about 3.6 of them.
    assert np.abs(hits / draws - pi).max() < 0.04


def test_backcheck_draws_households_as_often_as_their_design_probability() -> None:
    # 2,000 independent replicates of one screener's 30 screenings, drawn in a single call:
    # every replicate is its own stratum, so each is an independent draw from the same design.
    base = _screener_frame({0: "far_visit", 1: "hazard_exposed", 5: "far_visit", 7: "far_visit"})
    replicates = 2_000
    frame = pd.concat([base] * replicates, ignore_index=True)
    rep = np.repeat(np.arange(replicates), len(base))
    frame["screener"] = [f"R{r:04d}" for r in rep]
    frame["household_id"] = frame["household_id"] + "-" + frame["screener"]
    sample = backcheck(frame, share=0.2, seed=99, flag_weight=4.0)
    assert len(sample) == 6 * replicates
    frequency = sample["household_id"].str[:4].value_counts() / replicates
    expected = backcheck_probabilities(base, share=0.2, flag_weight=4.0)
    assert np.abs(frequency.reindex(expected.index, fill_value=0.0) - expected).max() < 0.04


# --------------------------------------------------------------------------- LQAS villages


def test_lqas_takes_design_n_per_village_or_the_whole_small_village() -> None:
    frame = _village_frame({"A": 40, "B": 8})
    frame["screened"] = True
    frame.loc[frame["household_id"] == "A-000", "screened"] = False
    sample = lqas_villages(frame, 19, seed=2)
    assert sample.groupby("stratum").size().to_dict() == {"A": 19, "B": 8}
    assert "A-000" not in set(sample["household_id"])
    probs = sample.groupby("stratum")["inclusion_probability"].first().to_dict()
    assert probs == pytest.approx({"A": 19 / 39, "B": 1.0})


@FAST
@given(frame=frames(), design_n=st.integers(1, 10), seed=st.integers(0, 2**32 - 1))
def test_lqas_sample_follows_n_v_over_n_v_in_every_village(
    frame: pd.DataFrame, design_n: int, seed: int
) -> None:
    sample = lqas_villages(frame, design_n, seed)
    assert_valid_sample(sample, frame)
    screened = frame[frame["screened"]]
    assert set(sample["household_id"]) <= set(screened["household_id"])
    sizes = screened.groupby("village_code").size()
    assert sample.groupby("stratum").size().to_dict() == sizes.clip(upper=design_n).to_dict()
    expected = sample["stratum"].map(sizes.clip(upper=design_n) / sizes).to_numpy(dtype=float)
    assert np.allclose(sample["inclusion_probability"], expected)
