"""Session dates as people type them (``YYYY-MM-DD``)."""

from __future__ import annotations

import datetime as dt

from hiprom.errors import BadInputError

__all__ = ["parse_date"]


def parse_date(text: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` -> date (None passes through); one-line error otherwise."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise BadInputError(f"dates are YYYY-MM-DD, got {text!r}", option="date") from exc
