"""Clinician accounts in the store (the web app hashes and checks the passwords)."""

from __future__ import annotations

from sqlalchemy import func, select

from hiprom.errors import BadInputError
from hiprom.store.db import Store
from hiprom.store.models import Athlete, Clinician

__all__ = [
    "LOCAL_CLINICIAN",
    "NO_PASSWORD",
    "add_account",
    "clinician_id",
    "end_sessions",
    "local_clinician_id",
    "owners",
    "password_hash_of",
    "session_generation",
    "username_of",
]


#: the clinician the command line's athletes belong to; the web app opens them once it has a password
LOCAL_CLINICIAN = "local"
#: the password hash of an account nobody can sign in to (the local clinician until ``adduser local``)
NO_PASSWORD = "!"


def local_clinician_id(s, *, create: bool = False) -> int | None:
    """The local clinician's id in the open session ``s`` (made when ``create`` and missing)."""
    found = s.scalar(select(Clinician.id).where(Clinician.username == LOCAL_CLINICIAN))
    if found is None and create:
        account = Clinician(username=LOCAL_CLINICIAN, password_hash=NO_PASSWORD)
        s.add(account)
        s.flush()
        found = account.id
    return found


def add_account(store: Store, username: str, password_hash: str) -> int:
    """A new clinician row; :class:`BadInputError` when the name is taken. Returns its id.

    The local clinician (the command line's athletes) exists without a password until it is
    given one here: then the web app can be signed in to as ``local`` and shows those athletes."""
    with store.transaction() as s:
        taken = s.scalar(select(Clinician).where(Clinician.username == username))
        if taken is not None and taken.password_hash == NO_PASSWORD:
            taken.password_hash = password_hash
            return taken.id
        if taken is not None:
            raise BadInputError(f"the username {username!r} is taken")
        account = Clinician(username=username, password_hash=password_hash)
        s.add(account)
        s.flush()
        return account.id


def session_generation(store: Store, clinician_id: int) -> int | None:
    """The clinician's current session generation (None: no such clinician)."""
    with store.transaction() as s:
        account = s.get(Clinician, clinician_id)
        return None if account is None else int(account.session_generation)


def end_sessions(store: Store, clinician_id: int) -> None:
    """Sign the clinician out everywhere: every session issued so far stops being valid."""
    with store.transaction() as s:
        account = s.get(Clinician, clinician_id)
        if account is not None:
            account.session_generation = int(account.session_generation) + 1


def clinician_id(store: Store, username: str) -> int:
    """The id of the clinician called ``username``; :class:`BadInputError` when there is none."""
    if (found := password_hash_of(store, username)) is None:
        raise BadInputError(f"no clinician called {username!r} in this store", option="clinician")
    return int(found[0])


def owners(store: Store) -> dict[str, int]:
    """Clinician username -> the number of athletes in their part of the store (web app accounts; the
    local clinician, whose athletes are the command line's, is not one)."""
    with store.transaction() as s:
        joined = (
            select(Clinician.username, func.count(Athlete.id))
            .join(Athlete, Athlete.clinician_id == Clinician.id)
            .where(Clinician.username != LOCAL_CLINICIAN)
        )
        query = joined.group_by(Clinician.username)
        return {name: int(n) for name, n in s.execute(query)}


def password_hash_of(store: Store, username: str) -> tuple[int, str] | None:
    """``(id, password hash)`` of the clinician called ``username``, if any."""
    with store.transaction() as s:
        account = s.scalar(select(Clinician).where(Clinician.username == username))
        return None if account is None else (account.id, account.password_hash)


def username_of(store: Store, clinician: int) -> str | None:
    """The username of clinician ``clinician`` (None: no such account)."""
    with store.transaction() as s:
        account = s.get(Clinician, clinician)
    return None if account is None else account.username
