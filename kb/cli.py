"""Command line: a thin skin over :mod:`kb.service`. Expected problems end in one message and exit code 1."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kb.cli_safety import INGEST_REJECTED_EXIT, safe_name
from kb.config import DATA_DIR, REPO_ROOT, SETTINGS
from kb.errors import KBError

LIST_FIELDS = (
    "id",
    "title",
    "source",
    "kind",
    "region",
    "region_type",
    "industry",
    "claimed",
    "year",
    "applicant",
)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain errors into a one-line message and exit code 1 (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KBError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


class Ctx:
    def __init__(self, db: str | None, config_file: str | None) -> None:
        self.db = db
        self.config_file = config_file
        self._kb: Any = None

    @property
    def kb(self) -> Any:
        if self._kb is None:
            from kb.service import open_kb

            self._kb = open_kb(self.db, self.config_file)
        return self._kb


pass_ctx = click.make_pass_decorator(Ctx)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db", envvar="SCENARIO_KB_DB", help="数据库文件路径或 SQLAlchemy URL（也可用环境变量 SCENARIO_KB_DB）。"
)
@click.option("--config", "config_file", envvar="SCENARIO_KB_CONFIG", help="TOML 配置文件。")
@click.version_option(package_name="scenario-kb")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config_file: str | None) -> None:
    """scenario-kb：智能制造场景知识库与辅助评审。"""
    ctx.obj = Ctx(db, config_file)


# --------------------------------------------------------------------------------------------- setup
@cli.command()
@pass_ctx
@handle_errors
def init(c: Ctx) -> None:
    """Create or migrate the database and load the bundled reference editions."""
    info = c.kb.init()
    click.echo(f"数据库已就绪：{info['db']}（结构版本 {info['schema_version']}）")
    for list_kind in ("guide", "tasks"):
        click.echo("当前参考版本：" + c.kb.active_edition(list_kind).banner)


@cli.command("config")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
@handle_errors
def config_cmd(c: Ctx, as_json: bool) -> None:
    """Show every setting, its resolved value and its help."""
    from kb.config import load_config

    cfg = load_config(c.config_file, db=c.db)
    rows = [
        {"name": s.name, "value": getattr(cfg, s.name), "default": s.default, "help": s.help}
        for s in SETTINGS
    ]
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['name']:<26} = {r['value']!s:<28} {r['help']}")


# --------------------------------------------------------------------------------------------- ingest
def _parse_map(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise click.BadParameter(f"{v!r} 应写成 表头=字段，例如 企业=applicant")
        k, f = v.split("=", 1)
        out[k.strip()] = f.strip()
    return out


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Read and validate only; store nothing.")
@click.option("--map", "maps", multiple=True, help="Batch table column mapping HEADER=FIELD (repeatable).")
@click.option("--year", type=int, help="Year for documents without one in their metadata.")
@click.option("--kind", type=click.Choice(["优秀场景", "示范工厂"]), help="Kind for documents without one.")
@click.option("--no-analyze", is_flag=True, help="Store only; skip checks, classification and indexing.")
@click.option("--json", "as_json", is_flag=True, help="Output the batch report as JSON.")
@pass_ctx
@handle_errors
def ingest(
    c: Ctx,
    paths: tuple[Path, ...],
    dry_run: bool,
    maps: tuple[str, ...],
    year: int | None,
    kind: str | None,
    no_analyze: bool,
    as_json: bool,
) -> None:
    """Ingest files and folders (.txt .md .docx .pdf .csv .xlsx), idempotently by content hash.

    A file or table row that cannot be read is rejected with its reason and the rest goes in; the command then
    lists the rejected ones and exits with status 3.
    """
    from kb.ingest import collect_inputs
    from kb.models import KINDS

    kb = c.kb
    kb.storage.ensure_ready()
    total = len(collect_inputs(paths))
    defaults = {"year": year, "kind": KINDS[kind] if kind else None}
    show_bar = not as_json and total > 5 and sys.stderr.isatty()
    with click.progressbar(length=total, label="导入中", file=sys.stderr) if show_bar else _Null() as bar:
        report = kb.ingest(
            paths,
            dry_run=dry_run,
            column_map=_parse_map(maps),
            defaults=defaults,
            progress=lambda done, n, p: bar.update(1),
            analyze=not no_analyze,
        )
    rejected = [o for o in report.outcomes if o.status in ("error", "skipped")]
    if as_json:
        _echo_json(report.to_dict())
        if rejected:
            sys.exit(INGEST_REJECTED_EXIT)
        return
    for o in report.outcomes:
        if o.status in ("error", "skipped"):
            click.echo(f"跳过  {safe_name(o.path)}：{safe_name(o.reason)}", err=True)
        elif o.status == "duplicate":
            click.echo(f"重复  {safe_name(o.path)}：{safe_name(o.reason)}")
        elif o.reason:
            click.echo(f"注意  {safe_name(o.path)}：{safe_name(o.reason)}")
    d = report.to_dict()
    verb = "将新增" if dry_run else "新增"
    click.echo(
        f"完成：{verb} {d['added']} 份，重复 {d['duplicates']} 份，跳过 {d['skipped']} 份（批次 {report.batch_id}）"
    )
    if rejected:
        click.echo(f"未导入 {len(rejected)} 份（其余已导入）：", err=True)
        for o in rejected:
            click.echo(f"  {safe_name(o.path)}", err=True)
        sys.exit(INGEST_REJECTED_EXIT)


class _Null:
    def __enter__(self) -> _Null:
        return self

    def __exit__(self, *a: Any) -> None:
        return None

    def update(self, n: int) -> None:
        return None


# --------------------------------------------------------------------------------------------- browse
@cli.command("list")
@click.option("--kind", type=click.Choice(["优秀场景", "示范工厂"]), help="Filter by kind.")
@click.option("--region", help="Filter by region (e.g. 浙江省).")
@click.option("--industry", help="Filter by industry.")
@click.option("--year", type=int, help="Filter by year.")
@click.option("-q", "query", help="Substring of title, applicant or file name.")
@click.option("--limit", type=int, default=None, help="At most this many rows.")
@click.option("--json", "as_json", is_flag=True, help="Output a JSON array.")
@pass_ctx
@handle_errors
def list_cmd(
    c: Ctx,
    kind: str | None,
    region: str | None,
    industry: str | None,
    year: int | None,
    query: str | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """List stored submissions."""
    from kb.models import KINDS

    filters = {
        "kind": KINDS.get(kind or ""),
        "region": region,
        "industry": industry,
        "year": year,
        "q": query,
    }
    subs = c.kb.list_submissions(filters, limit=limit)
    rows = [{k: s.summary()[k] for k in LIST_FIELDS} for s in subs]
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        kind_label = "示范工厂" if r["kind"] == "factory" else "优秀场景"
        click.echo(
            f"#{r['id']:<5} {r['year'] or '':<5} {kind_label} {r['region']:<8} {r['industry']:<14} {r['title']}"
        )
    click.echo(f"共 {len(rows)} 份")


@cli.command()
@click.argument("sid", type=int)
@click.option("--json", "as_json", is_flag=True, help="Output JSON (with the full text).")
@pass_ctx
@handle_errors
def show(c: Ctx, sid: int, as_json: bool) -> None:
    """Show one submission with its metadata and text."""
    sub = c.kb.get(sid)
    if as_json:
        _echo_json(sub.to_dict())
        return
    for k, v in sub.summary().items():
        click.echo(f"{k:<14} {v}")
    for w in sub.warnings:
        click.echo(f"注意：{w}")
    click.echo("-" * 40)
    click.echo(sub.text)


# --------------------------------------------------------------------------------------------- reference
@cli.group("reference")
def reference_grp() -> None:
    """Reference lists: the typical-scenario guide and the demo-factory task list, by edition."""


@reference_grp.command("list")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
@handle_errors
def reference_list(c: Ctx, as_json: bool) -> None:
    """List reference editions and which are in use."""
    rows = c.kb.reference_list()
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        mark = "*" if r["active"] else " "
        click.echo(
            f"{mark} {r['list_kind']:<6} {r['edition']}  {r['variant']:<15} {r['status']:<14} {r['entries']:>3} 条  {r['title']}"
        )
    click.echo("（* 为当前使用的版本）")


@reference_grp.command("show")
@click.option(
    "--kind", "list_kind", type=click.Choice(["guide", "tasks"]), default="guide", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
@handle_errors
def reference_show(c: Ctx, list_kind: str, as_json: bool) -> None:
    """Show the entries of the edition in use."""
    ed = c.kb.active_edition(list_kind)
    if as_json:
        _echo_json({"edition": ed.to_dict(), "entries": [e.to_dict() for e in ed.entries]})
        return
    click.echo(ed.banner)
    link = None
    for e in ed.entries:
        if e.link != link:
            link = e.link
            click.echo(f"\n【{link}】")
        extra = f"（{e.subsector}）" if e.subsector else ""
        click.echo(f"  {e.code}  {e.name}{extra}  [{e.status}]")


@reference_grp.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", "list_kind", type=click.Choice(["guide", "tasks"]), required=True)
@click.option("--edition", required=True, help="Edition year, e.g. 2021.")
@click.option("--yes", is_flag=True, help="Apply without asking.")
@pass_ctx
@handle_errors
def reference_import(c: Ctx, file: Path, list_kind: str, edition: str, yes: bool) -> None:
    """Import the official attachment text (.docx/.pdf/.txt) and make it the active edition (status official)."""
    entries, diff = c.kb.preview_reference_import(file, list_kind, edition)
    click.echo(f"识别出 {len(entries)} 条。与当前版本（{c.kb.active_edition(list_kind).banner}）相比：")
    click.echo(diff.summary())
    if not yes and not click.confirm("用该官方文本替换当前版本？", default=False):
        click.echo("未做任何修改。")
        return
    ed = c.kb.import_reference(file, list_kind, edition)
    click.echo("已启用：" + ed.banner)


@reference_grp.command("use")
@click.argument("edition")
@click.option(
    "--kind", "list_kind", type=click.Choice(["guide", "tasks"]), default="guide", show_default=True
)
@click.option("--variant", type=click.Choice(["official", "reconstruction"]), default=None)
@pass_ctx
@handle_errors
def reference_use(c: Ctx, edition: str, list_kind: str, variant: str | None) -> None:
    """Switch the edition in use (e.g. `reference use 2025`)."""
    ed = c.kb.use_edition(list_kind, edition, variant)
    click.echo("已启用：" + ed.banner)


# --------------------------------------------------------------------------------------------- demo, serve
@cli.command()
@click.option("--reset", is_flag=True, help="Delete the database first.")
@pass_ctx
@handle_errors
def demo(c: Ctx, reset: bool) -> None:
    """Build the demo knowledge base from data/demo (fictional submissions)."""
    kb = c.kb
    if reset:
        kb.reset()
    kb.init()
    report = kb.ingest([DATA_DIR / "demo"])
    d = report.to_dict()
    click.echo(
        f"演示知识库：新增 {d['added']} 份，已存在 {d['duplicates']} 份，跳过 {d['skipped']} 份 → {kb.config.db_url}"
    )
    kb.ensure_demo_users()
    click.echo("演示账号：reviewer / analyst / admin，密码均为 demo（首次登录后请在“管理”页修改）")


@cli.command()
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--host", default="localhost", show_default=True)
@click.option("--demo/--no-demo", "with_demo", default=False, help="Build the demo KB first.")
@pass_ctx
@handle_errors
def serve(c: Ctx, port: int, host: str, with_demo: bool) -> None:
    """Start the Streamlit workbench."""
    if with_demo:
        click.get_current_context().invoke(demo)
    env = dict(os.environ)
    env["SCENARIO_KB_DB"] = c.kb.config.values["db"]
    if c.config_file:
        env["SCENARIO_KB_CONFIG"] = c.config_file
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO_ROOT / "app_streamlit.py"),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    click.echo(f"打开 http://{host}:{port}")
    raise SystemExit(subprocess.call(cmd, env=env))


# --------------------------------------------------------------------------------------------- analysis
def _target_kind(sub: Any, kind: str | None) -> str:
    from kb.models import KINDS

    if kind:
        return KINDS[kind]
    return sub.meta.kind if sub is not None else "scenario"


@cli.command()
@click.argument("target")
@click.option(
    "--kind", type=click.Choice(["优秀场景", "示范工厂"]), help="Kind of a file target (default 优秀场景)."
)
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
@handle_errors
def check(c: Ctx, target: str, kind: str | None, as_json: bool) -> None:
    """Check a stored submission (ID) or a file (PATH): 字数, structure, figures, weakness score."""
    sub, text = c.kb.resolve(target)
    res = c.kb.analyze(sub.id)["check"] if sub is not None else c.kb.check_text(text, _target_kind(sub, kind))
    if as_json:
        _echo_json(res)
        return
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


@cli.command()
@click.argument("target")
@click.option(
    "--kind", type=click.Choice(["优秀场景", "示范工厂"]), help="Kind of a file target (default 优秀场景)."
)
@click.option("--edition", help="Classify against this guide edition (e.g. 2025) instead of the active one.")
@click.option("--top", type=int, default=5, show_default=True, help="How many scenarios to show.")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
@handle_errors
def classify(c: Ctx, target: str, kind: str | None, edition: str | None, top: int, as_json: bool) -> None:
    """Rank the 典型场景, 环节 and 揭榜 tasks a submission (ID) or file (PATH) fits, with evidence."""
    kb = c.kb
    sub, text = kb.resolve(target)
    claimed = sub.meta.claimed if sub is not None else None
    res = kb.classify_text(text, _target_kind(sub, kind), claimed, edition=edition)
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


@cli.command("eval")
@click.argument("labeled", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
@handle_errors
def eval_cmd(c: Ctx, labeled: Path, as_json: bool) -> None:
    """Evaluate the classifier on a labeled JSONL file (top-1, top-3, MRR, confusion, calibration)."""
    report = c.kb.evaluate(labeled)
    if as_json:
        _echo_json(report.to_dict())
    else:
        click.echo(report.render())


@cli.command()
@click.argument("target")
@click.option("-k", "k", type=int, default=10, show_default=True, help="How many matches.")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
@handle_errors
def similar(c: Ctx, target: str, k: int, as_json: bool) -> None:
    """Most similar stored submissions to a submission (ID) or file (PATH), with shared passages."""
    sub, text = c.kb.resolve(target)
    res = c.kb.similar(sub.id if sub is not None else text, k=k)
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


@cli.command()
@click.option(
    "--threshold", type=float, default=None, help="Similarity (0–1, boilerplate excluded) that makes a pair."
)
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
@handle_errors
def dupes(c: Ctx, threshold: float | None, as_json: bool) -> None:
    """Duplicate families (connected groups of similar submissions) and pairs across the whole KB."""
    res = c.kb.dupes(threshold=threshold)
    if as_json:
        _echo_json(res)
        return
    for i, fam in enumerate(res["families"], 1):
        click.echo(f"家族 {i}（{fam['level']}，最高 {fam['max_similarity'] * 100:.0f}%）：")
        for m in fam["members"]:
            click.echo(f"   #{m['id']:<5} {m['source']}  {m.get('title', '')}")
    click.echo(f"共 {len(res['families'])} 个重复家族，{len(res['pairs'])} 对")


@cli.command()
@click.argument("query")
@click.option("-k", "k", type=int, default=10, show_default=True)
@click.option("--year", type=int)
@click.option("--region")
@click.option("--industry")
@click.option("--kind", type=click.Choice(["优秀场景", "示范工厂"]))
@click.option("--scenario", help="Predicted or claimed scenario code/name.")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
@handle_errors
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
    hits = c.kb.search(query, k=k, filters={a: b for a, b in filters.items() if b})
    if as_json:
        _echo_json(hits)
        return
    for h in hits:
        click.echo(f"{h['score']:.3f}  {h['type']:<9} {h.get('ref', '')}  {h.get('title', '')}")
        if h.get("snippet"):
            click.echo(f"        {h['snippet']}")


@cli.group("index")
def index_grp() -> None:
    """Similarity index maintenance."""


@index_grp.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
@handle_errors
def index_verify(c: Ctx, as_json: bool) -> None:
    """Compare the similarity index with the database (exit code 1 when they disagree)."""
    rep = c.kb.index_verify()
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


@index_grp.command("rebuild")
@pass_ctx
@handle_errors
def index_rebuild(c: Ctx) -> None:
    """Rebuild the similarity index from the database."""
    rep = c.kb.index_rebuild()
    click.echo(f"索引已重建：{rep['count']} 份，编码器 {rep['encoder']}")


# --------------------------------------------------------------------------------------------- reports, exports, quotas
@cli.command("report")
@click.argument("sid", type=int)
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), default="html", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file (default dossier_ID.html|pdf).",
)
@pass_ctx
@handle_errors
def report_cmd(c: Ctx, sid: int, fmt: str, output: Path | None) -> None:
    """Write the review dossier of one submission: findings with excerpts and notice clauses, classification,
    metrics, similar sources side by side, reviewer decision."""
    out = output or Path(f"dossier_{sid}.{fmt}")
    if fmt == "pdf":
        out.write_bytes(c.kb.dossier_pdf(sid))
    else:
        out.write_text(c.kb.dossier_html(sid), encoding="utf-8")
    click.echo(f"评审档案已写入 {out}")


@cli.command("export")
@click.argument("what", type=click.Choice(["inbox", "coverage"]))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file (default inbox.xlsx / coverage.xlsx).",
)
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True)
@click.option(
    "--charts/--no-charts",
    default=True,
    show_default=True,
    help="coverage: also write heatmap PNGs beside the output.",
)
@pass_ctx
@handle_errors
def export_cmd(c: Ctx, what: str, output: Path | None, fmt: str, charts: bool) -> None:
    """Export the reviewer inbox (Excel/CSV review sheet) or the coverage matrices (region × 环节, industry ×
    scenario, year) with heatmap PNGs. Cells starting with = + - @ are neutralised."""
    out = output or Path(f"{what}.{fmt}")
    if what == "inbox":
        out.write_bytes(c.kb.export_inbox(fmt))
        click.echo(f"评审表已写入 {out}")
        return
    files = c.kb.export_coverage(fmt, charts=charts)
    written = []
    for suffix, data in files.items():
        path = out if suffix == "xlsx" else out.with_name(f"{out.stem}_{suffix}")
        path.write_bytes(data)
        written.append(str(path))
    click.echo("覆盖分析已写入 " + "、".join(written))


@cli.command("quota")
@click.argument("list_file", metavar="LIST", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["优秀场景", "示范工厂"]),
    help="Kind of every row when the list has no 类型 column.",
)
@click.option(
    "--no-kb", is_flag=True, help="Check quotas and order only; do not look items up in the knowledge base."
)
@click.option("--json", "as_json", is_flag=True, help="Output the report as JSON.")
@pass_ctx
@handle_errors
def quota_cmd(c: Ctx, list_file: Path, kind: str | None, no_kb: bool, as_json: bool) -> None:
    """Check a recommendation list (.xlsx/.csv): quotas, priority order 1..n, repeated applicants, and that every
    item is in the knowledge base and passed its checks."""
    report = c.kb.quota_check(list_file, default_kind=kind, with_kb=not no_kb)
    if as_json:
        _echo_json(report.to_dict())
    else:
        click.echo(report.to_text())


# --------------------------------------------------------------------------------------------- users
@cli.group("user")
def user_grp() -> None:
    """Workbench accounts (reviewer / analyst / admin)."""


@user_grp.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["reviewer", "analyst", "admin"]), required=True)
@click.password_option(help="Password (asked when not given).")
@pass_ctx
@handle_errors
def user_add(c: Ctx, username: str, role: str, password: str) -> None:
    """Create or update an account (the password is stored as a bcrypt hash)."""
    c.kb.add_user(username, password, role)
    click.echo(f"账号 {username}（{role}）已保存")


@user_grp.command("list")
@pass_ctx
@handle_errors
def user_list(c: Ctx) -> None:
    """List accounts."""
    for u in c.kb.users():
        click.echo(f"{u['username']:<16} {u['role']:<9} {'启用' if u['active'] else '停用'}")


@user_grp.command("remove")
@click.argument("username")
@pass_ctx
@handle_errors
def user_remove(c: Ctx, username: str) -> None:
    """Delete an account."""
    c.kb.remove_user(username)
    click.echo(f"账号 {username} 已删除")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="scenario-kb")
