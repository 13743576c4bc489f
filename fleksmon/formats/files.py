"""What a file really is (magic bytes, not its name), and paths that are no file.

A file named ``.csv`` may be gzip, an Excel workbook, Parquet or UTF-16 text;
a file named ``.xlsx`` may be an old ``.xls``, an ``.ods`` or a damaged zip.
:func:`container` tells them apart; :func:`gunzip` unpacks gzip within a bound.
"""

from __future__ import annotations

import gzip
import io
import uuid
import zlib
from pathlib import Path

from fleksmon.errors import FleksmonError

MAX_TEXT = 512 << 20
"""Largest text (after unpacking gzip) read as an aggregated extract."""

_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
    (b"PAR1", "parquet"),
    (b"%PDF", "pdf"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ", "xz"),
    (b"7z\xbc\xaf", "7z"),
    (b"(\xb5/\xfd", "zstd"),
)
_WHAT = {
    "ole2": "an Excel 97–2003 workbook (.xls) or a password-protected workbook",
    "parquet": "a Parquet file",
    "pdf": "a PDF document",
    "bzip2": "a bzip2 archive",
    "xz": "an xz archive",
    "7z": "a 7-Zip archive",
    "zstd": "a zstd archive",
    "ods": "an OpenDocument spreadsheet (.ods)",
    "zip": "a zip archive without an Excel workbook in it",
    "binary": "a binary file, not text",
}
_FIX = {
    "ole2": "Open it in Excel and save it as .xlsx (without a password), or export it as CSV",
    "parquet": "Aggregated figures are read from CSV, .xlsx or API JSON; "
    "pass person-level Parquet files with their .parquet name",
    "ods": "Save it as .xlsx or CSV",
}


def check_file(path: Path, shown: str | None = None) -> None:
    """Refuse a path that is not a readable regular file, saying what it is instead
    (``shown``: how the path is named in the message, the path itself by default)."""
    name = str(path) if shown is None else shown
    if path.is_file():
        return
    if path.is_dir():
        raise FleksmonError(
            f"{name}: a folder, not a file", "Pass the files in it (e.g. folder/*.csv)"
        )
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError:
            raise FleksmonError(
                f"{name}: a link that leads back to itself (a loop of symbolic links)",
                "Point the link at the file, or pass the file itself",
            ) from None
        except OSError:
            raise FleksmonError(
                f"{name}: a link to a file that does not exist",
                "Point the link at the file, or pass the file itself",
            ) from None
    if path.exists():
        raise FleksmonError(
            f"{name}: not a regular file (a device, pipe or socket)",
            "Save the data to a file and pass that",
        )
    raise FleksmonError(f"{name}: no such file", "Check the path")


def container(path: Path, head: bytes | None = None) -> str:
    """The file's real format from its first bytes: ``text``, ``utf-16``, ``gzip``,
    ``zip``, ``ole2``, ``parquet``, ``pdf``, … or ``binary``."""
    if head is None:
        with path.open("rb") as handle:
            head = handle.read(4096)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    sample = head[:512]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16"
    if b"\x00" in sample:
        return "binary"
    return "text"


def refuse_container(path: Path, kind: str) -> FleksmonError:
    """The one-line refusal for a file that is not what its name says."""
    return FleksmonError(
        f"{path.name}: this is {_WHAT.get(kind, kind)}, not a table fleksmon reads "
        f"(whatever its name says)",
        _FIX.get(kind, "Export the table again as CSV (UTF-8) or .xlsx"),
    )


def gunzip(path: Path, raw: bytes) -> bytes:
    """The unpacked content of a gzip file, refused beyond :data:`MAX_TEXT`."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as handle:
            data: bytes = handle.read(MAX_TEXT + 1)
    except (OSError, EOFError, zlib.error) as err:
        raise FleksmonError(
            f"{path.name}: a damaged gzip file ({err})", "Download or compress the file again"
        ) from None
    if len(data) > MAX_TEXT:
        raise FleksmonError(
            f"{path.name}: unpacks to more than {MAX_TEXT >> 20} MB, far more than an "
            "aggregated extract",
            "Check that you picked the right file",
        )
    return data


def native_path(path: Path, folder: Path) -> Path:
    """``path``, or a link to it in ``folder`` where its name is not valid UTF-8 (a name
    the native readers cannot take)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        link = (
            folder / f".source-{uuid.uuid4().hex}{path.suffix.encode('ascii', 'replace').decode()}"
        )
        link.symlink_to(path.resolve())
        return link
    return path
