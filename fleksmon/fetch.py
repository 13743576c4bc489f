"""Fetching tables from the Jobindsats API with the user's own token.

v2 (the default): ``POST /v2/data/{table}/json`` with a JSON body naming the
areas and months; the token goes bare in ``Authorization``. v3:
``GET /v3/data/{table}?…&format=json`` with ``Authorization: Bearer <token>``.
The answer is returned as bytes, to be saved and read by
:mod:`fleksmon.readers` like any saved response. ``urlopen`` is a parameter so
tests replay recorded responses and never touch the network.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any, Protocol

from fleksmon.errors import FleksmonError
from fleksmon.periods import Period, month_code

API = "https://api.jobindsats.dk"
TOKEN_ENV = "JOBINDSATS_TOKEN"
TIMEOUT = 60


class Response(Protocol):
    """What ``urlopen`` gives back (the part fleksmon uses)."""

    def read(self) -> bytes: ...

    def __enter__(self) -> Response: ...

    def __exit__(self, *args: object) -> None: ...


Opener = Callable[..., Response]


def _answer(opener: Opener, request: urllib.request.Request) -> bytes:
    """The response body, or a one-line error carrying what the API said."""
    try:
        with opener(request, timeout=TIMEOUT) as response:
            return response.read()
    except urllib.error.HTTPError as err:
        raise FleksmonError(
            f"the Jobindsats API answered {err.code}: {_cause(err.read())}",
            "check the table id, the period and your token (--token or $" + TOKEN_ENV + ")",
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise FleksmonError(
            f"cannot reach the Jobindsats API ({reason})",
            "check the network, or download the table from jobindsats.dk and ingest the file",
        ) from None


def _cause(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    try:
        parsed: Any = json.loads(text)
    except json.JSONDecodeError:
        return " ".join(text.split())[:200] or "no explanation"
    if isinstance(parsed, dict):
        for key in ("cause", "Message", "message"):
            if key in parsed:
                return str(parsed[key])
    return " ".join(text.split())[:200]


def _v2_request(table: str, token: str, months: list[str]) -> urllib.request.Request:
    body = json.dumps({"area": "*", "period": months}).encode("utf-8")
    return urllib.request.Request(
        f"{API}/v2/data/{table.lower()}/json",
        data=body,
        method="POST",
        headers={"Authorization": token, "Content-Type": "application/json"},
    )


def latest_months_v2(table: str, token: str, count: int, opener: Opener) -> list[str]:
    """The table's last ``count`` months, from its v2 period list."""
    request = urllib.request.Request(
        f"{API}/v2/tables/{table.lower()}/json/", headers={"Authorization": token}
    )
    answer: Any = json.loads(_answer(opener, request))
    periods = answer[0].get("Period", []) if isinstance(answer, list) and answer else []
    months = sorted(p for p in periods if isinstance(p, str) and len(p) == 7 and p[4] == "M")
    if not months:
        raise FleksmonError(
            f"the Jobindsats API lists no months for table {table}",
            "check the table id (e.g. Y08A02), or pass --period",
        )
    return months[-count:]


def fetch(
    table: str,
    *,
    token: str,
    period: Period | None = None,
    months: int = 13,
    version: str = "v2",
    params: dict[str, str] | None = None,
    opener: Opener | None = None,
) -> bytes:
    """A table's API response for ``period`` (or its last ``months`` months), every area.

    ``opener`` defaults to :func:`urllib.request.urlopen`.
    """
    opener = opener or urllib.request.urlopen
    if not token:
        raise FleksmonError(
            "no Jobindsats API token",
            f"pass --token or set ${TOKEN_ENV} (get one on jobindsats.dk)",
        )
    if version == "v3":
        query = {"mgroup.*": "*", "format": "json", **(params or {})}
        if period is not None:
            query["period.M"] = ",".join(month_code(m) for m in period.months)
        else:
            query.setdefault("period.M", f"latest:{months}")
        url = f"{API}/v3/data/{table.lower()}?" + urllib.parse.urlencode(query, safe="*:/,")
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        return _answer(opener, request)
    if version != "v2":
        raise FleksmonError(f"unknown API version {version!r}", "use v2 or v3")
    wanted = (
        [month_code(m) for m in period.months]
        if period is not None
        else latest_months_v2(table, token, months, opener)
    )
    return _answer(opener, _v2_request(table, token, wanted))
