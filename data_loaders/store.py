"""The DuckDB store: schema, one connection per process, scoped reads, all-or-nothing writes."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
import pandas as pd

from data_loaders.engines import duck, is_server
from data_loaders.store_errors import (  # the error classes are imported from here too
    StoreError,
    StoreMissingError,  # noqa: F401
    StoreReadOnlyError,  # noqa: F401
    StoreReplacedError,  # noqa: F401
    classify,
    not_a_database,
    unmarked,
)
from paicha.scope import Scope
from paicha.text import t
from paicha.vocab import (
    Guarantee,
    HazardLevel,
    KeyGroup,
    ScreeningMethod,
    ScreeningResult,
)

# 1: the first schema. 2: hazard levels stored as HazardLevel codes (high/medium/low), not as the
# Chinese a file had. 3: a spot-check draw stores the version of its frame hash and the store's
# data version it was drawn at. 4: spot-check items without a primary key (see ITEMS_TABLE).
# An older store is brought up to date when it is opened (Store._upgrade).
SCHEMA_VERSION = 4

KEY_COLUMNS = [g.column for g in KeyGroup]
GUARANTEE_COLUMNS = [g.column for g in Guarantee]
# A key household is one with any key-group flag; kept as an expression rather than a stored
# column so that importing a department's list can never leave it stale.
IS_KEY_SQL = "(" + " OR ".join(f"h.{c}" for c in KEY_COLUMNS) + ")"

HOUSEHOLD_COLUMNS = [
    "household_id", "town_code", "village_code", "head_name", "head_id_number", "phone",
    "members", "lon", "lat", "is_former_poor", "monitor_type", "per_capita_income",
    "compliant_oop_spending", *GUARANTEE_COLUMNS, *KEY_COLUMNS,
]
SCREENING_COLUMNS = [
    "household_id", "town_code", "village_code", "screened_on", "method", "screener", "result",
    "leaflet_given", "confirmed_online_on", "lon", "lat",
]
# Added with the household lists (农户清单): the roster's address or village group, when its
# household was identified as a monitoring object and first assisted, and whether a disaster hit
# it (绿色通道). Optional in the import; a roster without them keeps the stored values.
HOUSEHOLD_MONITORING_COLUMNS = ["address", "identified_on", "assisted_on", "disaster_affected"]
ROSTER_COLUMNS = [*HOUSEHOLD_COLUMNS, *HOUSEHOLD_MONITORING_COLUMNS]
MILESTONE_COLUMNS = [
    "town_code", "plan_done_on", "training_done_on", "report_submitted_on", "report_approved",
]
DIVISION_COLUMNS = ["town_code", "town_name", "village_code", "village_name", "kind", "geometry"]
HAZARD_COLUMNS = ["zone_id", "kind", "level", "name", "village_code", "source", "crs", "geometry",
                  "indicator", "indicator_name", "observed_on"]

ITEMS_TABLE = """CREATE TABLE IF NOT EXISTS spot_check_items (
    draw_id BIGINT NOT NULL, household_id VARCHAR NOT NULL, town_code VARCHAR NOT NULL,
    village_code VARCHAR NOT NULL, screener VARCHAR, stratum VARCHAR NOT NULL,
    inclusion_probability DOUBLE NOT NULL, reason VARCHAR NOT NULL,
    visited BOOLEAN, method VARCHAR, result VARCHAR, leaflet_given BOOLEAN, income_band VARCHAR,
    consistent BOOLEAN, differing VARCHAR, note VARCHAR, checked_by VARCHAR, checked_at TIMESTAMP)"""
ITEMS_COLUMNS = re.findall(r"(\w+) (?:BIGINT|VARCHAR|DOUBLE|BOOLEAN|TIMESTAMP)", ITEMS_TABLE)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS divisions (
    town_code VARCHAR NOT NULL, town_name VARCHAR NOT NULL,
    village_code VARCHAR PRIMARY KEY, village_name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL, geometry VARCHAR);
CREATE TABLE IF NOT EXISTS households (
    household_id VARCHAR PRIMARY KEY, town_code VARCHAR NOT NULL, village_code VARCHAR NOT NULL,
    head_name VARCHAR, head_id_number VARCHAR, phone VARCHAR, members INTEGER,
    lon DOUBLE, lat DOUBLE, is_former_poor BOOLEAN NOT NULL, monitor_type VARCHAR NOT NULL,
    per_capita_income DOUBLE, compliant_oop_spending DOUBLE,
    {", ".join(f"{c} BOOLEAN NOT NULL DEFAULT FALSE" for c in GUARANTEE_COLUMNS + KEY_COLUMNS)});
CREATE TABLE IF NOT EXISTS screenings (
    household_id VARCHAR NOT NULL, town_code VARCHAR NOT NULL, village_code VARCHAR NOT NULL,
    screened_on DATE NOT NULL, method VARCHAR NOT NULL, screener VARCHAR, result VARCHAR NOT NULL,
    leaflet_given BOOLEAN, confirmed_online_on DATE, lon DOUBLE, lat DOUBLE);
CREATE TABLE IF NOT EXISTS milestones (
    town_code VARCHAR PRIMARY KEY, plan_done_on DATE, training_done_on DATE,
    report_submitted_on DATE, report_approved BOOLEAN);
CREATE TABLE IF NOT EXISTS hazard_zones (
    zone_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, level VARCHAR, name VARCHAR,
    village_code VARCHAR, source VARCHAR, crs VARCHAR, geometry VARCHAR);
CREATE TABLE IF NOT EXISTS household_hazards (
    household_id VARCHAR NOT NULL, zone_id VARCHAR NOT NULL, kind VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS household_status (
    household_id VARCHAR NOT NULL, town_code VARCHAR NOT NULL, village_code VARCHAR NOT NULL,
    is_key BOOLEAN NOT NULL, first_on DATE NOT NULL, first_home_on DATE, first_propose_on DATE,
    first_leaflet_on DATE, first_confirmed_on DATE);
CREATE TABLE IF NOT EXISTS screening_days (
    town_code VARCHAR NOT NULL, village_code VARCHAR NOT NULL, day DATE NOT NULL, records BIGINT NOT NULL);
CREATE SEQUENCE IF NOT EXISTS import_seq;
CREATE TABLE IF NOT EXISTS import_log (
    id BIGINT DEFAULT nextval('import_seq'), logged_at TIMESTAMP NOT NULL, user_name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL, file_name VARCHAR NOT NULL, file_sha256 VARCHAR NOT NULL,
    mode VARCHAR NOT NULL, row_count BIGINT, ok BOOLEAN NOT NULL, detail VARCHAR);
CREATE SEQUENCE IF NOT EXISTS audit_seq;
CREATE TABLE IF NOT EXISTS audit_log (
    id BIGINT DEFAULT nextval('audit_seq'), logged_at TIMESTAMP NOT NULL, user_name VARCHAR NOT NULL,
    action VARCHAR NOT NULL, scope VARCHAR NOT NULL, detail VARCHAR, row_count BIGINT);
-- Added with sign-in: whether exported or shown rows were masked, and the exported file's hash.
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS masked BOOLEAN;
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS file_sha256 VARCHAR;
-- Accounts and sessions (ARCHITECTURE §6). Passwords only as Argon2id hashes; a session is a
-- server-side row, the browser holds only a random cookie whose SHA-256 is stored here.
CREATE TABLE IF NOT EXISTS users (
    username VARCHAR PRIMARY KEY, display_name VARCHAR NOT NULL, role VARCHAR NOT NULL,
    town_code VARCHAR, password_hash VARCHAR NOT NULL, disabled BOOLEAN NOT NULL DEFAULT FALSE,
    failed_count INTEGER NOT NULL DEFAULT 0, locked_until TIMESTAMP, created_at TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP NOT NULL, last_sign_in_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS sessions (
    session_id VARCHAR PRIMARY KEY, username VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL, ended_at TIMESTAMP, end_reason VARCHAR, scope VARCHAR NOT NULL,
    cookie_hash VARCHAR, ticket_hash VARCHAR, ticket_expires_at TIMESTAMP, prefs VARCHAR);
-- Spot checks. A draw's town_code is its town, or the district code for a district-wide draw,
-- so that Store.scope_sql confines the draw log like any other table.
CREATE SEQUENCE IF NOT EXISTS spot_check_draw_seq;
CREATE TABLE IF NOT EXISTS spot_check_draws (
    draw_id BIGINT PRIMARY KEY, drawn_at TIMESTAMP NOT NULL, user_name VARCHAR NOT NULL,
    scope VARCHAR NOT NULL, town_code VARCHAR NOT NULL, as_of DATE NOT NULL, method VARCHAR NOT NULL,
    parameters VARCHAR NOT NULL, seed BIGINT NOT NULL, include_unscreened BOOLEAN NOT NULL,
    frame_hash VARCHAR NOT NULL, frame_size BIGINT NOT NULL, sample_size BIGINT NOT NULL);
-- Schema 3. A draw stored before has neither: its hash is version 1 and its frame is rebuilt to
-- check it. frame_key is what the frame was built from (the store's content version and the
-- thresholds its flags use): while it is unchanged the frame is too (draws.frame_unchanged).
ALTER TABLE spot_check_draws ADD COLUMN IF NOT EXISTS frame_hash_version INTEGER;
ALTER TABLE spot_check_draws ADD COLUMN IF NOT EXISTS frame_key VARCHAR;
-- Schema 4: no primary key. A draw's households are distinct by construction (a sample never
-- takes a household twice); DuckDB's key index made storing a back-check of 650,000 households
-- cost a second, and its column zone maps find one draw's rows without it. PostgreSQL, a row
-- store, has a unique index on (draw_id, household_id) instead, for its result updates.
{ITEMS_TABLE};
-- Household lists (the households page): address, monitoring pipeline dates, disaster flag (HOUSEHOLD_MONITORING_COLUMNS),
-- and household_facts, derived: one row per household with what the lists filter and sort by
-- (see Store.refresh_derived), so that a list is one scan of one table, never a join of millions.
ALTER TABLE households ADD COLUMN IF NOT EXISTS address VARCHAR;
ALTER TABLE households ADD COLUMN IF NOT EXISTS identified_on DATE;
ALTER TABLE households ADD COLUMN IF NOT EXISTS assisted_on DATE;
ALTER TABLE households ADD COLUMN IF NOT EXISTS disaster_affected BOOLEAN DEFAULT FALSE;
CREATE TABLE IF NOT EXISTS household_facts (
    household_id VARCHAR NOT NULL, town_code VARCHAR NOT NULL, village_code VARCHAR NOT NULL,
    members INTEGER, monitor_type VARCHAR NOT NULL, per_capita_income DOUBLE, compliant_oop_spending DOUBLE,
    identified_on DATE, assisted_on DATE, disaster_affected BOOLEAN NOT NULL,
    {", ".join(f"{c} BOOLEAN NOT NULL" for c in KEY_COLUMNS + GUARANTEE_COLUMNS)},
    first_on DATE, first_home_on DATE, first_assessment_on DATE, first_online_on DATE,
    first_no_risk_on DATE, first_risk_on DATE, first_propose_on DATE,
    history STRUCT(day DATE, method VARCHAR)[], zones STRUCT(kind VARCHAR, level VARCHAR)[],
    hazard_kinds VARCHAR[]);
-- Risk map: a village-level hazard carries its indicator (price drop %, share of migrant workers
-- without work, days of water shortage), what that number means, and the date it describes.
ALTER TABLE hazard_zones ADD COLUMN IF NOT EXISTS indicator DOUBLE;
ALTER TABLE hazard_zones ADD COLUMN IF NOT EXISTS indicator_name VARCHAR;
ALTER TABLE hazard_zones ADD COLUMN IF NOT EXISTS observed_on DATE;
-- Progress (the villages page): records and home visits per screener, village and day, a derived table
-- rebuilt with the others (Store.refresh_derived), so screener figures never scan screenings.
CREATE TABLE IF NOT EXISTS screener_days (
    town_code VARCHAR NOT NULL, village_code VARCHAR NOT NULL, screener VARCHAR, day DATE NOT NULL,
    records BIGINT NOT NULL, home_visits BIGINT NOT NULL);
-- Progress: key households' first village assessment (village_assessment), to tell those only phoned from
-- those only assessed without scanning every screening record.
CREATE TABLE IF NOT EXISTS key_assessments (
    town_code VARCHAR NOT NULL, village_code VARCHAR NOT NULL, household_id VARCHAR NOT NULL,
    first_assessment_on DATE NOT NULL);
-- Progress as of any day: per village and day, how many households reached each first event on
-- that day (village_facts sums the days up to the as-of date), and per village the roster's
-- households and key households (day NULL). A few thousand rows instead of one per household:
-- the overview reads this, not household_status, on either engine.
CREATE TABLE IF NOT EXISTS village_days (
    town_code VARCHAR NOT NULL, village_code VARCHAR NOT NULL, measure VARCHAR NOT NULL, day DATE,
    households BIGINT NOT NULL);
-- Progress bulletins (the meeting packs): each issued one with the figures it printed and its files, byte for byte.
CREATE TABLE IF NOT EXISTS bulletins (
    scope VARCHAR NOT NULL, issue_number INTEGER NOT NULL, as_of DATE NOT NULL,
    since_issue INTEGER, since_day DATE, issued_at TIMESTAMP NOT NULL, issued_by VARCHAR NOT NULL,
    data_version BIGINT NOT NULL, figures VARCHAR NOT NULL, next_steps VARCHAR NOT NULL,
    docx BLOB NOT NULL, xlsx BLOB NOT NULL, pdf BLOB, docx_sha256 VARCHAR NOT NULL,
    PRIMARY KEY (scope, issue_number));
-- Spot checks: per household the first day each frame flag holds (and the limits of the two flags that
-- have one), derived (Store.refresh_derived), so a frame as of any date is one scan (spot_checks.frame).
CREATE TABLE IF NOT EXISTS spot_check_frame (
    household_id VARCHAR NOT NULL, town_code VARCHAR NOT NULL, village_code VARCHAR NOT NULL,
    is_key BOOLEAN NOT NULL, first_on DATE, screener VARCHAR, first_home_on DATE, first_overload_on DATE,
    first_far_on DATE, hazard_exposed BOOLEAN NOT NULL, overload_above INTEGER NOT NULL, far_above DOUBLE NOT NULL);
"""

# Both engines' upsert: a meta key written again replaces its value.
_META_UPSERT = "ON CONFLICT (key) DO UPDATE SET value = excluded.value"

# household_facts from the roster, every screening record and the hazard exposures. Each
# household's records and zones are kept with it (DuckDB lists of structs, PostgreSQL JSON
# arrays: the engine's HISTORY_AGG and ZONES_AGG): the shown page reads its methods and zones from
# its own rows instead of searching millions of records.
_HOUSEHOLD_FACTS = f"""
INSERT INTO household_facts
WITH rec AS (
    SELECT household_id, min(screened_on) AS first_on,
           min(screened_on) FILTER (WHERE method = '{ScreeningMethod.home_visit.value}') AS first_home_on,
           min(screened_on) FILTER (WHERE method = '{ScreeningMethod.village_assessment.value}') AS first_assessment_on,
           min(screened_on) FILTER (WHERE method = '{ScreeningMethod.online_inquiry.value}') AS first_online_on,
           min(screened_on) FILTER (WHERE result = '{ScreeningResult.no_risk.value}') AS first_no_risk_on,
           min(screened_on) FILTER (WHERE result = '{ScreeningResult.risk_found.value}') AS first_risk_on,
           min(screened_on) FILTER (WHERE result = '{ScreeningResult.propose_monitoring.value}') AS first_propose_on,
           {{history}} AS history
    FROM screenings GROUP BY household_id),
exposure AS (
    SELECT x.household_id, {{zones}} AS zones, array_agg(DISTINCT x.kind) AS hazard_kinds
    FROM household_hazards x JOIN hazard_zones z USING (zone_id) GROUP BY x.household_id)
SELECT h.household_id, h.town_code, h.village_code, h.members, h.monitor_type, h.per_capita_income,
       h.compliant_oop_spending, h.identified_on, h.assisted_on, coalesce(h.disaster_affected, FALSE),
       {", ".join(f"h.{c}" for c in KEY_COLUMNS + GUARANTEE_COLUMNS)},
       rec.first_on, rec.first_home_on, rec.first_assessment_on, rec.first_online_on, rec.first_no_risk_on,
       rec.first_risk_on, rec.first_propose_on, rec.history, exposure.zones, exposure.hazard_kinds
FROM households h LEFT JOIN rec USING (household_id) LEFT JOIN exposure USING (household_id)
"""


# The first-event measures of village_facts, each the day column of household_status it counts and
# whether only key households count.
VILLAGE_MEASURES = {"screened": ("first_on", False), "key_home_visited": ("first_home_on", True),
                    "key_screened": ("first_on", True), "proposed": ("first_propose_on", False),
                    "leaflet": ("first_leaflet_on", False), "confirmed_online": ("first_confirmed_on", False)}
_VILLAGE_DAYS = "INSERT INTO village_days\n" + "\nUNION ALL\n".join(
    ["SELECT h.town_code, h.village_code, 'households', CAST(NULL AS DATE), count(*) FROM households h GROUP BY 1, 2",
     f"SELECT h.town_code, h.village_code, 'key_households', CAST(NULL AS DATE), count(*) FROM households h "
     f"WHERE {IS_KEY_SQL} GROUP BY 1, 2"]
    + [f"SELECT s.town_code, s.village_code, '{measure}', s.{day}, count(*) FROM household_status s "
       f"WHERE s.{day} IS NOT NULL{' AND s.is_key' if key_only else ''} GROUP BY 1, 2, 4"
       for measure, (day, key_only) in VILLAGE_MEASURES.items()])


def _hazard_levels_as_codes(cur: duckdb.DuckDBPyConnection) -> None:
    """Schema 2: each stored hazard level becomes its HazardLevel code, read as the import reads
    one (高, 中风险, H, medium ...). A level no spelling matches is cleared, and kept with its
    zone in meta ``unmapped_hazard_levels`` (JSON), so nothing a file said is lost.
    """
    # Imported here: the import package itself imports this module.
    from data_loaders.importing.spec import enum_lookup, normalise_value

    lookup = enum_lookup(HazardLevel)
    zones = cur.execute("SELECT zone_id, level FROM hazard_zones WHERE level IS NOT NULL").fetchall()
    codes = pd.DataFrame({"zone_id": pd.Series([z for z, _ in zones], dtype=object),
                          "code": pd.Series([lookup.get(normalise_value(level)) for _, level in zones],
                                            dtype=object)})
    cur.register("_levels", codes)
    try:
        cur.execute("UPDATE hazard_zones SET level = c.code FROM _levels c WHERE hazard_zones.zone_id = c.zone_id")
    finally:
        cur.unregister("_levels")
    unmapped = {zone: level for (zone, level), code in zip(zones, codes["code"], strict=True) if code is None}
    if unmapped:
        cur.execute("INSERT INTO meta VALUES ('unmapped_hazard_levels', ?) " + _META_UPSERT,
                    [json.dumps(unmapped, ensure_ascii=False, sort_keys=True)])


def _draws_record_their_hash_version(cur: duckdb.DuckDBPyConnection) -> None:
    """Schema 3: the columns themselves come with the schema; every draw stored before was hashed
    with version 1 of the frame hash, and its data version is unknown (NULL: always rebuilt).
    """
    cur.execute("UPDATE spot_check_draws SET frame_hash_version = 1 WHERE frame_hash_version IS NULL")


def _items_without_key(cur: duckdb.DuckDBPyConnection) -> None:
    """Schema 4: spot-check items lose their primary key (see ITEMS_TABLE).

    DuckDB cannot drop a key, so the table is made again and its rows copied, by name. A
    PostgreSQL store drops the key: its unique index (engines.postgres.INDEXES) does the key's job.
    """
    if not isinstance(cur, duckdb.DuckDBPyConnection):
        cur.execute("ALTER TABLE spot_check_items DROP CONSTRAINT IF EXISTS spot_check_items_pkey")
        return
    keyed = cur.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'spot_check_items' "
                        "AND constraint_type = 'PRIMARY KEY'").fetchone()[0]
    if not keyed:
        return
    names = ", ".join(ITEMS_COLUMNS)
    cur.execute("ALTER TABLE spot_check_items RENAME TO spot_check_items_keyed")
    cur.execute(ITEMS_TABLE)
    cur.execute(f"INSERT INTO spot_check_items ({names}) SELECT {names} FROM spot_check_items_keyed")
    cur.execute("DROP TABLE spot_check_items_keyed")


# Schema version → the step that brings a store of the version before it there.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    2: _hazard_levels_as_codes, 3: _draws_record_their_hash_version, 4: _items_without_key}


# Tables every paicha store holds; a store missing some (an older version) gets them on open.
STORE_TABLES = frozenset(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", _SCHEMA))
# Columns added to existing tables later; a store that lacks any gets them on open too.
ADDED_COLUMNS = frozenset(re.findall(r"ALTER TABLE (\w+) ADD COLUMN IF NOT EXISTS (\w+)", _SCHEMA))
DERIVED_TABLES = frozenset({"household_status", "screening_days", "screener_days", "key_assessments", "village_days",
                            "household_facts", "spot_check_frame"})


def _engine_module(target: Path | str):
    if is_server(target):
        from data_loaders.engines import postgres

        return postgres
    from data_loaders.engines import duck

    return duck


def read_schema_version(target: Path | str) -> int:
    """The schema version a store is in, read without opening (and so upgrading) it."""
    if is_server(target):
        from data_loaders.engines import postgres

        return postgres.read_schema_version(str(target))
    return duck.read_schema_version(Path(target))


def store_exists(target: Path | str) -> bool:
    """Whether a store is there: the file exists, or the server's database holds a paicha meta table."""
    if not is_server(target):
        return Path(target).exists()
    from data_loaders.engines import postgres

    return postgres.has_store(str(target))


def forget(path: Path | str) -> None:
    """Close and drop this process's connection to a file (after it moved or was replaced)."""
    if not is_server(path):
        duck.forget(path)


def close_all() -> None:
    """Close every cached file connection (tests and the CLI use it before touching files)."""
    duck.close_all()
    for store in list(_server_stores.values()):
        store._engine.forget()
    _server_stores.clear()


# Server stores opened by this process, by address, so close_all can close their pools.
_server_stores: dict[str, Store] = {}


class Store:
    """Access to one paicha database. Every read takes a :class:`Scope`.

    ``Store(path)`` opens an existing store and never creates one: a missing file is a
    :class:`StoreMissingError`, a file without the demo/real marker is refused. New stores come
    from :meth:`create`. With ``read_only=None`` the file is opened read-only when it or its
    folder is not writable, so pages that only read keep working; every write then raises
    :class:`StoreReadOnlyError` before touching anything.
    """

    def __init__(self, path: Path | str, read_only: bool | None = None, memory_limit: str | None = None) -> None:
        engine = _engine_module(path)
        self.server = is_server(path)
        self.path = str(path) if self.server else Path(path)
        self.engine = engine
        self.Error = engine.Error
        self._engine = engine.Engine(self.path, read_only, memory_limit)
        self.read_only = self._engine.read_only
        self._local = threading.local()
        try:
            tables = self._check_marker()
            if not self.read_only:
                self._upgrade(tables)
        except BaseException:
            self._engine.forget()  # a refused store stays untouched and unlocked
            raise
        if self.server:
            _server_stores[self.path] = self

    @classmethod
    def create(cls, path: Path | str, *, demo: bool, memory_limit: str | None = None) -> Store:
        """Create a new, empty store marked demo or real (meta ``is_demo``); never overwrites.

        The marker is written in the same transaction as the schema, so a store that exists
        without one was not made here and is refused on open. On a server the database itself
        exists already (its owner made it); it must hold no paicha tables yet.
        """
        meta = [["schema_version", str(SCHEMA_VERSION)], ["is_demo", "true" if demo else "false"],
                ["created_at", dt.datetime.now().isoformat(timespec="seconds")]]
        if is_server(path):
            from data_loaders.engines import postgres

            postgres.create(str(path), _SCHEMA, meta)
            return cls(path, read_only=False)
        path = Path(path)
        if path.exists():
            raise StoreError(t("errors.store.exists", path=path), path)
        if Path(f"{path}.wal").exists():
            # DuckDB would replay a leftover log of some earlier database into the new file.
            raise StoreError(t("errors.store.stale_wal", path=path), path)
        path.parent.mkdir(parents=True, exist_ok=True)
        duck.create(path, _SCHEMA, meta)
        return cls(path, read_only=False, memory_limit=memory_limit)

    def _has_added_columns(self) -> bool:
        return self._engine.columns() >= ADDED_COLUMNS

    def schema_version(self) -> int:
        """The schema the file is in; a store from before versions were written is version 1."""
        return int(self.get_meta("schema_version") or 1)

    def _upgrade(self, tables: set[str]) -> None:
        """Bring an older store up to this program's schema, in one transaction: the tables and
        columns it lacks, then every migration after its version in order, then the version.

        A failure leaves the file as it was (still the older version, opened again next time).
        A read-only store is read as it is: it cannot be upgraded, and nothing it holds is lost.
        """
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(t("errors.store.newer_schema", path=self.path, version=version,
                               supported=SCHEMA_VERSION), self.path)
        if tables >= STORE_TABLES and version == SCHEMA_VERSION and self._has_added_columns():
            return
        # The derived tables are rebuilt too when there is something to derive from: a store from
        # before a derived table existed gets it filled, and a column or migration that feeds them
        # (household_facts: roster columns, hazard level codes) must not leave them empty or stale
        # until the next import.
        derived = ("households" in tables and not tables >= DERIVED_TABLES) or {
            "households", "screenings", "household_hazards", "hazard_zones"} <= tables
        with self.transaction(refresh=derived) as cur:
            # Read again under the write lock: on a server another process may have upgraded the
            # store meanwhile, and no migration may run twice.
            version = self.schema_version()
            cur.execute(self.engine.ddl(_SCHEMA))
            self._engine.after_schema(cur)
            for target in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[target](cur)
            self.set_meta("schema_version", str(SCHEMA_VERSION), cur)

    def _check_marker(self) -> set[str]:
        """The store's tables, once its demo/real marker has been found; refuse it otherwise."""
        try:
            tables = self._engine.tables()
        except self.Error as exc:
            raise classify(exc, self.path) from exc
        if not tables:
            raise not_a_database(self.path, t("errors.store.no_tables"))
        if "meta" not in tables:
            raise not_a_database(self.path, t("errors.store.no_meta"))
        if self.get_meta("is_demo") not in ("true", "false"):
            raise unmarked(self.path)
        return tables

    # -- the file under a running process ------------------------------------------------------

    def check_file(self) -> None:
        """Raise unless the file at ``path`` is still the one this store opened.

        A cheap os.stat: run on every page's data-version read and before every write, so
        nobody is shown figures from, or writes into, a file that is no longer at its path.
        """
        self._engine.check_file()

    def require_writable(self, action: str = "") -> None:
        """Raise before a write that cannot happen: the file moved away, or it is read-only.

        ``action`` names the write in the read-only message ("导入数据").
        """
        self._engine.require_writable(self.path, action)

    def _file_error(self, exc: BaseException) -> BaseException:
        """The store error for a file problem (disk full, permissions); other errors unchanged."""
        return self._engine.classify(exc)

    def _checkpoint(self) -> None:
        """Fold the write-ahead log into the file after each write.

        The file alone is then complete: a copy, a move or a backup script never leaves the
        latest imports or audit lines behind in a .wal, and closing a connection to a moved
        file writes nothing into it. A checkpoint that cannot run now (another thread mid-write)
        is left to DuckDB: the data is already durable in the log. Inside a transaction (an
        audit line written with a draw) the transaction's own commit checkpoints.
        """
        if getattr(self._local, "in_transaction", False):
            return
        self._engine.checkpoint()

    # -- connections and transactions ---------------------------------------------------------

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for the calling thread: DuckDB cursors must not be shared across threads."""
        return self._engine.cursor()

    def arrow(self, sql: str, params: Sequence | None = None):
        """A result as an Arrow table: text columns stay in Arrow buffers, not Python strings."""
        return self._engine.arrow(self.cursor(), sql, params)

    def act_as(self, scope: Scope) -> None:
        """Key the calling thread's statements to a user's scope, for engines with row policies.

        The app calls it once a run knows who is signed in; the store's own scoped queries stay
        the first guard, the engine's policies the second.
        """
        self._engine.set_scope(scope.key())

    def fail_closed(self) -> None:
        """Threads that never called :meth:`act_as` see no town's rows (the app's sessions)."""
        self._engine.fail_closed()

    @contextmanager
    def transaction(self, refresh: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """All statements inside commit together or not at all; the data version moves on commit.

        With ``refresh`` the derived tables are rebuilt inside the same transaction, so they can
        never disagree with the rows they summarise. Writes that touch no household or screening
        (spot-check draws, audit) pass ``refresh=False``. A file problem (read-only, disk full,
        moved) raises its :class:`StoreError` and nothing is written.
        """
        self.require_writable()
        cur = self.cursor()
        cur.execute("BEGIN TRANSACTION")
        self._local.in_transaction = True
        try:
            yield cur
            if refresh:
                self.refresh_derived(cur)
                # Only writes that refresh the derived tables change households, records or
                # exposures; the content version moves with them alone (draws and results do not).
                cur.execute(
                    "INSERT INTO meta VALUES ('content_version', "
                    "CAST(COALESCE((SELECT CAST(value AS BIGINT) FROM meta WHERE key='content_version'), 0) + 1 AS VARCHAR)) "
                    + _META_UPSERT
                )
            cur.execute(
                "INSERT INTO meta VALUES ('data_version', "
                "CAST(COALESCE((SELECT CAST(value AS BIGINT) FROM meta WHERE key='data_version'), 0) + 1 AS VARCHAR)) "
                + _META_UPSERT
            )
            cur.execute("COMMIT")
        except BaseException as exc:
            # A failed COMMIT has already ended the transaction; ROLLBACK then has nothing to do.
            with suppress(self.Error):
                cur.execute("ROLLBACK")
            if isinstance(exc, self.Error):
                raise self._file_error(exc) from exc
            raise
        finally:
            self._local.in_transaction = False
        self._checkpoint()
        if refresh:
            self._engine.after_refresh()

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for single self-committing writes (log lines) under the same file checks."""
        self.require_writable()
        try:
            yield self.cursor()
        except self.Error as exc:
            raise self._file_error(exc) from exc
        self._checkpoint()

    def refresh_derived(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Rebuild the per-household first-event dates, the household lists' facts and the
        per-village screening days.

        Every as-of view is a filter on these dates (a household is screened on d when its first
        record is on or before d), so figures for any day come from one pass over one row per
        household instead of re-aggregating every screening record: at 5 million households this
        is the difference between seconds and tens of seconds per page.
        """
        home = ScreeningMethod.home_visit.value
        propose = ScreeningResult.propose_monitoring.value
        cur.execute("DELETE FROM household_status")
        cur.execute(f"""
            INSERT INTO household_status
            SELECT s.household_id, min(h.town_code), min(h.village_code),
                   bool_or({IS_KEY_SQL}), min(s.screened_on),
                   min(s.screened_on) FILTER (WHERE s.method = '{home}'),
                   min(s.screened_on) FILTER (WHERE s.result = '{propose}'),
                   min(s.screened_on) FILTER (WHERE s.leaflet_given),
                   min(greatest(s.screened_on, s.confirmed_online_on))
                       FILTER (WHERE s.confirmed_online_on IS NOT NULL)
            FROM screenings s JOIN households h USING (household_id)
            GROUP BY s.household_id
        """)
        # Households (农户清单): the lists' one-row-per-household table.
        cur.execute("DELETE FROM household_facts")
        cur.execute(_HOUSEHOLD_FACTS.format(history=self.engine.HISTORY_AGG, zones=self.engine.ZONES_AGG))
        cur.execute("DELETE FROM screening_days")
        cur.execute("""
            INSERT INTO screening_days
            SELECT h.town_code, h.village_code, s.screened_on, count(*)
            FROM screenings s JOIN households h USING (household_id) GROUP BY 1, 2, 3
        """)
        # Progress (村级进度): screener figures and the implausible-day flag read this table.
        cur.execute("DELETE FROM screener_days")
        cur.execute(f"""
            INSERT INTO screener_days
            SELECT h.town_code, h.village_code, s.screener, s.screened_on, count(*),
                   count(*) FILTER (WHERE s.method = '{home}')
            FROM screenings s JOIN households h USING (household_id) GROUP BY 1, 2, 3, 4
        """)
        cur.execute("DELETE FROM village_days")
        cur.execute(_VILLAGE_DAYS)
        cur.execute("DELETE FROM key_assessments")
        cur.execute(f"""
            INSERT INTO key_assessments
            SELECT h.town_code, h.village_code, s.household_id, min(s.screened_on)
            FROM screenings s JOIN households h USING (household_id)
            WHERE {IS_KEY_SQL} AND s.method = '{ScreeningMethod.village_assessment.value}' GROUP BY 1, 2, 3
        """)
        # Spot checks (抽查): the frame's first days, with the configuration's limits (see
        # frame.derived_thresholds). Imported here: the spot-check package imports this module.
        from data_loaders.spot_checks.frame import frame_facts_insert

        cur.execute("DELETE FROM spot_check_frame")
        cur.execute(*frame_facts_insert(self))

    def query(self, sql: str, params: Sequence | None = None) -> pd.DataFrame:
        return self.cursor().execute(sql, params or []).df()

    # -- meta ---------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        # fetchall, not fetchone: DuckDB 2 leaves a cursor with an unread result that blocks the
        # next register() on it.
        rows = self.cursor().execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str, cur: duckdb.DuckDBPyConnection | None = None) -> None:
        if cur is not None:
            cur.execute("INSERT INTO meta VALUES (?, ?) " + _META_UPSERT, [key, value])
            return
        with self.writing() as own:
            own.execute("INSERT INTO meta VALUES (?, ?) " + _META_UPSERT, [key, value])

    def data_version(self) -> int:
        """Changes on every committed write; caches use it so nobody sees stale figures.

        Read on every page run, so it first checks that the file is still the one opened.
        """
        self.check_file()
        return int(self.get_meta("data_version") or 0)

    def content_version(self, cur: duckdb.DuckDBPyConnection | None = None) -> int:
        """Changes with every write to households, records or hazard exposures (the refreshing
        transactions), not with draws, results, sessions or audit lines.
        """
        cur = cur or self.cursor()
        rows = cur.execute("SELECT value FROM meta WHERE key = 'content_version'").fetchall()
        return int(rows[0][0]) if rows else 0

    def is_demo(self) -> bool:
        return self.get_meta("is_demo") == "true"

    def count(self, table: str) -> int:
        if table not in {"households", "screenings", "milestones", "divisions", "hazard_zones",
                         "household_hazards", "audit_log", "import_log", "household_status", "screening_days",
                         "screener_days", "key_assessments", "household_facts", "village_days",
                         "spot_check_draws", "spot_check_items", "spot_check_frame", "users", "sessions"}:
            raise ValueError(table)
        return int(self.cursor().execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])

    # -- writes -------------------------------------------------------------------------------

    def insert_frame(self, cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame,
                     columns: Sequence[str]) -> None:
        """Insert a frame's named columns by name, so column order in the frame never matters."""
        self._engine.insert_frame(cur, table, frame, columns)

    def load_parquet(self, cur: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str],
                     files: Sequence[str]) -> None:
        """Load Parquet files into a table's named columns, the engine's fastest way."""
        self._engine.load_parquet(cur, table, columns, files)

    def audit(self, user: str, action: str, scope: Scope, detail: dict | str | None = None,
              row_count: int | None = None, masked: bool | None = None,
              file_sha256: str | None = None) -> None:
        """Append one line to the audit log (never updated, never deleted)."""
        text = detail if isinstance(detail, str) or detail is None else json.dumps(
            detail, ensure_ascii=False, default=str, sort_keys=True)
        with self.writing() as cur:
            cur.execute(
                "INSERT INTO audit_log (logged_at, user_name, action, scope, detail, row_count, masked, "
                "file_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [dt.datetime.now(), user, action, scope.key(), text, row_count, masked, file_sha256],
            )

    def audit_entries(self, since: dt.date | None = None, until: dt.date | None = None,
                      user: str | None = None, action: str | None = None,
                      limit: int | None = None) -> pd.DataFrame:
        """Audit lines, newest first, filtered by day range (inclusive), user and action."""
        where, params = ["TRUE"], []
        if since is not None:
            where.append("logged_at >= ?")
            params.append(dt.datetime.combine(since, dt.time.min))
        if until is not None:
            where.append("logged_at < ?")
            params.append(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))
        if user:
            where.append("user_name = ?")
            params.append(user)
        if action:
            where.append("action = ?")
            params.append(action)
        tail = " LIMIT ?" if limit else ""
        return self.query(
            "SELECT id, logged_at, user_name, action, scope, detail, row_count, masked, file_sha256 "
            f"FROM audit_log WHERE {' AND '.join(where)} ORDER BY id DESC{tail}",
            [*params, *([limit] if limit else [])])

    def audit_vocabulary(self) -> tuple[list[str], list[str]]:
        """The user names and actions that occur in the audit log, for the filter widgets."""
        users = [r[0] for r in self.cursor().execute(
            "SELECT DISTINCT user_name FROM audit_log ORDER BY 1").fetchall()]
        actions = [r[0] for r in self.cursor().execute(
            "SELECT DISTINCT action FROM audit_log ORDER BY 1").fetchall()]
        return users, actions

    # -- scoped reads -------------------------------------------------------------------------

    @staticmethod
    def scope_sql(scope: Scope, alias: str) -> tuple[str, list]:
        """The WHERE fragment that confines a query to a scope; the empty scope matches nothing."""
        if scope.is_empty:
            return "FALSE", []
        if scope.town_code:
            return f"{alias}.town_code = ?", [scope.town_code]
        return f"starts_with({alias}.town_code, ?)", [scope.district_code]

    def divisions(self, scope: Scope, with_geometry: bool = False) -> pd.DataFrame:
        where, params = self.scope_sql(scope, "d")
        geom = ", d.geometry" if with_geometry else ""
        return self.query(
            f"SELECT d.town_code, d.town_name, d.village_code, d.village_name, d.kind{geom} "
            f"FROM divisions d WHERE {where} ORDER BY d.village_code",
            params,
        )

    def towns(self, scope: Scope) -> pd.DataFrame:
        where, params = self.scope_sql(scope, "d")
        return self.query(
            f"SELECT DISTINCT d.town_code, d.town_name FROM divisions d WHERE {where} ORDER BY 1", params
        )

    def village_facts(self, scope: Scope, as_of: dt.date) -> pd.DataFrame:
        """Per village: the counts every progress figure is built from, as of a date.

        Records after ``as_of`` are invisible, which is what lets any past day be replayed.
        """
        where_d, p_d = self.scope_sql(scope, "d")
        where_v, p_v = self.scope_sql(scope, "v")
        where_s, p_s = self.scope_sql(scope, "s")
        counts = ",\n                   ".join(
            f"coalesce(sum(v.households) FILTER (WHERE v.measure = '{m}' AND v.day <= $as_of), 0) AS {m}"
            for m in VILLAGE_MEASURES)
        sql = f"""
        WITH counts AS (
            SELECT v.village_code,
                   coalesce(sum(v.households) FILTER (WHERE v.measure = 'households'), 0) AS households,
                   coalesce(sum(v.households) FILTER (WHERE v.measure = 'key_households'), 0) AS key_households,
                   {counts}
            FROM village_days v WHERE {where_v} GROUP BY 1),
        spans AS (
            SELECT s.village_code, min(s.day) AS first_record_on, max(s.day) AS last_record_on
            FROM screening_days s WHERE {where_s} AND s.day <= $as_of GROUP BY 1)
        SELECT d.town_code, d.town_name, d.village_code, d.village_name, d.kind,
               {", ".join(f"CAST(coalesce(c.{m}, 0) AS BIGINT) AS {m}"
                          for m in ("households", "key_households", *VILLAGE_MEASURES))},
               sp.first_record_on, sp.last_record_on
        FROM divisions d
        LEFT JOIN counts c USING (village_code)
        LEFT JOIN spans sp USING (village_code)
        WHERE {where_d}
        ORDER BY d.village_code
        """
        frame = self.query(self._numbered(sql), [*p_v, *p_s, *p_d, as_of])
        for col in ("first_record_on", "last_record_on"):
            frame[col] = pd.to_datetime(frame[col]).dt.date
        return frame

    @staticmethod
    def _numbered(sql: str) -> str:
        """Turn positional ``?`` into $1..$n and ``$as_of`` into the last parameter.

        DuckDB cannot mix ``?`` and named parameters; numbering lets one date appear many times.
        """
        parts = sql.split("?")
        out = parts[0]
        for i, part in enumerate(parts[1:], start=1):
            out += f"${i}" + part
        return out.replace("$as_of", f"${len(parts)}")

    def daily_first_screenings(self, scope: Scope, as_of: dt.date) -> pd.DataFrame:
        """Per village and day: households whose first screening falls on that day (≤ as_of)."""
        where_s, p_s = self.scope_sql(scope, "s")
        frame = self.query(
            f"""
            SELECT s.village_code, s.day, CAST(sum(s.households) AS BIGINT) AS screened
            FROM village_days s WHERE {where_s} AND s.measure = 'screened' AND s.day <= ?
            GROUP BY 1, 2 ORDER BY 1, 2
            """,
            [*p_s, as_of],
        )
        frame["day"] = pd.to_datetime(frame["day"]).dt.date
        return frame

    def milestones(self, scope: Scope) -> pd.DataFrame:
        where_d, p_d = self.scope_sql(scope, "t")
        frame = self.query(
            f"""
            SELECT t.town_code, t.town_name, m.plan_done_on, m.training_done_on,
                   m.report_submitted_on, m.report_approved
            FROM (SELECT DISTINCT town_code, town_name FROM divisions) t
            LEFT JOIN milestones m USING (town_code)
            WHERE {where_d} ORDER BY t.town_code
            """,
            p_d,
        )
        for col in ("plan_done_on", "training_done_on", "report_submitted_on"):
            frame[col] = pd.to_datetime(frame[col]).dt.date
        return frame

    def hazard_zones(self, scope: Scope) -> pd.DataFrame:
        """Zones touching the scope: village-bound zones by village, area zones by district."""
        if scope.is_empty:
            return pd.DataFrame(columns=HAZARD_COLUMNS)
        where_d, p_d = self.scope_sql(scope, "d")
        return self.query(
            f"""
            SELECT z.* FROM hazard_zones z
            WHERE z.village_code IS NULL AND ? OR z.village_code IN (
                SELECT d.village_code FROM divisions d WHERE {where_d})
            ORDER BY z.zone_id
            """,
            [scope.is_district, *p_d],
        )


    def import_log(self, limit: int = 50) -> pd.DataFrame:
        """The latest import attempts, newest first (district administrators only see this)."""
        return self.query(
            "SELECT logged_at, user_name, kind, file_name, file_sha256, mode, row_count, ok, detail "
            "FROM import_log ORDER BY id DESC LIMIT ?", [limit])
