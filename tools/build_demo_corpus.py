"""Build the fictional demo corpus under ``data/demo/``.

Every company, person and figure in the corpus is invented. This module is code only: the companies,
the list of submissions, the hand-written content blocks, the phrasing alternatives and the README prose
live in ``data/demo/generator/`` (TOML; the leading ``_`` of each file keeps it out of ingestion). The
scenario and task names come from the shipped 2021 editions (``data/scenario_guide_2021/entries.csv``,
``data/factory_tasks_2021/entries.csv``). Choices are made with seeded random generators, so the output
is deterministic: running the script twice gives byte-identical .txt/.md/.csv/.json files and .docx/.xlsx
files with identical text (zip timestamps differ).

Usage::

    python tools/build_demo_corpus.py            # writes data/demo/
    python tools/build_demo_corpus.py --out DIR  # writes elsewhere (tests use this)
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root: nlp/

# 字数 of the manifest: the product's own rule (nlp/count.py, documented in docs/checks.md), so that the
# manifest and the checks never disagree on what a text's length is.
from nlp.count import count_zishu  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "demo"
GEN_DATA = ROOT / "data" / "demo" / "generator"
SEED = "scenario-kb-demo-2021"


def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads((GEN_DATA / name).read_text(encoding="utf-8"))


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------------------
# Reference lists: the shipped 2021 editions
# --------------------------------------------------------------------------------------

#: code -> (scenario name, 环节 name)
SCENARIOS: dict[str, tuple[str, str]] = {
    r["code"]: (r["name"], r["link"])
    for r in _csv_rows(ROOT / "data" / "scenario_guide_2021" / "entries.csv")
}
#: code -> task name
TASKS: dict[str, str] = {
    r["code"]: r["name"] for r in _csv_rows(ROOT / "data" / "factory_tasks_2021" / "entries.csv")
}

#: Finding codes the checks implement; ``weak`` in the manifest uses only these.
FINDING_CODES = (
    "LEN001", "LEN002", "STR001", "QNT001", "QNT003", "VAG001",
    "BOI001", "ELM001", "SEC001", "CON001", "FIG001", "CLS001",
)  # fmt: skip

PHRASES = _toml("_phrases.toml")
SAY: dict[str, str | list[str]] = PHRASES["say"]  # a list: alternatives, one picked
VOCAB: dict[str, Any] = PHRASES["vocab"]
KPI_WORDS: dict[str, list[str]] = PHRASES["kpi"]
#: Sentences that many unrelated submissions legitimately share (not a family).
TEMPLATE_SENTENCES: dict[str, str] = PHRASES["template_sentences"]
HEADS: dict[str, list[str]] = PHRASES["scenario_headings"]
F_HEADS: dict[str, list[str]] = PHRASES["factory_headings"]
SUB: dict[str, Any] = PHRASES["sub_headings"]
HONOURS: list[str] = VOCAB["honours"]
BASE_SYSTEMS: list[str] = VOCAB["base_systems"]
TIME_UNITS = tuple(VOCAB["time_units"])
ELEM_LABELS: list[list[str]] = VOCAB["element_labels"]

# --------------------------------------------------------------------------------------
# Companies (all invented) and submissions
# --------------------------------------------------------------------------------------


@dataclass
class Company:
    """An invented applicant."""

    key: str
    full: str
    short: str
    region: str
    region_type: str
    place: str
    industry: str
    biz: str
    founded: int
    staff: int
    rd: int
    revenue: str
    patents: int

    @property
    def location(self) -> str:
        """Where the company sits, as written in the 企业概况."""
        if self.region_type == "中央企业":
            return self.place
        return self.region + self.place


COMPANIES: dict[str, Company] = {k: Company(key=k, **v) for k, v in _toml("_companies.toml").items()}


@dataclass
class Spec:
    """One submission to generate."""

    sid: str
    company: str
    kind: str  # scenario | factory
    claimed: str  # G21-NN or T21-NN
    true: list[str]
    year: int
    fmt: str  # docx | txt-gbk | txt | md | xlsx
    weak: list[str] = field(default_factory=list)
    block: str = ""  # content block id (defaults to sid)
    family: str | None = None
    role: str | None = None
    source: str | None = None  # sid of the family original
    misclaimed: bool = False
    off_topic: bool = False
    skip: tuple[str, ...] = ()  # canonical parts left out
    table: bool = False  # docx: results as a table
    heading_style: int | None = None
    mini: bool = False  # the very short text: one or two sentences per part
    evasion: bool = False  # light_edit done with evasion tricks (spacing, homoglyphs, full-width digits)


def _spec(d: dict[str, Any]) -> Spec:
    d = dict(d)
    d.setdefault("company", d["sid"])
    d.setdefault("block", d["sid"])
    d["fmt"] = d.pop("format")
    d["skip"] = tuple(d.get("skip", ()))
    return Spec(**d)


SPECS: list[Spec] = [_spec(d) for d in _toml("_submissions.toml")["submissions"]]

# --------------------------------------------------------------------------------------
# Content blocks
# --------------------------------------------------------------------------------------


def load_blocks() -> dict[str, dict[str, list[str]]]:
    """The hand-written content blocks: block id -> key -> values (a single value becomes a list of one)."""
    blocks: dict[str, dict[str, list[str]]] = {}
    for name in ("_content_scenarios.toml", "_content_factories.toml"):
        for bid, b in _toml(name).items():
            if bid in blocks:
                raise ValueError(f"content block {bid} defined twice")
            blocks[bid] = {k: (v if isinstance(v, list) else [v]) for k, v in b.items()}
    return blocks


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------

CN_NUM = "一二三四五六七八九十"


@dataclass
class Item:
    """One element of a rendered document."""

    kind: str  # heading | para | table
    text: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)


class Ctx:
    """Rendering context: company, per-section seeded choices, paraphrase flip."""

    def __init__(self, spec: Spec, company: Company, *, flip: bool = False, seed_id: str = ""):
        self.spec = spec
        self.co = company
        self.flip = flip
        self.seed_id = seed_id or spec.sid
        self.year = spec.year

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{SEED}:{self.seed_id}:{part}")

    def pick(self, rng: random.Random, alts: list[str]) -> str:
        i = rng.randrange(len(alts))
        if self.flip:
            i = (i + 1) % len(alts)
        return alts[i]

    def say(self, rng: random.Random, key: str, **fields: Any) -> str:
        """One of the phrasings ``key`` of ``_phrases.toml`` [say], filled with ``fields``."""
        alts = SAY[key]
        return (alts if isinstance(alts, str) else self.pick(rng, alts)).format(**fields)

    def fill(self, s: str) -> str:
        return s.replace("{co}", self.co.short).replace("{full}", self.co.full)


def _end(s: str) -> str:
    s = s.strip()
    return s if s.endswith(("。", "！", "？", "”", "：")) else s.rstrip("；;，,") + "。"


def _bare(s: str) -> str:
    return s.strip().rstrip("。；;，,")


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _fmt_pct(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def kpi_sentence(k: str, rng: random.Random, ctx: Ctx) -> str:
    """Render one KPI line ``name|unit|before|after[|lie]`` or ``name|up|pct``."""
    f = k.split("|")
    name, unit = f[0], f[1]
    if unit in ("up", "down"):
        verb = ctx.pick(rng, KPI_WORDS["pct_up"] if unit == "up" else KPI_WORDS["pct_down"])
        return f"{name}{verb}{f[2]}%"
    b, a = f[2], f[3]
    lie = len(f) > 4 and f[4] == "lie"
    down = _num(a) < _num(b) or lie
    u = unit if unit != "-" else ""
    if down:
        verbs = KPI_WORDS["to_shorter"] if u in TIME_UNITS else KPI_WORDS["to_lower"]
    else:
        verbs = KPI_WORDS["to_higher"]
    verb = ctx.pick(rng, verbs)
    if u == "%":
        diff = abs(_num(a) - _num(b))
        tail = ctx.pick(rng, KPI_WORDS["points"])
        word = "下降" if down else "提高"
        return f"{name}由{b}%{verb}{a}%，{word}{_fmt_pct(diff)}{tail}"
    rel = abs(_num(a) - _num(b)) / _num(b) * 100
    word = ctx.pick(rng, KPI_WORDS["rel_down"]) if down else ctx.pick(rng, KPI_WORDS["rel_up"])
    return f"{name}由{b}{u}{verb}{a}{u}，{word}{_fmt_pct(rel)}%"


def kpi_row(k: str) -> list[str]:
    f = k.split("|")
    if f[1] in ("up", "down"):
        return [f[0], "—", "—", ("+" if f[1] == "up" else "-") + f[2] + "%"]
    u = "" if f[1] == "-" else f[1]
    b, a = _num(f[2]), _num(f[3])
    if u == "%":
        ch = f"{a - b:+.1f}个百分点"
    else:
        ch = f"{(a - b) / b * 100:+.1f}%"
    if len(f) > 4 and f[4] == "lie":
        ch = ch.replace("+", "-")
    return [f[0], f"{f[2]}{u}", f"{f[3]}{u}", ch]


def h1(ctx: Ctx, idx: int, title: str, style: int) -> Item:
    if style == 1:
        t = f"【{title}】"
    elif style == 2:
        t = f"{idx}. {title}"
    else:
        t = f"{CN_NUM[idx - 1]}、{title}"
    return Item("heading", t, 1)


def h2(ctx: Ctx, i1: int, idx: int, title: str, style: int) -> Item:
    if style == 2:
        t = f"{i1}.{idx} {title}"
    elif style == 3:
        t = f"{idx}. {title}"
    else:
        t = f"（{CN_NUM[idx - 1]}）{title}"
    return Item("heading", t, 2)


def overview(ctx: Ctx, b: dict[str, list[str]], *, mini: bool = False) -> list[str]:
    """Company overview sentences."""
    r = ctx.rng("overview")
    c = ctx.co
    facts = {
        k: getattr(c, k) for k in ("full", "short", "region", "founded", "biz", "staff", "rd", "revenue")
    }
    out = [
        ctx.say(r, "founded", location=c.location, **facts),
        ctx.say(r, "staff", py=ctx.year - 1, **facts),
    ]
    if c.region_type == "中央企业":
        out.insert(1, ctx.say(r, "group", **facts))
    if mini:
        return out
    hs = r.sample(HONOURS, 2)
    out.append(ctx.say(r, "honours", h1=hs[0], h2=hs[1], patents=c.patents, **facts))
    dy = max(c.founded + 2, r.randint(2013, 2018))
    inv = f"{max(0.3, float(c.revenue) * r.uniform(0.03, 0.1)):.1f}"
    base = "、".join(sorted(r.sample(BASE_SYSTEMS, 3), key=BASE_SYSTEMS.index))
    out.append(ctx.say(r, "digital_invest", year=dy, invest=inv, systems=base, **facts))
    out.extend(ctx.fill(x) for x in b.get("overview", []))
    return out


def _count_word(n: int) -> str:
    return "两" if n == 2 else CN_NUM[n - 1]


def pains(ctx: Ctx, b: dict[str, list[str]]) -> list[Item]:
    r = ctx.rng("pain")
    c = ctx.co
    site = b.get("site", ["生产现场"])[0]
    out: list[Item] = [Item("para", g) for g in b.get("pasted", [])]
    intro = ctx.say(r, "pain_intro", site=site, short=c.short)
    ps = [ctx.fill(p) for p in b.get("pains", [])]
    site = site.split("（")[0]
    if not ps:
        return out + [Item("para", intro)]
    mode = r.randrange(2)
    lead = ctx.say(r, "pain_lead", site=site, short=c.short, n=_count_word(len(ps)))
    if mode == 0:
        body = "；".join(f"{CN_NUM[i]}是{_bare(p)}" for i, p in enumerate(ps)) + "。"
        out.append(Item("para", intro))
        out.append(Item("para", lead + body))
    else:
        conn = VOCAB["pain_connectors"]
        out.append(Item("para", intro + lead.rstrip("：") + "。"))
        out.append(Item("para", "".join(conn[min(i, 3)] + _end(p) for i, p in enumerate(ps))))
    tech = _first(b, "tech")
    if tech:
        out.append(Item("para", ctx.say(r, "pain_answer", short=c.short, tech=tech, site=site)))
    return out


def _first(b: dict[str, list[str]], key: str) -> str:
    """First item of an enumerated element line (``A、B、C`` -> ``A``)."""
    if not b.get(key):
        return ""
    return re.split(r"[、，,；]", b[key][0])[0].strip()


def elements(ctx: Ctx, b: dict[str, list[str]], style: int, r: random.Random) -> list[Item]:
    keys = ["tech", "equipment", "software", "data", "people"]
    vals = [ctx.fill(b[k][0]) if b.get(k) else "" for k in keys]
    if not any(vals):
        return []
    labels = ELEM_LABELS[r.randrange(len(ELEM_LABELS))]
    mode = r.randrange(3)
    out: list[Item] = []
    if mode == 0:
        for i, (lab, v) in enumerate(zip(labels, vals, strict=True)):
            if v:
                num = f"（{i + 1}）" if style == 2 else f"{i + 1}. "
                out.append(Item("para", f"{num}{lab}：{_end(v)}"))
    elif mode == 1:
        for lab, v in zip(labels, vals, strict=True):
            if v:
                out.append(Item("para", f"【{lab}】{_end(v)}"))
    else:
        parts = [f"{lab}方面，{_bare(v)}" for lab, v in zip(labels, vals, strict=True) if v]
        out.append(Item("para", "；".join(parts) + "。"))
    return out


def methods(ctx: Ctx, b: dict[str, list[str]]) -> list[Item]:
    r = ctx.rng("impl")
    out: list[Item] = []
    start = b.get("start", [""])[0]
    go = b.get("go_live", [""])[0]
    inv = b.get("invest", [""])[0]
    if start and go and inv:
        out.append(Item("para", ctx.say(r, "schedule", start=start, go=go, invest=inv)))
    phases = _phases(start, go)
    if phases:
        a, m1, m2, z = phases
        out.append(Item("para", ctx.say(r, "phases", short=ctx.co.short, a=a, m1=m1, m2=m2, z=z)))
    ms = [ctx.fill(m) for m in b.get("methods", [])]
    mode = r.randrange(2)
    if mode == 0 or len(ms) > 4:
        out.extend(Item("para", _end(m)) for m in ms)
    else:
        conn = VOCAB["method_connectors"]
        if len(ms) == 2:
            conn = VOCAB["method_connectors_2"]
        elif len(ms) == 3:
            conn = VOCAB["method_connectors_3"]
        out.append(Item("para", "".join(conn[i] + _end(m) for i, m in enumerate(ms))))
    return out


def _phases(start: str, go: str) -> tuple[str, str, str, str] | None:
    """Split ``start``..``go`` (``2019年11月``) into three phases of equal length."""
    ma = re.fullmatch(r"(\d{4})年(\d{1,2})月", start)
    mz = re.fullmatch(r"(\d{4})年(\d{1,2})月", go)
    if not ma or not mz:
        return None
    a = int(ma.group(1)) * 12 + int(ma.group(2)) - 1
    z = int(mz.group(1)) * 12 + int(mz.group(2)) - 1
    if z - a < 4:
        return None

    def ym(v: int) -> str:
        return f"{v // 12}年{v % 12 + 1}月"

    return ym(a), ym(a + (z - a) // 3), ym(a + 2 * (z - a) // 3), ym(z)


def results(ctx: Ctx, b: dict[str, list[str]], table: bool) -> list[Item]:
    r = ctx.rng("result")
    out: list[Item] = []
    ks = b.get("kpis", [])
    go = b.get("go_live", ["上线"])[0]
    short = ctx.co.short
    if not ks:
        ws = [ctx.fill(w) for w in b.get("results_vague", [])]
        out.append(Item("para", "".join(_end(w) for w in ws)))
        return out
    months = r.randint(6, 12)
    intro = ctx.say(r, "results_intro", months=months, short=short, go=go)
    if table:
        out.append(Item("para", intro))
        rows = [VOCAB["results_table_head"]] + [kpi_row(k) for k in ks]
        out.append(Item("table", rows=rows))
    else:
        sents = [kpi_sentence(k, r, ctx) for k in ks]
        mode = r.randrange(2)
        if mode == 0:
            out.append(Item("para", intro + "；".join(sents) + "。"))
        else:
            out.append(Item("para", intro))
            out.append(Item("para", "".join(f"{CN_NUM[i]}是{s}。" for i, s in enumerate(sents))))
    for x in b.get("results_extra", []):
        out.append(Item("para", _end(ctx.fill(x))))
    sw = _first(b, "software")
    if sw:
        out.append(Item("para", ctx.say(r, "results_source", system=sw, short=short)))
    if b.get("benefit") and b.get("invest"):
        payback = _num(b["invest"][0]) / _num(b["benefit"][0])
        out.append(Item("para", ctx.say(r, "benefit_payback", benefit=b["benefit"][0], payback=payback)))
    elif b.get("benefit"):
        out.append(Item("para", ctx.say(r, "benefit", benefit=b["benefit"][0])))
    return out


def value(ctx: Ctx, b: dict[str, list[str]], tpls: list[str]) -> list[Item]:
    r = ctx.rng("value")
    out = [Item("para", "".join(_end(ctx.fill(v)) for v in b.get("value", [])))]
    n = b.get("spread_to", [""])[0]
    if n:
        out.append(Item("para", ctx.say(r, "spread", short=ctx.co.short, where=n, industry=ctx.co.industry)))
    extra = [TEMPLATE_SENTENCES[t] for t in tpls if t in ("T2", "T3")]
    if extra:
        out.append(Item("para", "".join(extra)))
    return out


def template_choice(spec: Spec) -> list[str]:
    """Which shared template sentences a submission carries (deterministic)."""
    if spec.role not in (None, "original") or spec.off_topic or spec.mini:
        return []
    r = random.Random(f"{SEED}:tpl:{spec.sid}")
    out = [t for t, p in (("T1", 0.4), ("T2", 0.35), ("T3", 0.35)) if r.random() < p]
    if "SEC001" in spec.weak:
        out = [t for t in out if t != "T2"]
    if spec.kind == "factory" and "SEC001" not in spec.weak and "T2" not in out:
        out.append("T2")
    return out


def render_scenario(
    ctx: Ctx, b: dict[str, list[str]], impl_from: tuple[Ctx, dict] | None = None
) -> list[Item]:
    """Render a 优秀场景 text as items."""
    spec = ctx.spec
    r = ctx.rng("headings")
    style = spec.heading_style if spec.heading_style is not None else r.randrange(4)
    if spec.fmt == "docx" and style == 1:
        style = 0
    heads = {k: ctx.pick(r, v) for k, v in HEADS.items()}
    tpls = template_choice(spec)
    items: list[Item] = []
    if b.get("title"):
        items.append(Item("heading", ctx.fill(b["title"][0]), 0))
    idx = 0
    if "overview" not in spec.skip:
        idx += 1
        items.append(h1(ctx, idx, heads["overview"], style))
        items.append(Item("para", "".join(overview(ctx, b))))
    if "pain" not in spec.skip:
        idx += 1
        items.append(h1(ctx, idx, heads["pain"], style))
        items.extend(pains(ctx, b))
    idx += 1
    items.append(h1(ctx, idx, heads["impl"], style))
    impl_start = len(items)
    ictx, ib = impl_from if impl_from else (ctx, b)
    ir = ictx.rng("impl-heads")
    el = elements(ictx, ib, style, ir)
    if el or ib.get("process"):
        items.append(h2(ctx, idx, 1, ctx.pick(r, SUB["method"]), style))
    items.extend(methods(ictx, ib))
    if "T1" in tpls:
        items.append(Item("para", TEMPLATE_SENTENCES["T1"]))
    if el:
        items.append(h2(ctx, idx, 2, ctx.pick(r, SUB["elements"]), style))
        items.extend(el)
    if ib.get("process"):
        items.append(h2(ctx, idx, 3 if el else 2, SUB["process"], style))
        items.extend(Item("para", _end(ictx.fill(x))) for x in ib["process"])
    if impl_from:
        # the copied section carries the source company's name: swap it like a copier does
        for it in items[impl_start:]:
            it.text = it.text.replace(impl_from[0].co.short, ctx.co.short)
    if "result" not in spec.skip:
        idx += 1
        items.append(h1(ctx, idx, heads["result"], style))
        items.extend(results(ctx, b, spec.table and spec.fmt == "docx"))
    if "value" not in spec.skip:
        idx += 1
        items.append(h1(ctx, idx, heads["value"], style))
        items.extend(value(ctx, b, tpls))
    return items


def render_mini(ctx: Ctx, b: dict[str, list[str]]) -> list[Item]:
    """A very short submission (LEN002): every part present, one or two sentences each."""
    heads = SUB["mini"]
    r = ctx.rng("result")
    paras = [
        "".join(overview(ctx, b, mini=True)),
        "".join(_end(ctx.fill(p)) for p in b["pains"]),
        "".join(_end(ctx.fill(m)) for m in b["methods"]),
        "；".join(kpi_sentence(k, r, ctx) for k in b["kpis"]) + "。",
        "".join(_end(ctx.fill(v)) for v in b["value"]),
    ]
    return [it for h, p in zip(heads, paras, strict=True) for it in (Item("heading", h, 1), Item("para", p))]


def render_raw(ctx: Ctx, b: dict[str, list[str]]) -> list[Item]:
    """A free-form text (the off-topic news release)."""
    items = [Item("heading", b["title"][0], 0)] if b.get("title") else []
    for x in b["raw"]:
        if x.startswith("##"):
            items.append(Item("heading", x.lstrip("#").strip(), 1))
        else:
            items.append(Item("para", ctx.fill(x)))
    return items


def render_factory(ctx: Ctx, b: dict[str, list[str]]) -> list[Item]:
    """Render a 示范工厂 text as items."""
    spec = ctx.spec
    task = TASKS[spec.claimed]
    r = ctx.rng("headings")
    style = spec.heading_style if spec.heading_style is not None else r.randrange(4)
    if spec.fmt == "docx" and style == 1:
        style = 0
    heads = {k: ctx.pick(r, v) for k, v in F_HEADS.items()}
    tpls = template_choice(spec)
    items: list[Item] = [Item("heading", f"{ctx.co.full}{task}", 0)]
    items.append(h1(ctx, 1, heads["overview"], style))
    items.append(Item("para", "".join(overview(ctx, b))))
    items.append(h1(ctx, 2, heads["pain"], style))
    site = b.get("site", ["生产基地"])[0]
    short = ctx.co.short
    n = len(spec.true)
    rp = ctx.rng("pain")
    items.append(Item("para", ctx.say(rp, "factory_intro", short=short, task=task, site=site, n=n)))
    items.append(Item("para", "".join(_end(ctx.fill(p)) for p in b["pains"])))
    y0 = spec.year - rp.randint(2, 4)
    finv = f"{max(1.0, float(ctx.co.revenue) * rp.uniform(0.04, 0.12)):.1f}"
    # one month and one stage count drawn for each phrasing, then one phrasing picked
    draws = [(rp.randint(1, 12), rp.randint(2, 3)) for _ in SAY["factory_schedule"]]
    i = ctx.pick(rp, list(range(len(draws))))
    month, stages = draws[i]
    text = SAY["factory_schedule"][i].format(y0=y0, month=month, stages=stages, invest=finv, n=n)
    items.append(Item("para", text))
    items.append(h1(ctx, 3, heads["impl"], style))
    items.append(h2(ctx, 3, 1, ctx.pick(r, SUB["factory_built"]), style))
    lead = SAY["factory_built_lead"][r.randrange(2)]
    for i, x in enumerate(b["built"]):
        _code, _, txt = x.partition("|")  # the scenario code is for the record, never printed
        items.append(Item("para", lead.format(i=i + 1) + _end(ctx.fill(txt))))
    net = ctx.pick(r, VOCAB["factory_networks"])
    items.append(Item("para", ctx.say(r, "factory_infra", net=net, data=_bare(b["data"][0]))))
    if "T1" in tpls:
        items.append(Item("para", TEMPLATE_SENTENCES["T1"]))
    el = elements(ctx, b, style, ctx.rng("impl-heads"))
    items.append(h2(ctx, 3, 2, ctx.pick(r, SUB["elements"]), style))
    items.extend(el)
    sec = [ctx.fill(q) for q in b.get("security", [])]
    if "T2" in tpls:
        sec.append(TEMPLATE_SENTENCES["T2"])
    if sec:
        items.append(h2(ctx, 3, 3, ctx.pick(r, SUB["factory_security"]), style))
        items.append(Item("para", "".join(_end(s) for s in sec)))
    items.append(h1(ctx, 4, heads["result"], style))
    rr = ctx.rng("result")
    if spec.table and spec.fmt == "docx":
        items.append(Item("para", ctx.say(rr, "factory_table_intro", short=short)))
        items.append(Item("table", rows=[VOCAB["factory_table_head"]] + [kpi_row(k) for k in b["kpis"]]))
    else:
        sents = [kpi_sentence(k, rr, ctx) for k in b["kpis"]]
        items.append(Item("para", ctx.say(rr, "factory_results", short=short) + "；".join(sents) + "。"))
    gain = f"{rr.randint(12, 95) / 10:.1f}"
    items.append(Item("para", ctx.say(rr, "factory_gain", gain=gain, system=_first(b, "software"))))
    lvl = b.get("maturity_level", ["三"])[0]
    items.append(Item("para", ctx.say(rr, "factory_level", short=short, level=lvl)))
    items.append(h1(ctx, 5, heads["value"], style))
    items.append(Item("para", "".join(_end(ctx.fill(v)) for v in b["value"])))
    if "T3" in tpls:
        items.append(Item("para", TEMPLATE_SENTENCES["T3"]))
    return items


# --------------------------------------------------------------------------------------
# Family transforms
# --------------------------------------------------------------------------------------

_WORD_SWAPS: list[tuple[str, str]] = [(a, b) for a, b in VOCAB["word_swaps"]]


def swap_names(items: list[Item], src: Company, dst: Company) -> None:
    for it in items:
        it.text = it.text.replace(src.full, dst.full).replace(src.short, dst.short)
        it.rows = [[c.replace(src.short, dst.short) for c in row] for row in it.rows]


def light_edit(items: list[Item], rng: random.Random) -> None:
    """A few words changed and some figures nudged."""
    n_words = 0
    for it in items:
        if it.kind != "para":
            continue
        for old, new in _WORD_SWAPS:
            if old in it.text and n_words < 6 and rng.random() < 0.5:
                it.text = it.text.replace(old, new, 1)
                n_words += 1

    def nudge(m: re.Match[str]) -> str:
        s = m.group(0)
        if rng.random() < 0.35 and "." in s:
            d = len(s.split(".")[1])
            v = float(s) * (1 + rng.choice([-0.08, -0.05, 0.05, 0.08]))
            return f"{v:.{d}f}"
        return s

    def nudge_clause(c: re.Match[str]) -> str:
        # figures of a result statement stay as they are: nudging one side of "由95.2%提高到98.6%，
        # 提高3.4个百分点" would plant a contradiction in a text that is meant to be clean
        if _RESULT_CLAUSE.search(c.group(0)):
            return c.group(0)
        return re.sub(r"\d+\.\d+", nudge, c.group(0))

    for it in items:
        if it.kind == "para" and ("由" in it.text or "提升" in it.text):
            it.text = re.sub(r"[^，。；]+", nudge_clause, it.text)


_RESULT_CLAUSE = re.compile(r"由|从|%|百分点|倍|降|升|提高|提升|缩短|减少|增加|增长|节约|节省")


_HALF = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";"})
_HOMO = {"A": "\u0410", "C": "\u0421", "P": "\u0420", "O": "\u041e", "E": "\u0415", "o": "\u043e"}


def trick_edit(items: list[Item], rng: random.Random) -> None:
    """Evasion tricks: half-width punctuation, inserted spaces, homoglyphs, full-width digits."""
    for i, it in enumerate(items):
        if it.kind != "para":
            continue
        t = it.text
        if i % 2 == 0:
            t = t.translate(_HALF)
        # homoglyphs in Latin abbreviations (APC -> АРС with Cyrillic letters)
        t = re.sub(r"[A-Z]{2,}", lambda m: "".join(_HOMO.get(ch, ch) for ch in m.group(0)), t)
        # inserted spaces (ordinary, ideographic and zero-width) inside some Chinese runs
        chars = list(t)
        out = []
        for j, ch in enumerate(chars):
            out.append(ch)
            if "\u4e00" <= ch <= "\u9fff" and j % 17 == 5:
                out.append(rng.choice([" ", "\u3000", "\u200b"]))
        t = "".join(out)
        if i % 3 == 1:
            t = re.sub(r"\d", lambda m: chr(ord(m.group(0)) + 0xFEE0), t)
        it.text = t


def shift_years(items: list[Item], years: int) -> None:
    """Move a text to a later round: project dates and the revenue year shift by ``years``."""

    def sub(m: re.Match[str]) -> str:
        return f"{int(m.group(1)) + years}年{m.group(2)}"

    for it in items:
        it.text = re.sub(r"(20[12]\d)年(\d{1,2}月|实现营业收入|底)", sub, it.text)


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------


def to_text(items: list[Item], fmt: str, indent: bool = False) -> str:
    """Plain-text rendering (.txt/.md and the 正文 of xlsx rows)."""
    lines: list[str] = []
    for it in items:
        if it.kind == "heading":
            if fmt == "md":
                lines.append("#" * (it.level + 1) + " " + it.text)
                lines.append("")
            else:
                lines.append(it.text)
        elif it.kind == "para":
            lines.append(("\u3000\u3000" if indent else "") + it.text)
            if fmt == "md":
                lines.append("")
        else:
            if fmt == "md":
                lines.append("| " + " | ".join(it.rows[0]) + " |")
                lines.append("|" + "---|" * len(it.rows[0]))
                lines.extend("| " + " | ".join(r) + " |" for r in it.rows[1:])
                lines.append("")
            else:
                lines.extend("\t".join(r) for r in it.rows)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


FIXED_TIME = datetime(2021, 11, 15, 9, 0, 0)


def write_docx(items: list[Item], path: Path) -> None:
    import docx  # python-docx

    d = docx.Document()
    cp = d.core_properties
    cp.author = "scenario-kb demo generator"
    cp.last_modified_by = "scenario-kb demo generator"
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.revision = 1
    for it in items:
        if it.kind == "heading":
            d.add_heading(it.text, level=it.level)
        elif it.kind == "para":
            d.add_paragraph(it.text)
        else:
            t = d.add_table(rows=len(it.rows), cols=len(it.rows[0]))
            t.style = "Table Grid"
            for i, row in enumerate(it.rows):
                for j, cell in enumerate(row):
                    t.cell(i, j).text = cell
    cp.title = items[0].text if items and items[0].level == 0 else ""
    d.save(str(path))


def extract_docx(path: Path) -> str:
    """Text of a .docx: paragraphs and table rows (cells joined by tabs) in body order."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    d = docx.Document(str(path))
    lines = []
    for block in d.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, d).text)
        elif tag == "tbl":
            for row in Table(block, d).rows:
                lines.append("\t".join(c.text for c in row.cells))
    return "\n".join(lines) + "\n"


XLSX_COLUMNS = ["标题", "申报单位", "地区", "地区类型", "行业", "类型", "申报场景/揭榜任务", "年度", "正文"]
META_COLUMNS = ["file", "标题", "申报单位", "地区", "地区类型", "行业", "类型", "申报场景/揭榜任务", "年度"]


def extract_xlsx(path: Path) -> list[dict[str, str]]:
    """Rows of the batch workbook as dicts keyed by header."""
    import openpyxl

    wb = openpyxl.load_workbook(str(path), read_only=True)
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    head = [str(h) for h in rows[0]]
    return [{h: ("" if v is None else str(v)) for h, v in zip(head, r, strict=False)} for r in rows[1:]]


@dataclass
class Built:
    spec: Spec
    company: Company
    title: str
    text: str
    items: list[Item]
    file: str = ""
    encoding: str | None = None


def _title(spec: Spec, b: dict[str, list[str]], co: Company) -> str:
    if spec.kind == "factory":
        return f"{co.full}{TASKS[spec.claimed]}"
    return b["title"][0].replace("{co}", co.short)  # every scenario block has its own title


def build_items(spec: Spec, blocks: dict[str, dict[str, list[str]]]) -> tuple[list[Item], str]:
    """Render one submission.

    Args:
        spec: the submission.
        blocks: parsed content blocks.

    Returns:
        The rendered items and the title.
    """
    co = COMPANIES[spec.company]
    b = blocks[spec.block]
    if spec.role in ("verbatim", "paraphrase", "light_edit"):
        src = next(s for s in SPECS if s.sid == spec.source)
        # render with the source's choices; a verbatim copy keeps the source's company
        # facts (only the names are swapped), the others bring their own company facts
        facts = COMPANIES[src.company] if spec.role == "verbatim" else co
        cspec = Spec(**{**src.__dict__, "fmt": spec.fmt, "table": False})
        ctx = Ctx(cspec, facts, flip=spec.role == "paraphrase", seed_id=src.sid)
        items = render_scenario(ctx, b)
        swap_names(items, facts, co)
        swap_names(items, COMPANIES[src.company], co)
        if spec.role == "light_edit":
            r = random.Random(f"{SEED}:edit:{spec.sid}")
            (trick_edit if spec.evasion else light_edit)(items, r)
            if spec.year != src.year:
                shift_years(items, spec.year - src.year)
        return items, _title(spec, b, co)
    ctx = Ctx(spec, co)
    if spec.kind == "factory":
        return render_factory(ctx, b), _title(spec, b, co)
    if b.get("raw"):
        return render_raw(ctx, b), b["title"][0]
    if spec.mini:
        return render_mini(ctx, b), _title(spec, b, co)
    if spec.role == "section_copy":
        src = next(s for s in SPECS if s.sid == spec.source)
        sctx = Ctx(src, COMPANIES[src.company])
        return render_scenario(ctx, b, impl_from=(sctx, blocks[src.block])), _title(spec, b, co)
    return render_scenario(ctx, b), _title(spec, b, co)


def _filename(spec: Spec, co: Company, n: int) -> str:
    ext = {"docx": ".docx", "txt-gbk": ".txt", "txt": ".txt", "md": ".md"}[spec.fmt]
    kind = "示范工厂" if spec.kind == "factory" else "优秀场景"
    return f"{spec.year}_{n:03d}_{kind}_{co.short}{ext}"


def build(out: Path) -> list[dict]:
    """Generate the corpus into ``out`` and return the manifest.

    Args:
        out: target directory (created; existing generated files are overwritten).

    Returns:
        The manifest as a list of dicts (also written to ``out/manifest.json``).
    """
    import openpyxl

    blocks = load_blocks()
    sub = out / "submissions"
    bat = out / "batch"
    sub.mkdir(parents=True, exist_ok=True)
    bat.mkdir(parents=True, exist_ok=True)
    built: list[Built] = []
    n = 0
    for spec in SPECS:
        items, title = build_items(spec, blocks)
        co = COMPANIES[spec.company]
        indent = spec.fmt == "txt-gbk" and random.Random(f"{SEED}:ind:{spec.sid}").random() < 0.5
        text = to_text(items, "md" if spec.fmt == "md" else "txt", indent=indent)
        bb = Built(spec, co, title, text, items)
        if spec.fmt != "xlsx":
            n += 1
            bb.file = "submissions/" + _filename(spec, co, n)
            p = out / bb.file
            if spec.fmt == "docx":
                write_docx(items, p)
                bb.encoding = None
            elif spec.fmt == "txt-gbk":
                p.write_bytes(text.encode("gbk"))
                bb.encoding = "gbk"
            else:
                p.write_bytes(text.encode("utf-8"))
                bb.encoding = "utf-8"
        built.append(bb)

    # batch workbook (2022 platform export): one row per submission
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报汇总"
    ws.append(XLSX_COLUMNS)
    row = 1
    for bb in built:
        if bb.spec.fmt != "xlsx":
            continue
        row += 1
        ws.append(_meta(bb)[1:] + [to_text(bb.items, "txt").rstrip("\n")])
        bb.file = f"batch/demo_batch_2022.xlsx#row={row}"
        bb.text = to_text(bb.items, "txt").rstrip("\n")
    wb.properties.creator = "scenario-kb demo generator"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.save(str(bat / "demo_batch_2022.xlsx"))

    # metadata of the loose files
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(META_COLUMNS)
    for bb in built:
        if bb.spec.fmt != "xlsx":
            m = _meta(bb)
            m[0] = bb.file.split("/", 1)[1]
            w.writerow(m)
    (sub / "_metadata.csv").write_bytes(buf.getvalue().encode("utf-8"))

    by_sid = {bb.spec.sid: bb for bb in built}
    manifest = [_manifest_entry(bb, by_sid) for bb in built]
    (out / "manifest.json").write_bytes(
        (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    )
    (out / "_template_sentences.txt").write_bytes(
        ("\n".join(TEMPLATE_SENTENCES.values()) + "\n").encode("utf-8")
    )
    (out / "README.md").write_bytes(readme(manifest).encode("utf-8"))
    return manifest


def _meta(bb: Built) -> list:
    s, co = bb.spec, bb.company
    kind = "示范工厂" if s.kind == "factory" else "优秀场景"
    claimed = TASKS[s.claimed] if s.kind == "factory" else SCENARIOS[s.claimed][0]
    return [bb.file, bb.title, co.full, co.region, co.region_type, co.industry, kind, claimed, s.year]


def _manifest_entry(bb: Built, by_sid: dict[str, Built]) -> dict:
    s, co = bb.spec, bb.company
    claimed = TASKS[s.claimed] if s.kind == "factory" else SCENARIOS[s.claimed][0]
    true_scen = s.true if s.kind == "scenario" else s.true
    fam_src = by_sid[s.source].file if s.source else None
    return {
        "file": bb.file,
        "title": bb.title,
        "applicant": co.full,
        "kind": s.kind,
        "kind_zh": "示范工厂" if s.kind == "factory" else "优秀场景",
        "region": co.region,
        "region_type": co.region_type,
        "industry": co.industry,
        "year": s.year,
        "claimed": claimed,
        "claimed_code": s.claimed,
        "true_scenarios": true_scen,
        "true_link": SCENARIOS[true_scen[0]][1] if true_scen else None,
        "true_task": s.claimed if s.kind == "factory" else None,
        "family": s.family,
        "family_role": s.role,
        "family_source": fam_src,
        "weak": s.weak,
        "off_topic": s.off_topic,
        "misclaimed": s.misclaimed,
        "format": "xlsx" if s.fmt == "xlsx" else s.fmt.split("-")[0],
        "encoding": bb.encoding,
        "templates": [t for t, v in TEMPLATE_SENTENCES.items() if v in bb.text],
        "zishu": count_zishu(bb.text),
    }


def plain_text(out: Path, entry: dict) -> str:
    """The text of a manifest entry as stored (decoded file, docx text, or xlsx 正文).

    Args:
        out: the corpus directory.
        entry: a manifest entry.

    Returns:
        The submission text.
    """
    f = entry["file"]
    if "#row=" in f:
        path, _, r = f.partition("#row=")
        rows = extract_xlsx(out / path)
        return rows[int(r) - 2]["正文"]
    p = out / f
    if p.suffix == ".docx":
        return extract_docx(p)
    return p.read_bytes().decode(entry["encoding"])


def readme(manifest: list[dict]) -> str:
    """Render data/demo/README.md (prose plus tables computed from the manifest).

    Args:
        manifest: the manifest entries.

    Returns:
        The README text.
    """
    prose = _toml("_readme.toml")
    out = [prose["head"]]
    for k, v in TEMPLATE_SENTENCES.items():
        n = sum(1 for m in manifest if k in m["templates"])
        out.append(f"- {k} ({n} texts): {v}\n")
    kinds = defaultdict(int)
    for m in manifest:
        kinds[(m["kind_zh"], m["year"])] += 1
    fmts = defaultdict(int)
    for m in manifest:
        fmts[m["format"] + ("-" + m["encoding"] if m["encoding"] else "")] += 1
    links = {SCENARIOS[c][1] for m in manifest for c in m["true_scenarios"]}
    out.append("\n## Counts\n\n| kind | year | texts |\n|---|---|---|\n")
    for (k, y), n in sorted(kinds.items()):
        out.append(f"| {k} | {y} | {n} |\n")
    out.append(
        f"\n{len(manifest)} submissions; {len({m['region'] for m in manifest})} regions "
        f"({', '.join(sorted({m['region_type'] for m in manifest}))}); "
        f"{len({m['industry'] for m in manifest})} industries; {len(links)} of 15 环节 covered.\n\n"
        "Formats: " + ", ".join(f"{k} {v}" for k, v in sorted(fmts.items())) + ".\n"
    )
    out.append(
        "\n## Planted duplicate families\n\n| family | role | file | applicant | year |\n|---|---|---|---|---|\n"
    )
    fams = sorted(
        (m for m in manifest if m["family"]), key=lambda m: (m["family"], m["family_role"] != "original")
    )
    for m in fams:
        out.append(
            f"| {m['family']} | {m['family_role']} | `{m['file']}` | {m['applicant']} | {m['year']} |\n"
        )
    out.append("\n" + prose["families_note"])
    out.append("\n## Weak, misclaimed and off-topic texts\n\n| file | weak | note |\n|---|---|---|\n")
    for m in manifest:
        if m["weak"] or m["off_topic"] or m["misclaimed"]:
            note = []
            if m["off_topic"]:
                note.append("off-topic")
            if m["misclaimed"]:
                note.append(
                    f"claims {m['claimed']}, describes {SCENARIOS[m['true_scenarios'][0]][0] if m['true_scenarios'] else 'no scenario'}"
                )
            out.append(f"| `{m['file']}` | {', '.join(m['weak'])} | {'; '.join(note)} |\n")
    out.append("\n" + prose["weak_note"])
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: build the corpus and print a summary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="target directory (default: data/demo)")
    args = ap.parse_args(argv)
    manifest = build(args.out)
    n_fac = sum(1 for m in manifest if m["kind"] == "factory")
    print(f"{len(manifest)} submissions ({n_fac} factories) written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
