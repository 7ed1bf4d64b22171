"""Shared pieces of the hostile-input suite: a budgeted analysis runner in a child process, payload atoms.

The bound a test asserts is a budget, not a wall-clock figure: a generated input is analysed in a child process
and the test fails only when that child has not answered within a generous timeout (a backtracking pattern on
these inputs runs for hours; linear work takes seconds).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUDGET_S = 120.0  # per payload, for every pattern and check together; a regression misses it by orders

# Pieces of text that drive backtracking, quadratic scans or recursion in a naive analyser.
ATOMS = [
    "幅度达", "幅度为", "幅度", "达到", "达", "为", "了", "约", "提升", "降低", "下降至", "由", "从", "至",
    "1", "12", "0", ",", ".", "%", "％", "个百分点", "元", "万元", "/", "吨", "元/吨", "单价", "客户包括",
    "# ", "#", "## ", " ", "\t", "\n", "　", "。", "，", "：", "图", "表", "图1", "如图", "【", "】", "（", "一",
    "（一）", "1.", "1.1", "PTC", "SAP", "a", "Z", "|", "实施前", "同比", "较", "效率", "提高", "——",
]  # fmt: skip

_CHILD = r"""
import json, sys
sys.setrecursionlimit(1000)
from nlp import rx
import importlib, pkgutil, re
import kb, nlp
from nlp.checks import check_text
from nlp.metrics import extract_metrics
from nlp.sections import detect_sections

MODULES = []
for pkg in (nlp, kb):
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        if info.name.startswith(("kb.cli", "kb.ingest.worker")):
            continue
        try:
            MODULES.append(importlib.import_module(info.name))
        except Exception:
            pass

def module_patterns():
    out = []
    for mod in MODULES:
        for v in vars(mod).values():
            if isinstance(v, re.Pattern):
                out.append(v)
            elif isinstance(v, list):
                out += [x[1] for x in v if isinstance(x, tuple) and len(x) == 2 and isinstance(x[1], re.Pattern)]
    return out

check_text("企业概况。单价100元/吨，客户包括某某有限公司。", kind="scenario")  # compiles the rule patterns
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    text, what = req["payload"], req["what"]
    n = 0
    if what == "patterns":
        pats = list(rx.REGISTRY.values()) + module_patterns()
        raw = text.encode("utf-8", "surrogatepass")
        for p in pats:
            n += sum(1 for _ in p.finditer(raw if isinstance(p.pattern, bytes) else text))
        n = {"patterns": len(pats), "matches": n}
    elif what == "metrics":
        n = len(extract_metrics(text))
    elif what == "sections":
        n = len(detect_sections(text))
    elif what == "checks":
        n = len(check_text(text, kind="scenario").findings)
    print(json.dumps({"ok": True, "n": n}), flush=True)
"""


class Runner:
    """A child process that analyses payloads on request; :meth:`run` fails on a missed budget."""

    def __init__(self) -> None:
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="surrogatepass",
            env=env,
        )
        assert self._read(300.0) == {"ready": True}

    def _read(self, timeout: float) -> dict | None:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"the analysis child exited (status {self.proc.wait()}); see its stderr")
        return json.loads(line)

    def run(self, what: str, payload: str, budget_s: float = BUDGET_S) -> dict:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"what": what, "payload": payload}) + "\n")
        self.proc.stdin.flush()
        reply = self._read(budget_s)
        if reply is None:
            self.close()
            raise AssertionError(
                f"{what}: no answer within the {budget_s:g} s budget on a {len(payload)}-character payload "
                f"starting {payload[:60]!r} (super-linear analysis?)"
            )
        return reply

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def pdf_with_content(path: Path, content: bytes, *, compress: bool = True) -> Path:
    """A one-page PDF whose page content stream is ``content`` (Flate-compressed unless told otherwise)."""
    import zlib

    data = zlib.compress(content, 9) if compress else content
    filt = b" /Filter /FlateDecode" if compress else b""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d%s >>\nstream\n" % (len(data), filt) + data + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def inflating_pdf(path: Path, inflated_mb: int, unit: bytes = b"0 0 m ") -> Path:
    """A small PDF whose page stream inflates to ``inflated_mb`` MB (compressed incrementally)."""
    import zlib

    c = zlib.compressobj(9)
    chunk = unit * ((1 << 20) // len(unit))
    parts = [c.compress(chunk) for _ in range(inflated_mb)] + [c.flush()]
    data = b"".join(parts)
    pdf_with_content(path, data, compress=False)
    raw = path.read_bytes().replace(
        b"<< /Length %d >>" % len(data), b"<< /Length %d /Filter /FlateDecode >>" % len(data)
    )
    path.write_bytes(raw)
    return path


_W_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps"'
)


def docx_from_body(path: Path, body_xml: str, *, header_xml: str = "") -> Path:
    """A minimal .docx whose ``w:body`` is ``body_xml`` (WordprocessingML, ``w:`` prefix)."""
    import zipfile

    ct = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>'
    )
    doc = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W_NS}><w:body>{body_xml}</w:body></w:document>'
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/document.xml", doc)
    return path


def w_p(text: str) -> str:
    from xml.sax.saxutils import escape

    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
