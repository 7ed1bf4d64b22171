"""The FastAPI application: keys and roles, limits, JSON errors with the product's KBxxx codes."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.api.deps import KBJSONResponse
from kb.api.limits import BodyLimit, RateLimiter, error_body
from kb.api.routes import router
from kb.errors import (
    AuthError,
    IngestError,
    KBError,
    LimitExceededError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestError,
    RequestTooLargeError,
    StorageError,
    UnsupportedFormatError,
)

log = logging.getLogger(__name__)

STATUS = (  # most specific first
    (AuthError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (RateLimitError, 429),
    (RequestTooLargeError, 413),
    (LimitExceededError, 413),
    (UnsupportedFormatError, 415),
    (RequestError, 422),
    (IngestError, 422),
    (StorageError, 503),
    (KBError, 400),
)


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return KBJSONResponse(error_body(code, message, status), status_code=status, headers=headers)


WARM_WAIT_S = 300.0
"""How long a starting server waits for its warm workers before it answers anyway."""


def warm_up(kb: Any) -> None:
    """What a server loads before its first request (each step an optimisation: failures are logged): the
    self-check workers and the worker that analyses submitted texts start with their models loaded, while this
    process reads the live index, the reference index, the segmenter and the inbox summaries; then it waits (up to
    ``WARM_WAIT_S``) for the workers, so that its first self-checks find them ready."""
    steps = (
        ("self-check workers", kb.analysis.warm_selfcheck),
        ("analysis worker", kb.analysis.warm_analysis),
        ("similarity index", kb.similarity.engine),
        ("reference index", lambda: kb.similarity.reference_hits("智能制造 场景")),
        ("search", lambda: kb.similarity.search("智能制造", k=1)),
        ("inbox summaries", lambda: kb.analysis.row_summaries(kb.storage.submission_ids())),
        ("self-check workers ready", lambda: kb.analysis.warm_selfcheck(WARM_WAIT_S)),
        ("analysis worker ready", lambda: kb.analysis.warm_analysis(WARM_WAIT_S)),
    )
    for name, step in steps:
        try:
            step()
        except Exception:
            log.exception("warming %s failed", name)


def create_app(
    kb: Any, *, rate_per_min: int = 600, max_body_mb: float | None = None, warm: bool = False
) -> FastAPI:
    """The API over one knowledge base.

    Args:
        kb: a :class:`kb.service.KB`.
        rate_per_min: requests a minute per key, shared by every API worker of the database (``<= 0``: no limit).
        max_body_mb: largest request body; default the KB's ``max_upload_mb`` plus room for form fields.
        warm: run :func:`warm_up` when the server starts, before it answers (``scenario-kb api`` does).
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if warm:
            await run_in_threadpool(warm_up, kb)
        yield
        kb.similarity.flush()  # texts stored since the last published version join the index before exit

    app = FastAPI(
        lifespan=lifespan,
        title="scenario-kb API",
        version="1",
        description='智能制造场景知识库与辅助评审的 HTTP 接口。认证：请求头 `X-API-Key`。错误：`{"error": {"code": "KBxxx"}}`。',
        default_response_class=KBJSONResponse,
    )
    app.state.kb = kb
    app.state.limiter = RateLimiter(rate_per_min, kb)
    limit_mb = float(max_body_mb) if max_body_mb is not None else float(kb.config.max_upload_mb) + 1
    app.add_middleware(BodyLimit, max_bytes=int(limit_mb * 1024 * 1024))

    @app.exception_handler(KBError)
    async def kb_error(_request: Request, exc: KBError) -> JSONResponse:
        status = next(s for cls, s in STATUS if isinstance(exc, cls))
        headers = {"Retry-After": str(math.ceil(getattr(exc, "retry_after", 1)))} if status == 429 else None
        if status == 401:
            headers = {"WWW-Authenticate": "ApiKey"}
        return _error(status, exc.code, exc.args[0], headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()]
        return _error(422, RequestError.code, "请求格式无效：" + "；".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: NotFoundError.code, 401: AuthError.code, 403: PermissionDeniedError.code}.get(
            exc.status_code, RequestError.code if exc.status_code < 500 else KBError.code
        )
        return _error(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected API error")
        return _error(500, KBError.code, f"服务器内部错误（{type(exc).__name__}）：请稍后重试或联系管理员。")

    app.include_router(router)
    return app


def app_from_env() -> FastAPI:
    """The app of one uvicorn worker: the KB of ``SCENARIO_KB_DB`` / ``SCENARIO_KB_CONFIG``, limits from
    ``SCENARIO_KB_API_RATE_PER_MIN``."""
    from kb.service import open_kb

    kb = open_kb()
    kb.storage.ensure_ready()
    rate = int(os.environ.get("SCENARIO_KB_API_RATE_PER_MIN", "600"))
    return create_app(kb, rate_per_min=rate, warm=True)
