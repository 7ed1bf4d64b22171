"""Users and passwords: bcrypt hashes in the database (or a TOML users file), roles, expiring sessions."""

from __future__ import annotations

import threading
import time
import tomllib
import unicodedata
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


_DUMMY_LOCK = threading.Lock()
_DUMMY_HASH: list[str] = []
MAX_USERNAME = 64


def _dummy_hash() -> str:
    """A real bcrypt hash (same cost as stored ones) checked for unknown users, so that an unknown name takes
    as long to refuse as a wrong password (no user enumeration by timing). Made on the first login attempt,
    whoever it is for, so that even the first answer does not tell the two apart."""
    with _DUMMY_LOCK:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(bcrypt.hashpw(b"no such user", bcrypt.gensalt()).decode("ascii"))
        return _DUMMY_HASH[0]


def validate_username(username: str) -> str:
    """The user name stripped; refused when blank, too long or holding control/format characters."""
    name = (username or "").strip()
    if not name:
        raise KBError("用户名不能为空。")
    if len(name) > MAX_USERNAME:
        raise KBError(f"用户名过长：最多 {MAX_USERNAME} 个字符。")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in name):
        raise KBError("用户名含控制字符或不可见字符：请只用文字、字母、数字和常用符号。")
    return name


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
    """A session for ``user`` when ``password`` is right; :class:`AuthError` otherwise, in the same time whether
    the user exists or not (a dummy hash is checked for an unknown or inactive user)."""
    dummy = _dummy_hash()
    if not user or not user.get("active", True):
        verify_password(password, dummy)
        raise AuthError()
    if not verify_password(password, user["pw_hash"]):
        raise AuthError()
    return Session(user["username"], user["role"], time.time() + ttl_min * 60)
