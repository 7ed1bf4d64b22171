"""Setup and administration: init, config, demo, serve, user accounts."""

from __future__ import annotations

import os
import subprocess
import sys

import click

from kb.cli.base import Ctx, _echo_json, cli, command
from kb.cli.safety import safe_name
from kb.config import DATA_DIR, REPO_ROOT, SETTINGS


# --------------------------------------------------------------------------------------------- setup
@command(cli)
def init(c: Ctx) -> None:
    """Create or migrate the database and load the bundled reference editions."""
    info = c.kb.init()
    click.echo(f"数据库已就绪：{info['db']}（结构版本 {info['schema_version']}）")
    for list_kind in ("guide", "tasks"):
        click.echo("当前参考版本：" + c.kb.reference.active_edition(list_kind).banner)


@command(cli, "config", json_help="Output JSON.")
def config_cmd(c: Ctx, as_json: bool) -> None:
    """Show every setting, its resolved value and its help."""
    from kb.config import load_config

    cfg = load_config(c.config_file, db=c.db)
    rows = [
        {
            "name": s.name,
            "type": s.type.__name__,
            "value": getattr(cfg, s.name),
            "default": s.default,
            "scope": s.scope,
            "where": s.where,
            "help": s.help,
        }
        for s in SETTINGS
    ]
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['name']:<26} {r['type']:<5} = {r['value']!s:<24} [{r['scope']}] {r['help']}")
        click.echo(f"{'':<26} default {r['default']!s}; set in: {r['where']}")


# --------------------------------------------------------------------------------------------- demo, serve
@command(cli)
@click.option("--reset", is_flag=True, help="Delete the database first.")
def demo(c: Ctx, reset: bool) -> None:
    """Build the demo knowledge base from data/demo (fictional submissions)."""
    kb = c.kb
    if reset:
        kb.reset()
    kb.init()
    report = kb.store.ingest([DATA_DIR / "demo"])
    d = report.to_dict()
    click.echo(
        f"演示知识库：新增 {d['added']} 份，已存在 {d['duplicates']} 份，跳过 {d['skipped']} 份 → {kb.config.db_url}"
    )
    kb.accounts.ensure_demo_users()
    click.echo("演示账号：reviewer / analyst / admin，密码均为 demo（首次登录后请在“管理”页修改）")


@command(cli)
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--host", default="localhost", show_default=True)
@click.option("--demo/--no-demo", "with_demo", default=False, help="Build the demo KB first.")
def serve(c: Ctx, port: int, host: str, with_demo: bool) -> None:
    """Start the Streamlit workbench."""
    if with_demo:
        click.get_current_context().invoke(demo)
    env = dict(os.environ)
    env["SCENARIO_KB_DB"] = c.kb.config.values["db"]
    if c.config_file:
        env["SCENARIO_KB_CONFIG"] = c.config_file
    # app_pages.server: the knowledge base is opened and warmed when the server starts (not at the first browser)
    cmd = [
        sys.executable,
        "-m",
        "app_pages.server",
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
    raise SystemExit(subprocess.call(cmd, env=env, cwd=REPO_ROOT))


# --------------------------------------------------------------------------------------------- users
@cli.group("user")
def user_grp() -> None:
    """Workbench accounts (reviewer / analyst / admin)."""


@command(user_grp, "add")
@click.argument("username")
@click.option("--role", type=click.Choice(["reviewer", "analyst", "admin"]), required=True)
@click.password_option(help="Password (asked when not given).")
def user_add(c: Ctx, username: str, role: str, password: str) -> None:
    """Create or update an account (the password is stored as a bcrypt hash)."""
    c.kb.accounts.add_user(username, password, role)
    click.echo(f"账号 {safe_name(username.strip())}（{role}）已保存")


@command(user_grp, "list")
def user_list(c: Ctx) -> None:
    """List accounts."""
    for u in c.kb.accounts.users():
        click.echo(f"{safe_name(u['username']):<16} {u['role']:<9} {'启用' if u['active'] else '停用'}")


@command(user_grp, "remove")
@click.argument("username")
def user_remove(c: Ctx, username: str) -> None:
    """Delete an account."""
    c.kb.accounts.remove_user(username)
    click.echo(f"账号 {safe_name(username.strip())} 已删除")
