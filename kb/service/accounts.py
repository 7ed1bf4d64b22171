"""The accounts component: users, roles and login over :mod:`kb.auth` (owns the ``users`` table)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kb.auth import (
    Session,
    authenticate,
    check_role,
    hash_password,
    load_users_file,
    user_stamp,
    validate_username,
)
from kb.errors import AuthError, KBError
from kb.throttle import LoginThrottle, LoginThrottledError, keys_for

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

    def remove_user(self, username: str) -> None:
        self.kb.storage.ensure_ready()
        if self.kb.storage.get_user(username.strip()) is None:
            raise KBError(f"没有用户 {username.strip()!r}：请用 `scenario-kb user list` 查看已有账户。")
        self.kb.storage.delete_user(username.strip())

    def _lookup(self, username: str) -> dict[str, Any] | None:
        """The stored user, else the users-file entry, else None."""
        name = username.strip()
        user = self.kb.storage.get_user(name)
        if user is None and self.kb.config.users_file:
            u = load_users_file(self.kb.config.users_file).get(name)
            if u:
                user = {"username": name, "active": True, **u}
        return user

    def session_current(self, sess: Session) -> bool:
        """False when the stored user behind ``sess`` was removed, deactivated, demoted or changed password
        since the session was granted (the session is to be dropped at once)."""
        if not sess.stamp:
            return True  # not backed by a stored user (OIDC)
        user = self._lookup(sess.username)
        return user is not None and user.get("active", True) and user_stamp(user) == sess.stamp

    def users(self) -> list[dict[str, Any]]:
        self.kb.storage.ensure_ready()
        return self.kb.storage.list_users()

    def login(self, username: str, password: str, address: str | None = None) -> Any:
        """A session, or :class:`AuthError`. Failed attempts per user name and per ``address`` are throttled
        with back-off (:mod:`kb.throttle`): inside the wait the password is not even checked."""
        storage, config = self.kb.storage, self.kb.config
        storage.ensure_ready()
        keys = keys_for(username, address)
        wait = self.throttle.wait_s(keys)
        if wait > 0:
            raise LoginThrottledError(f"登录失败次数过多：请 {int(wait) + 1} 秒后再试。")
        user = self._lookup(username)
        try:
            sess = authenticate(user, password, int(config.session_ttl_min))
        except AuthError:
            self.throttle.failed(keys)
            raise
        self.throttle.succeeded(keys[0])
        return sess

    def ensure_demo_users(self) -> None:
        """Create reviewer/analyst/admin demo accounts (password ``demo``) when no user exists."""
        if not self.kb.storage.list_users():
            for role in ("reviewer", "analyst", "admin"):
                self.add_user(role, "demo", role)
