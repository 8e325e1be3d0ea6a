"""Municipality boundaries for the map: read once on ingest into the table ``grenzen``.

``<raw>/kaart/kaart.toml`` names the file (``bestand``, a GeoJSON or GeoPackage from the CBS
gebiedsindelingen as PDOK serves them) and the property that holds the CBS code (``code``,
default ``statcode``); optional are ``naam`` (the property with the name, for messages) and
``laag`` (the GeoPackage layer). Without that file there is no table row and no map. Every
feature is checked; the problems name the file and the feature's number, in Dutch.

Coordinates are RD New (EPSG:28992) or WGS84 longitude/latitude, told apart by their range.
Rings are simplified (Douglas-Peucker) and rounded so that the table stays small; each row holds
its municipality's outline as GeoJSON MultiPolygon text.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import schema, storage
from analysis.domain import gemeenten
from analysis.problems import Problem
from analysis.tomlfile import TomlFileError, read_toml

MAP = "kaart"
SETTINGS = "kaart.toml"
KEYS = ("bestand", "code", "naam", "laag")
MAX_TEXT = 300  # a file name, a property or a layer is short
MAX_BYTES = 200_000_000
EXTRA = "pip install 'analysis[kaart]'"
# the valid area of RD New, and its simplification tolerance and rounding; the same for degrees
STELSELS = {"RD": ((-7_000, 300_000), (289_000, 629_000), 20.0, 0),
            "WGS84": ((-180, 180), (-90, 90), 0.0002, 5)}
# In the Netherlands latitude (50.7 to 53.6) exceeds longitude (3.3 to 7.3): a file whose first
# value is always the larger gives latitude first, as some services do for EPSG:4326.
OMGEDRAAID = "WGS84 met breedte vóór lengte"


@dataclass
class Grenzen:
    """The boundaries table (no rows without a file), its problems and warnings."""

    tabel: pd.DataFrame
    problemen: list[Problem] = field(default_factory=list)
    waarschuwingen: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Instellingen:
    """What ``kaart.toml`` says: the file, its name under the raw folder, the properties."""

    pad: Path
    naam_bestand: str
    code: str = "statcode"
    naam: str | None = None
    laag: str | None = None


class _Onleesbaar(ValueError):
    """A boundaries file that cannot be read at all (the message is Dutch)."""


def lees_grenzen(raw: Path) -> Grenzen:
    """The boundaries named in ``<raw>/kaart/kaart.toml``, checked; none without that file."""
    settings_path = raw / MAP / SETTINGS
    shown = f"{MAP}/{SETTINGS}"
    if not settings_path.exists():
        unread = [p.name for p in sorted((raw / MAP).glob("*")) if p.suffix.lower() in
                  (".geojson", ".json", ".gpkg")] if (raw / MAP).is_dir() else []
        return Grenzen(storage.empty_table("grenzen"), waarschuwingen=[
            Problem(f"{MAP}/{name}", f"overgeslagen: geen {shown} die dit bestand noemt; "
                                     "zonder die instellingen komt er geen kaart")
            for name in unread])
    try:
        settings = _instellingen(settings_path, raw)
    except _Onleesbaar as error:
        return Grenzen(storage.empty_table("grenzen"), [Problem(shown, str(error))])
    try:
        content = _inhoud(settings.pad)
        features = (_gpkg(settings.pad, settings.laag) if settings.pad.suffix.lower() == ".gpkg"
                    else _geojson(content))
    except _Onleesbaar as error:
        return Grenzen(storage.empty_table("grenzen"), [Problem(settings.naam_bestand,
                                                                str(error))])
    return _tabel(features, settings, hashlib.sha256(content).hexdigest())


def _instellingen(path: Path, raw: Path) -> Instellingen:
    try:
        data, _ = read_toml(path)
    except TomlFileError as error:
        raise _Onleesbaar(str(error)) from None
    try:
        schema.known_keys(data, KEYS, "")
        name = schema.text(data, "bestand", "", MAX_TEXT, expected=f"{schema.TEXT}, bijvoorbeeld "
                           "bestand = \"gemeenten_2024.geojson\"")
        code, naam, laag = (schema.text(data, key, "", MAX_TEXT, default=default)
                            for key, default in (("code", "statcode"), ("naam", None),
                                                 ("laag", None)))
    except schema.SchemaError as error:
        raise _Onleesbaar(str(error)) from None
    if Path(name).name != name or name in (".", ".."):
        raise _Onleesbaar(f"bestand '{name}': verwacht alleen een bestandsnaam in de map {MAP}/, "
                          "zonder map ervoor")
    if Path(name).suffix.lower() not in (".geojson", ".json", ".gpkg"):
        raise _Onleesbaar(f"bestand '{name}': verwacht een GeoJSON (.geojson, .json) of "
                          "GeoPackage (.gpkg)")
    return Instellingen(raw / MAP / name, f"{MAP}/{name}", code, naam, laag)


def _inhoud(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _Onleesbaar(f"bestand bestaat niet (genoemd in {MAP}/{SETTINGS})") from None
    except OSError as error:
        raise _Onleesbaar(f"kan niet worden gelezen ({error.strerror or error})") from None
    if len(content) > MAX_BYTES:
        raise _Onleesbaar(f"bestand is groter dan {MAX_BYTES // 1_000_000} MB; neem de "
                          "gegeneraliseerde gemeentegrenzen")
    return content


def _weiger(constant: str) -> float:
    raise ValueError(f"{constant} is geen getal")


def _geojson(content: bytes) -> list[tuple[int, object]]:
    """The features of a GeoJSON FeatureCollection, numbered from 1."""
    try:
        data = json.loads(content.decode("utf-8-sig"), parse_constant=_weiger)
    except UnicodeDecodeError as error:
        raise _Onleesbaar(f"geen UTF-8 (byte {error.start + 1})") from None
    except RecursionError:
        raise _Onleesbaar("geen bruikbare GeoJSON: te diep genest") from None
    except ValueError as error:
        raise _Onleesbaar(f"geen geldige GeoJSON ({error})") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise _Onleesbaar("verwacht een GeoJSON FeatureCollection met een lijst 'features'")
    return list(enumerate(data["features"], start=1))


def _gpkg(path: Path, laag: str | None) -> list[tuple[int, object]]:
    """The features of a GeoPackage layer as GeoJSON-like mappings, numbered from 1 (needs the
    optional shapely, for the WKB geometries)."""
    try:
        from shapely import wkb
        from shapely.geometry import mapping
    except ImportError:
        raise _Onleesbaar(f"een GeoPackage lezen vraagt het extra pakket shapely: installeer "
                          f"het met {EXTRA}, of lever de grenzen als GeoJSON") from None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
                     ) as connection:
            layers = [row for row in connection.execute(
                "SELECT c.table_name, g.column_name FROM gpkg_contents c JOIN "
                "gpkg_geometry_columns g ON g.table_name = c.table_name "
                "WHERE c.data_type = 'features' ORDER BY c.table_name")]
            chosen = [row for row in layers if laag is None or row[0] == laag]
            if len(chosen) != 1:
                names = ", ".join(row[0] for row in layers) or "geen"
                raise _Onleesbaar(f"kies een laag met laag = \"...\" in {MAP}/{SETTINGS} "
                                  f"(lagen met geometrie: {names})")
            table, column = chosen[0]
            cursor = connection.execute(f'SELECT * FROM "{table.replace(chr(34), "")}"')
            names = [item[0] for item in cursor.description]
            rows = cursor.fetchall()
    except sqlite3.Error as error:
        raise _Onleesbaar(f"geen bruikbare GeoPackage ({error})") from None
    features = []
    for number, row in enumerate(rows, start=1):
        record = dict(zip(names, row, strict=True))
        blob = record.pop(column)
        try:
            geometry = mapping(wkb.loads(_wkb(blob))) if blob is not None else None
        except Exception as error:  # shapely raises its own errors for broken WKB
            geometry = f"onleesbare geometrie ({type(error).__name__})"
        features.append((number, {"type": "Feature", "properties": record,
                                  "geometry": geometry}))
    return features


def _wkb(blob: bytes) -> bytes:
    """The WKB inside a GeoPackage geometry blob: after the 'GP' header and its envelope."""
    if blob[:2] != b"GP" or len(blob) < 8:
        raise ValueError("geen GeoPackage-geometrie")
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 0b111]
    return bytes(blob[8 + envelope:])


def _tabel(features: list[tuple[int, object]], settings: Instellingen, digest: str) -> Grenzen:
    """One row per municipality; a problem for every feature that cannot be one."""
    problems: list[Problem] = []
    found: list[tuple[int, str, list, str]] = []
    bestand = settings.naam_bestand
    codes = gemeenten.resolve(pd.Series([_code_value(feature, settings) for _, feature in features],
                                        dtype=object))  # all at once: a call costs milliseconds
    for (number, feature), code in zip(features, codes, strict=True):
        try:
            code, shapes, stelsel = _feature(feature, settings, code)
        except ValueError as error:
            problems.append(Problem(bestand, f"object {number}{_wie(feature, settings)}: {error}"))
            continue
        found.append((number, code, shapes, stelsel))
    if not features:
        problems.append(Problem(bestand, "bevat geen gemeenten (de lijst 'features' is leeg)"))
    seen: dict[str, int] = {}
    for number, code, _, stelsel in found:
        if code in seen:
            problems.append(Problem(bestand, f"object {number}: gemeente {code} staat al in "
                                             f"object {seen[code]}"))
        seen.setdefault(code, number)
        if stelsel != found[0][3]:
            problems.append(Problem(bestand, f"object {number}: coördinaten in {stelsel}, "
                                             f"object {found[0][0]} in {found[0][3]}"))
    if problems:
        return Grenzen(storage.empty_table("grenzen"), problems)
    warnings = [Problem(bestand, f"coördinaten in {OMGEDRAAID}; omgewisseld naar lengte, "
                                 "breedte")] if found and found[0][3] == OMGEDRAAID else []
    rows = [{"gemeente_code": code, "stelsel": "WGS84" if stelsel == OMGEDRAAID else stelsel,
             "geometrie": json.dumps({"type": "MultiPolygon", "coordinates": shapes},
                                     separators=(",", ":")),
             "bron_bestand": bestand, "bron_blad": settings.laag, "bron_rij": number,
             "bestand_hash": digest}
            for number, code, shapes, stelsel in found]
    frame = pd.DataFrame(rows).astype(storage.empty_table("grenzen").dtypes.to_dict())
    return Grenzen(frame.sort_values("gemeente_code").reset_index(drop=True),
                   waarschuwingen=warnings)


def _wie(feature: object, settings: Instellingen) -> str:
    """' (Assen, GM0106)': the feature's name and code where it has them, for a message."""
    properties = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(properties, dict):
        return ""
    parts = [str(properties[key])[:60] for key in (settings.naam, settings.code)
             if key is not None and properties.get(key) is not None]
    return f" ({', '.join(parts)})" if parts else ""


def _code_value(feature: object, settings: Instellingen) -> object:
    """The value of a feature's code property when it can be a code (else None)."""
    properties = feature.get("properties") if isinstance(feature, dict) else None
    value = properties.get(settings.code) if isinstance(properties, dict) else None
    return value if isinstance(value, str | int | float) and not isinstance(value, bool) else None


def _feature(feature: object, settings: Instellingen, code: object) -> tuple[str, list, str]:
    """The municipality's code (``code``: its code property resolved), its polygons
    (simplified and rounded) and coordinate system."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError("geen GeoJSON Feature")
    properties = feature.get("properties")
    if not isinstance(properties, dict) or properties.get(settings.code) is None:
        raise ValueError(f"eigenschap '{settings.code}' met de CBS-code ontbreekt (in "
                         f"{MAP}/{SETTINGS}: code = \"{settings.code}\")")
    value = properties[settings.code]
    if pd.isna(code):
        raise ValueError(f"'{str(value)[:60]}' is geen bekende gemeentecode")
    geometry = feature.get("geometry")
    if isinstance(geometry, str):
        raise ValueError(geometry)
    if not isinstance(geometry, dict):
        raise ValueError("geen geometrie")
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"geometrie is {str(kind)[:40]}; verwacht Polygon of MultiPolygon")
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list | tuple) or not coordinates:
        raise ValueError(f"{kind} zonder coördinaten")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    shapes = [[_ring(ring, p, r) for r, ring in enumerate(_list(polygon, p), 1)]
              for p, polygon in enumerate(polygons, 1)]
    points = np.concatenate([ring for shape in shapes for ring in shape])
    stelsel = next((name for name, (xs, ys, _, _) in STELSELS.items()
                    if xs[0] <= points[:, 0].min() and points[:, 0].max() <= xs[1]
                    and ys[0] <= points[:, 1].min() and points[:, 1].max() <= ys[1]), None)
    if stelsel is None:
        raise ValueError(f"coördinaten (x {points[:, 0].min():g} tot {points[:, 0].max():g}, "
                         f"y {points[:, 1].min():g} tot {points[:, 1].max():g}) passen niet bij "
                         "RD New (EPSG:28992) en niet bij WGS84 (lengte, breedte)")
    _, _, tolerance, digits = STELSELS[stelsel]
    if stelsel == "WGS84" and (points[:, 0] > points[:, 1]).all():
        shapes = [[ring[:, ::-1] for ring in shape] for shape in shapes]
        stelsel = OMGEDRAAID
    rounded = [[_rond(_vereenvoudig(ring, tolerance), digits) for ring in shape]
               for shape in shapes]
    return str(code), rounded, stelsel


def _list(polygon: object, number: int) -> list:
    if not isinstance(polygon, list | tuple) or not polygon:
        raise ValueError(f"polygoon {number} heeft geen ringen")
    return list(polygon)


def _ring(ring: object, polygon: int, number: int) -> np.ndarray:
    """A ring's points as an n x 2 array, closed; at least three distinct corners."""
    where = f"polygoon {polygon}, ring {number}"
    if not isinstance(ring, list | tuple) or not all(
            isinstance(point, list | tuple) and len(point) >= 2 and all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                for v in point[:2]) for point in ring):
        raise ValueError(f"{where}: verwacht een lijst punten [x, y] met eindige getallen")
    points = np.array([point[:2] for point in ring], dtype=float).reshape(-1, 2)
    if len(points) and not np.array_equal(points[0], points[-1]):
        points = np.vstack([points, points[:1]])
    if len(np.unique(points, axis=0)) < 3:
        raise ValueError(f"{where}: minder dan drie hoekpunten")
    return points


def _vereenvoudig(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas-Peucker: only the corners that lie more than ``tolerance`` off the line through
    their neighbours kept; a ring that would keep fewer than four points stays as it is."""
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, -1]] = True
    pending = [(0, len(points) - 1)]
    while pending:
        start, end = pending.pop()
        if end - start < 2:
            continue
        segment = points[end] - points[start]
        offsets = points[start + 1:end] - points[start]
        length = math.hypot(*segment)
        distances = (np.hypot(offsets[:, 0], offsets[:, 1]) if length == 0 else
                     np.abs(segment[0] * offsets[:, 1] - segment[1] * offsets[:, 0]) / length)
        farthest = int(np.argmax(distances))
        if distances[farthest] > tolerance:
            middle = start + 1 + farthest
            keep[middle] = True
            pending += [(start, middle), (middle, end)]
    return points[keep] if keep.sum() >= 4 else points


def _rond(points: np.ndarray, digits: int) -> list[list[float | int]]:
    rounded = np.round(points, digits)
    return rounded.astype(int).tolist() if digits == 0 else rounded.tolist()
