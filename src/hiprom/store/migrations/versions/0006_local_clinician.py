"""The command line's athletes belong to the local clinician, whom the web app can open.

Athletes without an owner (recorded from the command line) move to the clinician ``local``, made
without a password (``!``: nobody can sign in) unless it exists; ``hiprom adduser local`` later gives
it one, and the web app then shows those athletes. An athlete whose name the local clinician already
has (a web account called ``local`` made before) keeps its sessions under "NAME (command line)":
nothing is merged or lost.

Revision ID: 0006
Revises: 0005
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

LOCAL, NO_PASSWORD = "local", "!"


def upgrade() -> None:
    conn = op.get_bind()
    orphans = conn.execute(sa.text("SELECT id, name FROM athletes WHERE clinician_id IS NULL")).fetchall()
    if not orphans:
        return
    find = sa.text("SELECT id FROM clinicians WHERE username = :u")
    local = conn.execute(find, {"u": LOCAL}).scalar()
    if local is None:
        conn.execute(
            sa.text("INSERT INTO clinicians (username, password_hash, created_at, session_generation) "
                    "VALUES (:u, :p, :t, 0)"),
            {"u": LOCAL, "p": NO_PASSWORD, "t": dt.datetime.now(dt.UTC).replace(tzinfo=None)},
        )  # fmt: skip
        local = conn.execute(find, {"u": LOCAL}).scalar()
    for athlete, name in orphans:
        taken = conn.execute(
            sa.text("SELECT 1 FROM athletes WHERE clinician_id = :c AND name = :n"), {"c": local, "n": name}
        ).first()
        new_name = f"{name[:185]} (command line)" if taken else name
        conn.execute(
            sa.text("UPDATE athletes SET clinician_id = :c, name = :n WHERE id = :a"),
            {"c": local, "n": new_name, "a": athlete},
        )


def downgrade() -> None:
    conn = op.get_bind()
    local = conn.execute(
        sa.text("SELECT id FROM clinicians WHERE username = :u AND password_hash = :p"),
        {"u": LOCAL, "p": NO_PASSWORD},
    ).scalar()
    if local is not None:  # never given a password: its athletes go back to having no owner
        conn.execute(sa.text("UPDATE athletes SET clinician_id = NULL WHERE clinician_id = :c"), {"c": local})
        conn.execute(sa.text("DELETE FROM clinicians WHERE id = :c"), {"c": local})
