"""Text files: decoding (UTF-8 with or without BOM, UTF-16, Windows-1252), line endings.

Every text format (CSV, NDJSON, JSON) is decoded here, in memory for an aggregated
extract (:func:`decode`) or block by block into a UTF-8 copy for a person-level
file of any size (:func:`utf8_copy`), with the same rules: text that mixes UTF-8
and another encoding is refused, never read as 'Ã¸'.
"""

from __future__ import annotations

import codecs
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

from fleksmon.errors import FleksmonError
from fleksmon.formats.files import container, gunzip, native_path, refuse_container

BAD_KEY = "Forkert nøgle eller nøglen er udløbet"
"""What the Jobindsats API v2 answers to a wrong or expired key."""

UTF8_LETTER = re.compile(rb"[\xc3][\x80-\xbf]")
"""A UTF-8 encoded letter such as æ, ø, å or é (two bytes that Windows-1252 reads as 'Ã¸')."""

_BLOCK = 1 << 24


def text_bytes(path: Path, raw: bytes) -> tuple[bytes, str]:
    """The bytes of a text file and its container (gzip unpacked); other formats refused."""
    kind = container(path, raw[:4096])
    if kind == "gzip":
        raw = gunzip(path, raw)
        kind = container(path, raw[:4096])
        if kind not in ("text", "utf-16"):
            raise refuse_container(path, kind)
        return raw, kind
    if kind not in ("text", "utf-16"):
        raise refuse_container(path, kind)
    return raw, kind


def decode(path: Path, data: bytes | None = None) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or
    Windows-1252, gzip-compressed or not; refuse anything else."""
    raw, kind = text_bytes(path, path.read_bytes() if data is None else data)
    if kind == "utf-16":
        try:
            return raw.decode("utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le")
        except UnicodeDecodeError:
            raise FleksmonError(
                f"{path.name}: damaged UTF-16 text", "Save the file again as UTF-8 CSV"
            ) from None
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        refuse_mixed(path, raw, err.start + len(raw) - len(body))
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise FleksmonError(
            f"{path.name}, row {line}: byte 0x{raw[err.start]:02X} is neither UTF-8 nor "
            "Windows-1252 text",
            "Save the file as UTF-8 (or export it again from Jobindsats)",
        ) from None


def refuse_mixed(path: Path, raw: bytes, bad: int) -> None:
    """Refuse text that is partly UTF-8 (a byte-order mark or UTF-8 letters) and partly not:
    read as Windows-1252 its UTF-8 letters would turn into 'Ã¸' without a word."""
    row = raw[:bad].count(b"\n") + 1
    letter = UTF8_LETTER.search(raw)
    if raw.startswith(b"\xef\xbb\xbf"):
        found = "starts with a UTF-8 byte-order mark"
    elif letter is not None:
        first = raw[: letter.start()].count(b"\n") + 1
        found = f"has UTF-8 letters (row {first})"
    else:
        return
    raise FleksmonError(
        f"{path.name}, row {row}: the file {found}, but byte 0x{raw[bad]:02X} here is not "
        "UTF-8 (two encodings mixed, e.g. Windows-1252 text saved or appended as UTF-8)",
        "Save the whole file again as UTF-8 (or export it again from Jobindsats)",
    )


def lines(text: str) -> list[str]:
    """Decoded text split into lines, whatever the line ends (CRLF, LF or CR alone)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def bad_key(path: Path, text: str, *, among: bool = True) -> FleksmonError:
    """The API's answer to a wrong or expired key, saved where data was expected: the
    whole file (or a header and it), or (``among``) a line among data rows (named: the
    rows around it came from other requests)."""
    rows = [line.strip() for line in lines(text)]
    at = next((i for i, line in enumerate(rows) if BAD_KEY in line), 0)
    if among and sum(1 for line in rows if line and BAD_KEY not in line) >= 2:
        return FleksmonError(
            f"{path.name}, row {at + 1}: the Jobindsats API's answer '{BAD_KEY}.' (wrong or "
            "expired API key) stands among the data rows, so the rows of that request are "
            "missing",
            "Renew your API key on jobindsats.dk (Min side), fetch the data again and save "
            "the whole answer in a new file",
        )
    return FleksmonError(
        f"{path.name}: the file holds the Jobindsats API's answer '{BAD_KEY}.' "
        "(wrong or expired API key) instead of data",
        "Renew your API key on jobindsats.dk (Min side) and fetch the data again",
    )


_CP1252_HOLES = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
"""The five bytes Windows-1252 leaves undefined (Å is 0x8F in code page 850, say)."""


def _blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        yield from iter(lambda: fh.read(_BLOCK), b"")


def _first_match(path: Path, pattern: re.Pattern[bytes], newline: bytes) -> tuple[int, int] | None:
    """The first byte matching ``pattern`` in the file and its row, or ``None``."""
    rows = 0
    for block in _blocks(path):
        found = pattern.search(block)
        if found:
            return block[found.start()], rows + block[: found.start()].count(newline) + 1
        rows += block.count(newline)
    return None


def _first_non_utf8(path: Path, newline: bytes) -> tuple[int, int] | None:
    """The first byte that is not UTF-8 and its row, or ``None`` for UTF-8 text."""
    rows, carry = 0, b""
    for block in _blocks(path):
        data = carry + block
        try:
            _, used = codecs.utf_8_decode(data, "strict", False)
        except UnicodeDecodeError as err:
            return data[err.start], rows + data[: err.start].count(newline) + 1
        rows += data[:used].count(newline)
        carry = data[used:]
    return (carry[0], rows + 1) if carry else None


def _undecodable(path: Path, byte: int, row: int, found: str | None) -> FleksmonError:
    if found is None:
        return FleksmonError(
            f"{path.name}, row {row}: byte 0x{byte:02X} is neither UTF-8 nor Windows-1252 text",
            "Save the file as UTF-8 (or export it again from Jobindsats)",
        )
    return FleksmonError(
        f"{path.name}, row {row}: the file {found}, but byte 0x{byte:02X} here is not "
        "UTF-8 (two encodings mixed, e.g. Windows-1252 text saved or appended as UTF-8)",
        "Save the whole file again as UTF-8 (or export it again from Jobindsats)",
    )


def _encoding(path: Path, head: bytes, newline: bytes) -> str:
    """``utf-8-sig`` or ``cp1252`` for a text file; text that is neither, or mixes UTF-8
    with another encoding, refused with the row (as :func:`decode` does)."""
    bom = head.startswith(codecs.BOM_UTF8)
    bad = _first_non_utf8(path, newline)
    if bad is None:
        return "utf-8-sig"
    byte, row = bad
    letter = _first_match(path, UTF8_LETTER, newline)
    if bom or letter is not None:
        found = (
            "starts with a UTF-8 byte-order mark"
            if bom
            else f"has UTF-8 letters (row {letter[1] if letter else 0})"
        )
        raise _undecodable(path, byte, row, found)
    hole = _first_match(path, _CP1252_HOLES, newline)
    if hole is not None:
        raise _undecodable(path, *hole, None)
    return "cp1252"


def utf8_copy(path: Path, folder: Path) -> Path:
    """``path`` itself when it is UTF-8 text without a BOM whose lines end in LF or CRLF,
    else a UTF-8 copy in ``folder`` (BOM dropped, UTF-16 or Windows-1252 decoded, gzip
    unpacked, lines ended by CR alone ended by LF), written block by block. Refuses an
    empty file and text in no encoding fleksmon reads, naming the row."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    kind = container(path, head[:4096])
    target = folder / f".source-{uuid.uuid4().hex}.csv"
    if kind == "gzip":
        target.write_text(decode(path), encoding="utf-8", newline="")
        return target
    if kind not in ("text", "utf-16"):
        raise refuse_container(path, kind)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise FleksmonError(
            f"{path.name}: no data rows (the file is empty)",
            "Export the extract again with its rows, or check that you picked the right file",
        )
    cr_only = b"\r" in head and b"\n" not in head
    if kind == "utf-16":
        bom = head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        encoding = "utf-16" if bom else "utf-16-le"
        cr_only = "\r" in head.decode(encoding, "replace") and "\n" not in head.decode(
            encoding, "replace"
        )
    else:
        encoding = _encoding(path, head, b"\r" if cr_only else b"\n")
        if encoding == "utf-8-sig" and not head.startswith(codecs.BOM_UTF8) and not cr_only:
            return native_path(path, folder)
    with (
        path.open("r", encoding=encoding, newline=None if cr_only else "") as src,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        try:
            for text in iter(lambda: src.read(1 << 22), ""):
                out.write(text)
        except UnicodeDecodeError:
            raise FleksmonError(
                f"{path.name}: damaged UTF-16 text", "Save the file again as UTF-8 CSV"
            ) from None
    return target
