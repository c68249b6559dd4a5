"""Tables of the store (SQLAlchemy 2 declarative models; schema changes go through Alembic)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Athlete", "Base", "Result", "TestSession"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Athlete(Base):
    __tablename__ = "athletes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
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
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False)
    session: Mapped[TestSession] = relationship(back_populates="results")
