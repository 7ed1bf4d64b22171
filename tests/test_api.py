"""The HTTP API against the real app and a real database: keys and roles, the endpoints, limits, JSON errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sample_texts import BASE, FACTORY, XSS

from kb.api import create_app

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo" / "submissions"


@pytest.fixture()
def api(kb):
    """A client of the real app over the test KB, with one key per role and three stored submissions."""
    client = TestClient(create_app(kb, rate_per_min=0))
    keys = {role: kb.apikeys.add(f"k-{role}", role) for role in ("applicant", "reviewer", "analyst", "admin")}
    ids = [
        kb.store.add_text(BASE.format(co="甲公司"), {"title": "甲", "region": "浙江省", "year": 2022}),
        kb.store.add_text(BASE.format(co="乙公司"), {"title": "乙", "region": "江苏省", "year": 2022}),
        kb.store.add_text(FACTORY.format(co="丙公司"), {"title": "丙", "kind": "factory", "year": 2022}),
    ]
    client.keys, client.ids, client.kb = keys, ids, kb

    def call(method: str, url: str, role: str | None, **kw):
        headers = {"X-API-Key": keys[role]} if role else {}
        return client.request(method, url, headers=headers, **kw)

    client.call = call
    return client


def _err(resp, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()["error"]
    assert body["code"] == code and body["status"] == status and body["message"]


def test_keys_are_stored_hashed_and_revocable(api, run_cli, db_path, backend):
    out = run_cli("apikey", "add", "filing-system", "--role", "admin").output
    key = re.search(r"skb_[\w-]+", out).group(0)
    assert key.startswith("skb_") and len(key) > 30
    if backend == "sqlite":
        assert key.encode() not in db_path.read_bytes()
    listed = run_cli("apikey", "list", "--json").output
    assert "filing-system" in listed and key not in listed and key[:8] in listed
    ok = api.get("/api/v1/coverage", headers={"X-API-Key": key})
    assert ok.status_code == 200
    assert api.get("/api/v1/coverage", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    run_cli("apikey", "revoke", "filing-system")
    _err(api.get("/api/v1/coverage", headers={"X-API-Key": key}), 401, "KB030")
    assert "已吊销" in run_cli("apikey", "list").output


def test_missing_or_wrong_key_is_401_json(api):
    _err(api.get("/api/v1/search", params={"q": "追溯"}), 401, "KB030")
    _err(api.get("/api/v1/search", params={"q": "追溯"}, headers={"X-API-Key": "skb_nope"}), 401, "KB030")


def test_applicant_key_self_checks_and_sees_no_submission(api):
    before = api.kb.store.count()
    r = api.call("POST", "/api/v1/selfcheck", "applicant", json={"text": XSS})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["findings"] and {"fit", "tasks", "off_topic"} <= set(body["classification"])
    assert body["fit"] == body["classification"]["fit"] and body["fit"][0]["code"]
    assert api.kb.store.count() == before  # nothing stored
    assert all("id" not in hit or hit.get("code") for hit in body["reference"])  # reference entries only
    sid = api.ids[0]
    for method, url in (
        ("GET", f"/api/v1/submissions/{sid}"),
        ("GET", f"/api/v1/submissions/{sid}/dossier.pdf"),
        ("GET", f"/api/v1/similar/{sid}"),
        ("GET", "/api/v1/submissions"),
        ("GET", "/api/v1/dupes"),
        ("GET", "/api/v1/search?q=追溯"),
        ("GET", "/api/v1/coverage"),
        ("POST", "/api/v1/submissions"),
    ):
        _err(api.call(method, url, "applicant", json={"text": "x"}), 403, "KB031")


def test_selfcheck_of_files_goes_through_the_readers(api):
    docx = next(DEMO.glob("*.docx"))
    r = api.call(
        "POST", "/api/v1/selfcheck", "applicant", files={"file": (docx.name, docx.read_bytes())}, data={}
    )
    assert r.status_code == 200, r.text
    assert len(r.json()["text"]) > 200 and r.json()["findings"] is not None
    bad = api.call("POST", "/api/v1/selfcheck", "applicant", files={"file": ("a.exe", b"MZ\x00\x01")})
    _err(bad, 415, "KB011")
    broken = api.call("POST", "/api/v1/selfcheck", "applicant", files={"file": ("a.docx", b"not a zip")})
    assert broken.status_code in (413, 415, 422) and broken.json()["error"]["code"].startswith("KB01")
    _err(api.call("POST", "/api/v1/selfcheck", "applicant", json={"txt": "x"}), 422, "KB005")
    _err(api.call("POST", "/api/v1/selfcheck", "applicant", json={"text": "   "}), 400, "KB000")


def test_ingest_is_idempotent_by_content(api):
    text = BASE.format(co="丁公司")
    r1 = api.call("POST", "/api/v1/submissions", "admin", json={"text": text, "meta": {"title": "丁"}})
    assert r1.status_code == 201 and r1.json()["created"] is True
    r2 = api.call("POST", "/api/v1/submissions", "admin", json={"text": text, "source": "again"})
    assert r2.status_code == 200 and r2.json() == {"id": r1.json()["id"], "created": False}
    f = api.call(
        "POST",
        "/api/v1/submissions",
        "admin",
        files={"file": ("戊.txt", FACTORY.format(co="戊公司").encode("utf-8"))},
        data={"year": "2023", "region": "山东省"},
    )
    assert f.status_code == 201, f.text
    sub = api.kb.store.get(f.json()["id"])
    assert sub.source == "戊.txt" and sub.meta.year == 2023 and sub.meta.region == "山东省"
    again = api.call("POST", "/api/v1/submissions", "admin", files={"file": ("x.txt", sub.text.encode())})
    assert again.status_code == 200 and again.json()["id"] == sub.id and again.json()["created"] is False
    _err(api.call("POST", "/api/v1/submissions", "reviewer", json={"text": text}), 403, "KB031")


def test_reviewer_endpoints_give_the_pages_answers(api):
    a, b, _c = api.ids
    r = api.call("GET", f"/api/v1/submissions/{a}", "reviewer")
    assert r.status_code == 200
    page = api.kb.reviews.submission_report(a)  # what the detail page shows
    body = r.json()
    assert body["submission"]["text"] == page["submission"]["text"]
    assert [f["code"] for f in body["check"]["findings"]] == [f["code"] for f in page["check"]["findings"]]
    assert [m["id"] for m in body["similar"]] == [m["id"] for m in page["similar"]] and b in [
        m["id"] for m in body["similar"]
    ]
    sim = api.call("GET", f"/api/v1/similar/{a}?k=5", "reviewer").json()
    assert sim["matches"][0]["id"] == b and sim["overall"] > 0.5
    pdf = api.call("GET", f"/api/v1/submissions/{a}/dossier.pdf", "reviewer")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    fams = api.call("GET", "/api/v1/dupes", "reviewer").json()["families"]
    assert any({a, b} <= {m["id"] for m in f["members"]} for f in fams)
    hits = api.call("GET", "/api/v1/search", "reviewer", params={"q": "追溯码"}).json()["results"]
    assert {h["id"] for h in hits if h["type"] == "submission"} >= {a, b}
    inbox = api.call("GET", "/api/v1/submissions", "reviewer", params={"region": "浙江省"}).json()
    assert inbox["total"] == 1 and inbox["rows"][0]["id"] == a
    _err(api.call("GET", "/api/v1/submissions/9999", "reviewer"), 404, "KB004")
    _err(api.call("GET", "/api/v1/similar/9999", "reviewer"), 404, "KB004")
    _err(api.call("GET", "/api/v1/submissions/abc", "reviewer"), 422, "KB005")


def test_analyst_sees_coverage_only(api):
    cov = api.call("GET", "/api/v1/coverage", "analyst")
    assert cov.status_code == 200 and "gaps" in cov.json() and "items" not in cov.json()
    assert len(api.call("GET", "/api/v1/coverage?items=true", "analyst").json()["items"]) >= 3
    _err(api.call("GET", f"/api/v1/submissions/{api.ids[0]}", "analyst"), 403, "KB031")


def test_request_size_and_rate_limits(kb):
    key = kb.apikeys.add("small", "admin")
    client = TestClient(create_app(kb, rate_per_min=3, max_body_mb=0.01))
    h = {"X-API-Key": key}
    big = {"text": "字" * 20_000}
    _err(client.post("/api/v1/selfcheck", json=big, headers=h), 413, "KB016")

    def chunks():
        for _ in range(10):
            yield ("字" * 1000).encode()

    streamed = client.post("/api/v1/selfcheck", content=chunks(), headers={**h, "content-type": "text/plain"})
    _err(streamed, 413, "KB016")
    # 3 a minute: the streamed request took one, two more pass, the next is refused
    assert [client.get("/api/v1/coverage", headers=h).status_code for _ in range(2)] == [200, 200]
    limited = client.get("/api/v1/coverage", headers=h)
    _err(limited, 429, "KB032")
    assert limited.headers["retry-after"]


def test_the_rate_limit_is_shared_by_the_workers_of_one_database(kb, db_target):
    from kb.service import open_kb

    key = kb.apikeys.add("busy", "reviewer")
    h = {"X-API-Key": key}
    # two workers: two apps, each with its own KB object (as two uvicorn processes have), one database
    one = TestClient(create_app(kb, rate_per_min=4))
    two = TestClient(create_app(open_kb(db_target), rate_per_min=4))
    got = [c.get("/api/v1/submissions", headers=h).status_code for c in (one, two, one, two)]
    assert got == [200, 200, 200, 200]
    refused = two.get("/api/v1/submissions", headers=h)  # the 5th in a minute, whichever worker answers
    _err(refused, 429, "KB032")
    assert int(refused.headers["retry-after"]) >= 1
    other = kb.apikeys.add("quiet", "reviewer")  # per key: another key is not affected
    assert one.get("/api/v1/submissions", headers={"X-API-Key": other}).status_code == 200


def test_docs_and_unknown_routes(api):
    assert api.get("/docs").status_code == 200
    spec = api.get("/openapi.json").json()
    assert {"/api/v1/selfcheck", "/api/v1/submissions", "/api/v1/search", "/api/v1/coverage"} <= set(
        spec["paths"]
    )
    _err(api.get("/api/v1/nothing"), 404, "KB004")
    assert api.get("/api/v1/health").json()["ok"] is True
