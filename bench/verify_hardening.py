"""Issue 14, item by item: one real attempt per kind of hostile input, through the CLI or the service, on a
fresh temporary knowledge base. Prints a Markdown table row per kind: what was tried, what happens now.

Usage::

    .venv/bin/python bench/verify_hardening.py            # every kind (a few minutes)
    .venv/bin/python bench/verify_hardening.py --only 3   # one kind

Commands that could hang run in a child process under a timeout (a hang is reported as ``HANG``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "hostile"))

BODY = "企业概况：某公司实施了智能排产。实施成效：生产效率提升{n}%，不良品率由2.1%降至0.{n}%。"
TMP = Path(tempfile.mkdtemp(prefix="kb-verify-"))
(TMP / "files").mkdir()


def cli(db: Path, *args: str, timeout: float = 300, stdin: str | None = None) -> tuple[int, str]:
    """``scenario-kb --db DB ARGS`` in a child process; (exit status, output) or (-1, 'HANG')."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        r = subprocess.run(
            [sys.executable, "-m", "kb", "--db", str(db), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            input=stdin,
        )
    except subprocess.TimeoutExpired:
        return -1, "HANG"
    return r.returncode, (r.stdout + r.stderr).strip()


def fresh_db(name: str) -> Path:
    db = TMP / name / "kb.sqlite"
    code, out = cli(db, "--create", "init")
    assert code == 0, out
    return db


def _file(name: str, text: str) -> Path:
    p = TMP / "files" / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def _timed(f: Callable[[], tuple[int, str]]) -> tuple[int, str, float]:
    t0 = time.perf_counter()
    code, out = f()
    return code, out, time.perf_counter() - t0


def k01() -> str:
    p = _file("fill.txt", "提升" + "幅度达" * 40 + "30%")
    code, out, s = _timed(lambda: cli(fresh_db("k01"), "check", str(p), timeout=120))
    return f"`check` of a 120-char repeated phrase: exit {code} in {s:.1f} s"


def k02() -> str:
    db = fresh_db("k02")
    folder = TMP / "k02in"
    folder.mkdir()
    (folder / "fill.txt").write_text("提升" + "幅度达" * 40 + "30%", encoding="utf-8")
    (folder / "ok.txt").write_text(BODY.format(n=1), encoding="utf-8")
    c1, _ = cli(db, "ingest", str(folder), timeout=300)
    later = _file("later.txt", BODY.format(n=2))
    c2, _ = cli(db, "ingest", str(later), timeout=300)
    _, listing = cli(db, "list", "--json")
    return f"batch with it: ingest exit {c1}; a later ingest exit {c2}; {len(json.loads(listing))} stored"


def k03() -> str:
    p = _file("digits.txt", "单价" + "9" * 200_000)
    code, out, s = _timed(lambda: cli(fresh_db("k03"), "check", str(p), timeout=300))
    return f"`check` of 单价 + 200,000 digits: exit {code} in {s:.1f} s"


def k04() -> str:
    db = fresh_db("k04")
    p = _file("hashes.txt", "# " * 5000 + "企业概况\n" + BODY.format(n=3))
    c1, _ = cli(db, "ingest", str(p), timeout=300)
    c2, out = cli(db, "check", "1", timeout=300)
    return f"a line of 5,000 `# `: ingest exit {c1}; `check 1` of the stored row exit {c2}" + (
        "" if "RecursionError" not in out else " (RecursionError!)"
    )


def _docx_answers() -> tuple[str, list[str]]:
    from hostile_util import docx_from_body, w_p

    answers = ["控件答案甲", "嵌套表格乙", "文本框丙", "修订插入丁"]
    body = (
        f"<w:sdt><w:sdtContent>{w_p(answers[0])}</w:sdtContent></w:sdt>"
        f"<w:tbl><w:tr><w:tc>{w_p('外')}<w:tbl><w:tr><w:tc>{w_p(answers[1])}</w:tc></w:tr></w:tbl></w:tc></w:tr>"
        "</w:tbl>"
        "<w:p><w:r><mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><wps:txbx><w:txbxContent>"
        f"{w_p(answers[2])}</w:txbxContent></wps:txbx></w:drawing></mc:Choice></mc:AlternateContent></w:r></w:p>"
        f"<w:p><w:ins w:id='1' w:author='x'><w:r><w:t>{answers[3]}</w:t></w:r></w:ins>"
        "<w:del w:id='2' w:author='x'><w:r><w:delText>已删除戊</w:delText></w:r></w:del></w:p>"
    )
    p = docx_from_body(TMP / "files" / "form.docx", body)
    return str(p), answers


def k05_08() -> str:
    from kb.ingest.docx import read_docx

    p, answers = _docx_answers()
    text, _ = read_docx(Path(p))
    got = [a for a in answers if a in text]
    return (
        f"content control, nested table, text box, tracked insertion: {len(got)}/4 read; "
        f"deletion {'dropped' if '已删除戊' not in text else 'KEPT'}"
    )


def k09() -> str:
    from hostile_util import docx_from_body, w_p

    db = fresh_db("k09")
    folder = TMP / "k09in"
    folder.mkdir()
    for i, who in enumerate(["甲公司", "乙公司"]):
        docx_from_body(folder / f"copy{i}.docx", f"{w_p('申报单位：')}<w:sdt><w:sdtContent>{w_p(who)}"
                       f"{w_p(BODY.format(n=10 + i))}</w:sdtContent></w:sdt>")  # fmt: skip
    code, out = cli(db, "ingest", "--no-analyze", str(folder))
    _, listing = cli(db, "list", "--json")
    return f"two filled copies of one template: {len(json.loads(listing))} stored (exit {code})"


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue()


def _batch(name: str, rows: list[list[str]]) -> str:
    db = fresh_db(name)
    folder = TMP / f"{name}in"
    folder.mkdir()
    (folder / "batch.csv").write_text(_csv(rows), encoding="utf-8")
    code, out = cli(db, "ingest", "--no-analyze", str(folder))
    _, listing = cli(db, "list", "--json")
    return f"exit {code}, {len(json.loads(listing))} of {len(rows) - 1} rows stored"


def k10() -> str:
    rows = [["标题", "年度", "正文"], ["a", "1e400", BODY.format(n=1)], ["b", "2023", BODY.format(n=2)]]
    return "row with 年度 1e400 in a batch: " + _batch("k10", rows)


def k11() -> str:
    db = fresh_db("k11")
    folder = TMP / "k11in"
    folder.mkdir()
    (folder / "bad.txt").write_text(BODY.format(n=4), encoding="utf-8")
    (folder / "bad.txt.meta.json").write_text(json.dumps({"申报单位": "公司\ud800"}), encoding="utf-8")
    (folder / "good.txt").write_text(BODY.format(n=5), encoding="utf-8")
    code, out = cli(db, "ingest", "--no-analyze", str(folder))
    _, listing = cli(db, "list", "--json")
    return f"lone surrogate in a metadata file: exit {code}, {len(json.loads(listing))} of 2 stored"


def k12() -> str:
    rows = [["标题", "正文"], ["long", BODY.format(n=6) * 3000], ["short", BODY.format(n=7)]]
    return "a 正文 cell of ~170,000 chars (> csv's 128 KiB): " + _batch("k12", rows)


def k13() -> str:
    text = (
        "标题,正文\n"
        + 'a,"'
        + BODY.format(n=8)
        + "\n"
        + "\n".join(f"r{i},{BODY.format(n=20 + i)}" for i in range(3))
    )
    db = fresh_db("k13")
    folder = TMP / "k13in"
    folder.mkdir()
    (folder / "q.csv").write_text(text + "\n", encoding="utf-8")
    code, out = cli(db, "ingest", "--no-analyze", str(folder))
    _, listing = cli(db, "list", "--json")
    return f"unterminated quote in row 2 of 4: exit {code}, {len(json.loads(listing))} rows stored separately"


def k14() -> str:
    from hostile_util import inflating_pdf

    from kb.errors import LimitExceededError
    from kb.ingest import read_document

    p = inflating_pdf(TMP / "files" / "bomb.pdf", 512)
    try:
        read_document(p)
        res = "read?!"
    except LimitExceededError as exc:
        res = f"refused ({exc.reason[:40]})"
    return f"{p.stat().st_size / 1e6:.1f} MB PDF inflating to 512 MB: {res} (peak memory: bench_hostile.py)"


def _kb(name: str, **overrides):
    from kb.service import open_kb

    k = open_kb(str(TMP / name / "kb.sqlite"), **overrides)
    k.init()
    return k


def k15() -> str:
    import threading

    from hostile_util import pdf_with_content

    k = _kb("k15")
    slow = pdf_with_content(
        TMP / "files" / "slow.pdf", b"BT /F1 1 Tf 10 10 Td (" + b"a" * 400_000 + b") Tj ET"
    )
    k.analysis.self_check(BODY.format(n=1))
    from kb.ingest.worker import idle_workers

    for _ in range(240):  # a running server has its warm workers: wait for the background top-up
        if idle_workers(int(k.config.selfcheck_memory_mb)) >= 2:
            break
        time.sleep(0.5)
    events: list[str] = []

    def hostile() -> None:
        try:
            k.analysis.self_check(slow.read_bytes(), "slow.pdf")
            events.append("slow ok")
        except Exception as exc:  # noqa: BLE001
            events.append(f"slow {type(exc).__name__}")

    t = threading.Thread(target=hostile)
    t.start()
    time.sleep(1)
    t0 = time.perf_counter()
    k.analysis.self_check(b"\xef\xbb\xbf" + BODY.format(n=2).encode(), "draft.txt")
    events.append(f"other upload answered in {time.perf_counter() - t0:.2f} s")
    t.join()
    return "slow PDF in the self-check, another upload meanwhile: " + ", then ".join(events)


def k16_17() -> str:
    from streamlit.testing.v1 import AppTest

    from app_pages.resources import get_kb

    title, applicant = "![x](http://evil.example/i.png)", "[点我](http://phish.example)"
    folder = TMP / "k16in"
    folder.mkdir()
    (folder / "md.txt").write_text(BODY.format(n=30), encoding="utf-8")
    (folder / "_metadata.csv").write_text(
        _csv([["文件名", "标题", "申报单位"], ["md.txt", title, applicant]]), encoding="utf-8"
    )
    os.environ["SCENARIO_KB_DB"] = str(TMP / "k16" / "kb.sqlite")
    get_kb.clear()
    k = get_kb()
    k.init()
    k.store.ingest([folder], analyze=False)
    k.accounts.add_user("rev", "pw-123456", "reviewer")
    at = AppTest.from_file(str(ROOT / "app_streamlit.py"), default_timeout=120)
    at.session_state["kb_session"] = k.accounts.login("rev", "pw-123456")
    at.run()
    at.switch_page("app_pages/detail.py")
    at.query_params["id"] = str(k.store.list_submissions()[0].id)
    at.run()
    shown: list[str] = []

    def walk(node: object) -> None:  # every element of the page, in columns and containers too
        children = getattr(node, "children", None)
        for c in children.values() if isinstance(children, dict) else []:
            if isinstance(getattr(c, "value", None), str):
                shown.append(c.value)
            walk(c)

    walk(at._tree)
    md = " ".join(shown)
    if "evil" not in md or "phish" not in md:
        return f"the page did not show the 标题/申报单位 (attempt inconclusive; {at.exception})"
    raw = "](http" in md.replace("\\]\\(http", "")
    return (
        f"image/link Markdown in 标题/申报单位 on 申报详情: {'RENDERED' if raw else 'escaped, shown as text'}"
    )


def k18_20() -> str:
    from kb.errors import AuthError

    k = _kb("k18")
    out = []
    for change in ("remove", "demote", "password"):
        k.accounts.add_user("adm", "pw-123456", "admin")
        tok = k.accounts.issue_token(k.accounts.login("adm", "pw-123456"))
        {"remove": lambda: k.accounts.remove_user("adm"),
         "demote": lambda: k.accounts.add_user("adm", "pw-123456", "reviewer"),
         "password": lambda: k.accounts.add_user("adm", "pw-654321", "admin")}[change]()  # fmt: skip
        out.append(f"{change}: {'revoked' if k.accounts.session_from_token(tok) is None else 'KEPT'}")
        if change != "remove":
            k.accounts.remove_user("adm")
    k.accounts.add_user("known", "pw-123456", "reviewer")
    refused = 0
    for _ in range(8):
        try:
            k.accounts.login("known", "wrong")
        except AuthError as exc:
            refused += "稍后" in str(exc) or "秒" in str(exc)
    times = []
    for user in ("known2", "nobody"):
        k.accounts.add_user("known2", "pw-123456", "reviewer") if user == "known2" else None
        t0 = time.perf_counter()
        try:
            k.accounts.login(user, "wrong")
        except AuthError:
            pass
        times.append(1000 * (time.perf_counter() - t0))
    return (
        f"sessions after {', '.join(out)}; 8 wrong passwords: {refused} answered with a wait; "
        f"wrong password {times[0]:.0f} ms vs unknown user {times[1]:.0f} ms"
    )


def k21() -> str:
    db = fresh_db("k21")
    cli(db, "ingest", "--no-analyze", str(_file("r.txt", BODY.format(n=40))))
    before = db.read_bytes()
    c1, o1 = cli(db, "report", "1", "-o", str(db))
    foreign = _file("notes.md", "mine")
    c2, o2 = cli(db, "report", "1", "-o", str(foreign))
    return (
        f"`report 1 -o <db>`: exit {c1}, db {'unchanged' if db.read_bytes() == before else 'CHANGED'}; "
        f"-o onto a foreign file: exit {c2}, {'kept' if foreign.read_text() == 'mine' else 'OVERWRITTEN'}"
    )


def k22_24() -> str:
    typo = TMP / "k22" / "tpyo.sqlite"
    c1, o1 = cli(typo, "list")
    junk = _file("junk.bin", "not a database at all")
    c2, o2 = cli(junk, "list")
    db = fresh_db("k24")
    return (
        f"mistyped --db: exit {c1}, {'not created' if not typo.exists() else 'CREATED'} ({o1.splitlines()[-1][:40]}); "
        f"non-database file: exit {c2}, {len(o2.splitlines())} line, traceback {'yes' if 'Traceback' in o2 else 'no'}; "
        f"new db {oct(stat.S_IMODE(db.stat().st_mode))} in {oct(stat.S_IMODE(db.parent.stat().st_mode))}"
    )


def k25() -> str:
    from kb.upload_names import unique_upload_path

    d = TMP / "k25"
    d.mkdir()
    paths = []
    for i in range(2):
        p = unique_upload_path(d, "申报书.docx")
        p.write_text(str(i))
        paths.append(p)
    return f"two uploads named 申报书.docx: {len({p.name for p in paths})} files kept"


def k26() -> str:
    db = fresh_db("k26")
    folder = TMP / "k26in"
    folder.mkdir()
    (folder / "a\n#99 伪造\x1b[31m.txt").write_text(BODY.format(n=50), encoding="utf-8")
    cli(db, "ingest", "--no-analyze", str(folder))
    code, out = cli(db, "list")
    bad = any(c in out for c in ("\x1b", "\r")) or "\n#99" in out
    return f"file name with newline + ANSI escape in `list`: {'FORGED' if bad else 'control characters stripped'}"


def k27_28() -> str:
    db = fresh_db("k27")
    c1, o1 = cli(db, "user", "add", "   ", "--role", "reviewer", stdin="pw-123456\npw-123456\n")
    c2, o2 = cli(db, "user", "remove", "nobody")
    return f"`user add '   '`: exit {c1}; `user remove nobody`: exit {c2} ({o2.splitlines()[-1][:30]})"


def k29() -> str:
    db = fresh_db("k29")
    p = _file("quota.csv", _csv([["推荐顺序", "申报单位", "项目名称", "类型", "推荐单位"],
                                 ["9" * 5000, "某公司", "项目", "优秀场景", "某省工信厅"]]))  # fmt: skip
    code, out = cli(db, "quota", str(p))
    return f"quota list with a 5,000-digit 推荐顺序: exit {code}, traceback {'yes' if 'Traceback' in out else 'no'}"


def k30() -> str:
    db = fresh_db("k30")
    p = _file("one.txt", "一、工厂建设\n1. 工厂数字化规划设计\n场景描述：利用数字化工具开展规划。\n")
    code, out = cli(db, "reference", "import", str(p), "--kind", "guide", "--edition", "2099", "--yes")
    _, listing = cli(db, "reference", "list")
    active = "2099" in "".join(ln for ln in listing.splitlines() if "当前" in ln or "*" in ln)
    return f"`reference import` of a one-entry file: exit {code}, became the active guide: {'YES' if active else 'no'}"


def k31() -> str:
    from nlp.similarity.align import align

    a = "".join(BODY.format(n=i) for i in range(8))
    return f"a text pasted 8 times against itself: similarity {align(a * 8, a).sim:.3f} (was 1/8)"


def k32() -> str:
    from kb.ingest.docx_walk import __doc__ as doc

    return "headers/footers: " + (
        "left out on purpose (letterheads, page numbers)" if "Headers" in doc else "?"
    )


def k33() -> str:
    from nlp.checks import check_text

    rep = check_text(BODY.format(n=1) * 5000, kind="scenario")
    lim = [f.detail["setting"] for f in rep.findings if f.code == "LIM001"]
    return f"a 165,000-char text: checks over budget say so ({', '.join(lim)})"


def k34() -> str:
    return "hostile self-check beside a normal one: see `bench/bench_hostile.py --case selfcheck_parallel`"


KINDS: list[tuple[str, Callable[[], str]]] = [
    ("1 regex blow-up (repeated phrase)", k01), ("2 hang in a batch, later ingests", k02),
    ("3 digit run (quadratic)", k03), ("4 `# ` line (RecursionError)", k04),
    ("5–8 Word content controls, nested tables, text boxes, insertions", k05_08),
    ("9 filled copies of one template", k09), ("10 out-of-range 年度", k10), ("11 lone surrogate", k11),
    ("12 CSV cell over csv's limit", k12), ("13 unterminated quote", k13), ("14 PDF inflate bomb", k14),
    ("15 slow PDF in the self-check", k15), ("16–17 Markdown image/link on 申报详情", k16_17),
    ("18–20 sessions, throttling, user enumeration", k18_20), ("21 `report -o` onto the database", k21),
    ("22–24 mistyped --db, foreign file, permissions", k22_24), ("25 same-name uploads", k25),
    ("26 control characters in names", k26), ("27–28 blank user name, removing an unknown user", k27_28),
    ("29 5,000-digit 推荐顺序", k29), ("30 one-entry reference import", k30), ("31 text pasted k times", k31),
    ("32 headers/footers", k32), ("33 check size budgets", k33), ("34 huge self-check vs other users", k34),
]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="kind number prefix, e.g. 14")
    args = ap.parse_args()
    print("| kind | what happens now |\n|---|---|")
    for name, fn in KINDS:
        if args.only and not name.startswith(args.only):
            continue
        try:
            res = fn()
        except Exception as exc:  # noqa: BLE001 - a failed attempt is a finding, reported in the table
            res = f"ATTEMPT FAILED: {type(exc).__name__}: {str(exc)[:120]}"
        print(f"| {name} | {res} |", flush=True)


if __name__ == "__main__":
    main()
