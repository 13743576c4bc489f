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
from pathlib import Path

from fleksmon.errors import FleksmonError
from fleksmon.formats.files import container, gunzip, refuse_container

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


def bad_key(path: Path) -> FleksmonError:
    """The API's answer to a wrong or expired key, saved where data was expected."""
    return FleksmonError(
        f"{path.name}: the file holds the Jobindsats API's answer '{BAD_KEY}.' "
        "(wrong or expired API key) instead of data",
        "Renew your API key on jobindsats.dk (Min side) and fetch the data again",
    )


def utf8_copy(path: Path, folder: Path) -> Path:
    """``path`` itself when it is UTF-8 without a BOM, else a UTF-8 copy (BOM dropped,
    cp1252 decoded) in ``folder``, written block by block."""
    with path.open("rb") as fh:
        head = fh.read(3)
        bom = head == codecs.BOM_UTF8
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                encoding = "utf-16"
            else:
                for block in iter(lambda: fh.read(_BLOCK), b""):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
                encoding = "utf-8-sig"
        except UnicodeDecodeError:
            fh.seek(0)
            if bom or any(UTF8_LETTER.search(b) for b in iter(lambda: fh.read(_BLOCK), b"")):
                raise FleksmonError(
                    f"{path.name}: the file is partly UTF-8 (a byte-order mark or UTF-8 "
                    "letters) and partly not (two encodings mixed, e.g. Windows-1252 text saved "
                    "or appended as UTF-8)",
                    "Save the whole file again as UTF-8",
                ) from None
            encoding = "cp1252"
    if encoding == "utf-8-sig" and not bom:
        return path
    target = folder / f".source-{uuid.uuid4().hex}.csv"
    with (
        path.open("r", encoding=encoding, newline="") as src,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        for text in iter(lambda: src.read(1 << 22), ""):
            out.write(text)
    return target
