"""Request limits of the HTTP API: body size (ASGI middleware) and requests per minute per key (token bucket)."""

from __future__ import annotations

import json
from typing import Any

from kb.errors import RateLimitError, RequestTooLargeError


def error_body(code: str, message: str, status: int) -> dict[str, Any]:
    """The JSON of every API error: ``{"error": {"code": "KBxxx", "message": ..., "status": ...}}``."""
    return {"error": {"code": code, "message": message, "status": status}}


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413 and code KB016, by Content-Length or while streaming."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: Any) -> None:
        exc = RequestTooLargeError(f"请求体超过 {self.max_bytes // (1024 * 1024)} MB 上限：请删减后再提交。")
        body = json.dumps(error_body(exc.code, exc.args[0], 413), ensure_ascii=False).encode("utf-8")
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(send)
            return
        state = {"seen": 0, "over": False, "started": False}

        async def limited_receive() -> Any:
            msg = await receive()
            if msg["type"] == "http.request":
                state["seen"] += len(msg.get("body", b""))
                if state["seen"] > self.max_bytes:
                    state["over"] = True
                    raise RequestTooLargeError()
            return msg

        async def guarded_send(msg: Any) -> None:
            if state["over"]:  # whatever the app answers to a cut-off body, the answer is 413
                if msg["type"] == "http.response.start" and not state["started"]:
                    state["started"] = True
                    await self._refuse(send)
                return
            state["started"] = state["started"] or msg["type"] == "http.response.start"
            await send(msg)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except RequestTooLargeError:
            if not state["started"]:
                state["started"] = True
                await self._refuse(send)


class RateLimiter:
    """Requests a minute per key, counted in the database (``api_rate``): every API worker of a knowledge base
    shares the same counts, so N workers still give a key ``per_min`` requests a minute, not N times that.

    A sliding window over the counts of this minute and the previous one (see
    :meth:`kb.service.apikeys.ApiKeys.count_request`); one small write per request. ``per_min <= 0`` turns the
    limit off (nothing is counted).
    """

    def __init__(self, per_min: int, kb: Any = None) -> None:
        self.per_min = per_min
        self.kb = kb

    def take(self, key: str) -> None:
        if self.per_min <= 0 or self.kb is None:
            return
        wait = self.kb.apikeys.count_request(key, self.per_min)
        if wait is not None:
            exc = RateLimitError(f"请求过于频繁（每分钟最多 {self.per_min} 次）：请 {wait:.0f} 秒后再试。")
            exc.retry_after = wait  # type: ignore[attr-defined]
            raise exc
