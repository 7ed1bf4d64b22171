"""The CLI end to end on a real temporary database: exact messages, exit codes, JSON shapes."""

from __future__ import annotations

import json

import docx

TEXT = (
    "一、企业概况\n某精工有限公司生产齿轮箱。\n二、场景概述\n设备故障频发，非计划停机多。\n"
    "三、实施内容\n部署振动传感器和EAM系统，建立预测性维护模型。\n四、实施成效\n非计划停机时间降低35%。\n"
)


def test_init_shows_editions_and_status(run_cli):
    r = run_cli("init")
    assert r.exit_code == 0, r.output
    assert "数据库已就绪" in r.output
    assert "2021" in r.output and "重构版" in r.output


def test_ingest_list_show_json(run_cli, tmp_path):
    tmp_path = tmp_path / "in"
    tmp_path.mkdir()
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    assert run_cli("ingest", str(tmp_path)).exit_code == 1  # a missing --db is not created silently
    assert run_cli("init").exit_code == 0
    r = run_cli("ingest", str(tmp_path))
    assert r.exit_code == 3  # one file rejected
    assert "新增 1 份" in r.output and "跳过 1 份" in r.output and "未导入 1 份" in r.output
    r2 = run_cli("ingest", str(tmp_path))
    assert "新增 0 份，重复 1 份" in r2.output
    rows = json.loads(run_cli("list", "--json").output)
    assert len(rows) == 1
    assert {"id", "title", "source", "kind", "region", "industry"} <= set(rows[0])
    assert rows[0]["source"] == "a.txt"
    shown = json.loads(run_cli("show", str(rows[0]["id"]), "--json").output)
    assert shown["text"].startswith("一、企业概况")


def test_missing_submission_is_one_message_not_a_traceback(run_cli):
    run_cli("init")
    r = run_cli("show", "999")
    assert r.exit_code == 1
    assert "不存在" in r.output and "Traceback" not in r.output


def test_reference_import_replaces_edition_and_shows_status(run_cli, tmp_path):
    run_cli("init")
    d = docx.Document()
    d.add_paragraph("一、工厂设计")
    d.add_paragraph("1. 工厂数字化设计。运用三维建模与仿真手段开展工厂规划、布局和物流设计。")
    d.add_paragraph("2. 数字孪生工厂建设。构建虚实映射的工厂模型，实现运行状态实时同步。")
    d.add_paragraph("二、产品研发")
    d.add_paragraph("3. 产品数字化研发与设计。基于模型的定义和协同研发平台开展产品设计。")
    p = tmp_path / "official.docx"
    d.save(p)
    r = run_cli("reference", "import", str(p), "--kind", "guide", "--edition", "2021", input="n\n")
    assert r.exit_code == 0 and "未做任何修改" in r.output and "识别出 3 条" in r.output
    r = run_cli("reference", "import", str(p), "--kind", "guide", "--edition", "2021", "--yes")
    assert r.exit_code == 1 and "不到当前版本" in r.output  # a fragment is not taken as the official text
    r = run_cli(
        "reference", "import", str(p), "--kind", "guide", "--edition", "2021", "--yes", "--allow-partial"
    )
    assert r.exit_code == 0, r.output
    assert "官方正式文本" in r.output
    listing = json.loads(run_cli("reference", "list", "--json").output)
    active = [e for e in listing if e["active"] and e["list_kind"] == "guide"]
    assert active[0]["variant"] == "official" and active[0]["entries"] == 3
    shown = json.loads(run_cli("reference", "show", "--json").output)
    assert [e["name"] for e in shown["entries"]][:2] == ["工厂数字化设计", "数字孪生工厂建设"]
    r = run_cli("reference", "use", "2025")
    assert "2025" in r.output
    r = run_cli("reference", "use", "1999")
    assert r.exit_code == 1 and "reference list" in r.output


def test_every_command_has_help_and_is_in_readme():
    from pathlib import Path

    import click

    from kb.cli import cli

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")

    def walk(cmd: click.Command, prefix: str):
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                yield from walk(sub, f"{prefix} {name}".strip())
        else:
            yield prefix, cmd

    for name, cmd in walk(cli, ""):
        assert cmd.help, f"command {name!r} has no help"
        assert f"scenario-kb {name}" in readme, f"command {name!r} is not documented in README.md"
