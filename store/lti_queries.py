"""The LMS integration's queries (its tables are store/lti.py). Each runs in one transaction
under ``Store.guard``, like every other store query: within the store's time budget, refused
while its circuit breaker is open, any database failure raised as ``StoreUnavailable``.
Where two workers may race to write the same row (a learner's first launch, a course's
class, a registration, a key's kid, a replayed nonce) the loser gets an answer, not an
exception: the caller decides what losing means."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from store.attempts import Store
from store.lti import contexts, keys, learners, nonces, pending_scores, registrations
from store.schema import classes


def _read(store: Store, what: str, work: Callable):
    with store.guard(what):
        store.ensure_schema()
        with store.engine.connect() as conn:
            return work(conn)


def _write(store: Store, what: str, work: Callable):
    with store.guard(what):
        store.ensure_schema()
        with store.engine.begin() as conn:
            return work(conn)


# --- the tool's keys --------------------------------------------------------------------------

def live_keys(store: Store) -> list:
    """(kid, stored PEM) of every unretired key, newest first."""
    return _read(store, "LTI keys not read", lambda conn: conn.execute(
        select(keys.c.kid, keys.c.private_pem).where(keys.c.retired_at.is_(None))
        .order_by(keys.c.created_at.desc(), keys.c.kid)).all())


def all_keys(store: Store) -> list:
    """(kid, stored PEM) of every key, retired or not."""
    return _read(store, "LTI keys not read", lambda conn: conn.execute(
        select(keys.c.kid, keys.c.private_pem)).all())


def store_key_pem(store: Store, kid: str, stored_pem: str) -> None:
    _write(store, "LTI key not stored", lambda conn: conn.execute(
        keys.update().where(keys.c.kid == kid).values(private_pem=stored_pem)))


def add_key(store: Store, kid: str, stored_pem: str, now: datetime) -> bool:
    """False when the kid is taken already."""
    try:
        _write(store, "LTI key not added", lambda conn: conn.execute(
            keys.insert().values(kid=kid, private_pem=stored_pem, created_at=now)))
    except IntegrityError:
        return False
    return True


def retire_keys_but(store: Store, kid: str, now: datetime) -> int:
    """Retire every live key but ``kid``; how many were retired."""
    return _write(store, "LTI keys not retired", lambda conn: conn.execute(
        keys.update().where(keys.c.kid != kid, keys.c.retired_at.is_(None))
        .values(retired_at=now)).rowcount)


def reseal_context_keys(store: Store, reseal: Callable[[str], str]) -> int:
    """Every course's sealed instructor key rewritten by ``reseal``, in one transaction."""
    def work(conn):
        rows = conn.execute(select(contexts.c.registration_id, contexts.c.context_id,
                                   contexts.c.sealed_key)).all()
        for registration_id, context_id, sealed in rows:
            conn.execute(contexts.update().where(
                contexts.c.registration_id == registration_id,
                contexts.c.context_id == context_id).values(sealed_key=reseal(sealed)))
        return len(rows)
    return _write(store, "LTI class keys not resealed", work)


# --- registrations ----------------------------------------------------------------------------

def find_registrations(store: Store, issuer: str, client_id: str | None, limit: int) -> list:
    """Registration rows with this issuer (and client id, when given), at most ``limit``."""
    query = select(registrations).where(registrations.c.issuer == issuer)
    if client_id:
        query = query.where(registrations.c.client_id == client_id)
    return _read(store, "LTI registration not read",
                 lambda conn: conn.execute(query.limit(limit)).all())


def registration_by_id(store: Store, registration_id: int):
    return _read(store, "LTI registration not read", lambda conn: conn.execute(
        select(registrations).where(registrations.c.id == registration_id)).first())


def update_registration(store: Store, registration_id: int, deployment_ids: list[str],
                        auth_login_url: str, auth_token_url: str, jwks_url: str) -> None:
    _write(store, "LTI registration not stored", lambda conn: conn.execute(
        registrations.update().where(registrations.c.id == registration_id).values(
            deployment_ids=json.dumps(deployment_ids), auth_login_url=auth_login_url,
            auth_token_url=auth_token_url, jwks_url=jwks_url)))


def insert_registration(store: Store, values: dict) -> int | None:
    """The new registration's id; None when (issuer, client id) was registered at the same
    moment by another worker. ``values``: the row's columns, ``deployment_ids`` a list."""
    row = {**values, "deployment_ids": json.dumps(list(values["deployment_ids"]))}
    try:
        return _write(store, "LTI registration not stored", lambda conn: conn.execute(
            registrations.insert().values(**row).returning(registrations.c.id)).scalar_one())
    except IntegrityError:
        return None


# --- nonces -----------------------------------------------------------------------------------

def nonce_known(store: Store, nonce: str) -> bool:
    return _read(store, "LTI nonce not read", lambda conn: conn.execute(
        select(nonces.c.nonce).where(nonces.c.nonce == nonce)).first()) is not None


def use_nonce(store: Store, nonce: str, state_key: str, registration_id: int,
              login_params: dict, now: datetime, keep: timedelta) -> bool:
    """Store the nonce as used (dropping nonces older than ``keep``); False when it was
    stored before — a replayed launch."""
    def work(conn):
        conn.execute(nonces.delete().where(nonces.c.created_at < now - keep))
        conn.execute(nonces.insert().values(
            nonce=nonce, state=state_key, registration_id=registration_id,
            login=json.dumps(login_params), created_at=now, used_at=now))
    try:
        _write(store, "LTI nonce not stored", work)
    except IntegrityError:
        return False
    return True


# --- learners and courses ---------------------------------------------------------------------

def learner_for(store: Store, registration_id: int, sub: str, new_id: str) -> str:
    """The app's learner id for this platform user; ``new_id`` becomes it on the first
    launch (of two launches at once, the one stored first wins)."""
    def find(conn):
        return conn.execute(select(learners.c.learner_id).where(
            learners.c.registration_id == registration_id, learners.c.sub == sub)).scalar()

    found = _read(store, "LTI learner not read", find)
    if found:
        return found
    try:
        _write(store, "LTI learner not stored", lambda conn: conn.execute(
            learners.insert().values(registration_id=registration_id, sub=sub,
                                     learner_id=new_id)))
    except IntegrityError:  # the same person launching twice at once
        pass
    return _read(store, "LTI learner not read", find)


def context_class(store: Store, registration_id: int, context_id: str):
    """(class_id, token) of this course's class, or None."""
    return _read(store, "LTI course not read", lambda conn: conn.execute(
        select(contexts.c.class_id, classes.c.token).join(
            classes, classes.c.id == contexts.c.class_id).where(
            contexts.c.registration_id == registration_id,
            contexts.c.context_id == context_id)).first())


def add_context(store: Store, registration_id: int, context_id: str, class_id: int,
                sealed_key: str) -> bool:
    """False when another worker linked this course to a class first."""
    try:
        _write(store, "LTI course not stored", lambda conn: conn.execute(
            contexts.insert().values(registration_id=registration_id, context_id=context_id,
                                     class_id=class_id, sealed_key=sealed_key)))
    except IntegrityError:
        return False
    return True


def class_key_row(store: Store, class_id: int, registration_id: int):
    """(sealed_key, token) of the class a course of this registration is linked to."""
    return _read(store, "LTI course not read", lambda conn: conn.execute(
        select(contexts.c.sealed_key, classes.c.token).join(
            classes, classes.c.id == contexts.c.class_id).where(
            contexts.c.class_id == class_id,
            contexts.c.registration_id == registration_id)).first())


# --- the score queue --------------------------------------------------------------------------

def queue_score(store: Store, registration_id: int, lineitem: str, class_id: int | None,
                score: dict, now: datetime) -> None:
    _write(store, "LTI score not queued", lambda conn: conn.execute(
        pending_scores.insert().values(
            registration_id=registration_id, lineitem_url=lineitem, class_id=class_id,
            score=json.dumps(score), tries=0, created_at=now)))


def pending_count(store: Store, class_id: int | None = None) -> int:
    query = select(func.count()).select_from(pending_scores)
    if class_id is not None:
        query = query.where(pending_scores.c.class_id == class_id)
    return int(_read(store, "LTI queue not counted",
                     lambda conn: conn.execute(query).scalar_one()))


def lease_scores(store: Store, now: datetime, lease: timedelta, limit: int,
                 skip: frozenset[int] = frozenset()) -> list:
    """Up to ``limit`` queued rows no one else is sending and whose platform is not backing
    off (nor in ``skip``: registrations the caller is still sending to), leased to the caller
    until ``now + lease``."""
    free = or_(pending_scores.c.leased_until.is_(None), pending_scores.c.leased_until < now)
    ready = or_(pending_scores.c.next_try_at.is_(None), pending_scores.c.next_try_at <= now)
    if skip:
        ready = and_(ready, pending_scores.c.registration_id.notin_(sorted(skip)))

    def work(conn):
        ids = conn.execute(select(pending_scores.c.id).where(free, ready)
                           .order_by(pending_scores.c.id).limit(limit)).scalars().all()
        mine = [i for i in ids if conn.execute(pending_scores.update().where(
            pending_scores.c.id == i, free).values(leased_until=now + lease)).rowcount == 1]
        return conn.execute(select(pending_scores).where(pending_scores.c.id.in_(mine))
                            .order_by(pending_scores.c.id)).all() if mine else []
    return _write(store, "LTI queue not leased", work)


def scores_sent(store: Store, ids: list[int]) -> None:
    _write(store, "LTI sent scores not removed", lambda conn: conn.execute(
        pending_scores.delete().where(pending_scores.c.id.in_(ids))))


def back_off(store: Store, registration_id: int, row_id: int, tries: int, error: str,
             next_try_at: datetime) -> None:
    """The failed row counts ``tries``; every row of its platform waits until
    ``next_try_at``, unleased."""
    def work(conn):
        conn.execute(pending_scores.update().where(pending_scores.c.id == row_id).values(
            tries=tries, last_error=error))
        conn.execute(pending_scores.update().where(
            pending_scores.c.registration_id == registration_id).values(
            next_try_at=next_try_at, leased_until=None))
    _write(store, "LTI back-off not stored", work)
