"""CLI commands of the HTTP API: ``scenario-kb api`` (serve) and ``scenario-kb apikey add|list|revoke``.

Registered on :data:`kb.cli.base.cli` when :mod:`kb.cli` is imported.
"""

from __future__ import annotations

import os

import click

from kb.cli.base import Ctx, _echo_json, cli, handle_errors, pass_ctx
from kb.service.apikeys import API_ROLES


@cli.command("api")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--workers", type=int, default=1, show_default=True, help="uvicorn worker processes.")
@click.option(
    "--rate-limit",
    type=int,
    default=600,
    show_default=True,
    help="Requests a minute per API key, counted in the database across all workers (0 = no limit).",
)
@pass_ctx
@handle_errors
def api_cmd(c: Ctx, host: str, port: int, workers: int, rate_limit: int) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    c.kb.storage.ensure_ready()  # migrate once, before the workers start
    if c.db:
        os.environ["SCENARIO_KB_DB"] = c.db
    if c.config_file:
        os.environ["SCENARIO_KB_CONFIG"] = c.config_file
    os.environ["SCENARIO_KB_API_RATE_PER_MIN"] = str(rate_limit)
    click.echo(f"API：http://{host}:{port}/docs（{workers} 个进程）")
    uvicorn.run(
        "kb.api:app_from_env", factory=True, host=host, port=port, workers=workers, log_level="warning"
    )


@cli.group("apikey")
def apikey_grp() -> None:
    """Manage HTTP API keys (stored hashed)."""


@apikey_grp.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(API_ROLES), required=True)
@pass_ctx
@handle_errors
def apikey_add(c: Ctx, name: str, role: str) -> None:
    """Make a key (shown once; a key of the same name is replaced)."""
    key = c.kb.apikeys.add(name, role)
    click.echo(f"密钥 {name}（{role}）：{key}")
    click.echo("请立即保存：此密钥不会再次显示。", err=True)


@apikey_grp.command("list")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_ctx
@handle_errors
def apikey_list(c: Ctx, as_json: bool) -> None:
    """List keys (name, role, first characters, state)."""
    rows = c.kb.apikeys.list()
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        state = "有效" if r["active"] else f"已吊销 {r['revoked_at']}"
        click.echo(f"{r['name']:<20} {r['role']:<10} {r['prefix']}…  {state}  {r['created_at']}")


@apikey_grp.command("revoke")
@click.argument("name")
@pass_ctx
@handle_errors
def apikey_revoke(c: Ctx, name: str) -> None:
    """Revoke a key: it stops working at once."""
    c.kb.apikeys.revoke(name)
    click.echo(f"密钥 {name} 已吊销")
