"""Submissions in and out: ingest, list, show; the reference editions in use."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kb.cli.base import LIST_FIELDS, Ctx, _echo_json, cli, command
from kb.cli.safety import INGEST_REJECTED_EXIT, safe_name


# --------------------------------------------------------------------------------------------- ingest
def _parse_map(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise click.BadParameter(f"{v!r} 应写成 表头=字段，例如 企业=applicant")
        k, f = v.split("=", 1)
        out[k.strip()] = f.strip()
    return out


@command(cli, json_help="Output the batch report as JSON.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Read and validate only; store nothing.")
@click.option("--map", "maps", multiple=True, help="Batch table column mapping HEADER=FIELD (repeatable).")
@click.option("--year", type=int, help="Year for documents without one in their metadata.")
@click.option("--kind", type=click.Choice(["优秀场景", "示范工厂"]), help="Kind for documents without one.")
@click.option("--no-analyze", is_flag=True, help="Store only; skip checks, classification and indexing.")
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
        report = kb.store.ingest(
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
@command(cli, "list", json_help="Output a JSON array.")
@click.option("--kind", type=click.Choice(["优秀场景", "示范工厂"]), help="Filter by kind.")
@click.option("--region", help="Filter by region (e.g. 浙江省).")
@click.option("--industry", help="Filter by industry.")
@click.option("--year", type=int, help="Filter by year.")
@click.option("-q", "query", help="Substring of title, applicant or file name.")
@click.option("--limit", type=int, default=None, help="At most this many rows.")
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
    subs = c.kb.store.list_submissions(filters, limit=limit)
    rows = [{k: s.summary()[k] for k in LIST_FIELDS} for s in subs]
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        kind_label = "示范工厂" if r["kind"] == "factory" else "优秀场景"
        click.echo(
            f"#{r['id']:<5} {r['year'] or '':<5} {kind_label} {safe_name(r['region']):<8} "
            f"{safe_name(r['industry']):<14} {safe_name(r['title'])}"
        )
    click.echo(f"共 {len(rows)} 份")


@command(cli, json_help="Output JSON (with the full text).")
@click.argument("sid", type=int)
def show(c: Ctx, sid: int, as_json: bool) -> None:
    """Show one submission with its metadata and text."""
    sub = c.kb.store.get(sid)
    if as_json:
        _echo_json(sub.to_dict())
        return
    for k, v in sub.summary().items():
        click.echo(f"{k:<14} {safe_name(v)}")
    for w in sub.warnings:
        click.echo(f"注意：{safe_name(w)}")
    click.echo("-" * 40)
    click.echo(sub.text)


# --------------------------------------------------------------------------------------------- reference
@cli.group("reference")
def reference_grp() -> None:
    """Reference lists: the typical-scenario guide and the demo-factory task list, by edition."""


@command(reference_grp, "list", json_help="Output JSON.")
def reference_list(c: Ctx, as_json: bool) -> None:
    """List reference editions and which are in use."""
    rows = c.kb.reference.reference_list()
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        mark = "*" if r["active"] else " "
        click.echo(
            f"{mark} {r['list_kind']:<6} {r['edition']}  {r['variant']:<15} {r['status']:<14} {r['entries']:>3} 条  {r['title']}"
        )
    click.echo("（* 为当前使用的版本）")


@command(reference_grp, "show", json_help="Output JSON.")
@click.option(
    "--kind", "list_kind", type=click.Choice(["guide", "tasks"]), default="guide", show_default=True
)
def reference_show(c: Ctx, list_kind: str, as_json: bool) -> None:
    """Show the entries of the edition in use."""
    ed = c.kb.reference.active_edition(list_kind)
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


@command(reference_grp, "import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", "list_kind", type=click.Choice(["guide", "tasks"]), required=True)
@click.option("--edition", required=True, help="Edition year, e.g. 2021.")
@click.option("--yes", is_flag=True, help="Apply without asking.")
@click.option(
    "--allow-partial", is_flag=True, help="Accept a file with far fewer entries than the edition in use."
)
def reference_import(
    c: Ctx, file: Path, list_kind: str, edition: str, yes: bool, allow_partial: bool
) -> None:
    """Import the official attachment text (.docx/.pdf/.txt) and make it the active edition (status official).
    A file with fewer than half the entries of the edition in use is refused unless --allow-partial."""
    entries, diff = c.kb.reference.preview_reference_import(file, list_kind, edition)
    click.echo(
        f"识别出 {len(entries)} 条。与当前版本（{c.kb.reference.active_edition(list_kind).banner}）相比："
    )
    click.echo(diff.summary())
    if not yes and not click.confirm("用该官方文本替换当前版本？", default=False):
        click.echo("未做任何修改。")
        return
    ed = c.kb.reference.import_reference(file, list_kind, edition, allow_partial=allow_partial)
    click.echo("已启用：" + ed.banner)


@command(reference_grp, "use")
@click.argument("edition")
@click.option(
    "--kind", "list_kind", type=click.Choice(["guide", "tasks"]), default="guide", show_default=True
)
@click.option("--variant", type=click.Choice(["official", "reconstruction"]), default=None)
def reference_use(c: Ctx, edition: str, list_kind: str, variant: str | None) -> None:
    """Switch the edition in use (e.g. `reference use 2025`)."""
    ed = c.kb.reference.use_edition(list_kind, edition, variant)
    click.echo("已启用：" + ed.banner)
