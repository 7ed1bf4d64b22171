"""The API keys component: keys per role for the HTTP API (owns the ``api_keys`` table).

A key is ``skb_`` followed by 32 random URL-safe characters; only its SHA-256 digest is stored (a key has enough
entropy that a slow hash adds nothing, and every API request checks one). The key is shown once, when made.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from kb.errors import AuthError, KBError
from kb.models import ROLES
from kb.storage_keys import ApiKeyStore

if TYPE_CHECKING:
    from kb.service import KB

API_ROLES = ("applicant", *ROLES)
"""Roles an API key may have: ``applicant`` may only self-check; the others as for page logins."""


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiKeys:
    """Make, list, revoke and check API keys."""

    def __init__(self, kb: KB) -> None:
        self.kb = kb

    def _store(self) -> ApiKeyStore:
        self.kb.storage.ensure_ready()
        return ApiKeyStore(self.kb.storage)

    def add(self, name: str, role: str) -> str:
        """Make a key called ``name`` with ``role`` (replacing a key of that name). Returns the key itself."""
        name = name.strip()
        if not name or len(name) > 64:
            raise KBError("密钥名称不能为空，且不超过 64 个字符。")
        if role not in API_ROLES:
            raise KBError(f"角色 {role!r} 无效：应为 {'/'.join(API_ROLES)}。")
        key = "skb_" + secrets.token_urlsafe(24)
        self._store().add(name, role, key[:8], key_digest(key))
        return key

    def list(self) -> list[dict[str, Any]]:
        """Every key's name, role, prefix, state and dates (never the key or its digest)."""
        return self._store().list()

    def revoke(self, name: str) -> None:
        if not self._store().revoke(name.strip()):
            raise KBError(f"没有名为 {name!r} 的有效密钥：请用 `scenario-kb apikey list` 查看。")

    def authenticate(self, key: str) -> dict[str, Any]:
        """The active key's ``name`` and ``role``; :class:`kb.errors.AuthError` for an unknown or revoked key."""
        row = self._store().by_hash(key_digest(key.strip())) if key else None
        if row is None or not row["active"]:
            raise AuthError("API 密钥无效或已吊销：请在请求头 X-API-Key 中提供有效密钥。")
        return {"name": row["name"], "role": row["role"]}

    def count_request(self, name: str, per_min: int, now: float | None = None) -> float | None:
        """Count a request of key ``name`` against ``per_min`` requests a minute, across every API worker of this
        database (the counts are in the ``api_rate`` table). Returns ``None`` within the rate, else the seconds
        to wait. The rate is the count of this minute plus the previous minute's weighted by the part of it still
        inside the last 60 seconds (a sliding window)."""
        import time

        now = time.time() if now is None else now
        minute = int(now // 60)
        cur, prev = ApiKeyStore(self.kb.storage).hit(name, minute)
        into = (now % 60) / 60.0
        used = cur + prev * (1.0 - into)
        if used <= per_min:
            return None
        if cur >= per_min or not prev:  # only the next minute helps
            return max(1.0, (1.0 - into) * 60.0)
        return max(1.0, ((1.0 - (per_min - cur) / prev) - into) * 60.0)
