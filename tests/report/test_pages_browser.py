"""The published pages in a real browser (Debian's Chromium, headless): nothing loaded from
elsewhere, no axe-core violation of any impact, Dutch and titled, every chart described in
Dutch, and printable: Chromium's print to PDF puts the overview's tables on A4 landscape with
every column, a municipality on at most three A4 pages, and no heading alone at a page's end.

The real run makes every page once from a copy of the sample; each page is then opened once,
and what the browser saw is kept for the tests below. Without Chromium the module is skipped,
except under CI (``CI`` set), where a missing browser fails.
"""

import functools
import io
import os
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PERIODE = "2024-H1"
MM = 96 / 25.4  # CSS pixels per millimetre
# The printable width of each kind of page: A4 less the margins of rapport.css's @page rules.
PAPER_WIDTH_PX = {"overzicht": (297 - 20) * MM, "gemeente": (210 - 24) * MM,
                  "index": (210 - 24) * MM}
PHONE_PX = 390  # a phone's viewport
NARROW_CHART_PX = 400  # a chart's narrow variant; the wide ones are 700 px or more
MAX_PAGES = {"gemeente": 3}
DUTCH = re.compile(r"\b(van|per|het|een|de|en|tot en met)\b")

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"Chromium ontbreekt ({CHROMIUM}); .ci/run installeert het met apt-get "
                "(apt-get install chromium)", allow_module_level=True)


def kind(path: Path) -> str:
    return ("gemeente" if path.name.startswith("gemeente-") else
            "overzicht" if path.name == "overzicht.html" else "index")


SRCSET_ADDRESS = re.compile(r"[\s,]*(\S+)")


def srcset_addresses(value: str) -> list[str]:
    """The address of every candidate in a srcset, as HTML reads one: an address runs to the
    next whitespace (a comma in it, as in a data URI, is part of it; a comma ending it ends the
    candidate), its descriptors ('2x', '400w') to the next comma."""
    addresses, at = [], 0
    while match := SRCSET_ADDRESS.match(value, at):
        address = match[1]
        addresses.append(address.rstrip(","))
        if address.endswith(","):
            at = match.end()
            continue
        comma = value.find(",", match.end())
        if comma < 0:
            break
        at = comma + 1
    return addresses


class Links(HTMLParser):
    """Every address a page refers to: src, href, srcset, and url() and @import in CSS."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.addresses: list[str] = []
        self._style = False
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self._style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name in ("src", "href", "action", "formaction", "poster", "data"):
                self.addresses.append(value)
            elif name in ("srcset", "imagesrcset"):
                self.addresses += srcset_addresses(value)
            elif name == "style":
                self.css(value)

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if self._style:
            self.css(data)

    def css(self, text: str) -> None:
        self.addresses += [m.strip("'\" ") for m in re.findall(r"url\(\s*([^)]*)\)", text)]
        self.addresses += re.findall(r"@import\s+['\"]([^'\"]+)['\"]", text)


def outside(address: str, page: Path, root: Path) -> str | None:
    """Why ``address`` on ``page`` points outside ``root`` (or to nothing), else None."""
    if address.startswith("#") or address.startswith("data:"):
        return None
    parts = urlsplit(address)
    if parts.scheme or parts.netloc or address.startswith(("/", "\\")):
        return "geen relatief adres"
    target = (page.parent / unquote(parts.path)).resolve()
    if not target.is_relative_to(root.resolve()):
        return "buiten de map"
    return None if target.exists() else "bestaat niet"


@pytest.fixture(scope="module")
def reports(sample_run) -> Path:
    """Every product of the session's run of the sample."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium ontbreekt ({CHROMIUM}) onder CI: .ci/run had het moeten "
                    "installeren")
    return sample_run / "reports"


def pages_of(reports: Path) -> list[Path]:
    pages = sorted(reports.rglob("*.html"))
    assert {"index", "overzicht", "gemeente"} <= {kind(p) for p in pages}
    return pages


# What the browser made of each page: read in the page after loading, once.
READ = r"""() => {
  const text = e => (e.innerText || e.textContent || '').trim();
  const width = document.documentElement.clientWidth;
  return {
    lang: document.documentElement.lang,
    title: document.title.trim(),
    images: [...document.images].map(i => ({alt: i.getAttribute('alt'), loaded: i.naturalWidth,
                                            shown: i.clientWidth,
                                            narrow: i.currentSrc !== i.src})),
    headings: [...document.querySelectorAll('h1, h2, h3')].map(text).filter(t => t),
    headers: [...document.querySelectorAll('th')].map(text).filter(t => t),
    overflow: document.documentElement.scrollWidth - width,
    tables: [...document.querySelectorAll('table')].map(t => ({
      right: t.getBoundingClientRect().right - width,
      scroll: t.scrollWidth - t.parentElement.clientWidth,
      parent: t.parentElement.scrollWidth - t.parentElement.clientWidth,
      first: text(t.querySelector('th, td') || t)})),
    text: document.body.innerText,
    oordeel: oordeel(),
    broken: broken()};

  // every cell of a column headed 'Oordeel': where it is on the screen
  function oordeel() {
    const found = [];
    for (const table of document.querySelectorAll('table')) {
      const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
      const column = heads.indexOf('Oordeel');
      if (column < 0) continue;
      for (const row of table.querySelectorAll('tbody tr')) {
        const cell = row.children[column];
        if (!cell || !cell.textContent.trim()) continue;
        const box = cell.getBoundingClientRect();
        found.push({text: text(cell), left: box.left, right: box.right});
      }
    }
    return found;
  }

  // words wider than the box they stand in: broken mid-word, or cut off
  function broken() {
    const measure = document.createElement('canvas').getContext('2d');
    const found = [];
    for (const box of document.querySelectorAll('th, td, li, p, h1, h2, h3, caption')) {
      const style = getComputedStyle(box);
      const hidden = box.closest('thead, .verborgen');  // kept for a screen reader only
      if (hidden && getComputedStyle(hidden).position === 'absolute') continue;
      if (!box.innerText || style.display === 'none' || box.clientWidth === 0) continue;
      // from the longhands: the shorthand is empty where tabular figures are set
      measure.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = box.clientWidth - parseFloat(style.paddingLeft)
                   - parseFloat(style.paddingRight) + 1;
      for (const word of box.innerText.split(/\s+|(?<=-)(?=\D)/)) {  // a hyphen may break
        if (measure.measureText(word).width > room) found.push(word);
      }
    }
    return found;
  }
}"""
WIDTHS = (PHONE_PX, 1280)  # a phone and a desktop screen (the first load), in CSS pixels


@pytest.fixture(scope="module")
def seen(reports, tmp_path_factory):
    """Per page: the requests it made, axe-core's violations, what it shows on screen and laid
    out for print, and its PDF; a screenshot of each kind of page in the pytest tmp folder."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    shots = tmp_path_factory.mktemp("schermafdrukken")
    axe = Axe()
    result = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            requested: list[str] = []

            def only_local(route):
                requested.append(route.request.url)
                if route.request.url.startswith(("file:", "data:")):
                    route.continue_()
                else:
                    route.abort()

            context.route("**/*", only_local)
            page = context.new_page()
            for path in pages_of(reports):
                first = kind(path) not in {kind(Path(name)) for name in result}
                # first at a phone's width (a picture picks its drawing as the page loads),
                # then at 1280 px, the width the print layout starts from
                page.set_viewport_size({"width": PHONE_PX, "height": 900})
                page.emulate_media(media="screen")
                page.goto(path.as_uri(), wait_until="load")
                phone = page.evaluate(READ)
                if first:
                    page.screenshot(path=str(shots / f"{kind(path)}-{PHONE_PX}.png"),
                                    full_page=True)
                requested.clear()
                page.set_viewport_size({"width": 1280, "height": 900})
                page.goto(path.as_uri(), wait_until="load")
                found = {"requests": list(requested), "screen": page.evaluate(READ),
                         "axe": axe.run(page).response["violations"], PHONE_PX: phone}
                found[1280] = found["screen"]
                if first:
                    page.screenshot(path=str(shots / f"{kind(path)}-1280.png"), full_page=True)
                page.emulate_media(media="print")
                page.set_viewport_size({"width": round(PAPER_WIDTH_PX[kind(path)]),
                                        "height": 1000})
                found["print"] = page.evaluate(READ)
                found["pdf"] = page.pdf(format="A4", prefer_css_page_size=True)
                if kind(path) != "gemeente" or path.name == "gemeente-GM1690.html":
                    (shots / f"{path.stem}.pdf").write_bytes(found["pdf"])
                result[str(path.relative_to(reports))] = found
        finally:
            browser.close()
    print(f"schermafdrukken en PDF's: {shots}")
    return result


def pdf_image_widths(data: bytes) -> list[int]:
    """The width in pixels of every image in a PDF."""
    from pypdf import PdfReader

    return [image.image.width for page in PdfReader(io.BytesIO(data)).pages
            for image in page.images]


@functools.cache
def pdf_pages(data: bytes) -> list[dict]:
    """Every page of a PDF: its size (points), its lines of text from top to bottom
    with their height on the page, and the lowest edge of each image drawn on it."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        pieces: dict[int, list[str]] = {}
        images: list[float] = []

        def text(piece, cm, tm, font, size, pieces=pieces):
            if piece.strip():
                height = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                pieces.setdefault(round(height / 2), []).append(piece.strip())

        def operator(name, operands, cm, tm, images=images):
            if name == b"Do":  # an image (or a form) in the unit square cm maps
                images.append(min(cm[5], cm[5] + cm[3]))

        page.extract_text(visitor_text=text, visitor_operand_before=operator)
        lines = [(height * 2, " ".join(pieces[height])) for height in sorted(pieces, reverse=True)]
        pages.append({"width": float(page.mediabox.width), "height": float(page.mediabox.height),
                      "lines": lines, "images": images})
    return pages


def heading_alone(page: dict, headings: set[str]) -> str | None:
    """The heading that ends ``page``, nothing below it (no text, no image), else None; a
    heading broken over two lines counts too."""
    lines = page["lines"]
    if not lines:
        return None
    height, last = lines[-1]
    candidates = [last] + ([f"{lines[-2][1]} {last}"] if len(lines) > 1 else [])
    found = next((c for c in candidates if c in headings), None)
    if found and not [bottom for bottom in page["images"] if bottom < height - 2]:
        return found
    return None


def test_nothing_points_outside_the_folder(reports):
    problems = []
    for path in pages_of(reports):
        for address in Links(path.read_text(encoding="utf-8")).addresses:
            why = outside(address, path, reports)
            if why:
                problems.append((path.name, address[:80], why))
    assert not problems


@pytest.mark.hostile
@pytest.mark.parametrize(("address", "verdict"), [
    ("https://cdn.example/x.js", "geen relatief adres"),
    ("//cdn.example/x.js", "geen relatief adres"),
    ("/etc/passwd", "geen relatief adres"), ("file:///etc/passwd", "geen relatief adres"),
    ("../../buiten.html", "buiten de map"), ("javascript:alert(1)", "geen relatief adres"),
    ("ontbreekt.html", "bestaat niet"), ("#kop", None), ("data:image/png;base64,AA", None),
    ("pagina.html#kop", None)])
def test_the_address_check_refuses_what_leaves_the_folder(tmp_path, address, verdict):
    (tmp_path / "map").mkdir()
    page = tmp_path / "map" / "pagina.html"
    page.write_text("")
    assert outside(address, page, tmp_path / "map") == verdict


def test_the_parser_finds_addresses_in_attributes_and_css():
    found = Links('<img srcset="a.png 1x, b.png 2x" src="c.png"><a href="d.html">d</a>'
                  '<div style="background: url(\'e.png\')"></div>'
                  '<style>@import "f.css"; p { background: url(g.png) }</style>').addresses
    assert sorted(found) == ["a.png", "b.png", "c.png", "d.html", "e.png", "f.css", "g.png"]


@pytest.mark.parametrize(("srcset", "addresses"), [
    ("a.png 1x, b.png 2x", ["a.png", "b.png"]), ("a.png,b.png 2x", ["a.png,b.png"]),
    ("a.png, b.png", ["a.png", "b.png"]), ("  a.png  ,  ", ["a.png"]), ("", []),
    ("data:image/png;base64,iVBOR+w== 1x, data:image/png;base64,AB/C== 2x",
     ["data:image/png;base64,iVBOR+w==", "data:image/png;base64,AB/C=="]),
    ("data:image/png;base64,iVBOR+w==", ["data:image/png;base64,iVBOR+w=="]),
    ("https://cdn.example/a.png 400w, data:image/png;base64,AA",
     ["https://cdn.example/a.png", "data:image/png;base64,AA"])])
def test_a_srcset_gives_each_candidates_whole_address(srcset, addresses):
    assert srcset_addresses(srcset) == addresses
    assert Links(f'<picture><source srcset="{srcset}"></picture>').addresses == addresses


def test_no_page_requests_anything_from_elsewhere(seen):
    for name, page in seen.items():
        assert all(url.startswith(("file:", "data:")) for url in page["requests"]), name


def test_no_accessibility_violation_of_any_impact(seen):
    by_kind: dict[str, Counter] = {}
    found = []
    for name, page in seen.items():
        for violation in page["axe"]:
            impact = violation["impact"] or "onbekend"
            by_kind.setdefault(kind(Path(name)), Counter())[impact] += 1
            found.append(f"{name}: {impact} {violation['id']} ({len(violation['nodes'])}x): "
                         f"{violation['help']}")
    for name in {kind(Path(n)) for n in seen}:
        print(f"axe-core, {name}: {dict(by_kind.get(name, {})) or 'geen overtredingen'}")
    assert not found


def test_every_page_is_dutch_titled_and_describes_its_charts(seen):
    for name, page in seen.items():
        screen = page["screen"]
        assert screen["lang"] == "nl" and screen["title"], name
        assert screen["title"] != "Notebook", name
        for image in screen["images"]:
            alt = (image["alt"] or "").strip()
            assert alt and DUTCH.search(alt) and "No description" not in alt, (name, alt)
            assert image["loaded"] > 0, name
    charts = {name: len(page["screen"]["images"]) for name, page in seen.items()}
    assert charts["2024-H1/gemeente-GM1690.html"] == 3 and charts["2024-H1/overzicht.html"] >= 4


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen_with_every_rating_in_view(seen, width):
    """Nothing wider than the screen, no table scrolling sideways, every rating inside the
    screen, no word broken or cut."""
    for name, page in seen.items():
        shown = page[width]
        assert shown["overflow"] <= 1, (name, width, "de pagina is breder dan het scherm")
        for table in shown["tables"]:
            assert table["parent"] <= 1 and table["right"] <= 1, (name, width, table)
        assert all(cell["left"] >= 0 and cell["right"] <= width + 1
                   for cell in shown["oordeel"]), (name, width, shown["oordeel"])
        assert not shown["broken"], (name, width, shown["broken"])
    rated = [name for name, page in seen.items() if page[width]["oordeel"]]
    assert f"{PERIODE}/overzicht.html" in rated and f"{PERIODE}/gemeente-GM1690.html" in rated


def test_every_page_is_dated_on_screen_and_on_every_printed_sheet(seen):
    for name, page in seen.items():
        text = page["screen"]["text"]
        assert "ijfers t/m" in text and re.search(r"\b[a-z]+ \d{4}\b", text), name
        assert re.search(r"(Gemaakt|gemaakt|Bijgewerkt) op \d{1,2} \w+ \d{4}", text), name
        printed = pdf_pages(page["pdf"])
        for number, sheet in enumerate(printed, start=1):
            lines = " ".join(line for _, line in sheet["lines"])
            assert f"pagina {number} van {len(printed)}" in lines, (name, number)
            if kind(Path(name)) != "index" or "/" in name:
                assert "cijfers t/m" in lines and "gemaakt op" in lines, (name, number)


def test_no_page_shows_folders_files_packages_or_staff_notes(seen):
    for name, page in seen.items():
        text = page["screen"]["text"]
        for word in ("data/processed", "brieven.toml", "kaart/", "pakket analysis", ".toml",
                     "run.json", "geen kenmerk"):
            assert word not in text, (name, word)


def test_a_phone_shows_the_narrow_charts_and_print_the_wide(seen):
    for name, page in seen.items():
        phone = page[PHONE_PX]
        assert [image["loaded"] for image in phone["images"]] == [NARROW_CHART_PX] * len(
            phone["images"]), name
        assert phone["overflow"] <= 1, (name, "de pagina is breder dan de telefoon")
    for name, page in seen.items():
        assert all(image["loaded"] >= 700 for image in page["print"]["images"]), name
    printed = pdf_image_widths(seen[f"{PERIODE}/gemeente-GM1690.html"]["pdf"])
    assert len(printed) == 3 and min(printed) >= 700


def test_every_table_fits_the_paper_width(seen):
    for name, page in seen.items():
        laid_out = page["print"]
        assert laid_out["overflow"] <= 1, (name, "de pagina is breder dan het papier")
        for table in laid_out["tables"]:
            assert table["scroll"] <= 1 and table["parent"] <= 1, (name, table)
            assert table["right"] <= 1, (name, table)


def test_the_overview_prints_on_a4_landscape_with_every_column(seen):
    page = seen[f"{PERIODE}/overzicht.html"]
    printed = pdf_pages(page["pdf"])
    print(f"overzicht: {len(printed)} pagina's A4 liggend")
    assert printed and all(abs(p["width"] - 842) < 2 and abs(p["height"] - 595) < 2
                           for p in printed)
    words = {word for p in printed for _, line in p["lines"] for word in line.split()}
    missing = [h for h in page["print"]["headers"] if not set(h.split()) <= words]
    assert not missing  # a heading broken over two lines is still there, word by word
    for column in ("Ontwikkeling", "Oordeel", "Trede", "Advies"):
        assert column in page["print"]["headers"]


def test_a_municipality_prints_on_at_most_three_a4_pages(seen):
    counts = {}
    for name, page in seen.items():
        if kind(Path(name)) == "gemeente":
            printed = pdf_pages(page["pdf"])
            assert all(abs(p["width"] - 595) < 2 and abs(p["height"] - 842) < 2
                       for p in printed), name
            counts[Path(name).stem] = len(printed)
    print(f"pagina's per gemeente: {counts}")
    assert len(counts) == 12 and max(counts.values()) <= MAX_PAGES["gemeente"]


def test_no_heading_stands_alone_at_the_end_of_a_printed_page(seen):
    alone = []
    for name, page in seen.items():
        headings = set(page["print"]["headings"])
        for number, printed in enumerate(pdf_pages(page["pdf"])[:-1], start=1):
            heading = heading_alone(printed, headings)
            if heading:
                alone.append((name, number, heading))
    assert not alone


@pytest.mark.parametrize(("lines", "images", "alone"), [
    ([(700, "Tekst"), (100, "Kop")], [], "Kop"),
    ([(700, "Tekst"), (110, "Een lange"), (100, "kop")], [], "Een lange kop"),
    ([(700, "Kop"), (600, "Tekst")], [], None),
    ([(700, "Kop")], [150.0], None),  # a chart below the heading
    ([(700, "Tekst"), (100, "Kop")], [400.0], "Kop"),  # the chart is above it
    ([], [], None)])
def test_the_heading_check_finds_a_heading_at_the_end(lines, images, alone):
    page = {"lines": lines, "images": images}
    assert heading_alone(page, {"Kop", "Een lange kop"}) == alone
