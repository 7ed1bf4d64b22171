"""Questions about texts: check, classify, eval, similar, dupes, search; the similarity index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kb.cli.base import Ctx, _echo_json, cli, command
from kb.cli.safety import safe_name


# --------------------------------------------------------------------------------------------- analysis
def _target_kind(sub: Any, kind: str | None) -> str:
    from kb.models import KINDS

    if kind:
        return KINDS[kind]
    return sub.meta.kind if sub is not None else "scenario"


@command(cli, json_help="Output JSON.")
@click.argument("target")
@click.option(
    "--kind", type=click.Choice(["优秀场景", "示范工厂"]), help="Kind of a file target (default 优秀场景)."
)
def check(c: Ctx, target: str, kind: str | None, as_json: bool) -> None:
    """Check a stored submission (ID) or a file (PATH): 字数, structure, figures, weakness score."""
    sub, text = c.kb.store.resolve(target)
    res = (
        c.kb.analysis.analyze(sub.id)["check"]
        if sub is not None
        else c.kb.analysis.check_text(text, _target_kind(sub, kind))
    )
    sim = None
    if sub is not None:  # similarity first, the way a 报告单 reads; its findings join the others
        from kb.service.sim_findings import similarity_review

        review = similarity_review(c.kb, sub.id)
        sim = review["report"]
        res = {"similarity": sim, **res, "findings": review["findings"] + res["findings"]}
    if as_json:
        _echo_json(res)
        return
    if sim is not None:
        click.echo(
            f"总文字复制比 {sim['总文字复制比']:.1%}  去除套话复制比 {sim['去除套话复制比']:.1%}  "
            f"单篇最大文字复制比 {sim['单篇最大文字复制比']:.1%}"
        )
        for s in sim["sources"][:5]:
            click.echo(f"  #{s['id']:<5} {s['share']:.1%} {s['level_zh']:<6} {s['title']}")
    click.echo(
        f"字数 {res['zishu']}（按字处理软件规则计）  字符 {res['chars']}  薄弱度 {res['weakness']}/100"
    )
    parts = [
        (s.get("part") or s.get("heading")) + ("（推断）" if s.get("inferred") else "")
        for s in res["sections"]
    ]
    click.echo("结构：" + "、".join(p for p in parts if p))
    for f in res["findings"]:
        spans = ",".join(f"{a}-{b}" for a, b in f["spans"][:3])
        click.echo(f"[{f['severity']:<7}] {f['code']} {f['message']}" + (f"  @{spans}" if spans else ""))
    if res.get("metrics"):
        click.echo("指标：")
        for m in res["metrics"]:
            ch = m.get("change")
            ch_s = "" if ch is None else f"（变化 {ch:+.1f}{m.get('change_unit') or ''}）"
            click.echo(
                f"  {m.get('indicator')}：{m.get('before')} → {m.get('after')} {m.get('unit') or ''}{ch_s}"
            )


@command(cli, json_help="Output JSON.")
@click.argument("target")
@click.option(
    "--kind", type=click.Choice(["优秀场景", "示范工厂"]), help="Kind of a file target (default 优秀场景)."
)
@click.option("--edition", help="Classify against this guide edition (e.g. 2025) instead of the active one.")
@click.option("--top", type=int, default=5, show_default=True, help="How many scenarios to show.")
def classify(c: Ctx, target: str, kind: str | None, edition: str | None, top: int, as_json: bool) -> None:
    """Rank the 典型场景, 环节 and 揭榜 tasks a submission (ID) or file (PATH) fits, with evidence."""
    kb = c.kb
    sub, text = kb.store.resolve(target)
    claimed = sub.meta.claimed if sub is not None else None
    res = kb.analysis.classify_text(text, _target_kind(sub, kind), claimed, edition=edition)
    if as_json:
        _echo_json(res)
        return
    click.echo("参考版本：" + res["edition"]["banner"])
    if res.get("off_topic"):
        click.echo("判断：与智能制造典型场景无关（off-topic）")
    for i, s in enumerate(res["scenarios"][:top], 1):
        click.echo(f"{i}. {s['code']} {s['name']}（{s['link']}）  {s['score']:.2f}")
        for ev in s.get("evidence", [])[:2]:
            click.echo(f"     · {ev.get('text', '')[:60]}")
    click.echo("环节：" + "、".join(f"{link['name']} {link['score']:.2f}" for link in res["links"][:3]))
    for t in res.get("tasks", [])[:3]:
        click.echo(f"揭榜任务：{t['code']} {t['name']}  {t['score']:.2f}")
    for f in res.get("findings", []):
        click.echo(f"[{f['severity']}] {f['code']} {f['message']}")


@command(cli, "eval", json_help="Output JSON.")
@click.argument("labeled", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--split",
    "splits",
    default="test,dev",
    show_default=True,
    help="Splits of the real corpus to report (test, dev, train), comma-separated.",
)
@click.option("--demo/--no-demo", default=True, show_default=True, help="Also report the demo corpus.")
def eval_cmd(c: Ctx, labeled: Path | None, splits: str, demo: bool, as_json: bool) -> None:
    """Evaluate the classifier: on the real labelled corpus per split (default), or on a LABELED JSONL file."""
    if labeled is not None:
        report = c.kb.analysis.evaluate(labeled)
        if as_json:
            _echo_json(report.to_dict())
        else:
            click.echo(report.render())
        return
    res = c.kb.analysis.evaluate_real([s.strip() for s in splits.split(",") if s.strip()], demo=demo)
    if as_json:
        _echo_json(res)
        return
    click.echo(res["note"])
    for rep in res["reports"]:
        click.echo(rep["text"])
    click.echo(
        "cross-validated on the fitting splits (train+dev, grouped by company): "
        + ", ".join(f"{k} {v}" for k, v in res["cv"].items())
    )


@command(cli, json_help="Output JSON.")
@click.argument("target")
@click.option("-k", "k", type=int, default=10, show_default=True, help="How many matches.")
def similar(c: Ctx, target: str, k: int, as_json: bool) -> None:
    """Most similar stored submissions to a submission (ID) or file (PATH), with shared passages."""
    sub, text = c.kb.store.resolve(target)
    res = c.kb.similarity.similar(sub.id if sub is not None else text, k=k)
    if as_json:
        _echo_json(res)
        return
    for m in res["matches"]:
        click.echo(
            f"#{m['id']:<5} {m['similarity'] * 100:5.1f}%（除模板 {m['similarity_excl_boilerplate'] * 100:5.1f}%） "
            f"{m['level']:<12} {m['source']}  {m['title']}"
        )
    if not res["matches"]:
        click.echo("没有相似的申报材料")


@command(cli, json_help="Output JSON.")
@click.option(
    "--threshold", type=float, default=None, help="Similarity (0–1, boilerplate excluded) that makes a pair."
)
def dupes(c: Ctx, threshold: float | None, as_json: bool) -> None:
    """Duplicate families (connected groups of similar submissions) and pairs across the whole KB."""
    res = c.kb.similarity.dupes(threshold=threshold)
    if as_json:
        _echo_json(res)
        return
    for i, fam in enumerate(res["families"], 1):
        click.echo(f"家族 {i}（{fam['level']}，最高 {fam['max_similarity'] * 100:.0f}%）：")
        for m in fam["members"]:
            click.echo(f"   #{m['id']:<5} {safe_name(m['source'])}  {safe_name(m.get('title', ''))}")
    click.echo(f"共 {len(res['families'])} 个重复家族，{len(res['pairs'])} 对")
    st = res.get("stats") or {}
    if "pairs_computed" in st:
        how = (
            "读取已存结果"
            if st.get("cached")
            else f"新比对 {st['pairs_computed']} 对，复用 {st['pairs_reused']} 对"
        )
        click.echo(f"候选 {st.get('candidates', 0)} 对（{how}）")


@command(cli, json_help="Output JSON.")
@click.argument("query")
@click.option("-k", "k", type=int, default=10, show_default=True)
@click.option("--year", type=int)
@click.option("--region")
@click.option("--industry")
@click.option("--kind", type=click.Choice(["优秀场景", "示范工厂"]))
@click.option("--scenario", help="Predicted or claimed scenario code/name.")
def search(
    c: Ctx,
    query: str,
    k: int,
    year: int | None,
    region: str | None,
    industry: str | None,
    kind: str | None,
    scenario: str | None,
    as_json: bool,
) -> None:
    """Hybrid keyword + semantic search over submissions and reference entries."""
    from kb.models import KINDS

    filters = {
        "year": year,
        "region": region,
        "industry": industry,
        "kind": KINDS.get(kind or ""),
        "scenario": scenario,
    }
    hits = c.kb.similarity.search(query, k=k, filters={a: b for a, b in filters.items() if b})
    if as_json:
        _echo_json(hits)
        return
    for h in hits:
        click.echo(f"{h['score']:.3f}  {h['type']:<9} {h.get('ref', '')}  {safe_name(h.get('title', ''))}")
        if h.get("snippet"):
            click.echo(f"        {h['snippet']}")


@cli.group("index")
def index_grp() -> None:
    """Similarity index maintenance."""


@command(index_grp, "verify", json_help="Output JSON.")
def index_verify(c: Ctx, as_json: bool) -> None:
    """Compare the similarity index with the database (exit code 1 when they disagree)."""
    rep = c.kb.similarity.index_verify()
    if as_json:
        _echo_json(rep)
    else:
        click.echo(
            f"数据库 {rep['db_count']} 份，索引 {rep['index_count']} 份；缺失 {len(rep['missing'])}，多余 {len(rep['extra'])}"
        )
    if not rep["ok"]:
        if not as_json:
            click.echo("索引与数据库不一致：请运行 `scenario-kb index rebuild`。", err=True)
        raise SystemExit(1)


@command(index_grp, "rebuild")
def index_rebuild(c: Ctx) -> None:
    """Rebuild the similarity index from the database."""
    rep = c.kb.similarity.index_rebuild()
    click.echo(f"索引已重建：{rep['count']} 份，编码器 {rep['encoder']}")
