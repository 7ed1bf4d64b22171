"""Endpoints of ``/api/v1``: each one calls one or two :class:`kb.service.KB` component methods."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

import nlp.rx as rx
from kb.api.deps import KBJSONResponse, require
from kb.errors import IngestError, RequestError
from kb.models import Metadata

router = APIRouter(prefix="/api/v1")
Applicant = Annotated[dict, Depends(require("selfcheck"))]
Reviewer = Annotated[dict, Depends(require("review"))]
Analyst = Annotated[dict, Depends(require("analytics"))]
Ingester = Annotated[dict, Depends(require("ingest"))]

_ANY = {"description": "见 JSON 示例"}
_BOTH = {  # documented request bodies of the endpoints that take pasted text or an uploaded file
    "requestBody": {
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/SelfCheckIn"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "kind": {"type": "string"},
                        "claimed": {"type": "string"},
                    },
                    "required": ["file"],
                }
            },
        }
    }
}


class SelfCheckIn(BaseModel):
    text: str = Field(description="申报材料正文")
    kind: Literal["scenario", "factory"] = "scenario"
    claimed: str | None = Field(None, description="拟申报的场景编号或名称")


_META = TypeAdapter(Metadata)  # the submission metadata record of kb.models, validated as a request body part
_META_FIELDS = frozenset(f.name for f in dataclasses.fields(Metadata))


class SubmissionIn(BaseModel):
    text: str = Field(description="申报材料正文")
    source: str = Field("api", description="来源（文件名或外部系统编号）")
    meta: Metadata = Field(default_factory=Metadata)


def _kb(request: Request) -> Any:
    return request.app.state.kb


async def _body(request: Request, model: type[BaseModel]) -> tuple[BaseModel | None, dict[str, Any]]:
    """A JSON body as ``model``, or a multipart form as ``(None, {"file": (name, bytes), field: value})``."""
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        form = await request.form()
        fields: dict[str, Any] = {}
        for k, v in form.multi_items():
            if hasattr(v, "read"):
                fields["file"] = (Path(v.filename or "upload.txt").name, await v.read())
            else:
                fields[k] = str(v)
        if "file" not in fields:
            raise RequestError("表单中缺少文件字段 file。")
        return None, fields
    try:
        return model.model_validate(json.loads(await request.body())), {}
    except (ValueError, ValidationError) as exc:
        raise RequestError(f"请求体应为 JSON（{model.__name__}）或含 file 的表单：{exc}") from exc


@router.get("/health", tags=["system"])
def health(request: Request) -> dict[str, Any]:
    """Liveness: the database answers (no key needed, nothing about submissions)."""
    kb = _kb(request)
    return {"ok": True, "schema_version": kb.storage.schema_version()}


@router.post("/selfcheck", tags=["applicant"], openapi_extra=_BOTH)
async def selfcheck(request: Request, who: Applicant) -> Any:
    """Check a draft (pasted text, or a .docx/.pdf/.txt/.md file): findings, classification, fit. Nothing is
    stored and no other submission is returned; files are parsed in the bounded worker."""
    model, form = await _body(request, SelfCheckIn)
    kb = _kb(request)
    if model is not None:
        m: Any = model
        res = await run_in_threadpool(kb.analysis.self_check, m.text, None, m.kind, m.claimed)
    else:
        name, data = form["file"]
        kind = form.get("kind") or "scenario"
        res = await run_in_threadpool(kb.analysis.self_check, data, name, kind, form.get("claimed") or None)
    findings = res["errors"] + res["warnings"] + res["infos"]
    res["findings"] = findings
    res["classification"] = {k: res[k] for k in ("fit", "links", "tasks", "off_topic")}
    return res


_UNSAFE_NAME = rx.compile(r"[^\w.\-\u4e00-\u9fff]+")


def _safe_name(name: str) -> str:
    base = _UNSAFE_NAME.sub("_", Path(name).name).strip("._") or "upload"
    return base[:120]


@router.post("/submissions", tags=["submissions"], openapi_extra=_BOTH, status_code=201)
async def add_submission(request: Request, who: Ingester) -> Any:
    """Store a submission (JSON text with metadata, or a file with metadata fields); idempotent by content:
    the same text again answers 200 with the id it already has. Stored and analysed at once; it joins the
    similarity index with the next published version (within ``index_publish_s`` seconds)."""
    model, form = await _body(request, SubmissionIn)
    kb = _kb(request)
    if model is not None:
        m: Any = model
        sid, created = await run_in_threadpool(
            lambda: kb.store.add_text_created(m.text, m.meta.to_dict(), m.source[:200], index_now=False)
        )
        return KBJSONResponse({"id": sid, "created": created}, status_code=201 if created else 200)
    name, data = form["file"]
    meta = _META.validate_python({k: v for k, v in form.items() if k in _META_FIELDS and v != ""})
    with tempfile.TemporaryDirectory(prefix="kb-api-") as tmp:
        path = Path(tmp) / _safe_name(name)
        path.write_bytes(data)
        rep = await run_in_threadpool(
            lambda: kb.store.ingest(
                [path], defaults={k: v for k, v in meta.to_dict().items() if v}, index_now=False
            )
        )
    outcomes = [o.to_dict() if hasattr(o, "to_dict") else dict(o.__dict__) for o in rep.outcomes]
    ids = [o["submission_id"] for o in outcomes if o.get("submission_id")]
    if not ids:
        reason = "；".join(o.get("reason", "") for o in outcomes) or "文件中没有可用正文"
        raise IngestError(name, reason)
    created = any(o.get("status") == "added" for o in outcomes)
    body = {"id": ids[0], "ids": ids, "created": created, "outcomes": outcomes}
    return KBJSONResponse(body, status_code=201 if created else 200)


@router.get("/submissions", tags=["submissions"])
def list_submissions(
    request: Request,
    who: Reviewer,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
    q: str = "",
    kind: str = "",
    region: str = "",
    industry: str = "",
    year: int | None = None,
    status: Annotated[list[str] | None, Query()] = None,
) -> Any:
    """One page of the reviewer inbox (the inbox page's rows)."""
    filters = {"q": q, "kind": kind, "region": region, "industry": industry, "year": year}
    return _kb(request).reviews.inbox(filters, status=status or None, page=page, page_size=page_size)


@router.get("/submissions/{sid}", tags=["submissions"])
def get_submission(request: Request, sid: int, who: Reviewer) -> Any:
    """Everything the detail page shows: the submission, findings, classification, similar texts, decisions."""
    return _kb(request).reviews.submission_report(sid)


@router.get(
    "/submissions/{sid}/dossier.pdf",
    tags=["submissions"],
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def dossier_pdf(request: Request, sid: int, who: Reviewer) -> Response:
    """The review dossier of one submission as a PDF."""
    pdf = _kb(request).reports.dossier_pdf(sid)
    headers = {"Content-Disposition": f'attachment; filename="dossier-{sid}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.get("/similar/{sid}", tags=["similarity"])
def similar(request: Request, who: Reviewer, sid: int, k: Annotated[int, Query(ge=1, le=100)] = 10) -> Any:
    """Stored texts most similar to submission ``sid``, with the shared passages."""
    _kb(request).store.get(sid)  # 404 for an unknown id
    return _kb(request).similarity.similar(sid, k=k)


@router.get("/dupes", tags=["similarity"])
def dupes(
    request: Request,
    who: Reviewer,
    threshold: Annotated[float | None, Query(gt=0, le=1)] = None,
) -> Any:
    """Duplicate families across the knowledge base and the pairs that link them: the stored sweep of the live
    index, or while texts arrive the newest stored one (``stats.stale``) until a background sweep replaces it."""
    return _kb(request).similarity.dupes_served(threshold)


@router.get("/search", tags=["similarity"])
def search(
    request: Request,
    who: Reviewer,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    k: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Any:
    """Keyword + semantic search over submissions and reference entries."""
    return {"query": q, "results": _kb(request).similarity.search(q, k=k)}


@router.get("/coverage", tags=["analytics"])
def coverage(
    request: Request,
    who: Analyst,
    kind: str = "",
    region: str = "",
    year: int | None = None,
    items: Annotated[bool, Query(description="也返回逐条明细")] = False,
) -> Any:
    """Coverage of the reference scenarios by the stored submissions, gaps and quota usage."""
    res = dict(_kb(request).coverage.summary({"kind": kind, "region": region, "year": year}))
    if not items:
        res.pop("items", None)
    return res
