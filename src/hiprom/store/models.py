"""Tables of the store (SQLAlchemy 2 declarative models; schema changes go through Alembic)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Athlete", "Base", "Clinician", "Job", "Result", "TestSession"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Clinician(Base):
    """A web-app account; athletes recorded through the web app belong to one clinician."""

    __tablename__ = "clinicians"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(300), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False)
    # raised at sign-out: sessions signed in under an older generation are no longer valid
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)


class Athlete(Base):
    """An athlete; ``clinician_id`` is NULL for athletes recorded from the command line."""

    __tablename__ = "athletes"
    __table_args__ = (UniqueConstraint("clinician_id", "name", name="uq_athlete_owner_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinician_id: Mapped[int | None] = mapped_column(
        ForeignKey("clinicians.id", ondelete="CASCADE"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False)
    sessions: Mapped[list[TestSession]] = relationship(
        back_populates="athlete", cascade="all, delete-orphan", order_by="TestSession.date"
    )


class TestSession(Base):
    """One visit: a date, the clinician's notes, and the results measured that day."""

    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("athlete_id", "date", name="uq_session_athlete_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"), nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    notes: Mapped[str] = mapped_column(Text, default="", nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False)
    athlete: Mapped[Athlete] = relationship(back_populates="sessions")
    results: Mapped[list[Result]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Result.id"
    )


class Result(Base):
    """One analysed rep or side of one clip (an element of the result document's ``results``)."""

    __tablename__ = "results"
    __table_args__ = (
        UniqueConstraint("session_id", "clip_sha256", "test", "side", "rep_index", name="uq_result_rep"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False)
    clip_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    clip_name: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    test: Mapped[str] = mapped_column(String(40), nullable=False)
    position: Mapped[str] = mapped_column(String(20), nullable=False)
    side: Mapped[str] = mapped_column(String(10), nullable=False)
    rep_index: Mapped[int] = mapped_column(Integer, nullable=False)
    result: Mapped[dict] = mapped_column(JSON, nullable=False)  # the rep's entry of result.json
    document: Mapped[dict] = mapped_column(JSON, nullable=False)  # the whole result.json (clip-level)
    artefacts: Mapped[dict] = mapped_column(JSON, nullable=False)  # name -> absolute path
    # a clinician's correction (hiprom.store.corrections); ``result`` stays the measured entry
    correction: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False)
    session: Mapped[TestSession] = relationship(back_populates="results")


class Job(Base):
    """One uploaded clip's analysis (web app): the queue's source of truth, never deleted by a worker."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # uuid4 hex
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinicians.id", ondelete="CASCADE"), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)  # queued|running|done|failed
    progress: Mapped[float] = mapped_column(default=0.0, nullable=False)
    message: Mapped[str] = mapped_column(Text, default="", nullable=False)
    params: Mapped[dict] = mapped_column(JSON, nullable=False)  # athlete, test, position, side, session date
    upload_path: Mapped[str] = mapped_column(String(1000), nullable=False)
    out_dir: Mapped[str] = mapped_column(String(1000), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # result.json when done
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False)
