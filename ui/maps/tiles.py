"""Tile sources the map may draw under its vectors: none by default, others only where configured.

The page offers the sources listed in ``map.offered`` (plus the default ``map.tiles``); server.py
lets the browser fetch images from exactly their hosts (:func:`hosts`). AMap draws in GCJ-02, so
every vector is shifted onto its grid when it is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from paicha.config import Settings
from paicha.text import t

NONE = "none"


@dataclass(frozen=True)
class TileSource:
    name: str
    url: str
    attribution: str
    crs: str

    @property
    def gcj(self) -> bool:
        return self.crs == "GCJ-02"


# URL template, attribution (catalogue key), coordinate system, and the host pattern for the
# Content-Security-Policy (img-src) of each public source.
PUBLIC = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "tiles_osm", "WGS-84",
            "https://tile.openstreetmap.org"),
    "tianditu": ("https://t0.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={key}", "tiles_tianditu", "CGCS2000",
                 "https://*.tianditu.gov.cn"),
    "amap": ("https://webrd02.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
             "tiles_amap", "GCJ-02", "https://*.is.autonavi.com"),
}
INTRANET = "intranet"


def offered(settings: Settings) -> list[str]:
    """The tile choices the page shows, the configured default first."""
    names = [settings.map_tiles, *settings.map_options.offered]
    return [n for n in dict.fromkeys(names) if n == NONE or n in PUBLIC or (n == INTRANET and settings.map_options.intranet_url)]


def source(name: str, settings: Settings) -> TileSource | None:
    """The tile source of a choice, or None for vectors on a plain background."""
    if name in PUBLIC:
        url, attribution, crs, _ = PUBLIC[name]
        return TileSource(name, url.replace("{key}", settings.tianditu_key), t(f"risk_map.{attribution}"), crs)
    if name == INTRANET and settings.map_options.intranet_url:
        return TileSource(name, settings.map_options.intranet_url, "", settings.map_options.intranet_crs)
    return None


def hosts(settings: Settings) -> list[str]:
    """Origins the browser may load map images from: the hosts of every offered source."""
    out = []
    for name in offered(settings):
        if name in PUBLIC:
            out.append(PUBLIC[name][3])
        elif name == INTRANET:
            parts = urlsplit(settings.map_options.intranet_url)
            out.append(f"{parts.scheme}://{parts.netloc}")
    return out
