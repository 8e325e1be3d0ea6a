"""Text from files never reaches a page as live HTML.

Markup is planted in every text a page can show that comes from a file: the reden and kenmerk
of every kind of decision, the kader's naam, toelichting, labels and rungs, and a
municipality's name. The real run then makes every page from a copy of the sample, and each
page is parsed: no script but the exporter's own, no ``on…`` attribute, no ``javascript:``
link, and the planted text shown as text.
"""

import io
import re
import shutil
from html.parser import HTMLParser

import nbformat
import pandas as pd
import papermill
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.cbook import is_math_text
from matplotlib.text import Text

from analysis import storage
from analysis.compute.beoordeling import beoordeel
from analysis.compute.kader import load_kader
from analysis.compute.register import load_register
from analysis.compute.roll_forward import rollforward
from analysis.config import KADERS_DIR, NOTEBOOKS_DIR, RAW_DIR
from analysis.pipeline import run as runner
from analysis.report import charts, toon, views
from analysis.report.brieven import write
from analysis.report.notebooks import Outcome, _exporter, export_html

pytestmark = pytest.mark.hostile

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE = [SCRIPT, IMG, '"><svg onload=alert(1)>', "' onmouseover='alert(1)",
           "<a href=javascript:alert(1)>x</a>", "&lt;b&gt; & <b>vet</b>", "**vet** _schuin_"]
PERIODE = "2024-H1"
# The exploring notebooks that show one municipality's name, labels and a scenario's sentence
# (tests/verkenning/test_notebooks.py runs all of them on the plain sample).
EXPLORING = [NOTEBOOKS_DIR / "verkennen" / f"{name}.ipynb" for name in ("gemeente_verdiept",
                                                                          "wat_als")]
# Not a '/': the name becomes part of a letter's file name.
NAAM = f"De {IMG} Wolden"


def planted(text: str) -> str:
    return f"{SCRIPT}{text}{IMG}"


class Page(HTMLParser):
    """What a browser would run in a page, and the text it would show."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.scripts: set[tuple] = set()
        self.handlers: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self._inside: tuple | None = None  # (tag, attributes, content) of a script or style
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [(tag, name) for name, _ in attrs if name.startswith("on")]
        self.links += [value for _, value in attrs
                       if value and value.strip().lower().startswith("javascript:")]
        if tag in ("script", "style"):
            self._inside = (tag, tuple(sorted(attrs)), [])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self._inside and tag == self._inside[0]:
            if tag == "script":
                self.scripts.add((self._inside[1], "".join(self._inside[2])))
            self._inside = None

    def handle_data(self, data):
        (self._inside[2] if self._inside else self.text).append(data)

    @property
    def shown(self) -> str:
        return "".join(self.text)


def assert_harmless(page: Page, allowed_scripts=frozenset(), where: str = "") -> None:
    assert page.scripts <= allowed_scripts, (where, page.scripts - allowed_scripts)
    assert not [s for s in page.scripts if "alert(" in s[1]], where
    assert not page.handlers, (where, page.handlers)
    assert not page.links, (where, page.links)


# --- the display functions, on their own ------------------------------------------------------

@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize(("show", "tags", "shown"), [
    (lambda t: toon.kop(t), ["h2"], "{}"),
    (lambda t: toon.kop(t, niveau=3), ["h3"], "{}"),
    (lambda t: toon.alinea(t), ["p"], "{}"),
    (lambda t: toon.alinea("Oordeel: ", toon.vet(t), "."), ["p", "strong"], "Oordeel: {}."),
    (lambda t: toon.resultaten(f"{t}\nStand: {t}\n{t}"),
     ["table", "caption", "tbody", "tr", "th", "td", "p"], "{}Stand{}{}"),
    (lambda t: toon.samen(toon.kop(t), None, toon.alinea(toon.vet(t))), ["h2", "p", "strong"],
     "{}{}"),
])
def test_every_display_function_shows_text_as_text(text, show, tags, shown):
    page = Page(show(text).data)
    assert page.tags == tags
    assert_harmless(page)
    assert page.shown == shown.replace("{}", text)


@given(st.text(), st.text())
def test_any_text_keeps_its_letters_and_gets_no_markup(first, second):
    page = Page(toon.alinea(first, toon.vet(second)).data)
    assert page.tags == ["p", "strong"]
    assert page.shown == first + second


def test_markup_made_here_is_not_escaped_twice():
    bold = toon.vet("a & b")
    assert toon.alinea(bold, " & c").data == "<p><strong>a &amp; b</strong> &amp; c</p>"
    assert toon.tekst(bold) is bold
    with pytest.raises(ValueError, match="kopniveau"):
        toon.kop("x", niveau=7)


def hostile_frame() -> pd.DataFrame:
    frame = pd.DataFrame({SCRIPT: [IMG, 1.5], "<b>kolom</b>": ["<i>x</i>", SCRIPT]},
                         index=pd.Index([IMG, "<u>rij</u>"], name=f"{SCRIPT}index"))
    frame.columns.name = f"{IMG}kolommen"
    return frame


def test_a_styled_table_escapes_cells_labels_and_their_names():
    page = Page(toon.tabel(hostile_frame()).to_html())
    assert set(page.tags) <= {"style", "table", "thead", "tbody", "tr", "th", "td"}
    assert_harmless(page)
    for text in [SCRIPT, IMG, "<b>kolom</b>", "<i>x</i>", "<u>rij</u>", f"{SCRIPT}index",
                 f"{IMG}kolommen"]:
        assert text in page.shown


def test_a_plain_table_as_jupyter_shows_it_escapes_too():
    """The notebooks show plain DataFrames as they are: pandas escapes their HTML."""
    page = Page(hostile_frame()._repr_html_())
    assert not {"script", "img", "b", "i", "u"} & set(page.tags)
    assert_harmless(page)
    assert SCRIPT in page.shown and "<u>rij</u>" in page.shown


def test_the_views_put_bold_only_around_the_rating_and_the_rung():
    row = pd.Series({"oordeel_label": planted("label"), "trede_op_datum": planted("trede"),
                     "trede_op_datum_besluit": planted("besluit"),
                     "advies_tekst": planted("advies"),
                     "reden": planted("reden"), "volledig": False, "status": "lopend"})
    page = views.Gemeente(code="GM1690", naam=NAAM, periode=PERIODE, historie=pd.DataFrame(),
                          beoordeling=row, blok=planted("blok"), maanden=pd.DataFrame(),
                          tempo=pd.Series({"peildatum": pd.Timestamp("2024-04-01")}),
                          verschillen=pd.DataFrame(), kader=planted("kader"))
    heading = Page(page.kop.data)
    assert heading.tags == ["h2", "p", "strong"]
    assert heading.shown.startswith(f"{NAAM}, 1e helft 2024Voorlopig, cijfers t/m maart 2024.")
    rating = Page(page.oordeel_tekst.data)
    assert rating.tags == ["p", "strong", "strong", "p"]
    assert_harmless(rating)
    for part in ("label", "trede", "besluit", "advies", "reden", "kader"):
        assert planted(part) in rating.shown


MATH = r"$\foo{$ en $x$"  # mathtext that fails to draw, and a formula


@pytest.fixture
def hostile_stand():
    codes = ["GM1690", "GM1699", "GM0106"]
    flows = pd.DataFrame([{"gemeente_code": c, "periode": p, "taakstelling": 20 + i,
                           "realisatie": 15 + 5 * i} for i, c in enumerate(codes)
                          for p in ["2023-H2", "2024-H1"]])
    opening = pd.DataFrame({"gemeente_code": codes, "periode": "2023-H2", "stand": [-10, 18, 0]})
    frame = rollforward(flows, opening)
    frame["gemeente_naam"] = frame["gemeente_code"].map(
        {"GM1690": f"De {MATH} Wolden", "GM1699": f"{SCRIPT}Noordenveld", "GM0106": "Assen$"})
    return frame


def test_every_chart_draws_names_and_labels_with_dollars_as_written(hostile_stand, tmp_path):
    kader = tmp_path / "kader.toml"
    kader.write_text((KADERS_DIR / "drenthe.toml").read_text(encoding="utf-8").replace(
        'label = "Op orde"', f"label = 'Op orde {MATH}'"), encoding="utf-8")  # TOML, literally
    assessed = beoordeel(hostile_stand, load_kader(kader), load_register(None, []))
    one = hostile_stand[hostile_stand["gemeente_code"] == "GM1690"]
    months = pd.DataFrame({"maand": pd.to_datetime(["2024-01-01"]), "realisatie": [3]})
    inwoners = pd.Series({"GM1690": 24_500, "GM1699": 31_300, "GM0106": 69_100})
    naam = one["gemeente_naam"].iloc[0]
    figures = [chart.figure for chart in [
        charts.stand_verloop(one, naam), charts.taakstelling_realisatie(one, naam),
        charts.tempo_verloop(months, 37, "2024-H1", naam), charts.heatmap(hostile_stand),
        charts.provincie_totaal(hostile_stand, MATH), charts.ranking(hostile_stand, inwoners,
                                                                     "2024-H1"),
        charts.tegels(assessed, "2024-H1", MATH)]]
    for figure in figures:
        figure.savefig(io.BytesIO(), format="png", dpi=40)  # draws every text
        texts = [t.get_text() for t in figure.findobj(Text) if t.get_text()]
        assert texts and not [t for t in texts if is_math_text(t)], texts
    drawn = [t.get_text() for f in figures for t in f.findobj(Text)]
    assert any(MATH.replace("$", r"\$") in t for t in drawn)


# --- the real run on a copy of the sample, with markup in every file's text --------------------

KINDS = {  # every kind of decision a page shows, dated in the period, each with its own fields
    "starttrede": ("GM0106", "2024-01-05", 'trede = "{rung1}"'),
    "trede": ("GM0106", "2024-03-01", 'trede = "{rung2}"'),
    "plan_van_aanpak": ("GM0109", "2024-02-01", 'status = "gevraagd"\ntermijn = 2024-09-01'),
    "inhaalafspraak": ("GM0114", "2024-02-15", "aantal = 5\nuiterlijk = 2024-12-31"),
    "voornemen_indeplaatsstelling": (
        "GM0118", "2024-03-15", 'aantal = 4\nresultaten = "{hostile}"\ntermijn = 2024-10-01\n'
        "zienswijze_termijn = 2024-08-01"),
    "besluit_indeplaatsstelling": ("GM0118", "2024-06-01",
                                   'aantal = 4\nresultaten = "{hostile}"\ntermijn = 2024-12-01'),
    "intrekking": ("GM0119", "2024-04-01", 'verwijst_naar = "{hostile}"'),
    "bezwaar": ("GM1680", "2024-04-15", 'verwijst_naar = "{hostile}"\nuitkomst = "ingediend"'),
    "beroep": ("GM1681", "2024-05-15", 'verwijst_naar = "{hostile}"\nuitkomst = "ingediend"'),
    "kwijtschelding": ("GM1699", "2024-06-15", 'periode = "2024-H1"\npersonen = 2'),
}


def hostile_kader(path) -> None:
    """Drenthe's kader with markup in its naam, toelichting, every label and every rung."""
    text = (KADERS_DIR / "drenthe.toml").read_text(encoding="utf-8")
    text = re.sub(r'^(naam|toelichting|label) = "(.*)"$',
                  lambda m: f'{m[1]} = "{planted(m[2])}"', text, flags=re.MULTILINE)
    treden = load_kader("drenthe").treden
    text = re.sub(r"^treden = .*$", "treden = [" + ", ".join(
        f'"{planted(rung)}"' for rung in treden) + "]", text, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")


def hostile_decisions(path, treden) -> dict[str, tuple[str, str]]:
    """A verschoning for every municipality and one decision of every other kind, each with
    markup in reden and kenmerk; returns (reden, kenmerk) per kind."""
    shown = {"verschoning": (planted("verschoning"), planted("K0"))}
    entries = ['[[besluit]]\nsoort = "verschoning"\ngemeenten = "alle"\npeildatum = 2024-07-01\n'
               f'datum = 2024-11-19\nreden = "{shown["verschoning"][0]}"\n'
               f'kenmerk = "{shown["verschoning"][1]}"\n']
    for number, (kind, (code, datum, fields)) in enumerate(KINDS.items(), start=1):
        shown[kind] = (planted(kind), planted(f"K{number}"))
        entries.append(f'[[besluit]]\nsoort = "{kind}"\ngemeente = "{code}"\ndatum = {datum}\n'
                       f'reden = "{shown[kind][0]}"\nkenmerk = "{shown[kind][1]}"\n'
                       + fields.format(rung1=treden[1], rung2=treden[2],
                                       hostile=planted("verwijzing")) + "\n")
    path.write_text("\n".join(entries), encoding="utf-8")
    return shown


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """Every product of a run over the hostile copy, and the exploring notebooks on its data."""
    folder = tmp_path_factory.mktemp("hostile")
    raw = folder / "raw"
    shutil.copytree(RAW_DIR, raw)
    for old in (raw / "besluiten").glob("*.toml"):
        old.unlink()
    kader_path = folder / "kader.toml"
    hostile_kader(kader_path)
    kader = load_kader(kader_path)
    decisions = hostile_decisions(raw / "besluiten" / "besluiten.toml", kader.treden)
    original = storage.write_computed

    def with_hostile_name(tables, manifest, processed):
        """As if the reference named De Wolden so."""
        renamed = {name: table.assign(gemeente_naam=table["gemeente_naam"].where(
            table["gemeente_code"] != "GM1690", NAAM)) if "gemeente_naam" in table else table
            for name, table in tables.items()}
        original(renamed, manifest, processed)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(storage, "write_computed", with_hostile_name)
        patch.setattr(write, "to_pdf", lambda documents, folder: ([], None))  # pages only
        result = runner.run(PERIODE, "Drenthe", 2, raw, folder / "processed", folder / "reports",
                            str(kader_path))
    assert not result.mislukt, [(o.naam, o.fout) for o in result.mislukt]
    explored = folder / "verkenning"
    (explored / "notebooks").mkdir(parents=True)
    for notebook in EXPLORING:
        # A kernel of its own, shut down afterwards: a worker forked later must not inherit one.
        papermill.execute_notebook(str(notebook), str(explored / "notebooks" / notebook.name),
                                   parameters={"processed": str(folder / "processed"),
                                               "uitvoer": str(explored)},
                                   kernel_name="python3", progress_bar=False,
                                   cwd=str(notebook.parent))
        export_html(Outcome(notebook.stem, f"{notebook.stem}.html", "gelukt", 0.0), explored)
    pages = {path.name: path.read_text(encoding="utf-8")
             for path in [*result.folder.glob("*.html"), *explored.glob("*.html")]}
    return pages, kader, decisions


@pytest.fixture(scope="module")
def exporter_scripts():
    """The scripts the HTML exporter puts in every page itself (an empty notebook's): none."""
    body, _ = _exporter().from_notebook_node(nbformat.v4.new_notebook())
    return frozenset(Page(body).scripts)


def test_every_page_was_made(hostile_run):
    pages, _, _ = hostile_run
    assert {"index.html", "overzicht.html", *(f"{n.stem}.html" for n in EXPLORING)} <= set(pages)
    assert len([name for name in pages if name.startswith("gemeente-GM")]) == 12


def test_no_page_runs_anything_planted(hostile_run, exporter_scripts):
    pages, _, _ = hostile_run
    assert not exporter_scripts  # the pages' template has no script of its own: none may appear
    for name, source in pages.items():
        assert_harmless(Page(source), exporter_scripts, name)
        assert "&lt;script&gt;" in source, name  # shown, escaped, not dropped


def test_every_page_shows_the_kader_as_text(hostile_run):
    pages, kader, _ = hostile_run
    for name, source in pages.items():
        assert kader.naam in Page(source).shown, name


def test_the_overview_shows_every_decision_as_text(hostile_run):
    pages, kader, decisions = hostile_run
    shown = Page(pages["overzicht.html"]).shown
    for kind, (reden, kenmerk) in decisions.items():
        assert reden in shown and kenmerk in shown, kind
    assert f"Vastgelegde trede: {kader.treden[2]}" in shown
    assert kader.treden[1] in shown


def test_the_labels_rungs_and_names_are_shown_as_text(hostile_run):
    pages, kader, decisions = hostile_run
    everything = "".join(Page(source).shown for source in pages.values())
    for rating in kader.oordelen:
        assert rating.label in everything, rating.code
    assert NAAM in Page(pages["gemeente-GM1690.html"]).shown
    assert NAAM in Page(pages["overzicht.html"]).shown
    assert NAAM in Page(pages["gemeente_verdiept.html"]).shown  # the exploration's tables
    rated = Page(pages["gemeente-GM0106.html"]).shown
    assert kader.treden[2] in rated and decisions["trede"][1] in rated
