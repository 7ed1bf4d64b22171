"""Users and passwords: bcrypt hashes in the database (or a TOML users file), roles, expiring sessions."""

from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from kb.errors import AuthError, KBError
from kb.models import ROLES

ROLE_LABELS = {"reviewer": "评审专家", "analyst": "分析人员", "admin": "管理员"}
# Which roles may open which areas. The applicant self-check needs no login and sees no submission data.
AREA_ROLES = {
    "review": {"reviewer", "admin"},
    "analytics": {"analyst", "reviewer", "admin"},
    "reference": {"reviewer", "analyst", "admin"},
    "admin": {"admin"},
}


def hash_password(password: str) -> str:
    """Hash a password with bcrypt (salted)."""
    if len(password) < 4:
        raise KBError("密码太短：至少 4 个字符。")
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def verify_password(password: str, pw_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), pw_hash.encode("ascii"))
    except ValueError:
        return False


@dataclass(frozen=True)
class Session:
    """A logged-in user. ``expires`` is a UNIX time."""

    username: str
    role: str
    expires: float

    @property
    def valid(self) -> bool:
        return time.time() < self.expires

    def can(self, area: str) -> bool:
        return self.valid and self.role in AREA_ROLES.get(area, set())


def load_users_file(path: str | Path) -> dict[str, dict[str, str]]:
    """Read ``[users.NAME] role = "...", pw_hash = "$2b$..."`` entries from a TOML file."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    users = data.get("users", {})
    for name, u in users.items():
        if u.get("role") not in ROLES or not u.get("pw_hash"):
            raise KBError(f"用户文件 {path} 中用户 {name} 缺少有效的 role 或 pw_hash。")
    return users


def check_role(role: str) -> str:
    if role not in ROLES:
        raise KBError(f"角色 {role!r} 无效：应为 {'/'.join(ROLES)}。")
    return role


def authenticate(user: dict | None, password: str, ttl_min: int) -> Session:
    if not user or not user.get("active", True) or not verify_password(password, user["pw_hash"]):
        raise AuthError()
    return Session(user["username"], user["role"], time.time() + ttl_min * 60)
