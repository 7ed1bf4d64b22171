"""What every endpoint shares: the JSON response class and the key-and-role dependency."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader

from kb.auth import AREA_ROLES
from kb.errors import AuthError, PermissionDeniedError

API_AREAS: dict[str, set[str]] = {
    "selfcheck": {"applicant", *AREA_ROLES["analytics"], *AREA_ROLES["review"], *AREA_ROLES["admin"]},
    "review": set(AREA_ROLES["review"]),  # submissions, similar, dupes, search: as the review pages
    "analytics": set(AREA_ROLES["analytics"]),  # coverage: as the coverage page
    "ingest": set(AREA_ROLES["admin"]),  # storing submissions: as the admin page's ingest
}
"""Which API key roles may call which endpoints (the page rules of :data:`kb.auth.AREA_ROLES`; an applicant key
only self-checks and never sees a submission)."""

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="`scenario-kb apikey add` 生成的密钥"
)


def _json_default(o: Any) -> Any:
    if hasattr(o, "tolist"):  # numpy scalars and arrays
        return o.tolist()
    if hasattr(o, "to_dict"):
        return o.to_dict()
    if isinstance(o, set | frozenset | tuple):
        return list(o)
    return str(o)


class KBJSONResponse(JSONResponse):
    """JSON that keeps Chinese readable and turns numpy values and records into plain JSON."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=_json_default).encode("utf-8")


def require(area: str) -> Callable[..., dict[str, Any]]:
    """A dependency: the caller's key (``X-API-Key``) is valid, within its rate, and its role may use ``area``."""
    roles = API_AREAS[area]

    def principal(request: Request, key: str | None = Security(api_key_header)) -> dict[str, Any]:
        if not key:
            auth = request.headers.get("authorization", "")
            key = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if not key:
            raise AuthError("缺少 API 密钥：请在请求头 X-API-Key 中提供（`scenario-kb apikey add` 生成）。")
        who = request.app.state.kb.apikeys.authenticate(key)
        request.app.state.limiter.take(who["name"])
        if who["role"] not in roles:
            raise PermissionDeniedError(f"密钥角色 {who['role']} 无权访问此接口。")
        return who

    return principal
