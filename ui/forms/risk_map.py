"""The risk map's choices (measure, hazard layers, heat, key households, tiles, town) and the click that selects a village."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from paicha.config import Settings
from paicha.scope import Scope
from paicha.vocab import HazardKind, HeatSubject, MapMeasure
from ui import keys
from ui.maps import tiles
from ui.text import t

DEFAULT_SUBJECTS = (HeatSubject.unscreened.value, HeatSubject.key_not_home.value)


@dataclass(frozen=True)
class MapRequest:
    """What the user asked the map to show; hashable, so it keys the cached map."""

    scope: Scope
    measure: MapMeasure | None
    kinds: tuple[str, ...]
    subjects: tuple[str, ...]
    heat: bool
    keys: bool
    tiles: str


def map_request(scope: Scope, settings: Settings, town_names: dict[str, str]) -> MapRequest:
    """Read the map's widgets. A district user may narrow the map to one town; a supervisor's
    scope is their town already.
    """
    first, second, third = st.columns([2, 3, 2])
    # Lag first: the households behind plan are what a leader looks for on the map.
    measures = [MapMeasure.lag, *(m for m in MapMeasure if m is not MapMeasure.lag), None]
    measure = first.selectbox(t("risk_map.measure"), measures, key=keys.RISK_MEASURE,
                              format_func=lambda m: t("risk_map.measure_none") if m is None else m.label)
    kinds = second.multiselect(t("risk_map.kinds"), [k.value for k in HazardKind], default=[k.value for k in HazardKind],
                               format_func=lambda k: HazardKind(k).label, key=keys.RISK_KINDS)
    if scope.is_district and town_names:
        town = third.selectbox(t("risk_map.focus"), [None, *town_names], key=keys.RISK_TOWN,
                               format_func=lambda c: t("risk_map.focus_all") if c is None else town_names[c])
        if town is not None:
            scope = Scope.town(scope.district_code, town)
    fourth, fifth, sixth, seventh = st.columns([1, 3, 1, 2])
    # The heat is the hotspot view's: over a filled choropleth it muddies both, so it starts off.
    heat = fourth.toggle(t("risk_map.show_heat"), value=False, key=keys.RISK_HEAT)
    subjects = fifth.multiselect(t("risk_map.subjects"), [s.value for s in HeatSubject], default=list(DEFAULT_SUBJECTS),
                                 format_func=lambda s: HeatSubject(s).label, key=keys.RISK_SUBJECTS, disabled=not heat)
    show_keys = sixth.toggle(t("risk_map.show_keys"), value=True, key=keys.RISK_KEYS)
    choices = tiles.offered(settings)
    tile = choices[0]
    if len(choices) > 1:
        tile = seventh.selectbox(t("risk_map.tiles"), choices, key=keys.RISK_TILES,
                                 format_func=lambda n: t("risk_map.tiles_none") if n == tiles.NONE
                                 else t(f"risk_map.tiles_{n}"))
    # With the heat off its households are not looked for (two scans, a third of a new date at 5 M).
    return MapRequest(scope, measure, tuple(sorted(kinds)), tuple(sorted(subjects)) if heat else (), heat, show_keys,
                      tile)


def village_clicked() -> None:
    """The map reports a click: the clicked village becomes the selected one.

    A callback, so it runs before the page and may set the village widget's value.
    """
    clicked = (st.session_state.get(keys.RISK_MAP) or {}).get("last_active_drawing") or {}
    code = (clicked.get("properties") or {}).get("code")
    if isinstance(code, str) and code.isdigit() and len(code) == 12:
        st.session_state[keys.RISK_VILLAGE] = code


def base_path() -> str:
    """Where the app is served (``server.baseUrlPath``), for links inside the map's frame."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""
