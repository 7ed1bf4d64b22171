"""The accounts component: users, roles and login over :mod:`kb.auth` (owns the ``users`` table)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kb.auth import Session, authenticate, check_role, hash_password, load_users_file, validate_username
from kb.errors import AuthError, KBError
from kb.throttle import LoginThrottle, LoginThrottledError, keys_for
from kb.tokens import make_token, new_secret, read_token, user_fingerprint

if TYPE_CHECKING:
    from kb.service import KB


class Accounts:
    """User management and login."""

    def __init__(self, kb: KB) -> None:
        self.kb = kb
        self.throttle = LoginThrottle()

    def add_user(self, username: str, password: str, role: str) -> None:
        storage = self.kb.storage
        storage.ensure_ready()
        storage.upsert_user(validate_username(username), check_role(role), hash_password(password))

    def set_role(self, username: str, role: str) -> None:
        """Give a user another role; the user's open sessions end (their tokens name the old role)."""
        self.kb.storage.ensure_ready()
        if not self.kb.storage.set_user_role(username.strip(), check_role(role)):
            raise KBError(f"没有用户 {username.strip()!r}：请用 `scenario-kb user list` 查看已有账户。")

    def remove_user(self, username: str) -> None:
        self.kb.storage.ensure_ready()
        if self.kb.storage.get_user(username.strip()) is None:
            raise KBError(f"没有用户 {username.strip()!r}：请用 `scenario-kb user list` 查看已有账户。")
        self.kb.storage.delete_user(username.strip())

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

    def login(self, username: str, password: str, address: str | None = None) -> Any:
        """A session, or :class:`AuthError`. Failed attempts per user name and per ``address`` are throttled
        with back-off (:mod:`kb.throttle`): inside the wait the password is not even checked."""
        keys = keys_for(username, address)
        wait = self.throttle.wait_s(keys)
        if wait > 0:
            raise LoginThrottledError(f"登录失败次数过多：请 {int(wait) + 1} 秒后再试。")
        try:
            sess = authenticate(self._user(username), password, int(self.kb.config.session_ttl_min))
        except AuthError:
            self.throttle.failed(keys)
            raise
        self.throttle.succeeded(keys[0])
        return sess

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
