"""Results: a clinician's correction (e.g. the onset moved), kept beside the measured entry.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:  # a plain ADD COLUMN (SQLite and PostgreSQL both have it): no table rebuilt
    op.add_column("results", sa.Column("correction", sa.JSON, nullable=True))


def downgrade() -> None:
    op.drop_column("results", "correction")
