"""Leaflet and its plugins, read from installed packages and served by the app or inlined: nothing from a CDN.

Leaflet comes from ``xstatic-leaflet``, Leaflet.markercluster from ``xstatic-leaflet-markercluster``,
Leaflet.heat from the copy folium ships in its wheel (``folium/templates/leaflet_heat.min.js``),
and paicha's own layer code from ``ui/maps/paicha_map.js``. The page's map loads them from
server.py's ``/map-assets/`` route (the browser caches them: the URL carries their hash);
:func:`inline_head` puts them into a standalone HTML page instead.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

ROUTE = "map-assets"


@dataclass(frozen=True)
class Asset:
    name: str
    mime: str
    path: Path

    @property
    def is_script(self) -> bool:
        return self.mime == "text/javascript"


def _dirs() -> tuple[Path, Path, Path]:
    import folium
    from xstatic.pkg import leaflet, leaflet_markercluster

    return Path(leaflet.BASE_DIR), Path(leaflet_markercluster.BASE_DIR), Path(folium.__file__).parent / "templates"


@lru_cache(maxsize=1)
def assets() -> tuple[Asset, ...]:
    """Every file the map needs, in loading order (Leaflet before its plugins, ours last)."""
    leaflet, cluster, folium_templates = _dirs()
    css, js = "text/css", "text/javascript"
    return (
        Asset("leaflet.css", css, leaflet / "leaflet.css"),
        Asset("MarkerCluster.css", css, cluster / "MarkerCluster.css"),
        Asset("MarkerCluster.Default.css", css, cluster / "MarkerCluster.Default.css"),
        Asset("leaflet.js", js, leaflet / "leaflet.js"),
        Asset("leaflet.markercluster.js", js, cluster / "leaflet.markercluster.js"),
        Asset("leaflet-heat.js", js, folium_templates / "leaflet_heat.min.js"),
        Asset("paicha-map.js", js, Path(__file__).with_name("paicha_map.js")),
    )


def _inline_images(css: str, folder: Path) -> str:
    """Leaflet's stylesheet points at images/*.png next to it: inlined, so one file is enough."""
    def inline(match: re.Match) -> str:
        data = base64.b64encode((folder / match.group(1)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\((images/[^)]+\.png)\)", inline, css)


@cache
def content(name: str) -> bytes:
    """The bytes served for an asset name; KeyError for any other name (no path ever reaches the disk)."""
    asset = next((a for a in assets() if a.name == name), None)
    if asset is None:
        raise KeyError(name)
    if asset.name == "leaflet.css":
        return _inline_images(asset.path.read_text(encoding="utf-8"), asset.path.parent).encode("utf-8")
    return asset.path.read_bytes()


def mime(name: str) -> str:
    return next(a.mime for a in assets() if a.name == name)


@lru_cache(maxsize=1)
def version() -> str:
    """A short hash of all assets: part of their URLs, so a browser may cache them for good."""
    digest = hashlib.sha256()
    for asset in assets():
        digest.update(content(asset.name))
    return digest.hexdigest()[:12]


def urls(base_path: str = "") -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(scripts, stylesheets) as folium's (name, url) pairs, served by the app at ``/map-assets/``."""
    prefix = f"{base_path.rstrip('/')}/{ROUTE}/{version()}"
    scripts = [(a.name, f"{prefix}/{a.name}") for a in assets() if a.is_script]
    sheets = [(a.name, f"{prefix}/{a.name}") for a in assets() if not a.is_script]
    return scripts, sheets


def inline_head() -> str:
    """Every asset inlined, for a map that is one self-contained HTML file."""
    parts = []
    for asset in assets():
        text = content(asset.name).decode("utf-8").replace("</script", "<\\/script")
        tag = "script" if asset.is_script else "style"
        parts.append(f"<{tag}>{text}</{tag}>")
    return "".join(parts)
