"""Reads hazard-zone layers (GeoJSON, or a Shapefile in a zip) into zone rows in WGS-84.

Feature properties go through the same table validation as spreadsheets (``validate``), with
the feature number as the row; geometry is checked and reprojected here. Everything is read from
the bytes in memory (GDAL's /vsimem/), so a refused file leaves nothing on disk.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from data_loaders.importing.reading import ReadError, Table
from data_loaders.importing.report import ImportIssue
from data_loaders.importing.spec import LAT_RANGE, LON_RANGE, ImportKind, match_header
from data_loaders.importing.validate import Context, Validated, validate_tables
from data_loaders.store import HAZARD_COLUMNS
from data_loaders.workbook import sniff_format
from paicha.text import t

WGS84 = "EPSG:4326"
# CGCS2000 (EPSG:4490) differs from WGS-84 by centimetres: stored as is, and labelled as such.
LONLAT_EPSG = {4326: "EPSG:4326", 4490: "EPSG:4490"}
POLYGONAL = {"Polygon", "MultiPolygon"}


def read_layers(content: bytes) -> list[tuple[str, gpd.GeoDataFrame]]:
    """Every layer of the file (a zip may hold several Shapefiles) as a GeoDataFrame."""
    try:
        names = [str(name) for name, _ in pyogrio.list_layers(io.BytesIO(content))]
        # By position: an in-memory GeoJSON's layer is named after a temporary /vsimem/ path
        # that differs between two reads.
        return [(name, gpd.read_file(io.BytesIO(content), layer=index, engine="pyogrio"))
                for index, name in enumerate(names)]
    except Exception as exc:  # GDAL reports a broken file through several exception types
        raise ReadError(t("import.error.unreadable_layer", reason=exc)) from None


def _in_box(bounds) -> bool:
    minx, miny, maxx, maxy = bounds
    return (LON_RANGE[0] <= minx and maxx <= LON_RANGE[1]
            and LAT_RANGE[0] <= miny and maxy <= LAT_RANGE[1])


def _to_lonlat(name: str, layer_name: str, layer: gpd.GeoDataFrame
               ) -> tuple[gpd.GeoSeries | None, str, str, list[ImportIssue]]:
    """(geometry in WGS-84, crs label, source label, issues)."""
    geometry = layer.geometry
    crs = layer.crs
    if crs is None:
        # A Shapefile without .prj: lon/lat-looking numbers are taken as WGS-84, anything
        # else (projected metres) cannot be placed.
        if geometry.notna().any() and not _in_box(geometry.total_bounds):
            return None, "", "", [ImportIssue(name, layer_name, None, "", "", t("import.error.missing_crs"))]
        return geometry, WGS84, name, []
    crs = CRS.from_user_input(crs)
    epsg = crs.to_epsg()
    if crs.is_geographic and (epsg in LONLAT_EPSG or crs.to_string() == "OGC:CRS84"):
        return geometry, LONLAT_EPSG.get(epsg, WGS84), name, []
    try:
        return geometry.to_crs(WGS84), WGS84, f"{name} ({crs.to_string()})", []
    except Exception as exc:  # pyproj raises its own types for unknown transformations
        return None, "", "", [ImportIssue(name, layer_name, None, "", crs.to_string(),
                                          t("import.error.bad_crs", crs=crs.to_string(), reason=exc))]


def _properties_table(name: str, layer_name: str, layer: gpd.GeoDataFrame, digest: str,
                      first_number: int) -> Table:
    headers: dict[str, str] = {}
    cells: dict[str, pd.Series] = {}
    for column in layer.columns:
        if column == layer.geometry.name:
            continue
        field = match_header(column, ImportKind.hazards)
        if field and field not in headers:
            headers[field] = str(column)
            cells[field] = layer[column].astype(object).where(layer[column].notna(), None)
    # Zones without an id property get one from the file's hash and the feature's number, so
    # re-importing the same file replaces its zones instead of adding copies.
    generated = pd.Series([f"{digest[:12]}-{first_number + i}" for i in range(len(layer))], dtype=object)
    ids = cells.get("zone_id", pd.Series([None] * len(layer), dtype=object)).reset_index(drop=True)
    blank = ids.map(lambda v: v is None or str(v).strip() == "")
    cells["zone_id"] = ids.where(~blank, generated)
    frame = pd.DataFrame({k: v.reset_index(drop=True) for k, v in cells.items()}, dtype=object)
    return Table(file=name, sheet=layer_name, header_row=0, headers=headers, cells=frame,
                 rows=list(range(1, len(layer) + 1)))


def _readable_dbf(data: bytes) -> bool:
    """A dBase table whose header holds at least one field and whose records are all there."""
    if len(data) < 33:
        return False
    records = int.from_bytes(data[4:8], "little")
    header = int.from_bytes(data[8:10], "little")
    width = int.from_bytes(data[10:12], "little")
    fields = (header - 33) // 32
    return fields >= 1 and width >= 1 and header + records * width <= len(data)


def _missing_dbf(name: str, content: bytes) -> list[ImportIssue]:
    """Each Shapefile in a zip needs its .dbf: without it GDAL still reads the shapes, silently
    without ids, names or levels.
    """
    archive = zipfile.ZipFile(io.BytesIO(content))
    entries = {entry.lower(): entry for entry in archive.namelist()}
    issues = []
    for shp in sorted(e for e in entries if e.endswith(".shp")):
        dbf = entries.get(shp[:-4] + ".dbf")
        if dbf is None or not _readable_dbf(archive.read(dbf)):
            shown = entries[shp]
            issues.append(ImportIssue(name, Path(shown).stem, None, "", shown,
                                      t("import.error.missing_dbf", value=shown)))
    return issues


def _check_geometry(name: str, layer_name: str, geometry: gpd.GeoSeries
                    ) -> tuple[list[str | None], list[ImportIssue]]:
    """GeoJSON text per feature, with geometry issues: every zone needs a polygon."""
    texts: list[str | None] = []
    issues = []
    for number, geom in enumerate(geometry, start=1):
        if geom is None or geom.is_empty:
            issues.append(ImportIssue(name, layer_name, number, t("import.term.geometry_column"), "", t("import.error.no_geometry")))
            texts.append(None)
            continue
        if geom.geom_type not in POLYGONAL:
            issues.append(ImportIssue(name, layer_name, number, t("import.term.geometry_column"), geom.geom_type,
                                      t("import.error.not_polygon", value=geom.geom_type)))
            texts.append(None)
            continue
        if not geom.is_valid:
            # Self-touching rings are common in digitised flood zones; repair keeps the area.
            parts = [p for p in shapely.get_parts(shapely.make_valid(geom)) if p.geom_type in POLYGONAL]
            geom = shapely.union_all(parts)
        if not _in_box(geom.bounds):
            issues.append(ImportIssue(name, layer_name, number, t("import.term.geometry_column"), "",
                                      t("import.error.geometry_out_of_range")))
        texts.append(shapely.to_geojson(geom))
    return texts, issues


def validate_hazard_files(files: list[tuple[str, bytes]], ctx: Context) -> Validated:
    """All layers of all files as one batch of zones (zone ids must be unique across them)."""
    issues: list[ImportIssue] = []
    tables: list[Table] = []
    extras: list[tuple[str, str, gpd.GeoSeries, str, str]] = []
    for name, content in files:
        digest = hashlib.sha256(content).hexdigest()
        if sniff_format(content) == "zip":
            dbf_issues = _missing_dbf(name, content)
            if dbf_issues:
                issues += dbf_issues
                continue
        try:
            layers = read_layers(content)
        except ReadError as exc:
            issues.append(ImportIssue(name, "", None, "", "", str(exc)))
            continue
        if not layers or all(len(layer) == 0 for _, layer in layers):
            issues.append(ImportIssue(name, "", None, "", "", t("import.error.no_features")))
            continue
        first = 1
        for layer_name, layer in layers:
            if layer_name.startswith("pyogrio_"):
                layer_name = Path(name).stem  # GeoJSON read from memory: a temporary name
            geometry, crs, source, crs_issues = _to_lonlat(name, layer_name, layer)
            issues += crs_issues
            if geometry is None:
                continue
            tables.append(_properties_table(name, layer_name, layer, digest, first))
            extras.append((name, layer_name, geometry.reset_index(drop=True), crs, source))
            first += len(layer)
    batch = validate_tables(ImportKind.hazards, tables, ctx)
    frame = batch.frame.copy()
    geometries, crs_values, sources = [], [], []
    for name, layer_name, geometry, crs, source in extras:
        texts, geometry_issues = _check_geometry(name, layer_name, geometry)
        issues += geometry_issues
        geometries += texts
        crs_values += [crs] * len(texts)
        sources += [source] * len(texts)
    frame["geometry"] = pd.Series(geometries, index=frame.index, dtype=object)
    frame["crs"] = pd.Series(crs_values, index=frame.index, dtype=object)
    # The layer's own 数据来源 property wins; without one the file (and its CRS) is the source.
    named = frame["source"] if "source" in frame else pd.Series(None, index=frame.index, dtype=object)
    fallback = pd.Series(sources, index=frame.index, dtype=object)
    frame["source"] = named.where(named.notna() & (named.astype(str).str.strip() != ""), fallback)
    return Validated(ImportKind.hazards, frame[HAZARD_COLUMNS], batch.rows, issues + batch.issues,
                     batch.rows_by_file)
