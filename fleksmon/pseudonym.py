"""CPR pseudonymization: a keyed hash (HMAC-SHA256) of every person identifier.

The key comes from the environment variable ``FLEKSMON_KEY`` or else from a
key file (created on first use, readable by its owner only) in the user data
directory. The same identifier and key always give the same pseudonym, so
persons link across ingests. No CPR number is ever put into an error message:
errors name the file and row only, and :func:`fleksmon.errors.mask_cpr` masks
anything CPR-shaped in the text fleksmon shows (a file name, a value from an aggregated file).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

import platformdirs
import polars as pl

from fleksmon.errors import FleksmonError

KEY_ENV = "FLEKSMON_KEY"
PSEUDONYM_BYTES = 8
"""Bytes kept of the HMAC digest: the pseudonym is an unsigned 64-bit integer."""

_CPR = r"^\d{6}-?\d{4}$"
# Digits (with an optional dash or space) close to a CPR number in length:
# a CPR with a digit missing or one too many.
_BROKEN_CPR = (
    r"^(\d{6}[- ]\d{3}|\d{6}[- ]\d{5}|\d{5}[- ]\d{4}|\d{7}[- ]\d{4}|\d{9}|\d{11}|\d{6} \d{4})$"
)
"""A CPR number inside any text: DDMMYY-SSSS, DDMMYY SSSS or ten digits in a row."""
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def default_key_file() -> Path:
    """Where the key file lives when ``FLEKSMON_KEY`` is not set."""
    return Path(platformdirs.user_data_dir("fleksmon")) / "key"


def load_key(key_file: Path | None = None) -> bytes:
    """The pseudonymization key: ``FLEKSMON_KEY``, else the key file (created if missing).

    A new key file holds 32 random bytes as hex and is created with mode 0600.
    """
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode("utf-8")
    path = key_file if key_file is not None else default_key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_hex(32) + "\n")
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise FleksmonError(
            f"the key file {path} is empty",
            f"delete it to create a new key (pseudonyms will change) or set {KEY_ENV}",
        )
    return key.encode("ascii")


FINGERPRINT_PREFIX = b"fleksmon key fingerprint v1"
"""Domain separation: a key's fingerprint is never the hash used for anything else."""


@functools.lru_cache(maxsize=4)
def key_fingerprint(key: bytes) -> str:
    """A short public name for a key (16 hex characters), never the key itself.

    A slow keyed derivation (PBKDF2-SHA256 salted with a fixed prefix), so a weak
    ``FLEKSMON_KEY`` cannot cheaply be guessed from a store's fingerprint.

    >>> key_fingerprint(b"example-key") == key_fingerprint(b"example-key") != key_fingerprint(b"x")
    True
    """
    return hashlib.pbkdf2_hmac("sha256", key, FINGERPRINT_PREFIX, 100_000).hex()[:16]


def pseudonym(identifier: str, key: bytes) -> int:
    """The pseudonym of one identifier (CPR numbers without a dash, trimmed): the first
    8 bytes of its HMAC-SHA256 digest as an unsigned 64-bit integer (big-endian)."""
    text = identifier.strip().replace("-", "") if _is_cpr_text(identifier) else identifier.strip()
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:PSEUDONYM_BYTES], "big")


def _is_cpr_text(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) in (10, 11) and stripped.replace("-", "", 1).isdigit()


def _invalid_expr(col: pl.Expr) -> pl.Expr:
    """True where an identifier is empty, a CPR-shaped value with an impossible date,
    or a value that looks like a mistyped CPR number."""
    text = col.str.strip_chars()
    digits = text.str.replace("-", "")
    day = digits.str.slice(0, 2).cast(pl.Int32, strict=False)
    month = digits.str.slice(2, 2).cast(pl.Int32, strict=False)
    year = digits.str.slice(4, 2).cast(pl.Int32, strict=False)
    days = (
        pl.when(month.is_between(1, 12))
        .then(month.replace_strict(list(range(1, 13)), list(_DAYS_IN_MONTH), default=0))
        .otherwise(0)
    )
    days = pl.when((month == 2) & (year % 4 != 0)).then(28).otherwise(days)
    bad_date = text.str.contains(_CPR) & ~day.is_between(1, days)
    return text.is_null() | (text == "") | bad_date | text.str.contains(_BROKEN_CPR)


def pseudonymize(
    frame: pl.DataFrame,
    key: bytes,
    *,
    column: str = "person",
    source: str = "input",
    row_column: str | None = None,
) -> pl.DataFrame:
    """Replace ``column`` by pseudonyms, hashing each distinct identifier once.

    Identifiers are validated first: an empty value, a CPR-shaped value with an
    impossible date or a value that looks like a broken CPR number raises a
    :class:`FleksmonError` naming ``source`` and the row (from ``row_column``,
    else the 1-based position), never the value itself.
    """
    ids = frame.get_column(column).cast(pl.String)
    unique = ids.unique()
    bad = unique.filter(pl.select(_invalid_expr(pl.lit(unique))).to_series())
    if len(bad):
        position = int(ids.is_in(bad.implode()).arg_true()[0])
        row = (
            int(frame.get_column(row_column)[position]) if row_column is not None else position + 1
        )
        raise FleksmonError(
            f"{source}: row {row}, column {column!r}: not a valid CPR number or person id",
            "give a CPR number as DDMMYY-SSSS or 10 digits, or use an opaque id that is not "
            "CPR-shaped",
        )
    hashed = pl.Series([pseudonym(v, key) for v in unique.to_list()], dtype=pl.UInt64)
    mapped = ids.replace_strict(unique, hashed, return_dtype=pl.UInt64)
    return frame.with_columns(mapped.alias(column))
