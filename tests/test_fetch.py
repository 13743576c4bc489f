"""`fleksmon fetch` against recorded Jobindsats API responses (no network)."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., Any]

V2_PERIODS = [{"Period": ["2019M07", "2019M08", "2019M09", "2019QMAT03"]}]


def v2_answer(label: str, values: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "Variables": [
                {"Name": "Area", "Label": "Område"},
                {"Name": "Period", "Label": "Periode"},
                {"Name": "ydelse", "Label": label},
            ],
            "Data": [[area, "2019M09", value] for area, value in values.items()],
        }
    ]


class Recorder:
    """A stand-in for urlopen: replays answers by URL and remembers the requests."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.requests: list[urllib.request.Request] = []

    def __call__(self, request: urllib.request.Request, timeout: float) -> Any:
        self.requests.append(request)
        for part, answer in self.answers.items():
            if part in request.full_url:
                if isinstance(answer, urllib.error.HTTPError):
                    raise answer
                return io.BytesIO(json.dumps(answer).encode("utf-8"))
        raise urllib.error.URLError("no route in test")


def _http_error(code: int, body: str) -> urllib.error.HTTPError:
    return urllib.error.HTTPError("https://x", code, "err", {}, io.BytesIO(body.encode()))  # type: ignore[arg-type]


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, Any]], Recorder]:
    def install(answers: dict[str, Any]) -> Recorder:
        recorder = Recorder(answers)
        monkeypatch.setattr(urllib.request, "urlopen", recorder)
        return recorder

    return install


def test_fetch_v2_then_gap(cli: Run, api: Callable[..., Recorder], tmp_path: Path) -> None:
    recorder = api(
        {
            "/v2/tables/y08a02/json/": V2_PERIODS,
            "/v2/data/y08a02/json": v2_answer(
                "Antal fuldtidspersoner", {"Viborg": "2108", "Thisted": "1078"}
            ),
            "/v2/data/y09a02/json": v2_answer(
                "Antal fuldtidspersoner", {"Viborg": "289", "Thisted": "164"}
            ),
        }
    )
    store = str(tmp_path / "s")
    for table in ("Y08A02", "Y09A02"):
        out = tmp_path / f"{table}.json"
        args = ["fetch", table, "-p", "2019M09", "-o", str(out), "--token", "hemmelig"]
        result = cli(*args, "--ingest", "--store", store)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == ""
        assert "hemmelig" not in out.read_text("utf-8")
    post = recorder.requests[0]
    assert post.get_method() == "POST"
    assert post.get_header("Authorization") == "hemmelig"
    assert json.loads(post.data) == {"area": "*", "period": ["2019M09"]}  # type: ignore[arg-type]
    gap = json.loads(cli("gap", "-c", "1", "-s", store, "-f", "json").stdout)
    assert {r["kommune"]: r["gap_persons"] for r in gap} == {"Thisted": 40, "Viborg": 49}


def test_fetch_latest_months_v2(cli: Run, api: Callable[..., Recorder], tmp_path: Path) -> None:
    recorder = api(
        {
            "/v2/tables/y08a02/json/": V2_PERIODS,
            "/v2/data/y08a02/json": v2_answer("Antal fuldtidspersoner", {"Viborg": "2108"}),
        }
    )
    out = tmp_path / "f.json"
    result = cli("fetch", "Y08A02", "-m", "2", "-o", str(out), "--token", "t")
    assert result.exit_code == 0, result.stderr
    assert json.loads(recorder.requests[1].data)["period"] == ["2019M08", "2019M09"]  # type: ignore[arg-type]


def test_fetch_v3_bearer_and_error(cli: Run, api: Callable[..., Recorder], tmp_path: Path) -> None:
    recorder = api(
        {
            "/v3/data/y08a02": _http_error(
                422,
                json.dumps({"code": 422, "cause": "Unknown period type: M", "request_id": "abc"}),
            )
        }
    )
    result = cli("fetch", "Y08A02", "--api", "v3", "-o", str(tmp_path / "x.json"), "--token", "t")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: the Jobindsats API answered 422: Unknown period type: M. Check the table id, "
        "the period and your token (--token or $JOBINDSATS_TOKEN).\n"
    )
    request = recorder.requests[0]
    assert request.get_header("Authorization") == "Bearer t"
    assert "period.M=latest:13" in request.full_url and "format=json" in request.full_url
    assert not (tmp_path / "x.json").exists()


def test_fetch_bad_key_and_no_token(
    cli: Run, api: Callable[..., Recorder], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api({"/v2/": _http_error(401, "Forkert nøgle eller nøglen er udløbet.")})
    result = cli("fetch", "Y08A02", "-p", "2019M09", "--token", "old", "-o", str(tmp_path / "a"))
    assert result.exit_code == 2
    assert "answered 401: Forkert nøgle eller nøglen er udløbet." in result.stderr
    monkeypatch.delenv("JOBINDSATS_TOKEN", raising=False)
    missing = cli("fetch", "Y08A02", "-o", str(tmp_path / "b"))
    assert missing.exit_code == 2
    assert missing.stderr.startswith("Error: no Jobindsats API token. Pass --token or set")


def test_fetch_unreachable(cli: Run, api: Callable[..., Recorder], tmp_path: Path) -> None:
    api({})
    result = cli("fetch", "Y08A02", "-p", "2019M09", "--token", "t", "-o", str(tmp_path / "c"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot reach the Jobindsats API (no route in test)")
