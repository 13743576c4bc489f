"""Shared options: comma-separated kommuner and criteria count as several."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from fleksmon.store import Store

Run = Callable[..., Any]


@pytest.mark.parametrize(
    "args",
    [
        ["-k", "Viborg,Thisted", "-c", "1,K1"],
        ["-k", "Viborg, Thisted"],
        ["--kommune", "Viborg", "--kommune", "Thisted"],
    ],
)
def test_commas_are_several(cli: Run, k1_store: Store, args: list[str]) -> None:
    out = cli("gap", *args, "-s", str(k1_store.root), "-f", "json")
    assert out.exit_code == 0, out.stderr
    assert [(r["kommune"], r["criterion"]) for r in json.loads(out.stdout)] == [
        ("Thisted", "K1"),
        ("Viborg", "K1"),
    ]


def test_criteria_with_commas(cli: Run, k1_store: Store) -> None:
    one = cli("compute", "-c", "1,1", "-k", "Viborg", "-s", str(k1_store.root), "-f", "csv")
    two = cli("compute", "-c", "1", "-k", "Viborg", "-s", str(k1_store.root), "-f", "csv")
    assert one.stdout == two.stdout != ""


@pytest.mark.parametrize("value", ["Viborg,", ",", "Viborg,,Thisted"])
def test_an_empty_name_is_refused(cli: Run, k1_store: Store, value: str) -> None:
    out = cli("gap", "-k", value, "-s", str(k1_store.root))
    assert (out.exit_code, out.stdout) == (2, "")
    assert out.stderr == (
        f"Error: an empty name in {value!r}. Give one name each time, or separate names with "
        "commas.\n"
    )
