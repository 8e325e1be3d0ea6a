"""A member inflated for measuring (archive.inflated) is what zipfile reads, a piece at a time,
and a member whose packed data is damaged is refused as zipfile refuses it."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.ingest.measure.archive import inflated

pytestmark = pytest.mark.hostile

DAMAGED = (zipfile.BadZipFile, EOFError, zlib.error)  # what zipfile raises for damaged data


def archive(data: bytes, method: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipFile:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", method) as target:
        target.writestr("xl/worksheets/sheet1.xml", data)
        target.writestr("later.xml", b"<later/>")
    return zipfile.ZipFile(packed)


@settings(max_examples=60, deadline=None)
@given(data=st.one_of(st.binary(max_size=3000), st.sampled_from([b"", b"<a/>" * 70000])),
       size=st.sampled_from([1, 7, 4096, 1 << 18]),
       method=st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
def test_a_member_is_inflated_as_zipfile_reads_it(data: bytes, size: int, method: int) -> None:
    source = archive(data, method)
    pieces = list(inflated(source, "xl/worksheets/sheet1.xml", size))
    assert b"".join(pieces) == source.read("xl/worksheets/sheet1.xml") == data
    assert all(0 < len(piece) <= size for piece in pieces)
    assert source.read("later.xml") == b"<later/>"  # the archive is still read as before


def test_damaged_packed_data_is_refused_as_zipfile_refuses_it() -> None:
    data = bytes(range(256)) * 400
    source = archive(data)
    info = source.getinfo("xl/worksheets/sheet1.xml")
    packed = bytearray(source.fp.getvalue())
    start = info.header_offset + 30 + len(info.filename)
    for damage in (start + info.compress_size // 2, start + info.compress_size - 3):
        broken = bytearray(packed)
        broken[damage] ^= 0x55
        damaged = zipfile.ZipFile(io.BytesIO(bytes(broken)))
        with pytest.raises(DAMAGED) as by_zipfile:
            damaged.read("xl/worksheets/sheet1.xml")
        with pytest.raises(DAMAGED) as here:
            b"".join(inflated(damaged, "xl/worksheets/sheet1.xml"))
        assert isinstance(here.value, zipfile.BadZipFile | type(by_zipfile.value))
