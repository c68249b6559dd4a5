"""Web app: clinician accounts, athletes owned by a clinician, analysis jobs.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clinicians",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    with op.batch_alter_table("athletes") as batch:
        batch.add_column(sa.Column("clinician_id", sa.Integer, nullable=True))
        batch.create_foreign_key(
            "fk_athlete_clinician", "clinicians", ["clinician_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_athletes_clinician_id", ["clinician_id"])
        batch.drop_constraint("uq_athlete_name", type_="unique")
        batch.create_unique_constraint("uq_athlete_owner_name", ["clinician_id", "name"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "clinician_id", sa.Integer, sa.ForeignKey("clinicians.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("upload_path", sa.String(1000), nullable=False),
        sa.Column("out_dir", sa.String(1000), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("result", sa.JSON, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_jobs_clinician_status", "jobs", ["clinician_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_jobs_clinician_status", "jobs")
    op.drop_table("jobs")
    with op.batch_alter_table("athletes") as batch:
        batch.drop_constraint("uq_athlete_owner_name", type_="unique")
        batch.drop_index("ix_athletes_clinician_id")
        batch.drop_constraint("fk_athlete_clinician", type_="foreignkey")
        batch.drop_column("clinician_id")
        batch.create_unique_constraint("uq_athlete_name", ["name"])
    op.drop_table("clinicians")
