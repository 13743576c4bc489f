"""`fleksmon fetch` against recorded Jobindsats API responses (no network, no waiting)."""

from __future__ import annotations

import email.message
import email.utils
import io
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from fleksmon import fetch as fetch_module
from fleksmon.errors import FleksmonError
from fleksmon.fetch import Connection

Run = Callable[..., Any]

V2_PERIODS = [{"Period": ["2019M07", "2019M08", "2019M09", "2019QMAT03"]}]
BAD_KEY = "Forkert nøgle eller nøglen er udløbet."
V3_BODY = {
    "columns": ["Periode", "Område", "Antal fuldtidspersoner"],
    "rows": [["2019M09", "Hele landet", 65711], ["2019M09", "Viborg", 2108]],
}
KEY_LINE = (
    "Error: the Jobindsats API refused the token (401: Forkert nøgle eller nøglen er udløbet). "
    "Renew your key on jobindsats.dk and pass it with --token or $JOBINDSATS_TOKEN.\n"
)
UNAVAILABLE_LINE = (
    "Error: the Jobindsats API is not working (503 Service Unavailable) after 5 retries. "
    "Try again later, or download the table from jobindsats.dk and ingest the file.\n"
)


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


def reply(status: int, body: Any, headers: dict[str, str] | None = None) -> Any:
    """A recorded answer: JSON-encoded unless given as bytes or text."""
    if isinstance(body, bytes):
        data = body
    elif isinstance(body, str):
        data = body.encode("utf-8")
    else:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return (status, data, headers or {})


class _Body(io.BytesIO):
    def __init__(self, data: bytes, status: int, headers: dict[str, str]) -> None:
        super().__init__(data)
        self.status = status
        self.headers = headers


class Recorder:
    """A stand-in for urlopen: replays recorded answers by URL, in order, and keeps the requests."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = {
            part: list(a) if isinstance(a, list) and a and isinstance(a[0], tuple) else [a]
            for part, a in answers.items()
        }
        self.requests: list[urllib.request.Request] = []

    def __call__(self, request: urllib.request.Request, timeout: float) -> Any:
        self.requests.append(request)
        for part, queue in self.answers.items():
            if part in request.full_url and queue:
                answer = queue.pop(0) if len(queue) > 1 else queue[0]
                if isinstance(answer, BaseException):
                    raise answer
                status, data, headers = answer if isinstance(answer, tuple) else reply(200, answer)
                if status >= 400:
                    message = email.message.Message()
                    for key, value in headers.items():
                        message[key] = value
                    raise urllib.error.HTTPError(
                        request.full_url, status, "err", message, io.BytesIO(data)
                    )
                return _Body(data, status, headers)
        raise urllib.error.URLError("no route in test")


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def api(
    monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> Callable[[dict[str, Any]], Recorder]:
    """Answer the CLI's requests from recordings; retries wait by appending to ``waits``."""

    def install(answers: dict[str, Any]) -> Recorder:
        recorder = Recorder(answers)
        connection = Connection(opener=recorder, sleep=waits.append)
        monkeypatch.setattr(fetch_module, "DEFAULT", connection)
        return recorder

    return install


def nothing_saved(folder: Path) -> bool:
    return not any(folder.iterdir())


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
    assert post.get_header("Accept") == "application/json"
    assert json.loads(post.data) == {"area": "*", "period": ["2019M09"]}  # type: ignore[arg-type]
    gap = json.loads(cli("gap", "-c", "1", "-s", store, "-f", "json").stdout)
    assert {r["kommune"]: r["gap_persons"] for r in gap} == {"Thisted": 40, "Viborg": 49}


def test_fetch_latest_months_v2(cli: Run, api: Callable[..., Recorder], tmp_path: Path) -> None:
    body = v2_answer("Antal fuldtidspersoner", {"Viborg": "2108"})
    recorder = api({"/v2/tables/y08a02/json/": V2_PERIODS, "/v2/data/y08a02/json": body})
    out = tmp_path / "f.json"
    result = cli("fetch", "Y08A02", "-m", "2", "-o", str(out), "--token", "t")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Saved {out.stat().st_size} bytes to {out}\n"
    assert json.loads(out.read_bytes()) == body
    assert json.loads(recorder.requests[1].data)["period"] == ["2019M08", "2019M09"]  # type: ignore[arg-type]


def test_fetch_v3_asks_for_every_area(
    cli: Run, api: Callable[..., Recorder], tmp_path: Path
) -> None:
    recorder = api({"/v3/data/y08a02": V3_BODY})
    out = tmp_path / "Y08A02.json"
    result = cli("fetch", "y08a02", "--api", "v3", "-o", str(out), "--token", "t")
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_bytes()) == V3_BODY
    request = recorder.requests[0]
    assert request.get_method() == "GET"
    assert request.get_header("Authorization") == "Bearer t"
    assert request.get_header("Accept") == "application/json"
    assert request.full_url == (
        "https://api.jobindsats.dk/v3/data/y08a02?mgroup.*=*&hierarchy._nykom=*&format=json"
        "&period.M=latest:13"
    )


def test_fetch_v3_period_and_params(cli: Run, api: Callable[..., Recorder], tmp_path: Path) -> None:
    recorder = api({"/v3/data/y08a02": V3_BODY})
    args = ["fetch", "Y08A02", "--api", "v3", "-p", "2019M08..2019M09", "--token", "t"]
    result = cli(*args, "--param", "hierarchy._nykom=/", "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 0, result.stderr
    assert recorder.requests[0].full_url.endswith(
        "?mgroup.*=*&hierarchy._nykom=/&format=json&period.M=2019M08,2019M09"
    )


@pytest.mark.parametrize(
    ("answer", "line"),
    [
        pytest.param(
            reply(401, BAD_KEY + "\r\n"),
            KEY_LINE,
            id="401-bad-key",
        ),
        pytest.param(
            reply(403, {"Message": "Authorization has been denied for this request."}),
            "Error: the Jobindsats API refused the token (403: Authorization has been denied for "
            "this request). Renew your key on jobindsats.dk and pass it with --token or "
            "$JOBINDSATS_TOKEN.\n",
            id="403",
        ),
        pytest.param(
            reply(404, "<html><body>Not found</body></html>"),
            "Error: the Jobindsats API has no table Y08A02 (404). Check the table id on "
            "jobindsats.dk (e.g. Y08A02 fleksjob, Y09A02 ledighedsydelse).\n",
            id="404",
        ),
        pytest.param(
            reply(422, {"code": 422, "cause": "Unknown period type: M", "request_id": "abc"}),
            "Error: the Jobindsats API rejected the request (422): Unknown period type: M. "
            "Check --period and any --param.\n",
            id="422-cause",
        ),
        pytest.param(
            reply(400, {"code": 400, "cause": "Bad request"}),
            "Error: the Jobindsats API answered 400: Bad request. Check the table id, the period "
            "and your token (--token or $JOBINDSATS_TOKEN).\n",
            id="400",
        ),
        pytest.param(
            urllib.error.URLError(TimeoutError("timed out")),
            "Error: the Jobindsats API sent nothing for 30 s. Try again later, or download the "
            "table from jobindsats.dk and ingest the file.\n",
            id="connect-time-out",
        ),
        pytest.param(
            TimeoutError("timed out"),
            "Error: the Jobindsats API sent nothing for 30 s. Try again later, or download the "
            "table from jobindsats.dk and ingest the file.\n",
            id="read-time-out",
        ),
        pytest.param(
            ConnectionResetError(104, "Connection reset by peer"),
            "Error: the connection to the Jobindsats API broke off (ConnectionResetError). "
            "Try again later.\n",
            id="reset",
        ),
    ],
)
def test_fetch_error_answers(
    cli: Run,
    api: Callable[..., Recorder],
    waits: list[float],
    tmp_path: Path,
    answer: Any,
    line: str,
) -> None:
    recorder = api({"/v2/": answer})
    out = tmp_path / "out"
    out.mkdir()
    result = cli("fetch", "Y08A02", "-p", "2019M09", "--token", "t", "-o", str(out / "a.json"))
    assert (result.exit_code, result.stderr, result.stdout) == (2, line, "")
    assert nothing_saved(out)
    assert len(recorder.requests) == 1
    assert waits == []


@pytest.mark.parametrize(
    ("body", "line"),
    [
        pytest.param(json.dumps(BAD_KEY, ensure_ascii=False), KEY_LINE, id="json-string"),
        pytest.param([BAD_KEY], KEY_LINE, id="json-list"),
        pytest.param({"Message": BAD_KEY}, KEY_LINE, id="json-object"),
        pytest.param(BAD_KEY, KEY_LINE, id="text"),
        pytest.param(f"<html><p>{BAD_KEY}</p></html>", KEY_LINE, id="html"),
        pytest.param(
            {"code": 422, "cause": "Unknown period type: M", "request_id": "abc"},
            "Error: the Jobindsats API rejected the request (422): Unknown period type: M. "
            "Check --period and any --param.\n",
            id="v3-cause",
        ),
        pytest.param(
            {"code": 401, "cause": "Invalid token"},
            "Error: the Jobindsats API refused the token (401: Invalid token). Renew your key on "
            "jobindsats.dk and pass it with --token or $JOBINDSATS_TOKEN.\n",
            id="v3-key",
        ),
        pytest.param(
            "<html><body>Planned maintenance</body></html>",
            "Error: the Jobindsats API answered without a table: a web page. Try again later; "
            "nothing was saved.\n",
            id="web-page",
        ),
        pytest.param(
            "",
            "Error: the Jobindsats API answered without a table: an empty answer. Try again later; "
            "nothing was saved.\n",
            id="empty",
        ),
        pytest.param(
            {"Variables": []},
            'Error: the Jobindsats API answered without a table: {"Variables": []}. Try again '
            "later; nothing was saved.\n",
            id="no-data",
        ),
    ],
)
def test_fetch_error_body_with_status_200_is_not_saved(
    cli: Run, api: Callable[..., Recorder], tmp_path: Path, body: Any, line: str
) -> None:
    api({"/v2/": reply(200, body)})
    out = tmp_path / "out"
    out.mkdir()
    result = cli("fetch", "Y08A02", "-p", "2019M09", "--token", "t", "-o", str(out / "a.json"))
    assert (result.exit_code, result.stderr) == (2, line)
    assert nothing_saved(out)


def test_fetch_v3_error_body_with_status_200(
    cli: Run, api: Callable[..., Recorder], tmp_path: Path
) -> None:
    api({"/v3/": reply(200, {"code": 404, "cause": "Table y08a03 not found"})})
    result = cli("fetch", "Y08A03", "--api", "v3", "--token", "t", "-o", str(tmp_path / "a"))
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: the Jobindsats API has no table Y08A03 (404: Table y08a03 not found). Check the "
        "table id on jobindsats.dk (e.g. Y08A02 fleksjob, Y09A02 ledighedsydelse).\n",
    )
    assert not (tmp_path / "a").exists()


def test_fetch_retries_with_back_off(
    cli: Run, api: Callable[..., Recorder], waits: list[float], tmp_path: Path
) -> None:
    recorder = api({"/v3/": [reply(503, "down"), reply(502, ""), reply(200, V3_BODY)]})
    out = tmp_path / "a.json"
    result = cli("fetch", "Y08A02", "--api", "v3", "--token", "t", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "The Jobindsats API answered 503 (Service Unavailable); trying again in 1 s "
        "(retry 1 of 5).\n"
        "The Jobindsats API answered 502 (Bad Gateway); trying again in 2 s (retry 2 of 5).\n"
        f"Saved {out.stat().st_size} bytes to {out}\n"
    )
    assert waits == [1.0, 2.0]
    assert len(recorder.requests) == 3
    assert json.loads(out.read_bytes()) == V3_BODY


@pytest.mark.parametrize(
    ("status", "line"),
    [
        (
            429,
            "Error: the Jobindsats API still limits the rate of requests (429) after 5 retries. "
            "Wait a few minutes and try again.\n",
        ),
        (503, UNAVAILABLE_LINE),
    ],
)
def test_fetch_gives_up_after_five_retries(
    cli: Run,
    api: Callable[..., Recorder],
    waits: list[float],
    tmp_path: Path,
    status: int,
    line: str,
) -> None:
    recorder = api({"/v3/": reply(status, "")})
    out = tmp_path / "out"
    out.mkdir()
    result = cli("fetch", "Y08A02", "--api", "v3", "--token", "t", "-o", str(out / "a.json"))
    assert result.exit_code == 2
    assert result.stderr.splitlines(keepends=True)[-1] == line
    assert len(result.stderr.splitlines()) == 6
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert len(recorder.requests) == 6
    assert nothing_saved(out)


@pytest.mark.parametrize(
    ("retry_after", "waited"), [("0", 0.0), ("7", 7.0), ("60", 60.0), ("soon", 1.0)]
)
def test_fetch_honours_retry_after(
    cli: Run,
    api: Callable[..., Recorder],
    waits: list[float],
    tmp_path: Path,
    retry_after: str,
    waited: float,
) -> None:
    api({"/v3/": [reply(429, "", {"Retry-After": retry_after}), reply(200, V3_BODY)]})
    out = tmp_path / "a.json"
    result = cli("fetch", "Y08A02", "--api", "v3", "--token", "t", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert waits == [waited]
    assert result.stderr.splitlines()[0] == (
        f"The Jobindsats API answered 429 (Too Many Requests); trying again in {waited:g} s "
        "(retry 1 of 5)."
    )


def test_fetch_retry_after_over_a_minute_stops_at_once(
    cli: Run, api: Callable[..., Recorder], waits: list[float], tmp_path: Path
) -> None:
    recorder = api({"/v3/": [reply(429, "", {"Retry-After": "3600"}), reply(200, V3_BODY)]})
    out = tmp_path / "out"
    out.mkdir()
    result = cli("fetch", "Y08A02", "--api", "v3", "--token", "t", "-o", str(out / "a.json"))
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: the Jobindsats API limits the rate of requests (429) and asks to wait 3600 s. "
        "Try again later.\n",
    )
    assert waits == []
    assert len(recorder.requests) == 1
    assert nothing_saved(out)


def test_retry_after_as_a_date() -> None:
    soon = email.utils.formatdate(time.time() + 10, usegmt=True)
    wait = fetch_module._retry_after({"retry-after": soon})
    assert wait is not None and 8.0 <= wait <= 10.0
    past = email.utils.formatdate(time.time() - 100, usegmt=True)
    assert fetch_module._retry_after({"Retry-After": past}) == 0.0
    assert fetch_module._retry_after({}) is None


def test_fetch_library_injects_time_out_and_sleep() -> None:
    recorder = Recorder({"/v3/": [reply(500, ""), TimeoutError("timed out")]})
    waited: list[float] = []
    connection = Connection(base="http://x", opener=recorder, timeout=0.5, sleep=waited.append)
    notes: list[str] = []
    with pytest.raises(FleksmonError) as caught:
        fetch_module.fetch(
            "Y08A02", token="t", version="v3", connection=connection, notify=notes.append
        )
    assert caught.value.message == "the Jobindsats API sent nothing for 0.5 s"
    assert waited == [1.0]
    assert notes == [
        "The Jobindsats API answered 500 (Internal Server Error); trying again in 1 s "
        "(retry 1 of 5)."
    ]
    assert recorder.requests[0].full_url.startswith("http://x/v3/data/y08a02?")


def test_fetch_spinner_only_on_a_terminal(
    cli: Run, api: Callable[..., Recorder], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from fleksmon.cli import output

    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100, color_system=None)
    monkeypatch.setattr(output, "err_console", terminal)
    api({"/v3/": V3_BODY})
    out = tmp_path / "a.json"
    result = cli("fetch", "Y08A02", "--api", "v3", "--token", "t", "-o", str(out))
    assert result.exit_code == 0
    assert "Fetching Y08A02 from the Jobindsats API …" in screen.getvalue()
    assert screen.getvalue().endswith(f"Saved {out.stat().st_size} bytes to {out}\n")


def test_fetch_usage_errors(
    cli: Run, api: Callable[..., Recorder], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = api({"/": V3_BODY})
    monkeypatch.delenv("JOBINDSATS_TOKEN", raising=False)
    cases = {
        ("fetch", "Y08A02"): "Error: no Jobindsats API token. Pass --token or set "
        "$JOBINDSATS_TOKEN (get one on jobindsats.dk).\n",
        ("fetch", "Y08A02", "--token", "t", "--api", "v4"): "Error: unknown API version 'v4'. "
        "Use v2 or v3.\n",
        ("fetch", "Y08A02", "--token", "t", "--param", "x"): "Error: --param takes KEY=VALUE. "
        "E.g. --param hierarchy._nykom=/.\n",
        ("fetch", "Y08A02", "-p", "2019M09", "--token", "t", "--param", "a=b"): "Error: query "
        "parameters are for the v3 API. Add --api v3.\n",
    }
    for args, line in cases.items():
        result = cli(*args, "-o", str(tmp_path / "a.json"))
        assert (result.exit_code, result.stderr) == (2, line)
    assert recorder.requests == []
    assert nothing_saved(tmp_path)


def test_fetch_unreachable(cli: Run, api: Callable[..., Recorder], tmp_path: Path) -> None:
    api({})
    result = cli("fetch", "Y08A02", "-p", "2019M09", "--token", "t", "-o", str(tmp_path / "c"))
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: cannot reach the Jobindsats API (no route in test). Check the network, or "
        "download the table from jobindsats.dk and ingest the file.\n",
    )


def test_fetch_cannot_write(cli: Run, api: Callable[..., Recorder], tmp_path: Path) -> None:
    api({"/v3/": V3_BODY})
    target = tmp_path / "missing" / "a.json"
    result = cli("fetch", "Y08A02", "--api", "v3", "--token", "t", "-o", str(target))
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: cannot write {target} (No such file or directory). Pick another -o path.\n",
    )
    assert nothing_saved(tmp_path)
