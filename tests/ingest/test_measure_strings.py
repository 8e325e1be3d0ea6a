"""Measuring the shared-string table: its strings counted by their start tags (never fewer than
expat counts) and bounded in length by the table's size; refused exactly when expat, counting
every string and character, refuses it, with the same message."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.ingest import limits
from analysis.ingest.measure import strings
from analysis.ingest.measure.archive import inflated
from analysis.ingest.measure.refusal import WorkbookError
from tests.ingest.test_hostile_workbooks import MAIN

pytestmark = pytest.mark.hostile

MEMBER = "xl/sharedStrings.xml"


def outcome(xml: bytes, exact: bool, **lowered: int) -> str | None:
    """The refusal of a table with this XML (None: measured), by expat alone or not."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MEMBER, xml)
    saved = limits.LIMITS
    limits.LIMITS = dataclasses.replace(saved, **lowered)
    try:
        with zipfile.ZipFile(data) as archive:
            if exact:
                strings._exact(inflated(archive, MEMBER), MEMBER, "teksten.xlsx")
            else:
                strings.measure_shared_strings(archive, MEMBER, "teksten.xlsx")
    except WorkbookError as error:
        return error.problem.melding
    finally:
        limits.LIMITS = saved
    return None


ITEMS = st.sampled_from([
    "<si><t>{}</t></si>", '<si><t xml:space="preserve">{}</t></si>', "<si><t/></si>", "<si/>",
    "<si><r><t>{}</t></r><r><rPr><b/></rPr><t>x</t></r></si>", "<si>\n<t>{}</t></si>\n",
    "<!-- <si><t>{}</t></si> -->", "<si><t><![CDATA[<si>{}]]></t></si>",
    "<x:si><x:t>{}</x:t></x:si>", "<si ><t>{}</t></si >", "<sib/>", "<?pi {}?>",
    "<si><t>a:si b</t></si>"])
TEXTS = st.sampled_from(["Assen", "", "é ü", "<si>", "a&b", "x" * 40])


@st.composite
def tables(draw) -> bytes:
    items = "".join(draw(ITEMS).format(escape(draw(TEXTS)))
                    for _ in range(draw(st.integers(0, 30))))
    declaration = draw(st.sampled_from(['<?xml version="1.0" encoding="UTF-8"?>\n', "",
                                        "\ufeff", '<?xml version="1.0" encoding="utf-8"?>']))
    root = draw(st.sampled_from([f'<sst xmlns="{MAIN}" xmlns:x="{MAIN}">',
                                 f'<sst xmlns:x="{MAIN}" xmlns="{MAIN}" count="3">',
                                 f'<!-- begin --><sst xmlns="{MAIN}" xmlns:x="{MAIN}">']))
    return (declaration + root + items + "</sst>").encode()


@settings(max_examples=150, deadline=None)
@given(xml=tables(), count=st.integers(0, 25), chars=st.sampled_from([50, 300, 10**6]))
def test_a_table_is_refused_exactly_when_expat_refuses_it(xml: bytes, count: int,
                                                          chars: int) -> None:
    lowered = {"max_shared_strings": count, "max_shared_string_chars": chars}
    assert outcome(xml, False, **lowered) == outcome(xml, True, **lowered)


def test_an_encoding_other_than_utf8_is_read_by_expat() -> None:
    xml = ('<?xml version="1.0" encoding="UTF-16"?>'
           f'<sst xmlns="{MAIN}"><si><t>a</t></si><si><t>b</t></si></sst>').encode("utf-16")
    expected = "tabel met gedeelde teksten heeft meer dan 1 teksten; niet gelezen"
    assert outcome(xml, False, max_shared_strings=1) == expected
