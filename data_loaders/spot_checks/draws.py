"""Stored draws: create one (frame, plan, seed, frame hash, audit), the log, one draw's households."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pandas as pd

from data_loaders.spot_checks.frame import FIRST_RECORD_ORDER, build_frame
from data_loaders.store import KEY_COLUMNS, Store
from paicha import sampling, verdicts
from paicha.access import User
from paicha.config import Settings
from paicha.privacy import mask_frame
from paicha.scope import Scope
from paicha.text import t
from paicha.vocab import key_group_labels

ITEM_COLUMNS = ["draw_id", "household_id", "town_code", "village_code", "screener",
                *sampling.SAMPLE_COLUMNS[2:]]


class SpotCheckError(ValueError):
    """A draw or result entry that cannot be carried out; ``args[0]`` is the Chinese message."""



@dataclass(frozen=True)
class Draw:
    """A stored draw: what was drawn, from which frame, and the households it picked."""

    draw_id: int
    method: str
    parameters: dict
    seed: int
    as_of: dt.date
    scope: str
    frame_size: int
    frame_hash: str
    sample: pd.DataFrame = field(repr=False)  # SAMPLE_COLUMNS + town_code, screener
    frame_hash_version: int = sampling.FRAME_HASH_VERSION


def check_scope(user: User, scope: Scope) -> None:
    if scope.is_empty:
        raise PermissionError(t("errors.spot_checks.signed_out"))
    if user.town_code and scope.town_code != user.town_code:
        raise PermissionError(t("errors.spot_checks.other_town"))


def create_draw(store: Store, settings: Settings, user: User, scope: Scope, as_of: dt.date,
                method: str, params: dict | None = None, seed: int | None = None,
                include_unscreened: bool = False) -> Draw:
    """Build the frame, draw by the method and store draw and items in one transaction.

    Every call is a new draw with a new ``draw_id``, also when it repeats an earlier one: a
    redraw stays visible in the log instead of silently replacing the sample. Without a seed
    one is chosen at random and stored, so the draw can still be replayed.
    """
    if user is None or not user.can("sample"):
        raise PermissionError(t("errors.spot_checks.no_sample_permission"))
    check_scope(user, scope)
    plan = sampling.make_plan(method, params)
    seed = secrets.randbelow(2**31) if seed is None else seed
    built_from = frame_key(store, settings)
    frame = build_frame(store, settings, scope, as_of, include_unscreened)
    if frame.empty:
        raise SpotCheckError(t("errors.spot_checks.empty_frame", as_of=as_of))
    version = sampling.FRAME_HASH_VERSION
    # The hash and the draw both only read the frame, and both spend their time in NumPy, Arrow
    # and hashlib, which let go of the GIL: side by side they take the longer one's time.
    with ThreadPoolExecutor(max_workers=1) as hashing:
        digest = hashing.submit(sampling.frame_hash, frame, version)
        sample, stored = sampling.draw(frame, plan, seed)
        if sample.empty:
            raise SpotCheckError(t("errors.spot_checks.empty_sample"))
        rows = sample.index.to_numpy()
        sample = sample.reset_index(drop=True).assign(
            town_code=frame["town_code"].array.take(rows), screener=frame["screener"].array.take(rows))
        frame_digest = digest.result()
    town_code = scope.town_code or scope.district_code
    with store.transaction(refresh=False) as cur:
        draw_id = int(cur.execute("SELECT nextval('spot_check_draw_seq')").fetchone()[0])
        # None when households or records changed between building the frame and now, so that
        # the frame is never vouched for by a state it was not built from.
        key = built_from if frame_key(store, settings, cur) == built_from else None
        cur.execute(
            "INSERT INTO spot_check_draws (draw_id, drawn_at, user_name, scope, town_code, as_of, method, "
            "parameters, seed, include_unscreened, frame_hash, frame_size, sample_size, frame_hash_version, "
            "frame_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [draw_id, dt.datetime.now(), user.id, scope.key(), town_code, as_of, plan.method.value,
             json.dumps(stored, ensure_ascii=False, sort_keys=True), int(seed), bool(include_unscreened),
             frame_digest, len(frame), len(sample), version, key])
        store.insert_frame(cur, "spot_check_items", sample.assign(draw_id=draw_id), ITEM_COLUMNS)
        store.audit(user.id, "spot_check_draw", scope,
                    {"draw_id": draw_id, "method": plan.method.value, "seed": int(seed),
                     "as_of": as_of.isoformat(), "frame_hash": frame_digest}, len(sample))
    return Draw(draw_id, plan.method.value, stored, int(seed), as_of, scope.key(), len(frame),
                frame_digest, sample, version)


def draw_log(store: Store, scope: Scope) -> pd.DataFrame:
    """Every draw visible in the scope, newest first, with how many of its households are checked.

    A town sees the draws made in that town; the district sees its own and every town's.
    """
    where, params = store.scope_sql(scope, "d")
    frame = store.query(f"""
        SELECT d.draw_id, d.drawn_at, d.user_name, d.scope, d.town_code, t.town_name, d.as_of,
               d.method, d.parameters, d.seed, d.include_unscreened, d.frame_hash, d.frame_size,
               d.sample_size,
               (SELECT count(*) FROM spot_check_items i
                WHERE i.draw_id = d.draw_id AND i.consistent IS NOT NULL) AS checked
        FROM spot_check_draws d
        LEFT JOIN (SELECT DISTINCT town_code, town_name FROM divisions) t USING (town_code)
        WHERE {where}
        ORDER BY d.draw_id DESC
    """, params)
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    return frame


def draw_record(store: Store, scope: Scope, draw_id: int) -> dict | None:
    """One draw of the log (parameters parsed), or None when it is not visible in the scope."""
    where, params = store.scope_sql(scope, "d")
    rows = store.query(f"SELECT * FROM spot_check_draws d WHERE d.draw_id = ? AND {where}",
                       [int(draw_id), *params])
    if rows.empty:
        return None
    record = rows.iloc[0].to_dict()
    record["parameters"] = json.loads(record["parameters"])
    record["as_of"] = pd.Timestamp(record["as_of"]).date()
    return record


def frame_key(store: Store, settings: Settings, cur=None) -> str:
    """What a frame is built from besides its scope and date: the store's content version and
    the thresholds behind its overload and distance flags (a changed configuration changes flags).
    """
    t_ = settings.thresholds
    return f"{store.content_version(cur)}|{t_.max_home_visits_per_day}|{t_.far_visit_metres:g}"


def frame_unchanged(store: Store, settings: Settings, scope: Scope, draw_id: int) -> bool | None:
    """Whether the draw's frame, rebuilt today, still has the hash stored with the draw.

    Records after the as-of date are invisible to the frame, so it only changes when records on
    or before that date were added, corrected or deleted since: exactly what an auditor must
    know before trusting that the stored sample came from the frame as it now stands.
    None when the draw is not visible in the scope.

    A frame is a function of the store's content and the thresholds of its flags (``frame_key``):
    while the key stored with the draw is still today's, the frame is the same and is not rebuilt
    (at 5 million households the rebuild is most of a page view). Otherwise the frame is rebuilt
    and hashed with the draw's own hash version (1 for draws stored before versions were recorded).
    """
    record = draw_record(store, scope, draw_id)
    if record is None:
        return None
    stored_key = record.get("frame_key")
    if isinstance(stored_key, str) and stored_key == frame_key(store, settings):
        return True
    code = record["town_code"]
    own = (Scope.district(settings.district_code) if code == settings.district_code
           else Scope.town(settings.district_code, code))
    frame = build_frame(store, settings, own, record["as_of"], bool(record["include_unscreened"]))
    version = record.get("frame_hash_version")
    version = 1 if version is None or pd.isna(version) else int(version)
    return sampling.frame_hash(frame, version) == record["frame_hash"]


def _items_sql(scope: Scope, personal: bool) -> tuple[str, list]:
    where_d, p_d = Store.scope_sql(scope, "d")
    where_i, p_i = Store.scope_sql(scope, "i")
    kg = ", ".join(f"h.{c}" for c in KEY_COLUMNS)
    person = (f"h.head_name, h.head_id_number, h.phone, h.members, h.per_capita_income, {kg}, "
              if personal else "")
    sql = f"""
    WITH draw AS (SELECT d.draw_id, d.as_of FROM spot_check_draws d WHERE d.draw_id = ? AND {where_d}),
    mine AS (SELECT i.* FROM spot_check_items i JOIN draw USING (draw_id) WHERE {where_i}),
    ref AS (
        SELECT s.household_id, s.screened_on AS ref_screened_on, s.method AS ref_method,
               s.result AS ref_result, s.leaflet_given AS ref_leaflet_given
        FROM (SELECT DISTINCT ON (s.household_id) s.* FROM screenings s
              WHERE s.household_id IN (SELECT household_id FROM mine)
                AND s.screened_on <= (SELECT as_of FROM draw)
              ORDER BY s.household_id, {FIRST_RECORD_ORDER}) s)
    SELECT mine.*, dv.town_name, dv.village_name, {person}
           ref.ref_screened_on, ref.ref_method, ref.ref_result, ref.ref_leaflet_given
    FROM mine
    LEFT JOIN households h USING (household_id)
    LEFT JOIN divisions dv ON dv.village_code = mine.village_code
    LEFT JOIN ref USING (household_id)
    ORDER BY mine.village_code, mine.household_id
    """
    return sql, [*p_d, *p_i]


def nullable(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values as None (not NaN or NA), so that comparisons and labels treat them alike."""
    return frame.astype(object).where(frame.notna(), None)


def draw_items(store: Store, settings: Settings, scope: Scope, draw_id: int,
               unmasked: bool = False) -> pd.DataFrame:
    """A draw's households with who they are, their reference screening and any results so far.

    ID numbers and phones are masked unless ``unmasked`` (the caller checks the permission).
    """
    sql, params = _items_sql(scope, personal=True)
    frame = store.query(Store._numbered(sql), [int(draw_id), *params])
    frame = mask_frame(frame, unmasked=unmasked)
    frame["key_groups"] = key_group_labels(frame)
    line = settings.thresholds.monitoring_income
    frame["roster_income_band"] = [
        band.value if (band := verdicts.income_band(v, line)) else None for v in frame["per_capita_income"]]
    frame["ref_screened_on"] = pd.to_datetime(frame["ref_screened_on"]).dt.date
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("kg_")] + ["per_capita_income"])
    answers = nullable(frame[list(verdicts.ANSWER_COLUMNS)])
    frame[list(verdicts.ANSWER_COLUMNS)] = answers
    return frame


def plain_items(store: Store, scope: Scope, draw_id: int) -> pd.DataFrame:
    sql, params = _items_sql(scope, personal=False)
    return store.query(Store._numbered(sql), [int(draw_id), *params])
