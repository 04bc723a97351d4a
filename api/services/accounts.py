"""Accounts: argon2 password hashes, bearer tokens, signed session cookies, login limits.

Bearer tokens are random and stored as SHA-256 only. Page sessions are a signed cookie
``user_id.issued.nonce.signature`` (HMAC-SHA256 with ``SCENEHUB_SECRET_KEY``); the CSRF
token for a session is derived from it, so forms need no server-side state.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from api.services.errors import Conflict, InvalidInput, NotFound, RateLimited, Unauthenticated
from api.services.policy import Principal, Role
from core.models.accounts import ApiTokenRow, LoginFailureRow, UserRow
from core.store import RecordStore

_HASHER = PasswordHasher()
TOKEN_DAYS = 30
SESSION_SECONDS = 12 * 3600
MIN_PASSWORD = 8


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: Role
    org: str | None
    disabled: bool
    created_at: datetime

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        return cls(row.id, row.username, Role(row.role), row.org, row.disabled, row.created_at)

    def principal(self) -> Principal:
        return Principal(self.id, self.username, self.role, self.org)


def add_user(
    store: RecordStore, *, username: str, password: str, role: Role, org: str | None = None
) -> User:
    username = username.strip()
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise InvalidInput("a username is 1-100 characters without spaces", field="username")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password has at least {MIN_PASSWORD} characters", field="password")
    org = (org or "").strip() or None
    if role in (Role.PUBLISHER, Role.SUPPLIER) and org is None:
        raise InvalidInput(f"a {role.value} acts for an organisation: give --org", field="org")
    if role in (Role.COMMITTEE, Role.ADMIN) and org is not None:
        raise InvalidInput(f"a {role.value} account belongs to no organisation", field="org")
    row = UserRow(
        username=username,
        password_hash=_HASHER.hash(password),
        role=role.value,
        org=org,
        disabled=False,
        created_at=datetime.now(UTC),
    )
    try:
        with store.session() as session, session.begin():
            session.add(row)
    except IntegrityError as exc:
        raise Conflict(f"a user named {username!r} already exists", field="username") from exc
    return User.from_row(row)


def list_users(store: RecordStore) -> list[User]:
    with store.session() as session:
        return [User.from_row(r) for r in session.scalars(select(UserRow).order_by(UserRow.id))]


def set_disabled(store: RecordStore, username: str, disabled: bool = True) -> User:
    with store.session() as session, session.begin():
        row = session.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise NotFound(f"no user named {username!r}")
        row.disabled = disabled
        if disabled:  # a disabled account's tokens stop working at once
            for token in session.scalars(select(ApiTokenRow).where(ApiTokenRow.user_id == row.id)):
                session.delete(token)
        return User.from_row(row)


def get_user(store: RecordStore, user_id: int) -> User | None:
    with store.session() as session:
        row = session.get(UserRow, user_id)
        return User.from_row(row) if row is not None and not row.disabled else None


class LoginLimiter:
    """At most ``attempts`` failed logins per username and per client in ``window`` seconds.

    Failures live in the store, so every worker process (and the CLI) counts the same ones.
    """

    def __init__(self, attempts: int = 5, window: float = 300.0) -> None:
        self.attempts = attempts
        self.window = window

    def check(self, store: RecordStore, *keys: str) -> None:
        now = datetime.now(UTC)
        since = now - timedelta(seconds=self.window)
        with store.session() as session:
            for key in keys:
                stamps = sorted(
                    session.scalars(
                        select(LoginFailureRow.at).where(
                            LoginFailureRow.key == key, LoginFailureRow.at > since
                        )
                    )
                )
                if len(stamps) >= self.attempts:
                    wait = int((stamps[0] - since).total_seconds()) + 1
                    raise RateLimited(f"too many failed logins; try again in {wait} s")

    def failed(self, store: RecordStore, *keys: str) -> None:
        now = datetime.now(UTC)
        with store.session() as session, session.begin():
            session.execute(
                delete(LoginFailureRow).where(
                    LoginFailureRow.at <= now - timedelta(seconds=self.window)
                )
            )
            for key in keys:
                session.add(LoginFailureRow(key=key[:200], at=now))

    def clear(self, store: RecordStore) -> None:
        with store.session() as session, session.begin():
            session.execute(delete(LoginFailureRow))


LIMITER = LoginLimiter()


def authenticate(store: RecordStore, username: str, password: str, client: str = "") -> User:
    """The user with these credentials, or :class:`Unauthenticated` (same for every cause)."""
    keys = (f"user:{username}", f"client:{client}")
    LIMITER.check(store, *keys)
    with store.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username))
    ok = False
    if row is not None:
        try:
            ok = _HASHER.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _HASHER.hash(password)  # same cost whether or not the name exists
    if not ok or row is None or row.disabled:
        LIMITER.failed(store, *keys)
        raise Unauthenticated("wrong username or password, or the account is disabled")
    return User.from_row(row)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(store: RecordStore, user: User) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = now + timedelta(days=TOKEN_DAYS)
    with store.session() as session, session.begin():
        session.add(
            ApiTokenRow(
                user_id=user.id, token_hash=_digest(token), created_at=now, expires_at=expires
            )
        )
    return token, expires


def user_for_token(store: RecordStore, token: str) -> User:
    with store.session() as session:
        row = session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_hash == _digest(token)))
        if row is None or row.expires_at <= datetime.now(UTC):
            raise Unauthenticated("the bearer token is unknown or expired")
        user_id = row.user_id
    user = get_user(store, user_id)
    if user is None:
        raise Unauthenticated("the account of this token is disabled")
    return user


# -- page sessions -------------------------------------------------------------------------


def _sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def session_cookie(secret: str, user: User, now: float | None = None) -> str:
    payload = f"{user.id}.{int(now or time.time())}.{secrets.token_hex(8)}"
    return f"{payload}.{_sign(secret, payload)}"


def session_user_id(secret: str, cookie: str, now: float | None = None) -> int | None:
    """The user id a cookie carries, if its signature holds and it has not expired."""
    parts = cookie.split(".")
    if len(parts) != 4:
        return None
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_sign(secret, payload), parts[3]):
        return None
    try:
        user_id, issued = int(parts[0]), int(parts[1])
    except ValueError:
        return None
    if (now or time.time()) - issued > SESSION_SECONDS:
        return None
    return user_id


def csrf_token(secret: str, cookie: str) -> str:
    """The token forms of this session must send back (bound to the session cookie)."""
    return _sign(secret, "csrf:" + cookie)


def csrf_ok(secret: str, cookie: str | None, token: str | None) -> bool:
    if not cookie or not token:
        return False
    return hmac.compare_digest(csrf_token(secret, cookie), token)
