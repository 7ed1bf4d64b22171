"""The settings table: every tunable once, documented, shown by `scenario-kb config`, and in step with nlp."""

from __future__ import annotations

import inspect
import json
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.config import SETTINGS, load_config
from kb.errors import ConfigError
from nlp.classify import Classifier
from nlp.similarity import SimilarityConfig

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_setting_is_unique_typed_and_has_help():
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    for s in SETTINGS:
        assert len(s.help) >= 15, s.name
        assert isinstance(s.default, s.type), s.name
        assert s.scope in ("kb", "similarity", "classify", "checks"), s.name
        assert s.where.startswith("file, env SCENARIO_KB_"), s.name


def test_every_setting_is_in_the_readme_table():
    readme = README.read_text(encoding="utf-8")
    for s in SETTINGS:
        assert f"| `{s.name}` | {s.type.__name__} |" in readme, s.name


def test_config_command_prints_every_setting(tmp_path):
    res = CliRunner().invoke(cli, ["--db", str(tmp_path / "k.sqlite"), "config", "--json"])
    assert res.exit_code == 0, res.output
    rows = {r["name"]: r for r in json.loads(res.output)}
    assert set(rows) == {s.name for s in SETTINGS}
    assert rows["dup_threshold"]["default"] == 0.30 and rows["dup_threshold"]["scope"] == "similarity"
    text = CliRunner().invoke(cli, ["--db", str(tmp_path / "k.sqlite"), "config"]).output
    for s in SETTINGS:
        assert s.name in text and s.help in text


def test_similarity_settings_are_the_engine_fields_with_the_same_defaults():
    defaults = {f.name: f.default for f in fields(SimilarityConfig)}
    for s in SETTINGS:
        if s.scope == "similarity":
            assert s.name in defaults, s.name
            # 0 / "" in the table mean "the engine's own default" (None in SimilarityConfig)
            assert defaults[s.name] == (s.default if defaults[s.name] is not None else None), s.name
            if defaults[s.name] is None:
                assert not s.default, s.name
    cfg = SimilarityConfig(**load_config(env={}).similarity_options())
    assert cfg.dup_threshold == 0.30 and cfg.min_match_chars == 13 and cfg.semantic_margin is None


def test_classifier_settings_are_its_keyword_arguments_with_the_same_defaults():
    params = inspect.signature(Classifier).parameters
    for s in SETTINGS:
        if s.scope == "classify":
            assert params[s.name].default == s.default, s.name


def test_environment_and_file_override_and_bad_values_are_refused(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text("dup_threshold = 0.4\nmax_window = 80\n", encoding="utf-8")
    cfg = load_config(f, env={"SCENARIO_KB_TOP_SENTENCES": "5"})
    assert cfg.dup_threshold == 0.4 and SimilarityConfig(**cfg.similarity_options()).dup_threshold == 0.4
    assert cfg.classifier_options() == {"claim_top_n": 3, "max_window": 80, "boilerplate_weight": 0.2,
                                        "top_sentences": 5, "classify_max_chars": 60_000,
                                        "classify_max_units": 3_000}  # fmt: skip
    with pytest.raises(ConfigError):
        load_config(env={"SCENARIO_KB_NUM_PERM": "many"})
    with pytest.raises(ConfigError):
        load_config(f, env={}, dupe_threshold=0.5)


def test_saved_engine_settings_with_the_old_names_still_load():
    cfg = SimilarityConfig.from_dict({"dupe_threshold": 0.45, "min_len": 20})
    assert cfg.dup_threshold == 0.45 and cfg.min_match_chars == 20
