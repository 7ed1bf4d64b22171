"""The accounts component: users, roles and login over :mod:`kb.auth` (owns the ``users`` table)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kb.auth import Session, authenticate, check_role, hash_password, load_users_file
from kb.errors import AuthError
from kb.tokens import make_token, new_secret, read_token, user_fingerprint

if TYPE_CHECKING:
    from kb.service import KB


class Accounts:
    """User management and login."""

    def __init__(self, kb: KB) -> None:
        self.kb = kb

    def add_user(self, username: str, password: str, role: str) -> None:
        storage = self.kb.storage
        storage.ensure_ready()
        storage.upsert_user(username.strip(), check_role(role), hash_password(password))

    def remove_user(self, username: str) -> None:
        self.kb.storage.delete_user(username)

    def users(self) -> list[dict[str, Any]]:
        self.kb.storage.ensure_ready()
        return self.kb.storage.list_users()

    def _user(self, username: str) -> dict[str, Any] | None:
        """The user record from the database, else from the users file, else ``None``."""
        storage, config = self.kb.storage, self.kb.config
        storage.ensure_ready()
        user = storage.get_user(username.strip())
        if user is None and config.users_file:
            u = load_users_file(config.users_file).get(username.strip())
            if u:
                user = {"username": username.strip(), "active": True, **u}
        return user

    def login(self, username: str, password: str) -> Any:
        return authenticate(self._user(username), password, int(self.kb.config.session_ttl_min))

    # ----- browser tokens: a login that survives a reload (see kb.tokens)
    def _secret(self) -> str:
        """The token signing key: the ``session_secret`` setting, else one generated once and kept in the DB."""
        if self.kb.config.session_secret:
            return str(self.kb.config.session_secret)
        storage = self.kb.storage
        storage.ensure_ready()
        with self.kb.lock:
            secret = storage.get_meta("session_secret")
            if not secret:
                secret = new_secret()
                storage.set_meta("session_secret", secret)
        return secret

    def issue_token(self, sess: Session) -> str:
        """A signed token for a logged-in session, expiring with it."""
        user = self._user(sess.username)
        if user is None:
            raise AuthError()
        return make_token(self._secret(), sess.username, sess.role, sess.expires, user_fingerprint(user))

    def session_from_token(self, token: str) -> Session | None:
        """The session a token stands for; ``None`` when it is forged, expired, revoked, or the user changed."""
        payload = read_token(self._secret(), token)
        if payload is None or self.kb.storage.get_meta(f"revoked_token:{payload['jti']}"):
            return None
        user = self._user(str(payload["u"]))
        if user is None or not user.get("active", True) or user_fingerprint(user) != payload["fp"]:
            return None
        if user["role"] != payload["r"]:
            return None
        return Session(user["username"], user["role"], float(payload["exp"]))

    def revoke_token(self, token: str) -> None:
        """End the session of a token (logout): it is refused from now on, even before it expires."""
        payload = read_token(self._secret(), token)
        if payload is not None:
            self.kb.storage.set_meta(f"revoked_token:{payload['jti']}", str(payload["exp"]))

    def ensure_demo_users(self) -> None:
        """Create reviewer/analyst/admin demo accounts (password ``demo``) when no user exists."""
        if not self.kb.storage.list_users():
            for role in ("reviewer", "analyst", "admin"):
                self.add_user(role, "demo", role)
