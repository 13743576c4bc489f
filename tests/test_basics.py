"""Periods, Danish numbers and areas."""

from __future__ import annotations

import pytest

from fleksmon.areas import resolve, try_area
from fleksmon.errors import FleksmonError
from fleksmon.numbers import format_int, format_number, parse_number, round_half_away
from fleksmon.periods import parse_period, try_parse_period


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2019M11", "2019M11"),
        ("2019-11", "2019M11"),
        ("11-2019", "2019M11"),
        ("nov 2019", "2019M11"),
        ("Nov. 2019", "2019M11"),
        ("november 2019", "2019M11"),
        ("Maj 2019", "2019M05"),
        ("sept 2018", "2018M09"),
        ("31-08-2019", "2019M08"),
        ("31.08.2019", "2019M08"),
        ("2019-08-31", "2019M08"),
        ("2018K3", "2018M07..2018M09"),
        ("2018Q3", "2018M07..2018M09"),
        ("2024Q02", "2024M04..2024M06"),
        ("3. kvt. 2018", "2018M07..2018M09"),
        ("2019M09..2019M11", "2019M09..2019M11"),
        ("2020M01-2020M03", "2020M01..2020M03"),
    ],
)
def test_period_forms(text: str, code: str) -> None:
    assert parse_period(text).code() == code


@pytest.mark.parametrize(
    "text", ["2019M13", "foo", "2019M11..2019M09", "32-01-2019", "2020QMAT05", "MYTD"]
)
def test_bad_periods(text: str) -> None:
    assert try_parse_period(text) is None


def test_bad_period_message() -> None:
    with pytest.raises(FleksmonError) as err:
        parse_period("2019M13")
    assert err.value.line() == (
        "unknown period '2019M13'. Write a month as 2019M11, 2019-11 or 'nov 2019', "
        "a quarter as 2018K3, or a range as 2019M09..2019M11."
    )


def test_period_human() -> None:
    assert parse_period("2019M11").human() == "Nov. 2019"
    assert parse_period("2019M05").human() == "Maj 2019"
    assert parse_period("2019M09..2019M11").human() == "Sep.–Nov. 2019"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.227", 1227.0),
        ("83,5", 83.5),
        ("84%", 84.0),
        ("84 %", 84.0),
        ("84 pct.", 84.0),
        ("1.227,5", 1227.5),
        ("9,08", 9.08),
        ("1 227", 1227.0),
        ("-3,5", -3.5),
        ("12", 12.0),
        ("-", None),
        ("..", None),
        (".", None),
        ("", None),
        ("x", None),
    ],
)
def test_danish_numbers(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_junk_is_not_a_number() -> None:
    with pytest.raises(ValueError):
        parse_number("tolv")


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [(2.5, 0, 3.0), (-2.5, 0, -3.0), (0.69, 0, 1.0), (10.496, 0, 10.0), (0.125, 2, 0.13)],
)
def test_round_half_away(x: float, digits: int, expected: float) -> None:
    assert round_half_away(x, digits) == expected


def test_formatting() -> None:
    assert format_int(1227) == "1.227"
    assert format_int(26115) == "26.115"
    assert format_number(83.46) == "83,5"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Århus", "Aarhus"),
        ("Københavns Kommune", "København"),
        ("Høje Taastrup", "Høje-Taastrup"),
        ("Nordfyn", "Nordfyns"),
        ("751", "Aarhus"),
        ("0751", "Aarhus"),
        ("VIBORG", "Viborg"),
        ("Åbenrå", "Aabenraa"),
        ("Midtjylland", "Region Midtjylland"),
        ("1082", "Region Midtjylland"),
        ("hele landet", "Hele landet"),
        ("Bornholms Regionskommune", "Bornholm"),
    ],
)
def test_area_aliases(text: str, name: str) -> None:
    assert resolve(text).name == name


def test_unknown_kommune_suggests() -> None:
    assert try_area("Vibrog") is None
    with pytest.raises(FleksmonError) as err:
        resolve("Vibrog")
    assert err.value.line().startswith("unknown kommune 'Vibrog'. Did you mean 'Viborg'")
