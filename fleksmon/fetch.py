"""Fetching tables from the Jobindsats API with the user's own token.

v2 (the default): ``POST /v2/data/{table}/json`` with a JSON body naming the
areas and months; the token goes bare in ``Authorization``. v3:
``GET /v3/data/{table}?mgroup.*=*&hierarchy._nykom=*&…&format=json`` with
``Authorization: Bearer <token>`` (``hierarchy._nykom=*``: every kommune and
Hele landet).

429 and 5xx answers are retried at most five times, waiting 1, 2, 4, 8 and
16 s, or what ``Retry-After`` asks for when that is at most a minute. An
answer that is not a table (an error body sent with status 200, such as v2's
bad-key sentence) is an error, never data. Every failure is one
:class:`~fleksmon.errors.FleksmonError` saying what went wrong: the token, the
table, the request (the API's ``cause``), the rate limit, the service or a
time-out (no byte for :data:`TIMEOUT` seconds).

The answer is returned as bytes, to be saved and read by :mod:`fleksmon.readers`
like any saved response. Where requests go, the opener, the time-out and the
sleep function are a :class:`Connection`, so tests replay recorded responses
or talk to a server on loopback without waiting.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from fleksmon import __version__
from fleksmon.errors import FleksmonError
from fleksmon.periods import Period, month_code

API = "https://api.jobindsats.dk"
TOKEN_ENV = "JOBINDSATS_TOKEN"
TIMEOUT = 30.0
"""Seconds without a byte from the API before giving up."""
BACKOFF = (1.0, 2.0, 4.0, 8.0, 16.0)
"""Seconds to wait before each retry of a 429 or 5xx answer (so at most five retries)."""
MAX_RETRY_AFTER = 60.0
"""The longest ``Retry-After`` honoured; a longer one ends the fetch at once."""
BAD_KEY = "Forkert nøgle eller nøglen er udløbet"
"""How v2 answers a wrong or expired key (in any container, often with status 200)."""

Shape = Literal["v2", "v3", "periods", "any"]


class Response(Protocol):
    """What ``urlopen`` gives back (the part fleksmon uses)."""

    def read(self) -> bytes: ...

    def __enter__(self) -> Response: ...

    def __exit__(self, *args: object) -> None: ...


Opener = Callable[..., Response]


@dataclass(frozen=True)
class Connection:
    """Where and how requests are sent: API root, opener (``urlopen`` when None),
    seconds without a byte before giving up, and the function that waits between retries."""

    base: str = API
    opener: Opener | None = None
    timeout: float = TIMEOUT
    sleep: Callable[[float], None] = time.sleep


DEFAULT = Connection()
"""The connection :func:`fetch` uses when none is given."""


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _timed_out(connection: Connection) -> FleksmonError:
    return FleksmonError(
        f"the Jobindsats API sent nothing for {_seconds(connection.timeout)}",
        "try again later, or download the table from jobindsats.dk and ingest the file",
    )


def _read(response: Any) -> bytes:
    body = response.read()
    return body if isinstance(body, bytes) else b""


def _once(request: urllib.request.Request, connection: Connection) -> _Answer:
    """One request: its status, headers and body; a time-out or no connection is an error."""
    opener = connection.opener or urllib.request.urlopen
    try:
        try:
            with opener(request, timeout=connection.timeout) as response:
                status = getattr(response, "status", None) or 200
                headers = dict(getattr(response, "headers", None) or {})
                return _Answer(status, headers, _read(response))
        except urllib.error.HTTPError as err:
            return _Answer(err.code, dict(err.headers or {}), _read(err))
    except TimeoutError:
        raise _timed_out(connection) from None
    except urllib.error.URLError as err:
        if isinstance(err.reason, TimeoutError):
            raise _timed_out(connection) from None
        raise FleksmonError(
            f"cannot reach the Jobindsats API ({err.reason})",
            "check the network, or download the table from jobindsats.dk and ingest the file",
        ) from None
    except (http.client.HTTPException, OSError) as err:
        raise FleksmonError(
            f"the connection to the Jobindsats API broke off ({err.__class__.__name__})",
            "try again later",
        ) from None


def _text(body: bytes) -> str:
    return body.decode("utf-8", "replace").lstrip("\ufeff").strip()


def _cause(body: bytes) -> str:
    """What the API said, from a JSON error object or the body's text (one line, short)."""
    text = _text(body)
    try:
        parsed: Any = json.loads(text)
    except json.JSONDecodeError:
        parsed = None
    if isinstance(parsed, dict):
        for key in ("cause", "Message", "message", "error"):
            if isinstance(parsed.get(key), str | int | float):
                return str(parsed[key]).strip()
    if isinstance(parsed, str):
        text = parsed
    if text.startswith("<"):
        return ""
    return " ".join(text.split())[:200]


def _is_table(parsed: Any, shape: Shape) -> bool:
    """Whether a parsed JSON answer has the shape of data (not an error object)."""
    first = parsed[0] if isinstance(parsed, list) and parsed else None
    if shape == "v2":
        return isinstance(first, dict) and "Variables" in first and "Data" in first
    if shape == "v3":
        return isinstance(parsed, dict) and "columns" in parsed and "rows" in parsed
    return isinstance(first, dict)


def _status(answer: _Answer, shape: Shape) -> tuple[int, str]:
    """The answer's real status and the API's explanation: an error body sent with
    status 200 counts as the error it describes, and a 200 that is no table as 502."""
    if BAD_KEY.casefold() in _text(answer.body).casefold():
        return (answer.status if answer.status in (401, 403) else 401), BAD_KEY
    if answer.status != 200:
        return answer.status, _cause(answer.body)
    try:
        parsed: Any = json.loads(_text(answer.body))
    except json.JSONDecodeError:
        parsed = None
    if isinstance(parsed, dict) and "cause" in parsed and "rows" not in parsed:
        code = parsed.get("code")
        status = code if isinstance(code, int) and code >= 400 else 400
        return status, _cause(answer.body)
    if shape == "any" or _is_table(parsed, shape):
        return 200, ""
    if not _text(answer.body):
        return 0, "an empty answer"
    return 0, _cause(answer.body) or "a web page"


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the ``Retry-After`` header asks to wait (a number or an HTTP date), if any."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "error"


def _error(status: int, cause: str, table: str, retries: int) -> FleksmonError:
    """The one-line message for a final error answer."""
    said = f": {cause.rstrip('.')}" if cause else ""
    after = f" after {retries} retries" if retries else ""
    if status in (401, 403):
        return FleksmonError(
            f"the Jobindsats API refused the token ({status}{said})",
            f"renew your key on jobindsats.dk and pass it with --token or ${TOKEN_ENV}",
        )
    if status == 404:
        return FleksmonError(
            f"the Jobindsats API has no table {table} (404{said})",
            "check the table id on jobindsats.dk (e.g. Y08A02 fleksjob, Y09A02 ledighedsydelse)",
        )
    if status == 422:
        return FleksmonError(
            f"the Jobindsats API rejected the request (422){said}",
            "check --period and any --param",
        )
    if status == 429:
        return FleksmonError(
            f"the Jobindsats API still limits the rate of requests (429){after}",
            "wait a few minutes and try again",
        )
    if status >= 500:
        return FleksmonError(
            f"the Jobindsats API is not working ({status} {_phrase(status)}){after}",
            "try again later, or download the table from jobindsats.dk and ingest the file",
        )
    if status == 0:
        return FleksmonError(
            f"the Jobindsats API answered without a table: {cause[:100]}",
            "try again later; nothing was saved",
        )
    return FleksmonError(
        f"the Jobindsats API answered {status}{said}",
        f"check the table id, the period and your token (--token or ${TOKEN_ENV})",
    )


def _send(
    request: urllib.request.Request,
    table: str,
    shape: Shape,
    connection: Connection,
    notify: Callable[[str], None],
) -> bytes:
    """The body of a successful answer, retrying 429 and 5xx; anything else is an error."""
    attempt = 0
    while True:
        answer = _once(request, connection)
        status, cause = _status(answer, shape)
        if status == 200:
            return answer.body
        retryable = status == 429 or 500 <= status <= 599
        if not retryable or attempt == len(BACKOFF):
            raise _error(status, cause, table, attempt)
        wait = _retry_after(answer.headers)
        if wait is not None and wait > MAX_RETRY_AFTER:
            what = "limits the rate of requests" if status == 429 else "is not working"
            raise FleksmonError(
                f"the Jobindsats API {what} ({status}) and asks to wait {_seconds(round(wait))}",
                "try again later",
            )
        wait = BACKOFF[attempt] if wait is None else wait
        attempt += 1
        notify(
            f"The Jobindsats API answered {status} ({_phrase(status)}); trying again in "
            f"{_seconds(wait)} (retry {attempt} of {len(BACKOFF)})."
        )
        connection.sleep(wait)


def _headers(token: str, json_wanted: bool) -> dict[str, str]:
    headers = {"Authorization": token, "User-Agent": f"fleksmon/{__version__}"}
    if json_wanted:
        headers["Accept"] = "application/json"
    return headers


def latest_months_v2(
    table: str,
    token: str,
    count: int,
    connection: Connection | None = None,
    notify: Callable[[str], None] | None = None,
) -> list[str]:
    """The table's last ``count`` months, from its v2 period list."""
    connection = connection or DEFAULT
    request = urllib.request.Request(
        f"{connection.base}/v2/tables/{table.lower()}/json/", headers=_headers(token, True)
    )
    answer: Any = json.loads(_send(request, table, "periods", connection, notify or _quiet))
    periods = answer[0].get("Period", [])
    months = sorted(p for p in periods if isinstance(p, str) and len(p) == 7 and p[4] == "M")
    if not months:
        raise FleksmonError(
            f"the Jobindsats API lists no months for table {table}",
            "check the table id (e.g. Y08A02), or pass --period",
        )
    return months[-count:]


def _quiet(_message: str) -> None:
    """Say nothing about retries."""


def _period_type(period: Period) -> str:
    """The API's period type of a moving annual total or year to date (``QMAT``, ``MYTD``).

    >>> from fleksmon.periods import parse_period
    >>> _period_type(parse_period("2020QMAT02")), _period_type(parse_period("2024MYTD05"))
    ('QMAT', 'MYTD')
    """
    return period.code()[4:-2]


def fetch(
    table: str,
    *,
    token: str,
    period: Period | None = None,
    months: int = 13,
    version: str = "v2",
    params: dict[str, str] | None = None,
    connection: Connection | None = None,
    notify: Callable[[str], None] | None = None,
) -> bytes:
    """A table's API response for ``period`` (or its last ``months`` months), every area.
    A moving annual total or year to date (``2020QMAT02``) is asked for by its code.

    ``params`` add to (or replace) the v3 query; ``notify`` is told of each retry.
    """
    connection = connection or DEFAULT
    say = notify or _quiet
    if not token:
        raise FleksmonError(
            "no Jobindsats API token",
            f"pass --token or set ${TOKEN_ENV} (get one on jobindsats.dk)",
        )
    if version == "v3":
        query = {"mgroup.*": "*", "hierarchy._nykom": "*", "format": "json", **(params or {})}
        if period is not None and period.kind in ("mat", "ytd"):
            query[f"period.{_period_type(period)}"] = period.code()
        elif period is not None:
            query["period.M"] = ",".join(month_code(m) for m in period.months)
        else:
            query.setdefault("period.M", f"latest:{months}")
        url = f"{connection.base}/v3/data/{table.lower()}?" + urllib.parse.urlencode(
            query, safe="*:/,"
        )
        json_wanted = query["format"].lower() == "json"
        request = urllib.request.Request(url, headers=_headers(f"Bearer {token}", json_wanted))
        return _send(request, table, "v3" if json_wanted else "any", connection, say)
    if version != "v2":
        raise FleksmonError(f"unknown API version {version!r}", "use v2 or v3")
    if params:
        raise FleksmonError("query parameters are for the v3 API", "add --api v3")
    if period is not None and period.kind in ("mat", "ytd"):
        wanted = [period.code()]
    elif period is not None:
        wanted = [month_code(m) for m in period.months]
    else:
        wanted = latest_months_v2(table, token, months, connection, say)
    request = urllib.request.Request(
        f"{connection.base}/v2/data/{table.lower()}/json",
        data=json.dumps({"area": "*", "period": wanted}).encode("utf-8"),
        method="POST",
        headers={**_headers(token, True), "Content-Type": "application/json"},
    )
    return _send(request, table, "v2", connection, say)
