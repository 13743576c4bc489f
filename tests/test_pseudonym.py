"""CPR pseudonymization: keyed, stable, validated, and never echoing a CPR number."""

from __future__ import annotations

import hashlib
import hmac
import re
import stat
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fleksmon.errors import FleksmonError
from fleksmon.pseudonym import (
    KEY_ENV,
    _hmac_ids,
    canonical_id,
    canonical_ids,
    load_key,
    pseudonym,
    pseudonymize,
)


def test_key_file_created_once_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    path = tmp_path / "sub" / "key"
    key = load_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 64
    assert load_key(path) == key


def test_environment_key_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "hemmelig")
    assert load_key(tmp_path / "key") == b"hemmelig"
    assert not (tmp_path / "key").exists()


def test_same_person_same_pseudonym_per_key() -> None:
    a = pseudonym("010190-1234", b"k1")
    assert a == pseudonym("0101901234", b"k1") == pseudonym(" 010190-1234 ", b"k1")
    assert a != pseudonym("010190-1234", b"k2")
    assert 0 <= a < 2**64
    assert a != pseudonym("010190-1235", b"k1")


def test_vectorized_matches_single_and_hashes_opaque_ids() -> None:
    frame = pl.DataFrame({"person": ["010190-1234", "borger-7", "010190-1234", "A17"]})
    out = pseudonymize(frame, b"k")
    assert out.get_column("person").to_list() == [
        pseudonym("010190-1234", b"k"),
        pseudonym("borger-7", b"k"),
        pseudonym("010190-1234", b"k"),
        pseudonym("A17", b"k"),
    ]
    assert "borger-7" not in out.get_column("person").to_list()


@pytest.mark.parametrize(
    "bad",
    [
        "320190-1234",  # day 32
        "311190-1234",  # 31 November
        "290219-1234",  # 29 Feb in a non-leap year
        "0013901234",  # month 13 (ten digits)
        "010190123",  # nine digits: a digit missing
        "01019012345",  # eleven digits
        "010190-123",  # dash form, a digit missing
        "",
    ],
)
def test_invalid_cpr_names_row_but_not_the_number(bad: str) -> None:
    frame = pl.DataFrame({"person": ["010190-1234", "ok-id", bad], "_row": [2, 3, 4]})
    with pytest.raises(FleksmonError) as err:
        pseudonymize(frame, b"k", source="udtraek.csv", row_column="_row")
    text = err.value.line()
    assert "udtraek.csv" in text
    assert "row 4" in text
    if bad:
        assert bad not in text
    assert "010190" not in text


def test_leap_day_cpr_is_valid() -> None:
    out = pseudonymize(pl.DataFrame({"person": ["290200-1234", "290296-4321"]}), b"k")
    assert out.height == 2


def _before_issue_18(identifier: str) -> str:
    """The text an identifier was hashed as before other separators were read (ASCII ids)."""
    text = identifier.strip()
    cpr = len(text) in (10, 11) and text.replace("-", "", 1).isdigit()
    return text.replace("-", "") if cpr else text


_IDS = st.one_of(
    st.text(max_size=14),
    st.text(alphabet="0123456789- _\t\u00a0\u2013x", max_size=13),
    st.from_regex(r"\A[ ]?\d{6}[-_ \u00a0\u2013\u2014]?\d{4}[ ]?\Z"),
)


@settings(max_examples=300, deadline=None)
@given(ids=st.lists(_IDS, min_size=1, max_size=40), key=st.text(min_size=1, max_size=80))
def test_vectorized_hmac_equals_hmac_new(ids: list[str], key: str) -> None:
    """Every pseudonym is HMAC-SHA256 (hmac.new) of the identifier's canonical text, cut to
    64 bits, whether hashed vectorized or one at a time, and whatever the key's length."""
    series = pl.Series(ids, dtype=pl.String)
    texts = canonical_ids(series)
    assert texts.to_list() == [canonical_id(v) for v in ids]
    expected = [
        int.from_bytes(hmac.new(key.encode(), t.encode(), hashlib.sha256).digest()[:8], "big")
        for t in texts.to_list()
    ]
    assert _hmac_ids(texts, key.encode()).to_list() == expected
    assert [pseudonym(v, key.encode()) for v in ids] == expected


@settings(max_examples=300, deadline=None)
@given(ids=st.lists(st.text(alphabet=st.characters(max_codepoint=127), max_size=13), min_size=1))
def test_ascii_ids_keep_their_pseudonyms(ids: list[str]) -> None:
    """Existing stores keep working: an identifier hashes as before unless its date and serial
    were separated by something else than a dash (then it is its plain CPR number)."""
    for v in ids:
        if not re.fullmatch(r"\s*\d{6}[ _]\d{4}\s*", v):
            assert canonical_id(v) == _before_issue_18(v)


def test_a_key_that_is_not_text_is_hashed_the_same() -> None:
    texts = pl.Series(["0101701234", "abc"])
    key = b"\xff\x00binary"
    expected = [pseudonym(t, key) for t in texts.to_list()]
    assert _hmac_ids(texts, key).to_list() == expected
