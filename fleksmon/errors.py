"""The one error type fleksmon raises for bad input or usage."""

from __future__ import annotations

import re


class FleksmonError(Exception):
    """A problem the user can fix: a one-line message and a hint saying how.

    The CLI prints ``Error: <message> <hint>`` on stderr and exits with code 2.
    Anything CPR-shaped in the message or hint (a file name, a misplaced value)
    is masked as ``DDMMYY-****`` here, so no traceback or line can show it.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        message, hint = mask_cpr(message), mask_cpr(hint)
        super().__init__(message)
        self.message = message
        self.hint = hint

    def line(self) -> str:
        """The whole error as one line (message, then the fix)."""
        text = self.message.rstrip(".") + "."
        if self.hint:
            hint = self.hint.rstrip(".")
            text += " " + hint[:1].upper() + hint[1:] + "."
        return " ".join(text.split())


CPR_ANYWHERE = re.compile(r"(?<!\d)(\d{6})\s*[-_\u2010-\u2015\u2212]?\s*\d{4}(?!\d)")
"""A CPR-shaped number anywhere in a text: ``DDMMYY-SSSS``, ten digits, or the date and
serial separated by spaces (no-break too), an underscore, an en or em dash."""


def mask_cpr(text: str) -> str:
    """``text`` with every CPR-shaped number masked as ``DDMMYY-****`` (and a byte of a file
    name that is not UTF-8 shown as ``\ufffd``, so the text can be printed and saved).

    >>> mask_cpr("udtraek 010190-1234.csv, 0101901234, 010190 1234 and 010190 - 1234")
    'udtraek 010190-****.csv, 010190-****, 010190-**** and 010190-****'
    >>> mask_cpr("010170_1234.csv, 010170\u20131234.csv, 010170\u00a01234.csv")
    '010170-****.csv, 010170-****.csv, 010170-****.csv'
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return CPR_ANYWHERE.sub(r"\1-****", text)


def has_cpr(text: str) -> bool:
    """Whether ``text`` holds a CPR-shaped number (see :func:`mask_cpr`)."""
    return CPR_ANYWHERE.search(text) is not None


def shown(cell: object) -> str:
    """A cell quoted for an error message, unless it could be a CPR number (never echoed).

    >>> shown("mange"), shown("010190-1234")
    ("'mange'", 'a value that looks like a CPR number')
    """
    text = "" if cell is None else str(cell).strip()
    if has_cpr(text):
        return "a value that looks like a CPR number"
    return repr(text)
