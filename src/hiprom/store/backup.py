"""Back up the store: a consistent SQLite copy (online backup) or a portable JSON dump (any database)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from sqlalchemy import select

from hiprom._fs import atomic_output
from hiprom.store.db import Store
from hiprom.store.models import Athlete, Result, TestSession

__all__ = ["backup"]


def _default(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def backup(store: Store, out: str | Path | None = None, fmt: str | None = None) -> Path:
    """Write a backup; ``fmt`` ``"sqlite"`` (SQLite stores only) or ``"json"``; default by the store's kind.

    The file appears complete or not at all (written to a temporary name, then renamed).
    """
    fmt = fmt or ("sqlite" if store.is_sqlite else "json")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = (
        Path(out) if out else Path.cwd() / f"hiprom-backup-{stamp}.{'sqlite3' if fmt == 'sqlite' else 'json'}"
    )
    if fmt == "sqlite":
        if not store.is_sqlite:
            from hiprom.errors import BadInputError

            raise BadInputError("--format sqlite backs up SQLite stores only; use --format json")
        with atomic_output(out) as tmp:
            raw = store.engine.raw_connection()
            try:
                target = sqlite3.connect(tmp)
                try:
                    raw.driver_connection.backup(target)
                finally:
                    target.close()
            finally:
                raw.close()
        return out
    with store.transaction() as s:
        dump = {
            "format": "hiprom.backup/1",
            "created": dt.datetime.now(dt.UTC).isoformat(),
            "athletes": [
                {"id": a.id, "name": a.name, "created_at": a.created_at} for a in s.scalars(select(Athlete))
            ],
            "sessions": [
                {
                    "id": v.id,
                    "athlete_id": v.athlete_id,
                    "date": v.date,
                    "notes": v.notes,
                    "created_at": v.created_at,
                }
                for v in s.scalars(select(TestSession))
            ],
            "results": [
                {c.name: getattr(r, c.name) for c in Result.__table__.columns}
                for r in s.scalars(select(Result))
            ],
        }
    with atomic_output(out) as tmp:
        Path(tmp).write_text(json.dumps(dump, default=_default, indent=1), encoding="utf-8")
    return out
