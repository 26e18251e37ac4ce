"""The risk map: folium builders, offline assets, measures and legends, tiles, and the PNG for meetings.

Modules: ``builders`` (data in, folium map out), ``assets`` (Leaflet and its plugins from
installed packages, served or inlined), ``measures`` (the choropleth's measures and classes),
``legend`` (one legend for the map and the PNG), ``geometry`` (areas, town outlines, GCJ-02),
``tiles`` (configured tile sources), ``png`` (``map_png``, independent of Streamlit).
"""
