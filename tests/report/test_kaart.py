"""Municipality boundaries: read on ingest into the table ``grenzen``, checked feature by
feature, and drawn as the province map of the stand."""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import sqlite3
import struct
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from analysis import storage
from analysis.cli import main
from analysis.config import RAW_DIR
from analysis.domain.gemeenten import provincie_codes
from analysis.ingest.grenzen import lees_grenzen
from analysis.report import kaart
from tests.report.test_charts import LEGIBLE, smallest_text_shown, text_outside

GOOD = "gemeenten/Emmen_huisvesting_vergunninghouders_2024-2025.xlsx"
FILE = "grenzen.geojson"
NO_SHAPELY = "shapely, the optional extra [kaart] for GeoPackage files, is not installed"
SETTINGS = 'bestand = "grenzen.geojson"\ncode = "statcode"\nnaam = "statnaam"\n'


def square(x: float, y: float, size: float) -> list[list[float]]:
    """A closed counter-clockwise square ring."""
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def feature(code: object, geometry: object, name: str | None = None) -> dict:
    properties = {} if code is None else {"statcode": code}
    if name is not None:
        properties["statnaam"] = name
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def polygon(*rings: list) -> dict:
    return {"type": "Polygon", "coordinates": list(rings)}


# three RD squares of 10 km in Drenthe, side by side
RD = [feature("GM0106", polygon(square(230_000, 550_000, 10_000)), "Assen"),
      feature("GM0109", polygon(square(240_000, 550_000, 10_000)), "Coevorden"),
      feature("GM0114", polygon(square(250_000, 550_000, 10_000)), "Emmen")]


def raw_with(tmp_path: Path, content: object, settings: str = SETTINGS,
             name: str = FILE) -> Path:
    """A raw folder with ``kaart/kaart.toml`` and the boundaries file (a collection of
    features, or bytes written as they are)."""
    folder = tmp_path / "raw" / "kaart"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kaart.toml").write_text(settings, encoding="utf-8")
    if isinstance(content, bytes):
        (folder / name).write_bytes(content)
    elif content is not None:
        (folder / name).write_text(json.dumps({"type": "FeatureCollection",
                                               "features": content}), encoding="utf-8")
    return tmp_path / "raw"


def geometry(table: pd.DataFrame, code: str) -> list:
    return json.loads(table.set_index("gemeente_code").at[code, "geometrie"])["coordinates"]


# ---------------------------------------------------------------------------- reading GeoJSON

def test_polygons_and_multipolygons_in_rd_with_provenance(tmp_path: Path) -> None:
    hole = square(232_000, 552_000, 2_000)
    features = [
        feature("GM0106", polygon(square(230_000, 550_000, 10_000), hole)),
        feature(109, {"type": "MultiPolygon", "coordinates": [
            [square(240_000, 550_000, 5_000)], [square(246_000, 550_000, 4_000)]]}),
        feature("Emmen", polygon(square(250_000, 550_000, 10_000)[:-1])),  # ring not closed
    ]
    raw = raw_with(tmp_path, features)
    result = lees_grenzen(raw)
    assert result.problemen == [] and result.waarschuwingen == []
    table = result.tabel
    assert table["gemeente_code"].tolist() == ["GM0106", "GM0109", "GM0114"]
    assert set(table["stelsel"]) == {"RD"}
    assert [len(geometry(table, code)) for code in table["gemeente_code"]] == [1, 2, 1]
    assert len(geometry(table, "GM0106")[0]) == 2  # the hole is kept
    assert geometry(table, "GM0114")[0][0][0] == geometry(table, "GM0114")[0][0][-1]
    digest = hashlib.sha256((raw / "kaart" / FILE).read_bytes()).hexdigest()
    assert set(table["bron_bestand"]) == {"kaart/grenzen.geojson"}
    assert set(table["bestand_hash"]) == {digest}
    assert table.set_index("gemeente_code")["bron_rij"].to_dict() == {
        "GM0106": 1, "GM0109": 2, "GM0114": 3}
    assert table.dtypes.to_dict() == storage.empty_table("grenzen").dtypes.to_dict()


def test_wgs84_longitude_latitude(tmp_path: Path) -> None:
    ring = [[6.5612345, 52.99], [6.6, 52.99], [6.6, 53.01], [6.5612345, 53.01], [6.5612345, 52.99]]
    raw = raw_with(tmp_path, [feature("GM0106", polygon(ring))])
    table = lees_grenzen(raw).tabel
    assert table["stelsel"].tolist() == ["WGS84"]
    assert geometry(table, "GM0106")[0][0][0] == [6.56123, 52.99]  # rounded to about a metre


def test_latitude_before_longitude_is_turned_round_with_a_warning(tmp_path: Path) -> None:
    swapped = [[y, x] for x, y in square(6.5, 52.9, 0.1)]
    result = lees_grenzen(raw_with(tmp_path, [feature("GM0106", polygon(swapped))]))
    assert result.tabel["stelsel"].tolist() == ["WGS84"]
    assert sorted(map(tuple, geometry(result.tabel, "GM0106")[0][0])) == sorted(
        map(tuple, square(6.5, 52.9, 0.1)))
    assert [str(w) for w in result.waarschuwingen] == [
        "kaart/grenzen.geojson: coördinaten in WGS84 met breedte vóór lengte; omgewisseld naar "
        "lengte, breedte"]


def test_rings_are_simplified_but_keep_their_corners(tmp_path: Path) -> None:
    # a 10 km square with a point every 10 m along each side, and one corner 1 km out
    sides = [np.linspace(0, 10_000, 1001)[:-1]]
    ring = ([[230_000 + x, 550_000] for x in sides[0]] + [[240_000, 550_000 + y] for y in sides[0]]
            + [[240_000 - x, 560_000 + (1_000 if x == 5_000 else 0)] for x in sides[0]]
            + [[230_000, 560_000 - y] for y in sides[0]] + [[230_000, 550_000]])
    table = lees_grenzen(raw_with(tmp_path, [feature("GM0106", polygon(ring))])).tabel
    kept = geometry(table, "GM0106")[0][0]
    assert len(kept) < 12
    for corner in ([230_000, 550_000], [240_000, 550_000], [240_000, 560_000],
                   [235_000, 561_000], [230_000, 560_000]):
        assert corner in kept


# ---------------------------------------------------------------------------- the problems

def _problems(tmp_path: Path, content: object, settings: str = SETTINGS) -> list[str]:
    result = lees_grenzen(raw_with(tmp_path, content, settings))
    assert result.tabel.empty
    return [str(problem) for problem in result.problemen]


SQUARE = polygon(square(230_000, 550_000, 10_000))


@pytest.mark.hostile
@pytest.mark.parametrize(("features", "expected"), [
    pytest.param([feature("GM9999", SQUARE)],
                 "kaart/grenzen.geojson: object 1 (GM9999): 'GM9999' is geen bekende "
                 "gemeentecode", id="unknown-code"),
    pytest.param([RD[0], feature("Atlantis", SQUARE, "Atlantis")],
                 "object 2 (Atlantis, Atlantis): 'Atlantis' is geen bekende gemeentecode",
                 id="unknown-name"),
    pytest.param([feature(True, SQUARE)], "object 1 (True): 'True' is geen bekende gemeentecode",
                 id="code-is-a-boolean"),
    pytest.param([feature({"code": "GM0106"}, SQUARE)], "is geen bekende gemeentecode",
                 id="code-is-a-table"),
    pytest.param([feature(106.5, SQUARE)], "'106.5' is geen bekende gemeentecode",
                 id="code-is-a-fraction"),
    pytest.param([feature(None, SQUARE, "Assen")],
                 "object 1 (Assen): eigenschap 'statcode' met de CBS-code ontbreekt (in "
                 'kaart/kaart.toml: code = "statcode")', id="no-code"),
    pytest.param([feature("GM0106", None)], "object 1 (GM0106): geen geometrie",
                 id="no-geometry"),
    pytest.param([feature("GM0106", {"type": "Point", "coordinates": [230_000, 550_000]})],
                 "object 1 (GM0106): geometrie is Point; verwacht Polygon of MultiPolygon",
                 id="point"),
    pytest.param([feature("GM0106", {"type": "LineString", "coordinates": square(0, 0, 1)})],
                 "geometrie is LineString; verwacht Polygon of MultiPolygon", id="line"),
    pytest.param([feature("GM0106", {"type": "Polygon", "coordinates": []})],
                 "object 1 (GM0106): Polygon zonder coördinaten", id="no-coordinates"),
    pytest.param([feature("GM0106", polygon([[230_000, 550_000], [231_000, 550_000]]))],
                 "polygoon 1, ring 1: minder dan drie hoekpunten", id="two-points"),
    pytest.param([feature("GM0106", polygon([["230000", "550000"], [1, 2], [3, 4]]))],
                 "polygoon 1, ring 1: verwacht een lijst punten [x, y] met eindige getallen",
                 id="text-coordinates"),
    pytest.param([feature("GM0106", {"type": "MultiPolygon", "coordinates": [[]]})],
                 "polygoon 1 heeft geen ringen", id="empty-polygon"),
    pytest.param([feature("GM0106", polygon(square(230_000, 550_000, 10_000_000)))],
                 "passen niet bij RD New (EPSG:28992) en niet bij WGS84", id="out-of-range"),
    pytest.param([RD[0], feature("Assen", polygon(square(240_000, 550_000, 10)))],
                 "object 2: gemeente GM0106 staat al in object 1", id="twice"),
    pytest.param([RD[0], feature("GM0109", polygon(square(6.5, 52.8, 0.1)))],
                 "object 2: coördinaten in WGS84, object 1 in RD", id="mixed-systems"),
    pytest.param([feature("GM0106", polygon(square(6.5, 52.8, 0.1))),
                  feature("GM0109", polygon([[y, x] for x, y in square(6.6, 52.8, 0.1)]))],
                 "object 2: coördinaten in WGS84 met breedte vóór lengte, object 1 in WGS84",
                 id="some-turned-round"),
    pytest.param(["GM0106"], "object 1: geen GeoJSON Feature", id="not-a-feature"),
    pytest.param([], "kaart/grenzen.geojson: bevat geen gemeenten", id="no-features"),
])
def test_every_bad_feature_is_a_dutch_problem(tmp_path: Path, features: list,
                                              expected: str) -> None:
    problems = _problems(tmp_path, features)
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.hostile
@pytest.mark.parametrize(("content", "expected"), [
    pytest.param(b"{niet json", "kaart/grenzen.geojson: geen geldige GeoJSON", id="not-json"),
    pytest.param(b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties"'
                 b': {"statcode": "GM0106"}, "geometry": {"type": "Polygon", "coordinates": '
                 b'[[[NaN, 1], [2, 3], [4, 5], [NaN, 1]]]}}]}',
                 "geen geldige GeoJSON (NaN is geen getal)", id="nan"),
    pytest.param(b"[1, 2]", "verwacht een GeoJSON FeatureCollection", id="a-list"),
    pytest.param(b'{"type": "Feature"}', "verwacht een GeoJSON FeatureCollection",
                 id="one-feature"),
    pytest.param(b'{"type": "FeatureCollection", "features": {}}',
                 "verwacht een GeoJSON FeatureCollection met een lijst 'features'",
                 id="features-not-a-list"),
    pytest.param("{\"naam\": \"Wolden\"}".encode("utf-16"), "geen UTF-8", id="utf-16"),
    pytest.param(b"[" * 200_000 + b"]" * 200_000, "te diep genest", id="deeply-nested"),
    pytest.param(None, "kaart/grenzen.geojson: bestand bestaat niet (genoemd in "
                       "kaart/kaart.toml)", id="missing-file"),
])
def test_a_file_that_cannot_be_read(tmp_path: Path, content: bytes | None, expected: str) -> None:
    problems = _problems(tmp_path, content)
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.hostile
@pytest.mark.parametrize(("settings", "expected"), [
    pytest.param('bestand = "grenzen.geojson', "kaart/kaart.toml: geen geldige TOML",
                 id="not-toml"),
    pytest.param('code = "statcode"\n', "kaart/kaart.toml: verplichte sleutel 'bestand' ontbreekt",
                 id="no-file-named"),
    pytest.param("bestand = 5\n", "bestand is een geheel getal; verwacht tekst tussen "
                                  "aanhalingstekens", id="number"),
    pytest.param('bestand = "grenzen.geojson"\ncode = ["statcode"]\n',
                 "code is een lijst [...]; verwacht tekst tussen aanhalingstekens", id="list"),
    pytest.param('bestand = "grenzen.geojson"\ncode = " "\n',
                 "code moet tekst zijn van 1 tot 300 tekens (nu leeg)", id="blank"),
    pytest.param('bestand = "../../coa/grenzen.geojson"\n',
                 "verwacht alleen een bestandsnaam in de map kaart/", id="path-outside"),
    pytest.param('bestand = "/etc/passwd"\n', "verwacht alleen een bestandsnaam", id="absolute"),
    pytest.param('bestand = "gemeenten.shp"\n',
                 "verwacht een GeoJSON (.geojson, .json) of GeoPackage (.gpkg)", id="shapefile"),
    pytest.param('bestand = "grenzen.geojson"\nkleur = "rood"\n',
                 "onbekende sleutel 'kleur' (bekend: bestand, code, naam, laag)", id="unknown-key"),
    pytest.param(b"bestand = '\xff'\n", "geen UTF-8",
                 id="not-utf8"),
])
def test_bad_settings(tmp_path: Path, settings: str | bytes, expected: str) -> None:
    raw = raw_with(tmp_path, RD)
    path = raw / "kaart" / "kaart.toml"
    path.write_bytes(settings if isinstance(settings, bytes) else settings.encode())
    problems = [str(problem) for problem in lees_grenzen(raw).problemen]
    assert len(problems) == 1 and expected in problems[0], problems


def test_another_code_property(tmp_path: Path) -> None:
    features = [{"type": "Feature", "properties": {"gemeentecode": code}, "geometry": geometry}
                for code, geometry in (("0106", SQUARE), (109.0, RD[1]["geometry"]))]
    raw = raw_with(tmp_path, features, 'bestand = "grenzen.geojson"\ncode = "gemeentecode"\n')
    assert lees_grenzen(raw).tabel["gemeente_code"].tolist() == ["GM0106", "GM0109"]


@pytest.mark.hostile
def test_a_bad_boundaries_file_stops_the_ingest_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = raw_with(tmp_path, [RD[0], feature("GM0106", None)])
    (raw / "gemeenten").mkdir()
    shutil.copy(RAW_DIR / GOOD, raw / GOOD)
    processed = tmp_path / "processed"
    assert main(["ingest", "--raw", str(raw), "--processed", str(processed)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "- kaart/grenzen.geojson: object 2 (GM0106): geen geometrie" in err
    assert not processed.exists() or not any(processed.iterdir())


# ---------------------------------------------------------------------------- no boundaries

def test_without_settings_no_rows_and_no_map(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    result = lees_grenzen(tmp_path / "raw")
    assert result.tabel.empty and result.problemen == [] and result.waarschuwingen == []
    assert list(result.tabel.columns) == list(storage.empty_table("grenzen").columns)
    assert kaart.stand_kaart(_stand({"GM0106": -3}), result.tabel, "2024-H1", "Drenthe") is None
    assert kaart.grenzen(tmp_path / "processed").empty  # an ingest from before the table


def test_a_boundaries_file_without_settings_is_a_warning(tmp_path: Path) -> None:
    raw = raw_with(tmp_path, RD)
    (raw / "kaart" / "kaart.toml").unlink()
    result = lees_grenzen(raw)
    assert result.tabel.empty and result.problemen == []
    assert [str(w) for w in result.waarschuwingen] == [
        "kaart/grenzen.geojson: overgeslagen: geen kaart/kaart.toml die dit bestand noemt; "
        "zonder die instellingen komt er geen kaart"]


# ---------------------------------------------------------------------------- GeoPackage

def _gpkg(path: Path, layers: dict[str, list[tuple[str, object]]], envelope: bool) -> None:
    """A minimal GeoPackage: the two metadata tables the reader needs and a layer per entry,
    each row a code and a shapely geometry stored as GeoPackage binary."""
    from shapely import wkb
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE gpkg_contents (table_name TEXT, data_type TEXT)")
        connection.execute("CREATE TABLE gpkg_geometry_columns (table_name TEXT, "
                           "column_name TEXT)")
        for layer, rows in layers.items():
            connection.execute("INSERT INTO gpkg_contents VALUES (?, 'features')", (layer,))
            connection.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom')", (layer,))
            connection.execute(f"CREATE TABLE {layer} (fid INTEGER PRIMARY KEY, statcode TEXT, "
                               "geom BLOB)")
            for code, shape in rows:
                flags = 0b01 | (0b10 if envelope else 0)
                header = b"GP\x00" + bytes([flags]) + struct.pack("<i", 28992)
                if envelope:
                    minx, miny, maxx, maxy = shape.bounds
                    header += struct.pack("<4d", minx, maxx, miny, maxy)
                connection.execute(f"INSERT INTO {layer} (statcode, geom) VALUES (?, ?)",
                                   (code, header + wkb.dumps(shape)))
    connection.close()


@pytest.mark.parametrize("envelope", [True, False])
def test_geopackage(tmp_path: Path, envelope: bool) -> None:
    pytest.importorskip("shapely", reason=NO_SHAPELY)
    from shapely.geometry import MultiPolygon, Polygon
    shapes = [("GM0106", Polygon(square(230_000, 550_000, 10_000))),
              ("GM0109", MultiPolygon([Polygon(square(240_000, 550_000, 4_000)),
                                       Polygon(square(245_000, 550_000, 4_000))]))]
    raw = raw_with(tmp_path, None, 'bestand = "grenzen.gpkg"\n')
    _gpkg(raw / "kaart" / "grenzen.gpkg", {"gemeente_gegeneraliseerd": shapes}, envelope)
    result = lees_grenzen(raw)
    assert result.problemen == []
    table = result.tabel
    assert table["gemeente_code"].tolist() == ["GM0106", "GM0109"]
    assert [len(geometry(table, code)) for code in ("GM0106", "GM0109")] == [1, 2]
    assert sorted(map(tuple, geometry(table, "GM0106")[0][0])) == sorted(
        map(tuple, square(230_000, 550_000, 10_000)))
    assert set(table["bron_bestand"]) == {"kaart/grenzen.gpkg"}


@pytest.mark.hostile
def test_geopackage_with_two_layers_needs_one_named(tmp_path: Path) -> None:
    pytest.importorskip("shapely", reason=NO_SHAPELY)
    from shapely.geometry import Polygon
    rows = [("GM0106", Polygon(square(230_000, 550_000, 10_000)))]
    raw = raw_with(tmp_path, None, 'bestand = "grenzen.gpkg"\n')
    _gpkg(raw / "kaart" / "grenzen.gpkg", {"gemeenten": rows, "provincies": rows}, True)
    assert [str(p) for p in lees_grenzen(raw).problemen] == [
        'kaart/grenzen.gpkg: kies een laag met laag = "..." in kaart/kaart.toml (lagen met '
        "geometrie: gemeenten, provincies)"]
    (raw / "kaart" / "kaart.toml").write_text('bestand = "grenzen.gpkg"\nlaag = "gemeenten"\n')
    assert lees_grenzen(raw).tabel["bron_blad"].tolist() == ["gemeenten"]


@pytest.mark.hostile
def test_a_geopackage_that_is_not_one(tmp_path: Path) -> None:
    pytest.importorskip("shapely", reason=NO_SHAPELY)
    raw = raw_with(tmp_path, b"geen sqlite" * 100, 'bestand = "grenzen.gpkg"\n', "grenzen.gpkg")
    problems = [str(p) for p in lees_grenzen(raw).problemen]
    assert len(problems) == 1 and problems[0].startswith(
        "kaart/grenzen.gpkg: geen bruikbare GeoPackage"), problems


@pytest.mark.hostile
def test_a_geopackage_without_shapely_names_the_extra(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "shapely", None)  # as if it were not installed
    raw = raw_with(tmp_path, b"", 'bestand = "grenzen.gpkg"\n', "grenzen.gpkg")
    assert [str(p) for p in lees_grenzen(raw).problemen] == [
        "kaart/grenzen.gpkg: een GeoPackage lezen vraagt het extra pakket shapely: installeer "
        "het met pip install 'analysis[kaart]', of lever de grenzen als GeoJSON"]


# ---------------------------------------------------------------------------- the map

def _stand(eind: dict[str, float], begin: dict[str, float] | None = None,
           volledig: bool = True, periode: str = "2024-H1") -> pd.DataFrame:
    names = {"GM0106": "Assen", "GM0109": "Coevorden", "GM0114": "Emmen", "GM0118": "Hoogeveen"}
    return pd.DataFrame({
        "gemeente_code": list(eind), "gemeente_naam": [names[c] for c in eind],
        "periode": periode, "stand_eind": pd.array(list(eind.values()), dtype="Int64"),
        "stand_begin": pd.array(list((begin or eind).values()), dtype="Int64"),
        "volledig": volledig})


def _drawn(*args) -> tuple[Figure, str]:
    """The map's wide figure and its alt text."""
    chart = kaart.stand_kaart(*args)
    return chart.figure, chart.alt


def _colour(figure, code: str) -> tuple[float, float, float]:
    patches = [p for p in figure.axes[0].patches if p.get_gid() == code]
    assert len(patches) == 1, code
    return to_rgb(patches[0].get_facecolor())


def _kind(rgb: tuple[float, float, float]) -> str:
    red, _, blue = rgb
    if rgb == (1.0, 1.0, 1.0):
        return "nul"
    return "achterstand" if red > blue else "voorsprong"


def test_the_map_colours_each_municipality_by_the_sign_of_its_stand(tmp_path: Path) -> None:
    table = lees_grenzen(raw_with(tmp_path, RD)).tabel
    stand = _stand({"GM0106": -1, "GM0109": 30, "GM0114": 0, "GM0118": -12})
    figure, alt = _drawn(stand, table, "2024-H1", "Drenthe")
    assert {code: _kind(_colour(figure, code)) for code in ("GM0106", "GM0109", "GM0114")} == {
        "GM0106": "achterstand", "GM0109": "voorsprong", "GM0114": "nul"}
    # a small stand is as clearly coloured as its sign says, a large one darker
    assert max(_colour(figure, "GM0106")) - min(_colour(figure, "GM0106")) > 0.25
    axes, legend = figure.axes
    assert "achterstand" in legend.get_ylabel() and "voorsprong" in legend.get_ylabel()
    assert not axes.axison and axes.get_aspect() == 1.0
    assert "eind van de 1e helft 2024" in axes.get_title()
    labels = [text.get_text() for text in axes.texts]
    assert sorted(labels) == ["Assen\n-1", "Coevorden\n+30", "Emmen\n0"]
    assert figure._supxlabel.get_text() == (
        "Niet op de kaart (geen grens in het grenzenbestand): Hoogeveen")
    assert alt == (
        "Kaart van Drenthe met de stand per gemeente aan het eind van de 1e helft 2024, in "
        "kleur: oranjerood is achterstand, blauw voorsprong. Van de 3 gemeenten met een stand "
        "hebben er 1 een achterstand (samen 1 persoon), 1 een voorsprong en 1 geen van beide; "
        "samen staan ze op +29. "
        "De grootste achterstand heeft Assen (-1). Niet op de kaart, want zonder grens in het "
        "grenzenbestand: Hoogeveen.")
    figure.savefig(tmp_path / "kaart.png")


def test_a_running_half_year_shows_the_stand_at_its_start(tmp_path: Path) -> None:
    table = lees_grenzen(raw_with(tmp_path, RD)).tabel
    stand = _stand({"GM0106": 5, "GM0109": -5, "GM0114": 1}, begin={
        "GM0106": -7, "GM0109": 4, "GM0114": -1}, volledig=False)
    figure, alt = _drawn(stand, table, "2024-H1", "Drenthe")
    assert [_kind(_colour(figure, c)) for c in ("GM0106", "GM0109", "GM0114")] == [
        "achterstand", "voorsprong", "achterstand"]
    title = figure.axes[0].get_title()
    assert "begin van de 1e helft 2024" in title and "loopt nog" in title
    assert "aan het begin van de 1e helft 2024 (het halfjaar loopt nog" in alt
    assert "De grootste achterstand heeft Assen (-7)." in alt


def test_a_municipality_without_a_stand_is_grey_and_named(tmp_path: Path) -> None:
    table = lees_grenzen(raw_with(tmp_path, RD)).tabel
    stand = _stand({"GM0106": -2, "GM0109": 3, "GM0114": 0})
    stand["stand_eind"] = stand["stand_eind"].where(stand["gemeente_code"] != "GM0114")
    figure, alt = _drawn(stand, table, "2024-H1", "Drenthe")
    assert _colour(figure, "GM0114") == to_rgb(kaart.GEEN_STAND)
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["geen stand"]
    figure, _ = _drawn(_stand({"GM0106": -2, "GM0109": 0}), table, "2024-H1", "X")
    assert [t.get_text() for t in figure.legends[0].get_texts()] == [
        "0: geen achterstand of voorsprong"]
    assert "Zonder stand: Emmen." in alt


def test_holes_stay_empty_whatever_their_orientation(tmp_path: Path) -> None:
    outer, hole = square(230_000, 550_000, 10_000), square(233_000, 553_000, 4_000)
    table = lees_grenzen(raw_with(tmp_path, [feature("GM0106", polygon(outer, hole))])).tabel
    figure, _ = _drawn(_stand({"GM0106": -4}), table, "2024-H1", "Drenthe")
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())

    def pixel(x: float, y: float) -> tuple[int, ...]:
        column, row = figure.axes[0].transData.transform((x, y))
        return tuple(pixels[pixels.shape[0] - int(row), int(column), :3])

    assert pixel(235_000, 555_000) == (255, 255, 255)  # the hole
    assert pixel(231_000, 551_000) != (255, 255, 255)  # the municipality around it


def test_wgs84_is_drawn_with_the_aspect_of_its_latitude(tmp_path: Path) -> None:
    features = [feature("GM0106", polygon(square(6.5, 52.9, 0.1))),
                feature("GM0109", polygon(square(6.6, 52.9, 0.1)))]
    table = lees_grenzen(raw_with(tmp_path, features)).tabel
    figure, _ = _drawn(_stand({"GM0106": -4, "GM0109": 2}), table, "2024-H1",
                                  "Drenthe")
    assert figure.axes[0].get_aspect() == pytest.approx(1 / math.cos(math.radians(52.95)),
                                                        rel=1e-3)


def test_names_from_files_are_drawn_literally(tmp_path: Path) -> None:
    table = lees_grenzen(raw_with(tmp_path, RD[:1])).tabel
    stand = _stand({"GM0106": -4}).assign(gemeente_naam="$x$ Assen")
    figure, alt = _drawn(stand, table, "2024-H1", "Drenthe")
    figure.savefig(tmp_path / "kaart.png")
    assert figure.axes[0].texts[0].get_text() == "\\$x\\$ Assen\n-4"
    assert "$x$ Assen (-4)" in alt


# ---------------------------------------------------------------------------- the sample

def test_the_sample_has_drenthes_twelve_municipalities(computed: Path) -> None:
    table = storage.read_table(computed, "grenzen")
    sample = RAW_DIR / "kaart" / "gemeenten_2024.geojson"
    assert sorted(table["gemeente_code"]) == sorted(provincie_codes("Drenthe"))
    assert set(table["stelsel"]) == {"RD"}
    assert set(table["bron_bestand"]) == {"kaart/gemeenten_2024.geojson"}
    assert set(table["bestand_hash"]) == {hashlib.sha256(sample.read_bytes()).hexdigest()}
    assert sample.stat().st_size < 200_000
    assert storage.read_table(computed, "validatie").empty


def test_the_sample_map(computed: Path, tmp_path: Path) -> None:
    from analysis.report import views
    overview = views.provincie("Drenthe", "2024-H1", computed)
    figure, alt = _drawn(overview.beoordeling, kaart.grenzen(computed), "2024-H1",
                                    "Drenthe")
    rows = overview.beoordeling.query("periode == '2024-H1'").set_index("gemeente_code")
    assert len(figure.axes[0].patches) == 12
    for code, value in rows["stand_eind"].items():
        expected = "nul" if value == 0 else "achterstand" if value < 0 else "voorsprong"
        assert _kind(_colour(figure, code)) == expected, code
    worst = rows["stand_eind"].idxmin()
    assert f"De grootste achterstand heeft {rows.at[worst, 'gemeente_naam']} " \
           f"({int(rows.at[worst, 'stand_eind'])})." in alt
    assert "Niet op de kaart" not in alt
    figure.savefig(tmp_path / "kaart.png", dpi=80)


def test_the_narrow_map_is_legible_on_a_phone(computed: Path, tmp_path: Path) -> None:
    from analysis.report import views
    overview = views.provincie("Drenthe", "2024-H1", computed)
    chart = kaart.stand_kaart(overview.beoordeling, kaart.grenzen(computed), "2024-H1",
                              "Drenthe")
    assert tuple(chart.figure.get_size_inches()) == (7, 6.5) and chart.figure.dpi == 100
    assert smallest_text_shown(chart.smal) >= LEGIBLE
    assert not text_outside(chart.smal)
    table = lees_grenzen(raw_with(tmp_path, RD)).tabel  # a note under it and a legend
    stand = _stand({"GM0106": -1, "GM0109": 30, "GM0114": 0, "GM0118": -12})
    chart = kaart.stand_kaart(stand, table, "2024-H1", "Drenthe")
    assert chart.smal.legends and chart.smal._supxlabel.get_text()
    assert smallest_text_shown(chart.smal) >= LEGIBLE
    assert not text_outside(chart.smal)
    assert sorted(t.get_text() for t in chart.smal.axes[0].texts) == sorted(
        t.get_text() for t in chart.figure.axes[0].texts)
