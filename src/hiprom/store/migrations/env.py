"""Alembic environment: runs against the connection hiprom.store.db hands over (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from hiprom.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through hiprom.store.db.open_store
    raise RuntimeError("run migrations through hiprom.store.db.open_store")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
