"""Documents out: review dossiers, inbox and coverage exports, recommendation-list checks."""

from __future__ import annotations

from pathlib import Path

import click

from kb.cli.base import Ctx, _echo_json, cli, command
from kb.cli.safety import check_output_path


def _check_out(c: Ctx, out: Path, force: bool) -> None:
    why = check_output_path(
        out, c.kb.storage.url.split("///", 1)[-1] if c.kb.storage.url else None, force=force
    )
    if why:
        raise click.ClickException(why)


# --------------------------------------------------------------------------------------------- reports, exports, quotas
@command(cli, "report")
@click.argument("sid", type=int)
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), default="html", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file (default dossier_ID.html|pdf).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file this program did not write.")
def report_cmd(c: Ctx, sid: int, fmt: str, output: Path | None, force: bool) -> None:
    """Write the review dossier of one submission: findings with excerpts and notice clauses, classification,
    metrics, similar sources side by side, reviewer decision. Never overwrites the database; an existing file it
    did not write only with --force."""
    out = output or Path(f"dossier_{sid}.{fmt}")
    _check_out(c, out, force)
    if fmt == "pdf":
        out.write_bytes(c.kb.reports.dossier_pdf(sid))
    else:
        out.write_text(c.kb.reports.dossier_html(sid), encoding="utf-8")
    click.echo(f"评审档案已写入 {out}")


@command(cli, "export")
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
@click.option("--force", is_flag=True, help="Overwrite an existing file this program did not write.")
def export_cmd(c: Ctx, what: str, output: Path | None, fmt: str, charts: bool, force: bool) -> None:
    """Export the reviewer inbox (Excel/CSV review sheet) or the coverage matrices (region × 环节, industry ×
    scenario, year) with heatmap PNGs. Cells starting with = + - @ are neutralised. Never overwrites the
    database; an existing file it did not write only with --force."""
    out = output or Path(f"{what}.{fmt}")
    _check_out(c, out, force)
    if what == "inbox":
        out.write_bytes(c.kb.reports.export_inbox(fmt))
        click.echo(f"评审表已写入 {out}")
        return
    files = c.kb.coverage.export(fmt, charts=charts)
    written = []
    for suffix, data in files.items():
        path = out if suffix == "xlsx" else out.with_name(f"{out.stem}_{suffix}")
        path.write_bytes(data)
        written.append(str(path))
    click.echo("覆盖分析已写入 " + "、".join(written))


@command(cli, "quota", json_help="Output the report as JSON.")
@click.argument("list_file", metavar="LIST", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["优秀场景", "示范工厂"]),
    help="Kind of every row when the list has no 类型 column.",
)
@click.option(
    "--no-kb", is_flag=True, help="Check quotas and order only; do not look items up in the knowledge base."
)
def quota_cmd(c: Ctx, list_file: Path, kind: str | None, no_kb: bool, as_json: bool) -> None:
    """Check a recommendation list (.xlsx/.csv): quotas, priority order 1..n, repeated applicants, and that every
    item is in the knowledge base and passed its checks."""
    report = c.kb.reports.quota_check(list_file, default_kind=kind, with_kb=not no_kb)
    if as_json:
        _echo_json(report.to_dict())
    else:
        click.echo(report.to_text())
