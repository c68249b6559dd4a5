"""One athlete per owner and name, command-line athletes (no owner) included.

Two recordings of a new athlete from the command line at once could create two rows: the unique key
(clinician_id, name) does not hold for NULL owners. Existing duplicates are merged into the
oldest row (their sessions moved, or merged into its session of the same date: results moved,
notes appended, a result recorded in both kept once), then a unique index on
(COALESCE(clinician_id, 0), name) makes the next duplicate impossible.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    groups = conn.execute(sa.text(
        "SELECT COALESCE(clinician_id, 0) AS owner, name, MIN(id) AS keep FROM athletes "
        "GROUP BY COALESCE(clinician_id, 0), name HAVING COUNT(*) > 1"
    )).fetchall()  # fmt: skip
    for owner, name, keep in groups:
        others = conn.execute(sa.text(
            "SELECT id FROM athletes WHERE COALESCE(clinician_id, 0) = :o AND name = :n AND id <> :k"
        ), {"o": owner, "n": name, "k": keep}).scalars().all()  # fmt: skip
        for other in others:
            _merge(conn, keep, other)
    op.create_index(
        "uq_athlete_any_owner_name", "athletes", [sa.text("COALESCE(clinician_id, 0)"), "name"], unique=True
    )


def _merge(conn, keep: int, other: int) -> None:
    for sid, date, notes in conn.execute(
        sa.text("SELECT id, date, notes FROM sessions WHERE athlete_id = :a"), {"a": other}
    ).fetchall():
        same = conn.execute(
            sa.text("SELECT id, notes FROM sessions WHERE athlete_id = :a AND date = :d"),
            {"a": keep, "d": date},
        ).fetchone()
        if same is None:
            conn.execute(sa.text("UPDATE sessions SET athlete_id = :a WHERE id = :s"), {"a": keep, "s": sid})
            continue
        target, kept_notes = same
        conn.execute(sa.text(  # a result recorded in both sessions is kept once (the unique key)
            "DELETE FROM results WHERE session_id = :s AND EXISTS (SELECT 1 FROM results r WHERE "
            "r.session_id = :t AND r.clip_sha256 = results.clip_sha256 AND r.test = results.test AND "
            "r.side = results.side AND r.rep_index = results.rep_index)"
        ), {"s": sid, "t": target})  # fmt: skip
        conn.execute(
            sa.text("UPDATE results SET session_id = :t WHERE session_id = :s"), {"t": target, "s": sid}
        )
        if notes and notes not in (kept_notes or ""):
            merged = f"{kept_notes}\n{notes}".strip()
            conn.execute(sa.text("UPDATE sessions SET notes = :n WHERE id = :t"), {"n": merged, "t": target})
        conn.execute(sa.text("DELETE FROM sessions WHERE id = :s"), {"s": sid})
    conn.execute(sa.text("DELETE FROM athletes WHERE id = :a"), {"a": other})


def downgrade() -> None:
    op.drop_index("uq_athlete_any_owner_name", table_name="athletes")
