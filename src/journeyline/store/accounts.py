"""Accounts and how they sign in: argon2 passwords, browser sessions, API tokens, one-time links.

Secrets (session cookies, API tokens, sign-in links, share links) are random and only
their SHA-256 is stored, so a copy of the database lets no one sign in.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from journeyline.errors import Diagnostic, InvalidInput, NotFound
from journeyline.store.access import Actor
from journeyline.store.database import Database
from journeyline.store.errors import Conflict, NotSignedIn
from journeyline.store.tables import (
    Account,
    ApiToken,
    BrowserSession,
    SignInLink,
    new_id,
    utcnow,
)

TOKEN_PREFIX = "jl_"
"""Personal API tokens start with this, so secret scanners and people recognise them."""

MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


def hash_secret(secret: str) -> str:
    """SHA-256 of a random secret (fine for high-entropy tokens; passwords use argon2)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher.hash(password)


@functools.cache
def _dummy_hash() -> str:
    """An argon2 hash of a random secret, made with the same parameters as real ones."""
    return _hasher.hash(secrets.token_urlsafe(32))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches the argon2 hash (never true without a hash).

    Without a hash (an unknown account, or one that has set no password) the password is
    checked against a dummy hash all the same, so the answer takes as long as a wrong
    password for a real account and timing does not tell which accounts exist.
    """
    try:
        matches = _hasher.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matches and bool(password_hash)


def check_password_rules(password: str) -> None:
    """InvalidInput unless the password is long enough."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters",
            [
                Diagnostic(
                    "password too short", hint=f"use at least {MIN_PASSWORD_LENGTH} characters"
                )
            ],
        )


def actor_of(account: Account) -> Actor:
    """The Actor a signed-in account acts as."""
    return Actor(
        account_id=account.id,
        name=account.name,
        email=account.email,
        is_admin=account.is_admin,
        guest_of=account.guest_of,
    )


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively and without surrounding blanks."""
    cleaned = email.strip().lower()
    if "@" not in cleaned or cleaned.startswith("@") or cleaned.endswith("@") or len(cleaned) > 320:
        raise InvalidInput(
            f"'{email}' is not an e-mail address",
            [
                Diagnostic(
                    f"'{email}' is not an e-mail address", hint="write it as name@example.org"
                )
            ],
        )
    return cleaned


def find_account(session: Session, email: str) -> Account | None:
    """The account with this e-mail address, or None."""
    return session.scalar(select(Account).where(Account.email == normalise_email(email)))


def create_account(
    session: Session,
    email: str,
    name: str | None = None,
    *,
    password: str | None = None,
    is_admin: bool = False,
) -> Account:
    """A new account; without a password it signs in through a one-time link only."""
    address = normalise_email(email)
    if find_account(session, address) is not None:
        raise Conflict(f"an account for {address} already exists")
    if password is not None:
        check_password_rules(password)
    account = Account(
        id=new_id("a"),
        email=address,
        name=(name or address.split("@")[0]).strip()[:200],
        password_hash=hash_password(password) if password is not None else None,
        is_admin=is_admin,
        created_at=utcnow(),
    )
    session.add(account)
    session.flush()
    return account


def count_accounts(db: Database) -> int:
    """How many accounts there are (0 before the first run)."""
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(Account)) or 0)


def set_password(
    db: Database, actor: Actor, new_password: str, current_password: str | None
) -> None:
    """Change the actor's password; the current one is required once there is one."""
    check_password_rules(new_password)
    with db.writing() as session:
        account = session.get(Account, actor.account_id)
        if account is None:
            raise NotSignedIn("the account no longer exists")
        if account.password_hash and not verify_password(
            account.password_hash, current_password or ""
        ):
            raise InvalidInput(
                "the current password is wrong",
                [Diagnostic("the current password is wrong", hint="send it as 'current_password'")],
            )
        account.password_hash = hash_password(new_password)


# --- browser sessions ------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedIn:
    """A new browser session: the secret for the cookie and the CSRF token for forms."""

    token: str
    csrf_token: str
    expires_at: dt.datetime
    actor: Actor


def start_session(session: Session, account: Account, lifetime: dt.timedelta) -> SignedIn:
    """A new browser session for the account."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = utcnow() + lifetime
    session.add(
        BrowserSession(
            token_hash=hash_secret(token),
            account_id=account.id,
            csrf_token=csrf,
            expires_at=expires,
        )
    )
    return SignedIn(token=token, csrf_token=csrf, expires_at=expires, actor=actor_of(account))


def sign_in_with_password(
    db: Database, email: str, password: str, lifetime: dt.timedelta
) -> SignedIn:
    """A session when the e-mail and password match; the same error for every mismatch."""
    wrong = NotSignedIn("wrong e-mail address or password")
    try:
        address = normalise_email(email)
    except InvalidInput:
        verify_password(None, password)  # the same work as for any other mismatch
        raise wrong from None
    with db.reading() as session:
        account = session.scalar(select(Account).where(Account.email == address))
        found = account.id if account is not None else None
        password_hash = account.password_hash if account is not None else None
    # The password is checked outside any transaction: argon2 takes a while, and on SQLite
    # a write transaction would hold every other writer up for that long.
    if not verify_password(password_hash, password):
        raise wrong
    with db.writing() as session:
        account = session.get(Account, found)
        if account is None or account.password_hash != password_hash:
            raise wrong  # deleted, or its password changed, meanwhile
        return start_session(session, account, lifetime)


_SESSION_LOOKUP = (
    select(
        Account.id,
        Account.name,
        Account.email,
        Account.is_admin,
        BrowserSession.csrf_token,
        BrowserSession.expires_at,
        Account.guest_of,
    )
    .join(BrowserSession, BrowserSession.account_id == Account.id)
    .where(BrowserSession.token_hash == bindparam("digest"))
)
"""Built once: every request signed in by cookie runs it."""


def session_actor(db: Database, token: str) -> tuple[Actor, str]:
    """The actor and CSRF token of a browser session; NotSignedIn when unknown or expired."""
    with db.single_read() as connection:
        row = connection.execute(_SESSION_LOOKUP, {"digest": hash_secret(token)}).first()
    if row is None or row[5] <= utcnow():
        raise NotSignedIn("your session has ended; sign in again")
    actor = Actor(
        account_id=row[0], name=row[1], email=row[2], is_admin=bool(row[3]), guest_of=row[6]
    )
    return actor, str(row[4])


def end_session(db: Database, token: str) -> None:
    """Sign a browser out (its cookie stops working at once)."""
    with db.writing() as session:
        session.execute(
            delete(BrowserSession).where(BrowserSession.token_hash == hash_secret(token))
        )
    db.grants_changed()


# --- one-time sign-in links ---------------------------------------------------------------------


def create_sign_in_link(session: Session, account: Account, lifetime: dt.timedelta) -> str:
    """The secret of a new one-time sign-in link for the account."""
    token = secrets.token_urlsafe(32)
    session.add(
        SignInLink(
            token_hash=hash_secret(token), account_id=account.id, expires_at=utcnow() + lifetime
        )
    )
    return token


def issue_sign_in_link(db: Database, email: str, lifetime: dt.timedelta) -> str:
    """A one-time sign-in link secret for an existing account (used by `journeyline setup`)."""
    with db.writing() as session:
        account = find_account(session, email)
        if account is None:
            raise NotFound(f"there is no account for {email}")
        return create_sign_in_link(session, account, lifetime)


def use_sign_in_link(db: Database, token: str, lifetime: dt.timedelta) -> SignedIn:
    """Spend a one-time link: a session if it is unused and unexpired, else NotSignedIn."""
    with db.writing() as session:
        link = session.get(SignInLink, hash_secret(token))
        now = utcnow()
        if link is None or link.used_at is not None or link.expires_at <= now:
            raise NotSignedIn("this sign-in link is not valid any more (it was used or it expired)")
        link.used_at = now
        account = session.get(Account, link.account_id)
        if account is None:
            raise NotSignedIn("the account of this sign-in link no longer exists")
        return start_session(session, account, lifetime)


# --- personal API tokens ------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenInfo:
    """What is shown about an API token (never the secret, except once at creation)."""

    id: str
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked: bool

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly form."""
        return {
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at.isoformat() + "Z",
            "last_used_at": self.last_used_at.isoformat() + "Z" if self.last_used_at else None,
            "revoked": self.revoked,
        }


def _token_info(token: ApiToken) -> TokenInfo:
    return TokenInfo(
        token.id, token.name, token.created_at, token.last_used_at, token.revoked_at is not None
    )


def create_api_token(db: Database, actor: Actor, name: str) -> tuple[TokenInfo, str]:
    """A new personal API token: its description and the secret (shown this once)."""
    label = name.strip()
    if not label:
        raise InvalidInput("give the token a name, e.g. 'CI export'")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.writing() as session:
        token = ApiToken(
            id=new_id("t"),
            account_id=actor.account_id,
            name=label[:200],
            token_hash=hash_secret(secret),
        )
        token.created_at = utcnow()
        session.add(token)
        session.flush()
        return _token_info(token), secret


def list_api_tokens(db: Database, actor: Actor) -> list[TokenInfo]:
    """The actor's API tokens, newest first."""
    with db.reading() as session:
        rows = session.scalars(
            select(ApiToken)
            .where(ApiToken.account_id == actor.account_id)
            .order_by(ApiToken.created_at.desc())
        )
        return [_token_info(row) for row in rows]


def revoke_api_token(db: Database, actor: Actor, token_id: str) -> None:
    """Stop one of the actor's tokens from working."""
    with db.writing() as session:
        token = session.get(ApiToken, token_id)
        if token is None or token.account_id != actor.account_id:
            raise NotFound(f"API token '{token_id}' does not exist")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
    db.grants_changed()


_TOKEN_LOOKUP = (
    select(
        Account.id,
        Account.name,
        Account.email,
        Account.is_admin,
        ApiToken.id,
        ApiToken.revoked_at,
        ApiToken.last_used_at,
        Account.guest_of,
    )
    .join(ApiToken, ApiToken.account_id == Account.id)
    .where(ApiToken.token_hash == bindparam("digest"))
)
"""Built once: every API request runs it."""


@dataclass(frozen=True)
class TokenUse:
    """Who an API token acts for, and the token's id when its last use should be recorded."""

    actor: Actor
    stale_token_id: str | None


def look_up_token(db: Database, secret: str) -> TokenUse:
    """Read-only: the actor of an API token; NotSignedIn when it is unknown or revoked."""
    with db.single_read() as connection:
        row = connection.execute(_TOKEN_LOOKUP, {"digest": hash_secret(secret)}).first()
    if row is None or row[5] is not None:
        raise NotSignedIn("this API token is not valid (unknown or revoked)")
    last_used = row[6]
    # Use is recorded coarsely (every 5 minutes at most), so reads do not become writes.
    stale = last_used is None or utcnow() - last_used > dt.timedelta(minutes=5)
    actor = Actor(
        account_id=row[0], name=row[1], email=row[2], is_admin=bool(row[3]), guest_of=row[7]
    )
    return TokenUse(actor, row[4] if stale else None)


def record_token_use(db: Database, token_id: str) -> None:
    """Note that a token was used now."""
    with db.writing() as session:
        session.execute(
            update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow())
        )


def token_actor(db: Database, secret: str) -> Actor:
    """The actor an API token acts for (recording its use); NotSignedIn when unknown or revoked."""
    use = look_up_token(db, secret)
    if use.stale_token_id is not None:
        record_token_use(db, use.stale_token_id)
    return use.actor


def same_secret(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
