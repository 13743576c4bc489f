"""`fleksmon fetch` against a scripted fake Jobindsats API on 127.0.0.1 (real sockets).

The server answers a fixed list of replies, one request each, then closes by
itself; it waits at most a few seconds for a request that never comes. Retries
wait through an injected sleep, so no test sleeps for real.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fleksmon import fetch as fetch_module
from fleksmon.fetch import Connection

Run = Callable[..., Any]

V3_BODY = json.dumps(
    {
        "columns": ["Periode", "Område", "Antal fuldtidspersoner"],
        "rows": [["2019M09", "Hele landet", 65711], ["2019M09", "Viborg", 2108]],
    }
).encode("utf-8")


@dataclass
class Reply:
    """One scripted answer; ``delay`` seconds pass before anything is sent."""

    status: int = 200
    body: bytes = V3_BODY
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class FakeApi:
    """Answers ``replies`` in order on a free port of 127.0.0.1, then stops; it stops
    anyway ``LIFETIME`` seconds after it started or when told to."""

    LIFETIME = 10.0

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = list(replies)
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.release = threading.Event()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.answer(self)

            def do_POST(self) -> None:
                fake.answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the CLI's stderr is what the tests read."""

        class Server(http.server.HTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                """A client that gave up (time-out) is expected."""

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.timeout = 0.05
        self.deadline = time.monotonic() + self.LIFETIME
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            while self.replies and not self.release.is_set() and time.monotonic() < self.deadline:
                self.server.handle_request()
        finally:
            self.server.server_close()

    def answer(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        if length:
            handler.rfile.read(length)
        self.requests.append((handler.command, handler.path, dict(handler.headers.items())))
        reply = self.replies.pop(0)
        if reply.delay:
            self.release.wait(reply.delay)
        handler.send_response(reply.status)
        for key, value in reply.headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(reply.body)))
        handler.end_headers()
        handler.wfile.write(reply.body)

    def stop(self) -> None:
        self.release.set()
        self.thread.join(self.LIFETIME)


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch, waits: list[float]) -> Iterator[Callable[..., FakeApi]]:
    """Start a fake API and point the CLI at it (no proxy; time-out as given)."""
    started: list[FakeApi] = []

    def start(replies: list[Reply], timeout: float = 5.0) -> FakeApi:
        fake = FakeApi(replies)
        started.append(fake)
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        connection = Connection(
            base=fake.url, opener=direct.open, timeout=timeout, sleep=waits.append
        )
        monkeypatch.setattr(fetch_module, "DEFAULT", connection)
        return fake

    yield start
    for fake in started:
        fake.stop()
        assert not fake.thread.is_alive()


def fetch_v3(cli: Run, out: Path) -> Any:
    return cli("fetch", "Y08A02", "--api", "v3", "--token", "hemmelig", "-o", str(out))


def test_slow_server_times_out(cli: Run, serve: Callable[..., FakeApi], tmp_path: Path) -> None:
    fake = serve([Reply(delay=60.0)], timeout=0.2)
    out = tmp_path / "out"
    out.mkdir()
    began = time.monotonic()
    result = fetch_v3(cli, out / "Y08A02.json")
    assert time.monotonic() - began < 30.0  # gave up long before the reply (loose: CI load)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: the Jobindsats API sent nothing for 0.2 s. Try again later, or download the "
        "table from jobindsats.dk and ingest the file.\n",
    )
    assert len(fake.requests) == 1
    assert not any(out.iterdir())


def test_429_with_retry_after_then_200(
    cli: Run, serve: Callable[..., FakeApi], waits: list[float], tmp_path: Path
) -> None:
    fake = serve([Reply(429, b'{"code": 429, "cause": "Too many"}', {"Retry-After": "3"}), Reply()])
    out = tmp_path / "Y08A02.json"
    result = fetch_v3(cli, out)
    assert (result.exit_code, result.stderr) == (
        0,
        "The Jobindsats API answered 429 (Too Many Requests); trying again in 3 s "
        "(retry 1 of 5).\n"
        f"Saved {len(V3_BODY)} bytes to {out}\n",
    )
    assert waits == [3.0]
    assert out.read_bytes() == V3_BODY
    assert [r[0] for r in fake.requests] == ["GET", "GET"]
    _, path, headers = fake.requests[1]
    assert path == "/v3/data/y08a02?mgroup.*=*&hierarchy._nykom=*&format=json&period.M=latest:13"
    assert headers["Authorization"] == "Bearer hemmelig"
    assert headers["Accept"] == "application/json"


def test_503_then_200(
    cli: Run, serve: Callable[..., FakeApi], waits: list[float], tmp_path: Path
) -> None:
    serve([Reply(503, b"<html>Service Unavailable</html>"), Reply()])
    out = tmp_path / "Y08A02.json"
    result = fetch_v3(cli, out)
    assert (result.exit_code, result.stderr) == (
        0,
        "The Jobindsats API answered 503 (Service Unavailable); trying again in 1 s "
        "(retry 1 of 5).\n"
        f"Saved {len(V3_BODY)} bytes to {out}\n",
    )
    assert waits == [1.0]
    assert out.read_bytes() == V3_BODY


def test_503_six_times_gives_up(
    cli: Run, serve: Callable[..., FakeApi], waits: list[float], tmp_path: Path
) -> None:
    fake = serve([Reply(503, b"") for _ in range(6)])
    out = tmp_path / "out"
    out.mkdir()
    result = fetch_v3(cli, out / "Y08A02.json")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: the Jobindsats API is not working (503 Service Unavailable) after 5 retries. "
        "Try again later, or download the table from jobindsats.dk and ingest the file."
    )
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert len(fake.requests) == 6
    assert not any(out.iterdir())


def test_v2_bad_key_with_status_200(
    cli: Run, serve: Callable[..., FakeApi], tmp_path: Path
) -> None:
    body = '"Forkert nøgle eller nøglen er udløbet."'.encode()
    fake = serve([Reply(200, body)])
    out = tmp_path / "out"
    out.mkdir()
    result = cli("fetch", "Y08A02", "-p", "2019M09", "--token", "gammel", "-o", str(out / "a"))
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: the Jobindsats API refused the token (401: Forkert nøgle eller nøglen er "
        "udløbet). Renew your key on jobindsats.dk and pass it with --token or "
        "$JOBINDSATS_TOKEN.\n",
    )
    method, path, headers = fake.requests[0]
    assert (method, path, headers["Authorization"]) == ("POST", "/v2/data/y08a02/json", "gammel")
    assert not any(out.iterdir())
