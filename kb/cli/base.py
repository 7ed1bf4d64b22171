"""The ``scenario-kb`` group, its context (one :class:`kb.service.KB` per run) and the error handling of every command."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

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
    def __init__(self, db: str | None, config_file: str | None, create: bool = False) -> None:
        self.db = db
        self.config_file = config_file
        self.create = create  # the command may create a missing --db file (init, or --create)
        self._kb: Any = None

    @property
    def kb(self) -> Any:
        if self._kb is None:
            from kb.cli.safety import db_problem
            from kb.service import open_kb

            if self.db and "://" not in self.db:  # a path given with --db / SCENARIO_KB_DB
                why = db_problem(Path(self.db), create=self.create)
                if why:
                    raise click.ClickException(why)
            self._kb = open_kb(self.db, self.config_file)
        return self._kb


pass_ctx = click.make_pass_decorator(Ctx)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db", envvar="SCENARIO_KB_DB", help="数据库文件路径或 SQLAlchemy URL（也可用环境变量 SCENARIO_KB_DB）。"
)
@click.option("--config", "config_file", envvar="SCENARIO_KB_CONFIG", help="TOML 配置文件。")
@click.option("--create", is_flag=True, help="--db 指向的数据库不存在时新建（init 命令总会新建）。")
@click.version_option(package_name="scenario-kb")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config_file: str | None, create: bool) -> None:
    """scenario-kb：智能制造场景知识库与辅助评审。"""
    ctx.obj = Ctx(db, config_file, create or ctx.invoked_subcommand in ("init", "demo"))


def command(
    group: click.Group, name: str | None = None, *, json_help: str | None = None
) -> Callable[..., Any]:
    """Register a command on ``group`` that receives the :class:`Ctx` and ends domain errors in one message.

    Args:
        group: the click group (``cli`` or a subgroup).
        name: the command name (default: the function name).
        json_help: give the command a ``--json`` flag (``as_json``) with this help, listed after its other options.
    """

    def decorate(fn: Callable[..., Any]) -> Any:
        f = pass_ctx(handle_errors(fn))
        if json_help is not None:
            f = click.option("--json", "as_json", is_flag=True, help=json_help)(f)
            params = f.__click_params__  # type: ignore[attr-defined]
            params.insert(0, params.pop())  # click lists the options bottom-up: the flag goes last
        return group.command(name)(f)

    return decorate
