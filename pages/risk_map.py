"""风险地图: where the hotspots are — progress by village, every hazard, where the unreached live; offline, exportable."""

from urllib.parse import urlencode

import streamlit as st
from streamlit_folium import st_folium

from paicha.vocab import HazardKind, MapMeasure, Permission, Status
from ui import cache, exports, keys, safe
from ui.forms import risk_map as form
from ui.maps import builders, png
from ui.maps.measures import MEASURES
from ui.session import page_start
from ui.text import t

session = page_start("map.title")
settings = cache.settings()
towns = cache.towns(session.scope, session.version)
town_names = dict(zip(towns["town_code"], towns["town_name"], strict=True))
request = form.map_request(session.scope, settings, town_names)
scope_name = town_names.get(request.scope.town_code, "") if request.scope.town_code else settings.district_name
st.caption(safe.t("map.caption", as_of=session.as_of, scope=scope_name))

view = cache.risk_view(request.scope, session.as_of, request.kinds, request.subjects, session.version)
built = cache.risk_map(request, session.as_of, f"{form.base_path()}/households?list=key_not_home&village=",
                       session.version)
villages = view.villages
names = dict(zip(villages["village_code"], villages["village_name"], strict=True))

left, right = st.columns([3, 1])
with left:
    st_folium(builders.served(built.map, form.base_path()), key=keys.RISK_MAP, height=720, use_container_width=True,
              returned_objects=["last_active_drawing"], on_change=form.village_clicked)
    st.caption(built.drawn)
    if built.unplaced_villages:
        st.info(t("risk_map.villages_unplaced", n=built.unplaced_villages))
    if built.zones_without_shape:
        st.warning(t("map.zones_without_shape", n=built.zones_without_shape))

with right:
    if st.session_state.get(keys.RISK_VILLAGE) not in names:
        st.session_state[keys.RISK_VILLAGE] = None
    code = st.selectbox(t("risk_map.village_pick"), list(names), key=keys.RISK_VILLAGE, index=None,
                        placeholder=t("risk_map.village_none"), format_func=names.get)
    if code is not None:
        row = villages[villages["village_code"] == code].iloc[0]
        st.markdown(f"**{safe.t('risk_map.village_figures', name=row.village_name, town=row.town_name)}**")
        st.metric(t("risk_map.metric_screened"), f"{row.screened_pct:.1f}%", f"{int(row.screened)}/{int(row.households)}",
                  delta_color="off")
        st.metric(t("risk_map.metric_lag"), f"{row.lag:,.1f}", Status(row.status).label, delta_color="off")
        st.metric(t("risk_map.metric_key"), f"{int(row.key_not_home)}")
        st.metric(t("risk_map.metric_exposed"), f"{int(row.exposed_unscreened)}")
        st.metric(MapMeasure.should_monitor.label, f"{int(row.should_monitor)}")
        zones = view.zones[view.zones["village_code"] == code]
        kinds = [k for k in HazardKind if k.value in set(zones["kind"])]

        def url(**query: str) -> str:
            return f"households?{urlencode(query)}"

        lines = [t("risk_map.link_unscreened", url=url(village=code, list="unscreened")),
                 t("risk_map.link_key", url=url(village=code, list="key_not_home")),
                 t("risk_map.link_should_monitor", url=url(village=code, list="should_monitor")),
                 *(t("risk_map.link_hazard", kind=k.label, url=url(village=code, hazard=k.value)) for k in kinds),
                 t("risk_map.link_town", url=url(town=row.town_code, list="unscreened"))]
        st.markdown(t("risk_map.links") + "\n\n" + "\n".join(f"- {line}" for line in lines))

spec = MEASURES[request.measure] if request.measure is not None else None
measure = (spec or MEASURES[MapMeasure.lag]).label
table, sources = cache.risk_tables(request.scope, session.as_of, request.kinds, request.subjects, request.measure,
                                   session.version)
if session.user.can(Permission.export):
    one, two = st.columns(2)
    title = t("risk_map.png_title", scope=scope_name, measure=spec.label) if spec else t("risk_map.png_title_plain",
                                                                                        scope=scope_name)
    choice = builders.MapChoice(request.measure, request.heat, request.keys, None)
    with one:
        exports.offer(session, t("risk_map.export_png"), keys.RISK_EXPORT_PNG,
                      lambda: (png.map_png(view, choice, title=title, scope=scope_name), len(villages)),
                      file_name=f"risk_map_{request.scope.key().replace(':', '_')}_{session.as_of}.png",
                      mime="image/png", action="export_map_png", masked=True,
                      filters={"as_of": session.as_of, "measure": request.measure, "kinds": request.kinds,
                               "heat": request.heat and request.subjects, "keys": request.keys})
    with two:
        exports.offer(session, t("risk_map.export_table"), keys.RISK_EXPORT_TABLE, exports.csv_of(lambda: table),
                      file_name=f"risk_villages_{request.scope.key().replace(':', '_')}_{session.as_of}.csv",
                      mime="text/csv", action="export_exposure", masked=True,
                      filters={"as_of": session.as_of, "kinds": request.kinds})

st.subheader(t("risk_map.table", measure=measure))
st.dataframe(table, hide_index=True, width="stretch", key=keys.RISK_TABLE)
with st.expander(t("risk_map.sources")):
    if sources.empty:
        st.info(t("risk_map.sources_empty"))
    else:
        st.dataframe(sources, hide_index=True, width="stretch")
