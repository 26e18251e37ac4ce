"""The vectorised frame hash and frame preparation give what the straightforward versions give."""

from __future__ import annotations

import hashlib
import importlib
import json
import numbers
import struct

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paicha import sampling
from paicha.sampling import (
    BOOL_COLUMNS,
    FLAG_COLUMNS,
    FRAME_COLUMNS,
    backcheck,
    frame_hash,
    frame_hash_v1,
    frame_hash_v2,
    stratified,
)
from paicha.sampling import frame as frame_module
from paicha.sampling import lqas as lqas_module
from paicha.sampling import pps as pps_module
from paicha.sampling import selection as selection_module
from paicha.sampling import simple as simple_module
from tests.unit.test_sampling import make_frame

# The package re-exports the function backcheck under the module's name.
backcheck_module = importlib.import_module("paicha.sampling.backcheck")


def reference_v2(frame: pd.DataFrame) -> str:
    """Version 2 of the frame hash written plainly: one Python value per cell, rows sorted in Python."""
    columns = [c for c in FRAME_COLUMNS if c in frame.columns]
    rows = []
    for record in frame[columns].to_dict("records"):
        row = []
        for column in columns:
            value = record[column]
            if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
                row.append(None)
            elif column in BOOL_COLUMNS:
                assert isinstance(value, bool | np.bool_ | numbers.Number)
                row.append(bool(value))
            else:
                row.append(str(value))
        rows.append(row)

    def key(row):  # missing first, then text by UTF-8 bytes, flags false < true
        return [(0, b"") if v is None else (1, v.encode() if isinstance(v, str) else bytes([v])) for v in row]

    rows.sort(key=key)
    out = f"paicha-frame-v2\n{json.dumps(columns)}\n{len(rows)}\n".encode()
    for i, column in enumerate(columns):
        cells = [row[i] for row in rows]
        if column in BOOL_COLUMNS:
            out += bytes(2 if v is None else int(v) for v in cells)
            continue
        out += bytes(0 if v is None else 1 for v in cells)
        out += b"".join(struct.pack("<q", 0 if v is None else len(v.encode())) for v in cells)
        out += b"".join(v.encode() for v in cells if v is not None)
    return hashlib.sha256(out).hexdigest()


def odd_frame() -> pd.DataFrame:
    """Hand-made awkward cells: missing values of every kind, bools as objects, numbers as text."""
    return pd.DataFrame({
        "household_id": ["H3", "H1", "H10", "H2", "户5"],
        "town_code": pd.Series([1, 2, 3, 4, 5], dtype="int64"),
        "village_code": pd.Series(["V1", "V1", "V2", "V2", "村"], dtype=object),
        "screener": pd.Series(["甲", None, np.nan, pd.NA, ""], dtype=object),
        "is_key": pd.Series([np.True_, False, True, np.False_, True], dtype=object),
        "screened": pd.Series([True, None, False, True, pd.NA], dtype="boolean"),
        "far_visit": pd.Series([1, 0, 0, 1, 0], dtype="int64"),
        "hazard_exposed": pd.Series([True, False, True, False, False]),
        "note": ["x", "y", "z", "w", "v"],
    })


@pytest.mark.parametrize("frame", [make_frame(120), odd_frame(), odd_frame()[["household_id"]],
                                   make_frame(1), make_frame(0)], ids=["synthetic", "odd", "ids", "one", "empty"])
def test_the_fast_hash_equals_the_plain_serialisation(frame) -> None:
    assert frame_hash_v2(frame) == reference_v2(frame)
    assert frame_hash(frame) == frame_hash_v2(frame)


def test_the_fast_hash_of_the_store_frame_equals_the_plain_serialisation(known_store, settings) -> None:
    import datetime as dt

    from data_loaders import spot_checks
    from paicha.scope import Scope

    frame = spot_checks.build_frame(known_store, settings, Scope.district(settings.district_code),
                                    dt.date(2024, 9, 14), include_unscreened=True)
    assert frame["screener"].isna().any()
    assert frame_hash_v2(frame) == reference_v2(frame)


def test_string_dtypes_and_object_text_hash_alike() -> None:
    frame = make_frame(60)
    arrow = frame.astype(dict.fromkeys(("household_id", "town_code", "village_code", "screener"), "string[pyarrow]"))
    plain = frame.astype(dict.fromkeys(("household_id", "town_code", "village_code"), object))
    assert frame_hash_v2(arrow) == frame_hash_v2(plain) == frame_hash_v2(frame) == reference_v2(frame)


def test_versions_differ_and_version_one_is_kept() -> None:
    frame = make_frame(40)
    assert frame_hash(frame, 1) == frame_hash_v1(frame) != frame_hash_v2(frame)
    assert sampling.FRAME_HASH_VERSION == 2


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 80), st.data())
def test_row_order_never_changes_the_hash_and_any_changed_cell_does(seed, size, data) -> None:
    frame = make_frame(size, seed=seed)
    shuffled = frame.sample(frac=1.0, random_state=seed + 1)
    assert frame_hash_v2(shuffled) == frame_hash_v2(frame)
    row = data.draw(st.integers(0, size - 1))
    column = data.draw(st.sampled_from(FRAME_COLUMNS))
    changed = frame.copy()
    if column in BOOL_COLUMNS:
        changed[column] = changed[column].astype(object)
        changed.loc[row, column] = not bool(changed.loc[row, column])
    elif column == "screener" and not pd.isna(changed.loc[row, column]):
        changed.loc[row, column] = None
    else:
        changed.loc[row, column] = f"{changed.loc[row, column]}x"
    assert frame_hash_v2(changed) != frame_hash_v2(frame)


# --------------------------------------------------------------------------- the draw itself


def old_prepare(frame, required):
    """``prepare`` as it was before it was vectorised: str() per cell, always argsort."""
    required = list(dict.fromkeys(["household_id", *required]))
    units = {}
    for column in required:
        series = frame[column]
        if column in BOOL_COLUMNS:
            units[column] = frame_module._as_bool(series, column).to_numpy(dtype=bool)
        elif column == "screener":
            known = series.notna().to_numpy()
            units[column] = np.array([str(v) if k else None for v, k in zip(series.to_numpy(dtype=object), known,
                                                                            strict=True)], dtype=object)
        else:
            units[column] = np.array([str(v) for v in series.to_numpy(dtype=object)], dtype=object)
    units[frame_module.ROW] = np.array(list(range(len(frame))), dtype=np.intp)
    order = np.argsort(units["household_id"], kind="stable")
    return {column: values[order] for column, values in units.items()}


def old_group_positions(keys):
    if len(keys) == 0:
        return []
    distinct, inverse = np.unique(keys, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.cumsum(np.bincount(inverse, minlength=len(distinct)))[:-1]
    return list(zip(distinct.tolist(), np.split(order, bounds), strict=True))


def old_eligible_units(frame):
    """The eligible rows taken out of the frame first (positions then run 0, 1, 2, ...)."""
    units = old_prepare(frame, ("village_code", "screener", "screened", *FLAG_COLUMNS))
    eligible = units["screened"] & np.array([s is not None for s in units["screener"]], dtype=bool)
    taken = frame_module.take(units, np.nonzero(eligible)[0])
    return taken, np.arange(int(eligible.sum()))


def old_groups(keys, rows=None):
    return old_group_positions(keys if rows is None else keys[rows])


DRAWS = {
    "stratified_village": lambda f, seed: stratified(f, 30, seed),
    "stratified_town_equal": lambda f, seed: stratified(f, 25, seed, by="town_code", allocation="equal"),
    "backcheck": lambda f, seed: backcheck(f, 0.15, seed, min_per_screener=2),
    "pps": lambda f, seed: sampling.pps_villages(f, 3, 4, seed),
    "lqas": lambda f, seed: sampling.lqas_villages(f, 5, seed),
    "srs": lambda f, seed: sampling.simple_random(f, 20, seed),
}


def old_sample_table(household_id, village_code, stratum, inclusion_probability, reason, rows=None):
    ids = [str(v) for v in household_id]
    villages = [str(v) for v in village_code]
    strata = [str(v) for v in stratum]
    pi = np.asarray(inclusion_probability, dtype=float)
    reasons = [str(v) for v in reason]
    order = sorted(range(len(ids)), key=lambda i: (strata[i], ids[i]))
    index = None if rows is None else pd.Index([int(rows[i]) for i in order], dtype=np.intp)
    table = pd.DataFrame({
        "household_id": pd.Series([ids[i] for i in order], dtype=str),
        "village_code": pd.Series([villages[i] for i in order], dtype=str),
        "stratum": pd.Series([strata[i] for i in order], dtype=str),
        "inclusion_probability": pd.Series(pi[order], dtype=float),
        "reason": pd.Series([reasons[i] for i in order], dtype=str),
    })
    if index is not None:
        table.index = index
    return table


def straightforward(monkeypatch, run, frame, seed):
    with monkeypatch.context() as m:
        m.setattr(selection_module, "sample_table", old_sample_table)
        m.setattr(backcheck_module, "sample_table", old_sample_table)
        for module in (simple_module, backcheck_module, pps_module, lqas_module):
            m.setattr(module, "prepare", old_prepare, raising=False)
            m.setattr(module, "group_positions", old_groups, raising=False)
        m.setattr(backcheck_module, "_backcheck_units", old_eligible_units)
        return run(frame, seed)


@pytest.mark.parametrize("name", list(DRAWS))
@pytest.mark.parametrize("seed", [0, 7, 123])
def test_the_fast_draw_equals_the_straightforward_one(monkeypatch, name, seed) -> None:
    frame = make_frame(400, seed=seed, villages=11)
    for candidate in (frame, frame.sort_values("household_id", ignore_index=True)):
        fast = DRAWS[name](candidate, seed)
        pd.testing.assert_frame_equal(fast, straightforward(monkeypatch, DRAWS[name], candidate, seed))


@pytest.mark.parametrize("name", list(DRAWS))
def test_a_sample_is_indexed_by_where_its_households_are_in_the_frame(name) -> None:
    # Shuffled, so that the draw sorts the frame first and the positions must survive the sort.
    frame = make_frame(400, seed=5, villages=11).sample(frac=1.0, random_state=2)
    frame.index = pd.Index(range(1000, 1000 + len(frame)))  # labels that are not positions
    sample = DRAWS[name](frame, 5)
    assert len(sample) and sample.index.is_unique
    found = frame.iloc[sample.index.to_numpy()]
    assert list(found["household_id"]) == list(sample["household_id"])
    assert list(found["village_code"]) == list(sample["village_code"])


@pytest.mark.parametrize("name", ["stratified_village", "backcheck"])
def test_the_fast_draw_equals_the_straightforward_one_on_the_store_frame(monkeypatch, demo_db_path, settings,
                                                                        name) -> None:
    import datetime as dt

    from data_loaders import spot_checks
    from data_loaders.store import Store
    from paicha.scope import Scope

    store = Store(demo_db_path, read_only=True)
    frame = spot_checks.build_frame(store, settings, Scope.district(settings.district_code), dt.date(2024, 9, 16))
    fast = DRAWS[name](frame, 11)
    pd.testing.assert_frame_equal(fast, straightforward(monkeypatch, DRAWS[name], frame, 11))
    assert frame_hash_v2(frame) == frame_hash_v2(frame.sample(frac=1.0, random_state=3))
