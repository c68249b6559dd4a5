"""The athlete store: athletes, sessions and test results (SQLAlchemy 2, Alembic migrations).

SQLite by default (a file in the user's data directory), PostgreSQL given a
URL; see :func:`hiprom.store.db.open_store`.
"""
