"""Signed, expiring, revocable login tokens that let a browser keep its login across reloads.

A token is ``base64url(JSON payload) "." base64url(HMAC-SHA256(secret, payload))``. The payload names the user,
the role, the expiry (UNIX time), a random token id (``jti``, for revocation on logout) and a fingerprint of the
user record (role, password hash, active flag): resetting a password, changing a role, deactivating or deleting
the user invalidates every token issued before. Nothing secret is in the payload; it is only signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

TOKEN_MAX_CHARS = 2048


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_secret() -> str:
    """A fresh random signing key (hex)."""
    return secrets.token_hex(32)


def user_fingerprint(user: dict[str, Any]) -> str:
    """A digest of the parts of a user record that, when changed, must end the user's sessions."""
    raw = "\x1f".join(
        str(x)
        for x in (user.get("username"), user.get("role"), user.get("pw_hash"), bool(user.get("active", True)))
    )
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


def _sign(secret: str, body: str) -> str:
    return _b64(hmac.new(secret.encode("utf-8"), body.encode("ascii"), hashlib.sha256).digest())


def make_token(secret: str, username: str, role: str, expires: float, fingerprint: str) -> str:
    """A signed token for ``username`` with ``role`` valid until ``expires`` (UNIX time)."""
    payload = {"u": username, "r": role, "exp": int(expires), "jti": secrets.token_hex(12), "fp": fingerprint}
    body = _b64(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return f"{body}.{_sign(secret, body)}"


def read_token(secret: str, token: str, now: float | None = None) -> dict[str, Any] | None:
    """The payload of a well-signed, unexpired token, else ``None`` (never raises on bad input)."""
    if not token or len(token) > TOKEN_MAX_CHARS or token.count(".") != 1:
        return None
    body, sig = token.split(".")
    try:
        if not hmac.compare_digest(sig, _sign(secret, body)):
            return None
        payload = json.loads(_unb64(body))
    except (ValueError, UnicodeError):
        return None
    if not isinstance(payload, dict) or not {"u", "r", "exp", "jti", "fp"} <= payload.keys():
        return None
    if not isinstance(payload["exp"], int) or payload["exp"] <= (time.time() if now is None else now):
        return None
    return payload
