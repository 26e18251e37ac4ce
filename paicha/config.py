"""Loads the one TOML configuration file into typed, immutable settings.

The default configuration is package data (``paicha/defaults/paicha.toml``), read through
importlib.resources so that an installed ``paicha`` works outside the checkout; a deployment
points ``PAICHA_CONFIG`` at its own copy.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from paicha.text import t

DEFAULT_CONFIG = resources.files("paicha").joinpath("defaults", "paicha.toml")
"""The configuration shipped with the package, used when neither a path nor PAICHA_CONFIG is given."""

# A store named by one of these lives on a database server (PostgreSQL); anything else is a file.
SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_url(target: object) -> bool:
    return str(target).startswith(SERVER_SCHEMES)


@dataclass(frozen=True)
class Campaign:
    name: str
    start: dt.date
    plan_training_deadline: dt.date
    screening_deadline: dt.date
    report_deadline: dt.date
    min_village_workdays: int


@dataclass(frozen=True)
class Thresholds:
    monitoring_income: float
    lagging_points: float
    severe_points: float
    recent_window_workdays: int
    max_home_visits_per_day: int
    far_visit_metres: float
    # Defaulted so that a configuration written before spot checks existed still loads.
    screener_error_rate: float = 0.2


@dataclass(frozen=True)
class ImportLimits:
    """Plausible ranges of the imported numbers (assumptions, see docs/assumptions.md).

    A value outside is refused at its row: an extra zero in an income, a household of three
    billion people or a point in another province is a typo, and DuckDB must never see it.
    """

    max_members: int = 30
    max_per_capita_income: float = 500_000.0
    max_compliant_oop_spending: float = 1_000_000.0
    coordinate_margin_degrees: float = 0.05


@dataclass(frozen=True)
class Monitoring:
    """Cut-offs of the 应纳未纳 rules and of the 绿色通道 (assumptions, see docs/assumptions.md).

    The income line itself is ``Thresholds.monitoring_income``. Defaulted, so that a
    configuration written before the household lists existed still loads.
    """

    proposal_workdays: int = 10
    assistance_only_multiple: float = 1.5
    green_channel_workdays: int = 10
    earliest_identification: dt.date = dt.date(2020, 3, 1)


@dataclass(frozen=True)
class Auth:
    """Sign-in rules: lockout, idle timeout, password length, session lifetime, cookie flags."""

    idle_minutes: int = 30
    max_failures: int = 5
    lockout_minutes: int = 15
    min_password_length: int = 10
    session_hours: int = 12
    cookie_secure: bool = False


@dataclass(frozen=True)
class MapOptions:
    """What the risk map offers: tile sources, and how many points it draws before aggregating.

    ``offered`` lists the tile sources the page lets a user choose (``none`` always works);
    ``intranet_url`` is a tile URL template ({z}/{x}/{y}) of a server on the intranet.
    """

    offered: tuple[str, ...] = ("none",)
    intranet_url: str = ""
    intranet_crs: str = "WGS-84"
    heat_cap: int = 20_000
    cluster_cap: int = 5_000


@dataclass(frozen=True)
class Reasons:
    """Cut-offs and weights of the why-behind rules (``paicha.reasons``; docs/assumptions.md).

    Defaulted so that a configuration written before the rules existed still loads.
    """

    pause_workdays: int = 2
    slow_rate_share: float = 1.0
    key_not_home_min: int = 1
    leaflet_min_share: float = 0.9
    confirmed_min_share: float = 0.7
    single_screener_share: float = 0.8
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_REASON_WEIGHTS))

    def weight(self, rule: str) -> float:
        return float(self.weights.get(rule, DEFAULT_REASON_WEIGHTS.get(rule, 0.0)))


# Higher first in the sentence: what can no longer be repaired, then what decides the finish,
# then compliance of the work already done.
DEFAULT_REASON_WEIGHTS = {
    "late_start": 10.0, "start_due": 9.0, "short_span": 8.0, "slow_rate": 7.0, "catching_up": 6.0,
    "pause": 5.0, "key_not_home": 4.0, "leaflet_behind": 2.0, "confirmation_behind": 1.0,
}


@dataclass(frozen=True)
class Settings:
    district_code: str
    district_name: str
    district_short_name: str
    # None: the reference shipped in data_loaders/reference (the district of the default config).
    divisions_file: Path | None
    outline_file: Path | None
    campaign: Campaign
    thresholds: Thresholds
    demo_seed: int
    demo_households: int
    demo_today: dt.date
    db_path: Path | str  # a DuckDB file, or a postgresql:// address
    backup_dir: Path
    max_upload_mb: float
    map_tiles: str
    tianditu_key: str
    import_limits: ImportLimits = ImportLimits()
    auth: Auth = Auth()
    monitoring: Monitoring = Monitoring()
    map_options: MapOptions = MapOptions()
    reasons: Reasons = Reasons()
    bulletin_issuer: str = ""
    store_memory_limit: str | None = None


def _resolve(path: str | None, folder: Path) -> Path | None:
    """A file named in a configuration, relative to that configuration's folder."""
    if not path:
        return None
    p = Path(path)
    return p if p.is_absolute() else folder / p


_MEMORY = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def _memory_limit(value: object) -> str | None:
    """The engine's memory cap as DuckDB spells it; a typo fails here, not as a database error later."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _MEMORY.fullmatch(value.strip()):
        raise ValueError(t("errors.store.memory_limit", value=value))
    return value.strip()


def load_settings(path: Path | None = None) -> Settings:
    """Read the configuration; ``PAICHA_CONFIG`` and ``PAICHA_DB`` override the defaults.

    The store path stays relative to the working directory (where the app or command runs);
    reference files a configuration names are relative to the configuration file.
    """
    if path is None and os.environ.get("PAICHA_CONFIG"):
        path = Path(os.environ["PAICHA_CONFIG"])
    if path is None:
        raw, folder = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8")), Path.cwd()
    else:
        with open(path, "rb") as fh:
            raw, folder = tomllib.load(fh), Path(path).resolve().parent
    c, t = raw["campaign"], raw["thresholds"]
    db = os.environ.get("PAICHA_DB") or raw["store"]["path"]
    db_path = db if is_server_url(db) else Path(db) if Path(db).is_absolute() else Path.cwd() / db
    backups = Path(raw["store"].get("backup_dir", "data/backups"))
    return Settings(
        district_code=raw["district"]["code"],
        district_name=raw["district"]["name"],
        district_short_name=raw["district"].get("short_name", raw["district"]["name"]),
        divisions_file=_resolve(raw["district"].get("divisions_file"), folder),
        outline_file=_resolve(raw["district"].get("outline_file"), folder),
        campaign=Campaign(
            name=c["name"],
            start=c["start"],
            plan_training_deadline=c["plan_training_deadline"],
            screening_deadline=c["screening_deadline"],
            report_deadline=c["report_deadline"],
            min_village_workdays=int(c["min_village_workdays"]),
        ),
        thresholds=Thresholds(
            monitoring_income=float(t["monitoring_income"]),
            lagging_points=float(t["lagging_points"]),
            severe_points=float(t["severe_points"]),
            recent_window_workdays=int(t["recent_window_workdays"]),
            max_home_visits_per_day=int(t["max_home_visits_per_day"]),
            far_visit_metres=float(t["far_visit_metres"]),
            screener_error_rate=float(t.get("screener_error_rate", 0.2)),
        ),
        demo_seed=int(raw["demo"]["seed"]),
        demo_households=int(raw["demo"]["households"]),
        demo_today=raw["demo"]["today"],
        db_path=db_path,
        backup_dir=backups if backups.is_absolute() else Path.cwd() / backups,
        store_memory_limit=_memory_limit(raw["store"].get("memory_limit")),
        max_upload_mb=float(raw["imports"]["max_upload_mb"]),
        import_limits=ImportLimits(
            max_members=int(raw["imports"]["max_members"]),
            max_per_capita_income=float(raw["imports"]["max_per_capita_income"]),
            max_compliant_oop_spending=float(raw["imports"]["max_compliant_oop_spending"]),
            coordinate_margin_degrees=float(raw["imports"]["coordinate_margin_degrees"]),
        ),
        map_tiles=raw["map"]["tiles"],
        tianditu_key=raw["map"]["tianditu_key"],
        auth=Auth(**raw.get("auth", {})),
        monitoring=Monitoring(**raw.get("monitoring", {})),
        map_options=_map_options(raw["map"]),
        reasons=Reasons(**raw.get("reasons", {}),
                        weights={**DEFAULT_REASON_WEIGHTS, **raw.get("reason_weights", {})}),
        bulletin_issuer=raw.get("bulletin", {}).get("issuer", ""),
    )


def _map_options(raw: dict) -> MapOptions:
    offered = tuple(dict.fromkeys(["none", raw["tiles"], *raw.get("offered", [])]))
    return MapOptions(offered=offered, intranet_url=raw.get("intranet_url", ""),
                      intranet_crs=raw.get("intranet_crs", "WGS-84"),
                      heat_cap=int(raw.get("heat_cap", 20_000)), cluster_cap=int(raw.get("cluster_cap", 5_000)))
