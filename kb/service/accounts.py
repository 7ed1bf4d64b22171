"""The accounts component: users, roles and login over :mod:`kb.auth` (owns the ``users`` table)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kb.auth import authenticate, check_role, hash_password, load_users_file

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

    def login(self, username: str, password: str) -> Any:
        storage, config = self.kb.storage, self.kb.config
        storage.ensure_ready()
        user = storage.get_user(username.strip())
        if user is None and config.users_file:
            u = load_users_file(config.users_file).get(username.strip())
            if u:
                user = {"username": username.strip(), "active": True, **u}
        return authenticate(user, password, int(config.session_ttl_min))

    def ensure_demo_users(self) -> None:
        """Create reviewer/analyst/admin demo accounts (password ``demo``) when no user exists."""
        if not self.kb.storage.list_users():
            for role in ("reviewer", "analyst", "admin"):
                self.add_user(role, "demo", role)
