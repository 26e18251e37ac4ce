"""The only home of Streamlit caching: every cached loader takes scope, as-of date and data version.

The store is opened, never created, here: a missing, moved, replaced, locked or read-only
database is a :class:`StoreError` drawn as an error page (``ui.errors``), and writes (audit
lines, draws, results) stop the page with their message too.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import pandas as pd
import streamlit as st

from data_loaders import backup as backups
from data_loaders import bulletins, exposure, households, reports
from data_loaders.store import Store, StoreError, forget
from paicha import household_lists
from paicha.access import User
from paicha.config import Settings, load_settings
from paicha.household_lists import ListFilters, ListRequest
from paicha.overview import Overview
from paicha.scope import Scope
from paicha.villages import VillageReport
from paicha.vocab import MapMeasure
from ui import errors
from ui.maps import tiles as map_tiles
from ui.maps.measures import MEASURES
from ui.print import printout
from ui.tables import progress as progress_tables
from ui.tables import risk as risk_tables_ui
from ui.text import t

P = ParamSpec("P")
R = TypeVar("R")


class _Deferred:
    """A module imported on its first attribute use rather than with this one.

    Every page imports this module, the sign-in form first of all; the spot checks (pandera
    through the result import), the map (folium) and the Excel field lists cost about 0.7 s of
    imports that the sign-in and the overview never use. ``import_module`` takes the import
    lock, so two sessions touching it first at once both get the whole module.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> object:
        return getattr(importlib.import_module(self._name), attribute)


# Results the pages read on nearly every run are resources, one object shared by the sessions
# asking for the same key (scope included), not data: a data cache unpickles its value on every
# read, which under 25 sessions cycling pages was 7-8 % of the server's time (py-spy). The pages
# and the functions they hand these to only read them (tests/app/test_shared_caches.py walks the
# pages and compares each with one built afresh).
SHARED = ("overview", "village_report", "risk_view", "household_pipeline")

spot_data = _Deferred("data_loaders.spot_checks")
map_builders = _Deferred("ui.maps.builders")
household_exports = _Deferred("data_loaders.household_exports")
progress_figures = _Deferred("ui.figures.progress")


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner=False)
def _open_store() -> Store:
    opened = Store(settings().db_path, memory_limit=settings().store_memory_limit)
    # Each run says whose it is (ui.session); a run that has not sees no town's rows.
    opened.fail_closed()
    return opened


def _drop_store() -> None:
    """Let go of the process's store, so the next run opens whatever file is at the path now."""
    _open_store.clear()
    forget(settings().db_path)


def store() -> Store:
    """One store per process, opened (never created) on first use; errors become the error page."""
    try:
        return _open_store()
    except StoreError as exc:
        errors.stop_with(exc)


def _store_errors_shown(func: Callable[P, R]) -> Callable[P, R]:
    """A write that fails for a store reason (read-only, disk full, moved) stops with its message."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except StoreError as exc:
            errors.stop_with(exc)

    return run


@st.cache_data(show_spinner=False, max_entries=16)
def towns(scope: Scope, version: int) -> pd.DataFrame:
    """Towns in the scope: the sidebar and the spot-check form ask on every rerun."""
    return store().towns(scope)


def data_version() -> int:
    """Read on every rerun (one tiny query) so that an import invalidates every cached figure.

    It also checks that the file is still the one opened: a database moved, deleted or replaced
    under the running app ends the page with the error, and the next run reopens the path.
    """
    try:
        return store().data_version()
    except StoreError as exc:
        _drop_store()
        errors.stop_with(exc)


@st.cache_resource(show_spinner=False, max_entries=64)
def overview(scope: Scope, as_of: dt.date, since: dt.date, version: int) -> Overview:
    """One overview, shared by the sessions that ask for it (see :data:`SHARED`)."""
    return reports.overview(store(), settings(), scope, as_of, since)


@st.cache_resource(show_spinner=False, max_entries=64)
def overview_curve(scope: Scope, as_of: dt.date, since: dt.date, version: int):
    """The 总览 curve of one overview, built once and shared (as ``village_timeline``, below):
    building it was a tenth of the page's run, on the page everybody opens first.
    """
    campaign = settings().campaign
    return progress_figures.cumulative_figure(overview(scope, as_of, since, version).curve, campaign.start,
                                              campaign.screening_deadline)


@st.cache_data(show_spinner=False, max_entries=64)
def progress(scope: Scope, as_of: dt.date, level: str, version: int):
    return reports.progress_table(store(), settings(), scope, as_of, level)


@st.cache_data(show_spinner=False, max_entries=16)
def meta(version: int) -> dict[str, str | None]:
    s = store()
    return {"is_demo": "true" if s.is_demo() else "false", "demo_today": s.get_meta("demo_today")}


@_store_errors_shown
def backup(user_id: str, scope: Scope) -> backups.BackupInfo:
    """A consistent backup written by this process (which holds the database) into the backup
    folder, with an audit line: the one place the dashboard's backup is recorded.
    """
    cfg = settings()
    # A backup whose audit line cannot be written is not made at all.
    store().require_writable(t("errors.store.backup_action"))
    stamp = f"{dt.datetime.now():%Y%m%d-%H%M%S}"
    if store().server:  # a pg_dump archive, named after the database
        from data_loaders.engines import pg_backup

        out = cfg.backup_dir / f"{pg_backup.database_name(str(cfg.db_path))}-{stamp}.dump"
    else:
        out = cfg.backup_dir / f"{cfg.db_path.stem}-{stamp}.duckdb"
    info = backups.backup(store(), out)
    store().audit(user_id, "backup", scope, {"file": str(info.path), "bytes": info.bytes}, info.households)
    return info


# -- spot checks (抽查): reads cached by scope, draw and data version; draws and results never cached


@st.cache_data(show_spinner=False, max_entries=32)
def spot_log(scope: Scope, version: int) -> pd.DataFrame:
    return spot_data.draw_log(store(), scope)


@st.cache_data(show_spinner=False, max_entries=64)
def spot_items(scope: Scope, draw_id: int, unmasked: bool, version: int) -> pd.DataFrame:
    return spot_data.draw_items(store(), settings(), scope, draw_id, unmasked)


@st.cache_data(show_spinner=False, max_entries=64)
def spot_verdicts(scope: Scope, draw_id: int, version: int) -> spot_data.DrawVerdicts | None:
    return spot_data.draw_verdicts(store(), settings(), scope, draw_id)


@st.cache_data(show_spinner=False, max_entries=16)
def spot_field_lists(scope: Scope, draw_id: int, teams: int, unmasked: bool, version: int) -> list[spot_data.FieldList]:
    return spot_data.field_lists(store(), settings(), scope, draw_id, teams, unmasked)


@st.cache_data(show_spinner=False, max_entries=32)
def spot_frame_unchanged(scope: Scope, draw_id: int, version: int) -> bool | None:
    return spot_data.frame_unchanged(store(), settings(), scope, draw_id)


@_store_errors_shown
def spot_draw(user: User, scope: Scope, as_of: dt.date, method: str, params: dict, seed: int,
              include_unscreened: bool) -> spot_data.Draw:
    """A draw is a write (a new draw_id every time): never cached."""
    return spot_data.create_draw(store(), settings(), user, scope, as_of, method, params, seed, include_unscreened)


@_store_errors_shown
def spot_save_editor(user: User, scope: Scope, draw_id: int, edited: pd.DataFrame) -> spot_data.ResultOutcome:
    return spot_data.save_editor(store(), scope, draw_id, user, edited)


@_store_errors_shown
def spot_import(user: User, scope: Scope, draw_id: int, content: bytes, file_name: str) -> spot_data.ResultOutcome:
    return spot_data.import_results(store(), scope, draw_id, user, content, file_name)


# -- risk map (风险地图): the view by scope, date, layers and data version; the map built from it


@st.cache_resource(show_spinner=False, max_entries=32)
def risk_view(scope: Scope, as_of: dt.date, kinds: tuple[str, ...], subjects: tuple[str, ...],
              version: int) -> exposure.RiskView:
    """One map view, shared (see :data:`SHARED`)."""
    return exposure.risk_view(store(), settings(), scope, as_of, kinds, subjects)


@st.cache_resource(show_spinner=False, max_entries=32)
def risk_tables(scope: Scope, as_of: dt.date, kinds: tuple[str, ...], subjects: tuple[str, ...],
                measure: MapMeasure | None, version: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The map's village table, worst first by ``measure`` (lag without one), and the hazard
    sources: built once per view, as the map. A resource: the page only reads them.
    """
    view = risk_view(scope, as_of, kinds, subjects, version)
    spec = MEASURES[measure] if measure is not None else None
    return risk_tables_ui.village_table(view.villages, view.zones, spec), risk_tables_ui.source_table(view.zones)


@st.cache_data(show_spinner=False, max_entries=32)
def risk_map(request, as_of: dt.date, link: str, version: int) -> map_builders.BuiltMap:
    """The folium map of a request (``ui.forms.risk_map.MapRequest``), ready for the page."""
    cfg = settings()
    view = risk_view(request.scope, as_of, request.kinds, request.subjects, version)
    choice = map_builders.MapChoice(request.measure, request.heat, request.keys, map_tiles.source(request.tiles, cfg))
    return map_builders.risk_map(view, choice, link)


# -- progress (村级进度): keyed by the query's scope (the picked town), both dates and data version


@st.cache_resource(show_spinner=False, max_entries=64)
def village_report(scope: Scope, as_of: dt.date, since: dt.date, version: int) -> VillageReport:
    """One village report, shared (see :data:`SHARED`); its derived lists (behind, short span)
    are then worked out once, not on every run.
    """
    return reports.village_report(store(), settings(), scope, as_of, since)


@st.cache_resource(show_spinner=False, max_entries=64)
def village_timeline(scope: Scope, as_of: dt.date, since: dt.date, version: int):
    """The 村级进度 timeline of one report, built once and shared.

    Building the figures was a fifth of the page's rerun (plotly checks every property it is given).
    A resource, not data: unpickling a figure validates it all over again. Sharing is safe
    because ``st.plotly_chart`` only reads a figure (it sends ``to_dict()``, a copy).
    """
    report = village_report(scope, as_of, since, version)
    return progress_figures.timeline_figure(report.villages, settings().campaign.start, report.latest_start,
                                            report.deadline, report.as_of)


@st.cache_resource(show_spinner=False, max_entries=64)
def village_heatmap(scope: Scope, as_of: dt.date, since: dt.date, version: int):
    """The village × day heatmap of one report, built once and shared (as the timeline)."""
    report = village_report(scope, as_of, since, version)
    return progress_figures.activity_heatmap(report.activity, report.villages, settings().campaign.start, report.as_of)


@st.cache_resource(show_spinner=False, max_entries=64)
def village_table(scope: Scope, as_of: dt.date, since: dt.date, version: int, statuses: tuple[str, ...],
                  town_names: tuple[tuple[str, str], ...] | None) -> tuple[progress_tables.VillageTable, str]:
    """The village table of one report, filtered to ``statuses`` (none: every village), and its
    printout; ``town_names`` (several towns shown) adds the town column.

    Building the cells and writing the printout's HTML were a third of a warm rerun. A resource,
    like the figures above: the page only reads the frames.
    """
    report = village_report(scope, as_of, since, version)
    shown = report.villages[report.villages["status"].isin(statuses)] if statuses else report.villages
    table = progress_tables.VillageTable.of(shown, report.since, dict(town_names) if town_names else None)
    return table, printout(table.plain)


@st.cache_data(show_spinner=False, max_entries=64)
def screener_report(scope: Scope, as_of: dt.date, version: int) -> reports.ScreenerReport:
    return reports.screener_report(store(), settings(), scope, as_of)


# -- 进展通报: the replay check of an issued one, per data version (issuing is never cached)


@st.cache_data(show_spinner=False, max_entries=32)
def bulletin_replay(scope: Scope, number: int, version: int) -> pd.DataFrame | None:
    return bulletins.replay_check(store(), settings(), scope, number)


# -- households (农户清单): lists, counts, detail, pipeline; keyed by scope, as-of date, the request
# (filters) and data version. Pages of unmasked rows are cached under unmasked=True only.


@st.cache_data(show_spinner=False, max_entries=16)
def household_places(scope: Scope, version: int) -> pd.DataFrame:
    """Towns and villages of the scope, for the filters."""
    return store().divisions(scope)


def _days_left(scope: Scope, as_of: dt.date, version: int) -> pd.DataFrame:
    # The village progress table is cached already (the progress page shows the same finishes).
    return household_lists.days_left(progress(scope, as_of, "village", version), as_of)


@st.cache_data(show_spinner=False, max_entries=128)
def household_counts(scope: Scope, as_of: dt.date, filters: ListFilters, version: int) -> households.ListCounts:
    return households.counts(store(), settings(), scope, as_of, filters)


@st.cache_data(show_spinner=False, max_entries=128)
def household_page(scope: Scope, as_of: dt.date, request: ListRequest, page: int, size: int, unmasked: bool,
                   version: int) -> pd.DataFrame:
    return households.household_page(store(), settings(), scope, as_of, request, _days_left(scope, as_of, version),
                                     size, page * size, unmasked)


def household_export_rows(scope: Scope, as_of: dt.date, request: ListRequest, unmasked: bool,
                          version: int) -> Callable[[], pd.DataFrame]:
    """What an export fetches when its button is clicked (on another thread: the store and the
    days left are resolved here, on the script thread). Never cached: a file is built once.
    """
    s, cfg, left = store(), settings(), _days_left(scope, as_of, version)
    return functools.partial(household_exports.export_rows, s, cfg, scope, as_of, request, left, unmasked)


@st.cache_data(show_spinner=False, max_entries=64)
def zero_monitoring_villages(scope: Scope, as_of: dt.date, filters: ListFilters, page: int, size: int,
                             version: int) -> pd.DataFrame:
    return households.zero_monitoring_villages(store(), settings(), scope, as_of, filters, size, page * size)


@st.cache_data(show_spinner=False, max_entries=64)
def household_detail(scope: Scope, as_of: dt.date, household_id: str, unmasked: bool,
                     version: int) -> households.HouseholdDetail | None:
    return households.household_detail(store(), settings(), scope, as_of, household_id, unmasked)


@st.cache_resource(show_spinner=False, max_entries=64)
def household_pipeline(scope: Scope, as_of: dt.date, filters: ListFilters, version: int) -> pd.DataFrame:
    """The pipeline's rows, shared (see :data:`SHARED`)."""
    return households.pipeline(store(), settings(), scope, as_of, filters)


@st.cache_data(show_spinner=False, max_entries=64)
def green_channel(scope: Scope, as_of: dt.date, filters: ListFilters, page: int, size: int,
                  version: int) -> pd.DataFrame:
    return households.green_channel_page(store(), settings(), scope, as_of, filters, size, page * size)
