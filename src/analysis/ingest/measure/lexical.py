"""The fast measure of a sheet's cells: the body of ``<sheetData>`` read lexically, a piece of
a megabyte at a time, with numpy instead of a Python call per element.

A regular export is a long run of the same few tags: ``<row r="6">``, ``<c r="B6" t="s">``,
``<v>``, ``<is><t>``, their end tags, and text. This scan accepts exactly that and nothing else.
Every ``<`` of a piece starts a tag, told by the two bytes after it and checked by the third (a
longer one to its end). A cell tag's reference is read eight bytes at a time; its attributes
backwards from the tag that follows, or from the piece's quotes when they are not in a usual
form. The attributes of cells and rows are checked byte for byte against a short list (so a
second ``r``, an attribute in single quotes or with spaces around its ``=`` is not accepted), and
each tag must be one that may follow the one before it (rows in the sheet, cells in rows, a value
in a cell). What it accepts it measures exactly as :class:`.exact.ExactScan` does: a cell counts
when a ``<v>`` or ``<is>`` follows its start tag.

Anything else (a formula, an error value, rich text, a comment, a prefix of another namespace, a
cell without a reference, ``</sheetData>`` itself) ends the scan at the last point before it
where the open elements are known (between rows, or between the cells of a row), and the exact
scan takes over from there without reading the sheet again (:mod:`.sheet`).

Numpy costs about a nanosecond per element and operation here, a gather (``take``) ten times
that, and large arrays freshly allocated cost page faults; so the steps are few, arithmetic is
preferred to tables, and the arrays as long as the piece's tags are kept from piece to piece.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from analysis.ingest.measure.exact import Position
from analysis.ingest.measure.extent import Extent

# What a tag is; ROW_OPEN and C_OPEN stand for any tag that starts like one until their
# attributes are checked; VALUE_SELF is <v/> or <is/>; T_SPACE (<t xml:space="preserve">) only
# while tags are told apart (then T_OPEN).
(UNKNOWN, ROW_OPEN, ROW_SELF, C_OPEN, C_SELF, V_OPEN, IS_OPEN, T_OPEN, VALUE_SELF, T_SELF,
 END_ROW, END_C, END_V, END_IS, END_T, END_SHEET, T_SPACE) = range(17)
# What may follow each kind. Not </sheetData>: the scan stops there (between rows), as it stops
# at any other tag it does not accept.
_FOLLOWS = {ROW_OPEN: (C_OPEN, C_SELF, END_ROW), ROW_SELF: (ROW_OPEN, ROW_SELF),
            C_OPEN: (V_OPEN, IS_OPEN, VALUE_SELF, END_C), C_SELF: (C_OPEN, C_SELF, END_ROW),
            V_OPEN: (END_V,), VALUE_SELF: (END_C,), END_V: (END_C,),
            IS_OPEN: (T_OPEN, T_SELF, END_IS), T_OPEN: (END_T,), T_SELF: (END_IS,),
            END_T: (END_IS,), END_IS: (END_C,), END_C: (C_OPEN, C_SELF, END_ROW),
            END_ROW: (ROW_OPEN, ROW_SELF)}
_ALLOWED = np.zeros(256, np.bool_)  # previous kind << 4 | kind -> may follow
for _before, _afters in _FOLLOWS.items():
    _ALLOWED[[_before << 4 | _after for _after in _afters]] = True
_IN_ROW = (ROW_OPEN, C_SELF, END_C)  # after these the open elements are the sheet's and a row
_SETTLED = np.zeros(16, np.bool_)  # ... after these and ROW_SELF, END_ROW the sheet's
_SETTLED[[*_IN_ROW, ROW_SELF, END_ROW]] = True
_HOLDS_VALUE = np.zeros(16, np.bool_)
_HOLDS_VALUE[[V_OPEN, IS_OPEN, VALUE_SELF]] = True
_CELL_TYPES = (None, "s", "n", "b", "d", "str", "inlineStr")  # t="..." by number (0: none)
# The first two bytes of a reference -> its column | its capitals (1 or 2) << 12; 0 if neither.
_LETTERS = np.zeros(1 << 16, np.uint16)
for _first in range(26):
    _LETTERS[65 + _first | np.arange(48, 58) << 8] = _first + 1 | 1 << 12
    _LETTERS[65 + _first | np.arange(65, 91) << 8] = (_first + 1) * 26 + np.arange(1, 27) | 2 << 12
_SHORT = {T_SPACE: T_OPEN}  # what a longer tag is once checked, when not its own kind
# The attributes a row may have besides r (the text from one value's closing quote to the next
# one's opening quote): anything else, or one of these twice, is not accepted.
_ROW_KEYS = tuple(b'" ' + key + b'="' for key in (
    b"spans", b"s", b"customFormat", b"ht", b"hidden", b"customHeight", b"outlineLevel",
    b"collapsed", b"thickTop", b"thickBot", b"ph", b"x14ac:dyDescent"))
_U = np.uint64


def _word(text: bytes) -> int:
    return int.from_bytes(text, "little")


# The usual ends of a cell tag, as the last bytes before the next tag: one attribute of one
# character (with that character as 0), no attribute, and the same closing the cell.
_T_ONE, _S_ONE = _word(b'" t="\0">'), _word(b'" s="\0">')
_BARE, _SPACED = _word(b'">'), _word(b'" >')
_SHUT, _SPACED_SHUT = _word(b'"/>'), _word(b'" />')
_ZEROS = 0x3030303030303030  # eight ASCII zeros
MARGIN = 64  # bytes after a piece that must be there to be read (the bytes after its last tag)
_QUOTE, _SPACE, _EQUALS, _SLASH, _GT = 34, 32, 61, 47, 62


@dataclass(frozen=True)
class _Grammar:
    """The tags of a body whose elements are written with ``prefix`` (``b""``, ``b"x:"``). A tag
    is told by the two bytes after ``<`` and the prefix, and checked by the third."""

    prefix: bytes
    entries: np.ndarray  # the two bytes (the first + 256 * the second) -> the kind they start
    # | the third byte << 8 (0: any) | 1 << 16 if the tag is checked further
    rest: dict[int, bytes]  # kinds whose tag is longer: the bytes after the third, by kind
    cell: bytes  # <c r="
    row: bytes  # <row r="


@functools.cache
def _grammar(prefix: bytes) -> _Grammar:
    starts = {C_OPEN: b"c r", ROW_OPEN: b"row", V_OPEN: b"v>", VALUE_SELF: b"v/>",
              IS_OPEN: b"is", T_OPEN: b"t>", T_SELF: b"t/>", T_SPACE: b't xml:space="preserve">'}
    ends = {END_C: b"c>", END_V: b"v>", END_T: b"t>", END_IS: b"is>", END_ROW: b"row>",
            END_SHEET: b"sheetData>"}
    mark = prefix[-1:] or b"/"  # what precedes an end tag's name where a start tag's begins
    texts = starts | {kind: mark + name for kind, name in ends.items()}
    entries = np.zeros(1 << 16, np.uint32)  # UNKNOWN for any other two bytes
    rest = {kind: text[3:] for kind, text in texts.items() if len(text) > 3}
    for kind, text in texts.items():
        third = text[2] if len(text) > 2 and kind not in (V_OPEN, T_OPEN) else 0
        further = kind in rest or kind == IS_OPEN
        entries[text[0] | text[1] << 8] = kind | third << 8 | further << 16
    return _Grammar(prefix, entries, rest, b"<" + prefix + b'c r="', b"<" + prefix + b'row r="')


def _match(words: np.ndarray, where: np.ndarray, text: bytes) -> np.ndarray:
    """Whether ``text`` is written at each position (``words``: the 8 bytes at each)."""
    ok = words[where] & _U((1 << 8 * min(len(text), 8)) - 1) == _word(text[:8])
    for offset in range(8, len(text), 8):
        part = text[offset:offset + 8]
        ok &= words[where + offset] & _U((1 << 8 * len(part)) - 1) == _word(part)
    return ok


def _digits(words: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The numbers written in the last ``count`` (1-8) bytes of eight-byte words, and whether
    those bytes are all ASCII digits (the bytes before them read as zeros)."""
    keep = _U((1 << 64) - 1) << ((_U(8) - count.clip(1, 8).astype(np.uint64)) << _U(3))
    x = (words & keep) | (_U(_ZEROS) & ~keep)
    ok = (x & _U(0xF0F0F0F0F0F0F0F0) == _ZEROS) & (  # 0x30-0x39, and not 0x3A-0x3F:
        (x + _U(0x0606060606060606)) & _U(0xF0F0F0F0F0F0F0F0) == _ZEROS)  # +6 stays 0x3_
    x = ((x & _U(0x0F0F0F0F0F0F0F0F)) * _U(2561)) >> _U(8)
    x = ((x & _U(0x00FF00FF00FF00FF)) * _U(6553601)) >> _U(16)
    x = ((x & _U(0x0000FFFF0000FFFF)) * _U(42949672960001)) >> _U(32)
    return x.view(np.int64), ok & (count >= 1) & (count <= 8)


def _reference(head: np.ndarray, number: np.ndarray,
               length: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row, column and whether it is accepted of each reference of ``length`` bytes that starts
    with the eight bytes ``head`` and ends with the eight ``number``: 1-3 capitals, then 1-8
    digits."""
    letters = _LETTERS.take(head & _U(0xFFFF))
    col, count = (letters & 0xFFF).astype(np.int64), letters >> 12
    maybe = (count == 2).nonzero()[0]  # AB: or ABC, and not ABCD
    if len(maybe):
        third, fourth = ((head.take(maybe) >> _U(shift)) & _U(0xFF) for shift in (16, 24))
        three = third - _U(65) < 26
        col[maybe] = np.where(three, col.take(maybe) * 26 + third.astype(np.int64) - 64,
                              col.take(maybe))
        count[maybe] = np.where(three & (fourth - _U(65) < 26), 0, 2 + three)
    row, digits = _digits(number, length - count)
    return row, col, digits & (count > 0)


def _usual_end(last: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From the eight bytes before the tag that follows a cell tag: the length of its end in
    a usual form (0: none), whether that closes the cell, and the cell's type."""
    character = (last >> _U(40)) & _U(0xFF)
    shape = last & _U(0xFFFF00FFFFFFFFFF)
    typed = shape == _T_ONE
    cell_type = np.zeros(len(last), np.int8)
    for number, name in enumerate(_CELL_TYPES[1:5], 1):  # t="s", "n", "b", "d"
        cell_type += ((character == ord(name)) & typed).view(np.int8) * np.int8(number)
    top = last >> _U(32)
    spaced_shut, shut, spaced = top == _SPACED_SHUT, top >> _U(8) == _SHUT, top >> _U(8) == _SPACED
    # exclusive but for '">', which ends the forms of eight bytes too: 2 + 6
    tail = (top >> _U(16) == _BARE).view(np.uint8) * np.uint8(2)
    styled = (shape == _S_ONE) & (character - _U(48) < _U(10))
    tail += ((cell_type > 0) | styled).view(np.uint8) * np.uint8(6)
    tail += (spaced | shut).view(np.uint8) * np.uint8(3)
    tail += spaced_shut.view(np.uint8) * np.uint8(4)
    return tail, spaced_shut | shut, cell_type


def _following(at: np.ndarray, which: np.ndarray, size: int) -> np.ndarray:
    """Where the tag after each of the tags ``which`` starts (``size``: after the last)."""
    end = at.take(which + 1, mode="clip")
    if len(which) and which[-1] == len(at) - 1:
        end[-1] = size
    return end


def _same(p: np.ndarray, at: np.ndarray, text: bytes) -> np.ndarray:
    """Whether the bytes at each of ``at`` are ``text``."""
    ok = np.ones(len(at), np.bool_)
    for offset, byte in enumerate(text):
        ok &= p.take(at + offset) == byte
    return ok


def _tail(p: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """After a start tag's last quote: whether it ends there (``>``, `` >``) or closes itself
    (``/>``, `` />``)."""
    one, two, three = p.take(last + 1), p.take(last + 2), p.take(last + 3)
    space = one == _SPACE
    opens = (one == _GT) | (space & (two == _GT))
    closes = ((one == _SLASH) & (two == _GT)) | (space & (two == _SLASH) & (three == _GT))
    return opens, closes


class _Quotes:
    """The quotes of a piece, found only when a tag needs them (one not in the usual form)."""

    def __init__(self, piece: np.ndarray):
        self.piece, self.found = piece, None

    def of(self, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For tags from ``start`` to ``end``: the index of their first quote, and how many."""
        if self.found is None:  # and one more at the end, which no tag holds
            self.found = np.append((self.piece == _QUOTE).nonzero()[0], len(self.piece))
        first = np.searchsorted(self.found, start)
        return first, np.searchsorted(self.found, end) - first

    def take(self, index: np.ndarray) -> np.ndarray:
        return self.found.take(index, mode="clip")


class _Room:
    """Arrays kept from one piece to the next, grown when a piece needs more."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def get(self, name: str, size: int, dtype: type) -> np.ndarray:
        array = self.arrays.get(name)
        if array is None or len(array) < size:
            array = self.arrays[name] = np.empty(max(size, 1 << 16) * 5 // 4, dtype)
        return array[:size]


def _keep_freed_memory() -> None:
    """Free one large block: glibc's malloc then keeps up to twice its size of freed memory
    instead of returning it to the system (mallopt(3), the dynamic mmap threshold; the process's
    first large pandas frame does the same). Otherwise the few megabytes of arrays of each piece
    are returned after it and faulted in again for the next: a third more time, as system time.
    Done once, on import, so that no measure of the memory a scan holds counts the block.
    Elsewhere than glibc this merely allocates and frees a block."""
    np.empty(16 << 20, np.uint8)


_keep_freed_memory()


class BodyScan:
    """Scans the body of one sheet's ``<sheetData>`` piece by piece (see the module)."""

    def __init__(self, extent: Extent, prefix: bytes, position: Position):
        self.extent, self.grammar = extent, _grammar(prefix)
        self.position = position  # as the exact scan would stand after the bytes scanned
        self.last = END_ROW  # the kind of the last tag scanned: between rows at the start
        self.line = self.column = 0  # newlines scanned, characters since the last one
        self.room = _Room()

    @property
    def in_row(self) -> bool:
        """Whether the scan stands inside a row (else between rows)."""
        return self.last in _IN_ROW

    def scan(self, buf: bytes, start: int, end: int) -> int:
        """Measure ``buf[start:end]``, which starts where the open elements are known (the
        previous piece's end); ``buf`` must hold MARGIN bytes after ``end``. Returns where the
        scan stopped: ``end``, or the start of the first tag it does not accept, or of a tag
        before that (where the open elements are known)."""
        room, size = self.room, end - start
        a = np.frombuffer(buf, np.uint8)
        p = a[start:]  # positions from here on are relative to start
        piece = p[:size]
        words = np.ndarray((len(buf) - start - 7,), "<u8", buf, start, (1,))  # 8 bytes at each
        at = np.equal(piece, 60, out=room.get("lt", size, np.bool_)).nonzero()[0]  # each '<'
        count = len(at)
        kind = self._kinds(p, at)
        quotes = _Quotes(piece)
        cells = (kind == C_OPEN).nonzero()[0]
        rows = (kind == ROW_OPEN).nonzero()[0]
        cell = self._cells(p, words, quotes, at, cells, size, kind)
        row_number = self._rows(p, words, quotes, at, rows, size, kind)
        pair = room.get("pair", count, np.uint8)  # the previous kind << 4 | the kind
        pair[:1], pair[1:] = self.last, kind[:-1]
        pair <<= 4
        pair |= kind
        stop = count  # the first tag that may not follow the one before, if any
        if np.bincount(pair, minlength=256)[~_ALLOWED].any():
            stop = int(_ALLOWED.take(pair).argmin())
        if stop == count and not _SETTLED[kind[-1] if count else self.last]:
            stop -= 1  # the piece ends inside a cell: stop at the last point between cells
        if stop < count:  # back to the last tag before which the open elements are known
            settled = np.concatenate(([self.last], kind[:stop]))
            stop = int(_SETTLED.take(settled).nonzero()[0][-1])
            here = int(at[stop]) + start
        else:
            here = end
        self._apply(kind, cells, *cell, rows, row_number, stop)
        if stop:
            self.last = int(kind[stop - 1])
        self._advance(buf, a, start, here)
        return here

    def _kinds(self, p: np.ndarray, at: np.ndarray) -> np.ndarray:
        """The kind of each tag starting at ``at``: told by the two bytes after '<' and the prefix,
        checked by the third, a longer tag to its end (a cell's or a row's by :meth:`_cells` and
        :meth:`_rows`)."""
        grammar, room, count = self.grammar, self.room, len(at)
        name = 1 + len(grammar.prefix)  # where the name starts, after '<' and the prefix
        first = p[name:].take(at, out=room.get("first", count, np.uint8))
        key = np.left_shift(p[name + 1:].take(at), 8, dtype=np.intp,
                            out=room.get("key", count, np.intp))
        key |= first
        entry = grammar.entries.take(key, out=room.get("entry", count, np.uint32))
        kind = entry.astype(np.uint8)  # the low byte: the kind
        third = (entry >> np.uint32(8)).astype(np.uint8)
        kind *= (third == 0) | (third == p[name + 2:].take(at))
        if grammar.prefix:  # <x:c or </x:c: the prefix itself, and the slash of an end tag
            end = (kind >= END_ROW) & (kind <= END_SHEET)
            ok = (p.take(at + 1) == _SLASH) == end
            for offset, byte in enumerate(grammar.prefix, 1):
                ok &= p.take(at + offset + end) == byte
            kind *= ok
        longer = entry >= 1 << 16
        if longer.any():
            which = longer.nonzero()[0]
            for long, text in grammar.rest.items():
                these = which[kind.take(which) == long]
                if len(these):
                    same = _same(p, at.take(these) + name + 3, text)
                    kind[these] = np.where(same, _SHORT.get(long, long), UNKNOWN)
            inline = which[kind.take(which) == IS_OPEN]  # <is> or <is/>
            if len(inline):
                after = p[name + 2:].take(at.take(inline))
                closes = (after == _SLASH) & (p[name + 3:].take(at.take(inline)) == _GT)
                kind[inline] = np.where(after == _GT, IS_OPEN,
                                        np.where(closes, VALUE_SELF, UNKNOWN))
        return kind

    def _cells(self, p: np.ndarray, words: np.ndarray, quotes: _Quotes, at: np.ndarray,
               cells: np.ndarray, size: int,
               kind: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row, column and type (a number in _CELL_TYPES) of each cell tag ``<c r``; in
        ``kind`` C_SELF for those that close themselves, UNKNOWN for those not accepted.

        Accepted: a reference of 1-3 capitals and 1-8 digits, then s="...", t="..." or both in
        that order, and no other attribute. The usual forms, whose tag ends right before the
        next one with ``">``, ``" >``, ``"/>``, ``" />``, ``" t="s">`` or ``" s="1">``, are read
        from the eight bytes before the next tag; others from the quotes of the piece."""
        grammar = self.grammar
        lead = len(grammar.cell)
        start = at.take(cells)
        end = _following(at, cells, size)
        tail, closes, cell_type = _usual_end(words[end - 8])
        length = end - start
        length -= tail
        length -= lead  # of the reference, where the end is in a usual form
        head = words[lead:][start]  # the reference's first eight bytes
        shift = length.clip(1, 8).astype(np.uint64)  # 1-8 bytes: the reference
        row, col, ok = _reference(head, head << (_U(64) - (shift << _U(3))), length)
        ok &= (tail > 0) & (length <= 8) & (p[lead - 2:].take(start) == _EQUALS) & (
            p[lead - 1:].take(start) == _QUOTE)
        other = (~ok).nonzero()[0]
        if len(other):
            row[other], col[other], good, found, closed = self._attributes(
                p, words, quotes, start.take(other), end.take(other), start.take(other) + lead)
            ok[other], cell_type[other], closes[other] = good, found, closed
        kind[cells[~ok]] = UNKNOWN
        kind[cells[ok & closes]] = C_SELF
        return row, col, cell_type

    def _attributes(self, p: np.ndarray, words: np.ndarray, quotes: _Quotes, start: np.ndarray,
                    end: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, ...]:
        """Cell tags not in a usual form, read from their quotes: row, column, whether accepted
        (a reference, then only s="...", t="..." or both in that order, then ``>`` or ``/>``),
        type, and whether the tag closes itself."""
        first, count = quotes.of(start, end)
        close = quotes.take(first + 1)
        row, col, good = _reference(words[ref], words[close - 8], close - ref)
        good &= ((count == 2) | (count == 4) | (count == 6)) & (quotes.take(first) == ref - 1) & (
            p.take(ref - 2) == _EQUALS)
        found = np.zeros(len(start), np.int8)
        keys = np.zeros(len(start), np.uint8)
        for pair in (1, 2):
            has = (count >= 2 * pair + 2).nonzero()[0]
            base = first.take(has) + 2 * pair - 1
            shut, opening, closing = (quotes.take(base + i) for i in range(3))
            key = p.take(shut + 2)
            right = (opening - shut == 4) & (p.take(shut + 1) == _SPACE) & (
                p.take(shut + 3) == _EQUALS) & ((key == ord("s")) | (key == ord("t")))
            right &= key > keys.take(has)  # s before t, each once
            keys[has] = key
            typed = (key == ord("t")).nonzero()[0]
            number = self._type(p, opening.take(typed), closing.take(typed))
            found[has.take(typed)] = number
            right[typed] &= number > 0
            good[has] &= right
        opens, closes = _tail(p, quotes.take(first + np.where(good, count, 1) - 1))
        return row, col, good & (opens | closes), found, closes

    @staticmethod
    def _type(p: np.ndarray, opening: np.ndarray, closing: np.ndarray) -> np.ndarray:
        """The number in _CELL_TYPES of each t="..." value; 0 for any other (such as "e")."""
        found = np.zeros(len(opening), np.int8)
        length = closing - opening - 1
        first = p.take(opening + 1)
        for number, name in enumerate(_CELL_TYPES[1:], 1):
            text = name.encode()
            which = ((length == len(text)) & (first == text[0])).nonzero()[0]
            if len(which):
                found[which[_same(p, opening.take(which) + 1, text)]] = number
        return found

    def _rows(self, p: np.ndarray, words: np.ndarray, quotes: _Quotes, at: np.ndarray,
              rows: np.ndarray, size: int, kind: np.ndarray) -> np.ndarray:
        """The number of each row tag ``<row r="``, of 1-8 digits; in ``kind`` ROW_OPEN or
        ROW_SELF, UNKNOWN for a row with another attribute than those of _ROW_KEYS, or one
        twice. ``<row r="6">`` is read from its bytes, others from the quotes of the piece."""
        start = at.take(rows)
        end = _following(at, rows, size)
        value = start + len(self.grammar.row)
        number, ok = _digits(words[end - 10], end - value - 2)
        ok &= words[end - 8] >> _U(48) == _BARE  # '">' right before the next tag
        closes = np.zeros(len(rows), np.bool_)
        other = (~ok).nonzero()[0]
        if len(other):
            first, count = quotes.of(start.take(other), end.take(other))
            close = quotes.take(first + 1)
            found, right = _digits(words[close - 8], close - value.take(other))
            right &= (count >= 2) & (count % 2 == 0) & (count <= 2 + 2 * len(_ROW_KEYS)) & (
                quotes.take(first) == value.take(other) - 1)
            seen = np.zeros(len(other), np.int64)
            for pair in range(1, len(_ROW_KEYS) + 1):
                has = (count >= 2 * pair + 2).nonzero()[0]
                if not len(has):
                    break
                base = first.take(has) + 2 * pair - 1
                shut, opening = quotes.take(base), quotes.take(base + 1)
                key = np.zeros(len(has), np.int64)
                for number_, text in enumerate(_ROW_KEYS, 1):
                    maybe = (opening - shut == len(text) - 1).nonzero()[0]
                    key[maybe[_same(p, shut.take(maybe), text)]] = number_
                bit = np.left_shift(1, key)
                right[has] &= (key > 0) & (seen.take(has) & bit == 0)
                seen[has] |= bit
            opened, closed = _tail(p, quotes.take(first + np.where(right, count, 1) - 1))
            number[other], ok[other], closes[other] = found, right & (opened | closed), closed
        ok &= _match(words, start, self.grammar.row)
        kind[rows] = np.where(ok, np.where(closes, ROW_SELF, ROW_OPEN), UNKNOWN)
        return number

    def _apply(self, kind: np.ndarray, cells: np.ndarray, cell_row: np.ndarray,
               cell_col: np.ndarray, cell_type: np.ndarray, rows: np.ndarray,
               row_number: np.ndarray, stop: int) -> None:
        """Count the cells before tag ``stop`` in the extent and move the position past them."""
        before = int(np.searchsorted(cells, stop))
        cells = cells[:before]
        counted = (kind.take(cells) == C_OPEN) & _HOLDS_VALUE.take(
            kind.take(cells + 1, mode="clip"))  # a cell that is the last tag holds nothing yet
        self.extent.add_cells(cell_row[:before][counted], cell_col[:before][counted])
        last_row = int(np.searchsorted(rows, stop)) - 1
        if before and (last_row < 0 or cells[-1] > rows[last_row]):
            self.position = Position(int(cell_row[before - 1]), int(cell_col[before - 1]),
                                     _CELL_TYPES[cell_type[before - 1]], not counted[-1])
        elif last_row >= 0:
            self.position = Position(int(row_number[last_row]), 0, None, False)

    def _advance(self, buf: bytes, a: np.ndarray, start: int, here: int) -> None:
        """Count the lines, and the characters of the last one, up to ``here``."""
        ascii_ = not (a[start:here] >= 128).any()
        newline = buf.rfind(b"\n", start, here)
        if newline < 0:
            self.column += here - start if ascii_ else _characters(a[start:here])
        else:
            self.line += int(np.count_nonzero(a[start:here] == 10))
            self.column = here - newline - 1 if ascii_ else _characters(a[newline + 1:here])


def _characters(utf8: np.ndarray) -> int:
    """The characters in UTF-8 bytes: those that do not continue a character."""
    return len(utf8) - int(np.count_nonzero(utf8.view(np.int8) < -64))
