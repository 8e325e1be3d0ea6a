"""The letterhead of the default template: the sender block beside the address, the address
placed for a window envelope, the footers with the sender's contact details, and the page
numbers from the second page on; and the logo as docxtpl prints it.

The address field follows the Dutch window-envelope layout (NEN 1026, as commonly summarised:
the address field on A4 some 20-25 mm from the left edge and 50-55 mm from the top, about
85 x 40 mm). Cross-checked with DIN 5008 (www.din-5008-richtlinien.de: an 85 x 45 mm field
20 mm from the left edge) and the window positions of common envelopes (officeconsult.no:
windows from 15 mm from the left, their tops 39-44 mm from the top, 30-40 mm high): a field of
85 x 40 mm at 22 mm from the left and 50 mm from the top shows through all of them.

The field is the left cell of a two-row table of exact row heights at the top of the first
page: Word and LibreOffice both place such a table where its measures say, where a floating
frame is placed by each in its own way.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate, InlineImage

# the page (mm): the body starts at the top margin, where the letterhead table starts
TOP_MARGIN, LEFT_MARGIN, RIGHT_MARGIN, BOTTOM_MARGIN = 25, 25, 20, 25
PAGE_WIDTH = 210
ADDRESS_LEFT, ADDRESS_TOP = 22, 50  # the address field, from the page's edges
ADDRESS_WIDTH, ADDRESS_HEIGHT = 85, 40
SENDER_LEFT = 120  # the sender block, from the page's left edge, to the right margin
LOGO_HEIGHT, LOGO_MAX_WIDTH = 18, 65  # mm

# the table's cells: the address field's row, and the row above it; the sender block spans both
ROWS = (ADDRESS_TOP - TOP_MARGIN, ADDRESS_HEIGHT)
COLUMNS = (SENDER_LEFT - ADDRESS_LEFT, PAGE_WIDTH - RIGHT_MARGIN - SENDER_LEFT)

# the sender block, paragraph by paragraph: (style, text); the logo, when there is one, on a
# line of its own above the name (no {%p if %} paragraph: see DEFAULT_TEXT)
SENDER_TEXT = [
    ("Afzendernaam", "{% if logo %}{{ logo }}\n{% endif %}{{ afzender_naam }}"),
    ("Afzender", "{{ afzender_regels }}"),
]
FOOTER = "{{ afzender_voetregel }}"
HEADER = "{{ afzender_naam }} · {{ datum }} · ons kenmerk {{ kenmerk }}"  # from page 2


@dataclass(frozen=True)
class Logo:
    """The logo's bytes as a placeholder's value; :func:`images` makes it the picture docxtpl
    prints."""

    inhoud: bytes


def images(document: DocxTemplate, values: dict[str, object]) -> dict[str, object]:
    """``values`` with every :class:`Logo` made a picture of ``document``: 18 mm high, or 65 mm
    wide when that is narrower (a wide logo stays within the sender block)."""
    found = {}
    for key, value in values.items():
        if isinstance(value, Logo):
            image = Image.from_blob(value.inhoud)
            wide = image.px_width * LOGO_HEIGHT > LOGO_MAX_WIDTH * image.px_height
            value = InlineImage(document, io.BytesIO(value.inhoud),
                                width=Mm(LOGO_MAX_WIDTH) if wide else None,
                                height=None if wide else Mm(LOGO_HEIGHT))
        found[key] = value
    return found


def page_setup(section: Section) -> None:
    """A4 with the letterhead's margins; the first page has its own header and footer."""
    section.page_width, section.page_height = Mm(PAGE_WIDTH), Mm(297)
    section.left_margin, section.right_margin = Mm(LEFT_MARGIN), Mm(RIGHT_MARGIN)
    section.top_margin, section.bottom_margin = Mm(TOP_MARGIN), Mm(BOTTOM_MARGIN)
    section.header_distance, section.footer_distance = Mm(12), Mm(10)
    section.different_first_page_header_footer = True


def add_styles(document: DocxTemplate | DocumentObject) -> None:
    """The letterhead's paragraph styles: the sender block, its name, the footer and the header
    of the following pages."""
    normal = document.styles["Normal"]
    for name, size, bold, align in (("Afzender", 8.5, False, None),
                                    ("Afzendernaam", 10, True, None),
                                    ("Voet", 7, False, WD_ALIGN_PARAGRAPH.CENTER),
                                    ("Paginanummer", 8, False, WD_ALIGN_PARAGRAPH.RIGHT),
                                    ("Kopregel", 8, False, WD_ALIGN_PARAGRAPH.RIGHT)):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size, style.font.bold = Pt(size), bold
        style.paragraph_format.space_after = style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.line_spacing = 1.0
        if align is not None:
            style.paragraph_format.alignment = align
        if name in ("Voet", "Kopregel"):
            style.font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def add_letterhead(document: DocumentObject) -> None:
    """The table at the top of the first page: the address field (left, second row) where a
    window envelope shows it, the sender block to its right."""
    table = document.add_table(rows=2, cols=2)
    table.autofit = False
    _table_properties(table._tbl.tblPr)
    grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
    for column, width in zip(grid, COLUMNS, strict=True):
        column.set(qn("w:w"), str(Mm(width).twips))
    for row, height in zip(table.rows, ROWS, strict=True):
        row.height, row.height_rule = Mm(height), WD_ROW_HEIGHT_RULE.EXACTLY
        for cell, width in zip(row.cells, COLUMNS, strict=True):
            cell.width = Mm(width)
    address = table.cell(1, 0)
    address.paragraphs[0].text = "{{ geadresseerde }}"
    address.paragraphs[0].style = document.styles["Adres"]
    sender = table.cell(0, 1).merge(table.cell(1, 1))
    first = sender.paragraphs[0]
    for number, (style, text) in enumerate(SENDER_TEXT):
        paragraph = first if number == 0 else sender.add_paragraph()
        paragraph.text, paragraph.style = text, document.styles[style]
    for paragraph in table._tbl.iter(qn("w:p")):
        # an empty cell's <w:p/> is a paragraph docxtpl does not count in a message
        paragraph.get_or_add_pPr()


def _table_properties(properties) -> None:
    """Indent the table to the address field's left edge, without cell margins, at fixed
    widths (the elements in the order the schema requires)."""
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(Mm(ADDRESS_LEFT - LEFT_MARGIN).twips))
    indent.set(qn("w:type"), "dxa")
    properties.insert_element_before(indent, "w:tblBorders", "w:shd", "w:tblLayout",
                                     "w:tblCellMar", "w:tblLook")
    layout = properties.get_or_add_tblLayout()
    layout.set(qn("w:type"), "fixed")
    margins = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def add_headers_footers(section: Section) -> None:
    """The first page: no header (the letterhead is in the body) and the sender's contact
    details in the footer; the following pages: the sender, date and kenmerk in the header,
    and the contact details with "Pagina N van M" in the footer."""
    section.first_page_header.is_linked_to_previous = False
    section.first_page_footer.paragraphs[0].text = FOOTER
    section.first_page_footer.paragraphs[0].style = "Voet"
    section.header.paragraphs[0].text = HEADER
    section.header.paragraphs[0].style = "Kopregel"
    footer = section.footer
    footer.paragraphs[0].text = FOOTER
    footer.paragraphs[0].style = "Voet"
    numbers = footer.add_paragraph(style="Paginanummer")
    numbers.add_run("Pagina ")
    _field(numbers, "PAGE")
    numbers.add_run(" van ")
    _field(numbers, "NUMPAGES")


def _field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) at the end of ``paragraph``, showing 1 until updated."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {code} \\* MERGEFORMAT ")
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
