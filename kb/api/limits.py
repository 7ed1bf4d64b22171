"""Request limits of the HTTP API: body size (ASGI middleware) and requests per minute per key (token bucket)."""

from __future__ import annotations

import json
import threading
import time
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
    """Token bucket per key: ``per_min`` requests a minute on average, bursts up to ``per_min``.

    Kept in the memory of one API worker: with N workers a key gets up to N times the rate (see docs/DEPLOYMENT.md).
    ``per_min <= 0`` turns the limit off.
    """

    def __init__(self, per_min: int) -> None:
        self.per_min = per_min
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> None:
        if self.per_min <= 0:
            return
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.per_min), now))
            tokens = min(float(self.per_min), tokens + (now - last) * self.per_min / 60.0)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) * 60.0 / self.per_min
                raise RateLimitError(
                    f"请求过于频繁（每分钟最多 {self.per_min} 次）：请 {wait:.1f} 秒后再试。"
                )
            self._buckets[key] = (tokens - 1.0, now)
