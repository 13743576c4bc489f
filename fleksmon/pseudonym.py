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
import re
import secrets
from pathlib import Path

import platformdirs
import polars as pl

from fleksmon.errors import FleksmonError

KEY_ENV = "FLEKSMON_KEY"
PSEUDONYM_BYTES = 8
"""Bytes kept of the HMAC digest: the pseudonym is an unsigned 64-bit integer."""

_CPR = r"^\d{6}-?\d{4}$"
SEPARATORS = " _\u00a0\u2009\u202f\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
"""What else than a dash users put between a CPR number's date and serial: a space, a
no-break, thin or narrow no-break space, an underscore, hyphens, en and em dashes, minus."""
_SEPARATED = re.compile(rf"([0-9]{{6}})[{SEPARATORS}]([0-9]{{4}})")
_SEPARATED_EXPR = rf"^([0-9]{{6}})[{SEPARATORS}]([0-9]{{4}})$"
# Digits (with an optional dash or other separator) close to a CPR number in length:
# a CPR with a digit missing or one too many.
_SEP = f"[-{SEPARATORS}]"
_BROKEN_FORMS = (
    r"\d{6}S\d{3}",
    r"\d{6}S\d{5}",
    r"\d{5}S\d{4}",
    r"\d{7}S\d{4}",
    r"\d{9}",
    r"\d{11}",
)
_BROKEN_CPR = "^(" + "|".join(f.replace("S", _SEP) for f in _BROKEN_FORMS) + ")$"
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_HASH_CHUNK = 1 << 20
"""Identifiers hashed at a time (their hex digests are held until cut to 64 bits)."""
_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
"""What Python's ``str.strip()`` removes from ASCII text."""


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


def canonical_id(identifier: str) -> str:
    """The text an identifier is hashed as: trimmed; a CPR number without its dash (or the
    space, no-break space, en dash or underscore written in its place).

    >>> [canonical_id(v) for v in (" 010170-1234", "010170\u20131234", "010170 1234", "x-1")]
    ['0101701234', '0101701234', '0101701234', 'x-1']
    """
    text = identifier.strip()
    separated = _SEPARATED.fullmatch(text)
    if separated:
        return separated.group(1) + separated.group(2)
    return text.replace("-", "") if _is_cpr_text(text) else text


def pseudonym(identifier: str, key: bytes) -> int:
    """The pseudonym of one identifier (:func:`canonical_id`): the first 8 bytes of its
    HMAC-SHA256 digest as an unsigned 64-bit integer (big-endian)."""
    digest = hmac.new(key, canonical_id(identifier).encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:PSEUDONYM_BYTES], "big")


def _is_cpr_text(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) in (10, 11) and stripped.replace("-", "", 1).isdigit()


def _canonical_ascii(col: pl.Expr) -> pl.Expr:
    """:func:`canonical_id` of ASCII text, vectorized (the same text, character for
    character: Python's ``isdigit`` and ``strip`` agree with these patterns on ASCII)."""
    text = col.str.strip_chars(_ASCII_SPACE)
    text = text.str.replace(_SEPARATED_EXPR, "${1}${2}")
    cpr = text.str.len_bytes().is_in([10, 11]) & text.str.replace(
        "-", "", literal=True, n=1
    ).str.contains(r"^[0-9]+$")
    return pl.when(cpr).then(text.str.replace_all("-", "", literal=True)).otherwise(text)


def canonical_ids(ids: pl.Series) -> pl.Series:
    """:func:`canonical_id` of every identifier: vectorized for ASCII text, one at a time
    for the (rare) rest, so each is exactly what :func:`canonical_id` gives. Letters and
    digits alone (``syn000123``, ``0101701234``) are their own canonical text."""
    if bool(ids.str.contains(r"^[A-Za-z0-9]+$").all()):
        return ids
    ascii_only = ids.str.contains(r"^[\x00-\x7f]*$")
    fast = pl.select(_canonical_ascii(pl.lit(ids))).to_series()
    if bool(ascii_only.all()):
        return fast.alias(ids.name)
    rest = ids.filter(~ascii_only)
    slow = pl.Series([canonical_id(v) for v in rest.to_list()], dtype=pl.String)
    return fast.scatter(ascii_only.not_().arg_true(), slow).alias(ids.name)


def _hmac_ids(texts: pl.Series, key: bytes) -> pl.Series:
    """The pseudonyms of canonical identifiers: HMAC-SHA256 vectorized (polars-hash) where
    it is installed and the key is text, else one identifier at a time (same digests)."""
    try:
        import polars_hash  # noqa: F401  (registers the .chash namespace)

        text_key = key.decode("utf-8")
    except (ImportError, UnicodeDecodeError):
        return pl.Series(
            [
                int.from_bytes(
                    hmac.new(key, v.encode("utf-8"), hashlib.sha256).digest()[:PSEUDONYM_BYTES],
                    "big",
                )
                for v in texts.to_list()
            ],
            dtype=pl.UInt64,
        )
    digest = pl.col("id").chash.hmac_sha256(key=text_key)  # type: ignore[attr-defined]
    first = digest.str.slice(0, 2 * PSEUDONYM_BYTES).str.to_integer(base=16, dtype=pl.UInt64)
    frame = pl.DataFrame({"id": texts})
    chunks = [frame.slice(i, _HASH_CHUNK).select(first) for i in range(0, len(texts), _HASH_CHUNK)]
    return pl.concat(chunks).to_series() if chunks else pl.Series("id", [], dtype=pl.UInt64)


def _invalid_expr(col: pl.Expr) -> pl.Expr:
    """True where a canonical identifier is empty, a CPR-shaped value with an impossible
    date (``%d%m%y``: day, month and 29 February in a year divisible by four), or a value
    that looks like a mistyped CPR number."""
    text = col.str.strip_chars()
    date = text.str.replace("-", "").str.slice(0, 6).str.strptime(pl.Date, "%d%m%y", strict=False)
    bad_date = text.str.contains(_CPR) & date.is_null()
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

    Identifiers are validated first: an empty value (a row that is empty altogether is
    skipped before), a CPR-shaped value with an impossible date or a value that looks like
    a broken CPR number raises a
    :class:`FleksmonError` naming ``source`` and the row (from ``row_column``,
    else the 1-based position), never the value itself.
    """
    ids = frame.get_column(column).cast(pl.String)
    unique = ids.unique()
    repeats = 4 * unique.len() <= ids.len()  # else each row is hashed: no map back
    unique = unique if repeats else ids
    texts = canonical_ids(unique)
    suspect = ~texts.str.contains(r"^[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*$").fill_null(False)
    checked = texts.filter(suspect)  # an id with a letter is never CPR-shaped
    invalid = pl.select(_invalid_expr(pl.lit(checked))).to_series().fill_null(True)
    bad = unique.filter(suspect).filter(invalid)
    if len(bad):
        position = int(ids.is_in(bad.implode(), nulls_equal=True).arg_true()[0])
        row = (
            int(frame.get_column(row_column)[position]) if row_column is not None else position + 1
        )
        if not (ids[position] or "").strip():
            raise FleksmonError(
                f"{source}: row {row}, column {column!r}: the person id is empty",
                "give every row the person's CPR number or id",
            )
        lost_zero = re.fullmatch(r"\s*[1-9][0-9]{8}(\.0+)?\s*", str(ids[position] or ""))
        raise FleksmonError(
            f"{source}: row {row}, column {column!r}: not a valid CPR number or person id",
            "give a CPR number as DDMMYY-SSSS or 10 digits, or use an opaque id that is not "
            "CPR-shaped"
            + (
                " (nine digits: a CPR number saved as a number in Excel loses its leading 0; "
                "format the column as text and export again)"
                if lost_zero
                else ""
            ),
        )
    hashed = _hmac_ids(texts, key)
    mapped = ids.replace_strict(unique, hashed, return_dtype=pl.UInt64) if repeats else hashed
    return frame.with_columns(mapped.alias(column))
