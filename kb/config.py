"""Settings: one table of (name, default, help), resolved once: defaults < file < environment < flags.

The file is TOML (``scenario-kb.toml`` in the working directory, or the path in ``SCENARIO_KB_CONFIG``), with the
setting names as top-level keys. Environment variables are ``SCENARIO_KB_<NAME>`` in upper case
(``SCENARIO_KB_DB`` chooses the database).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "db",
        "var/scenario-kb.sqlite",
        "SQLite file path or SQLAlchemy URL (postgresql://…) of the knowledge base",
    ),
    Setting(
        "index_dir",
        "",
        "Folder for vector/near-duplicate indexes and the embedding cache (default: beside the DB)",
    ),
    Setting("encoder", "tfidf", "Sentence encoder: tfidf | use | e5 | sentence-transformers"),
    Setting(
        "encoder_model",
        "",
        "Local path or cached name of a sentence-transformers model (encoder=sentence-transformers)",
    ),
    Setting(
        "paraphrase_encoder",
        "",
        "Encoder for the sentence-level paraphrase test (e.g. use); empty = the main encoder",
    ),
    Setting(
        "semantic_candidate_cos",
        0.0,
        "Document-cosine floor of semantic duplicate candidates (0 = per-encoder default)",
    ),
    Setting(
        "semantic_margin",
        0.0,
        "Ratio margin of semantic duplicate candidates: cosine over the pair's mean neighbourhood cosine "
        "(0 = per-encoder default; 0.01 keeps every neighbour above the cosine floor)",
    ),
    Setting("index_backend", "faiss", "Vector index backend: faiss | numpy"),
    Setting("guide_edition", "2021", "Active edition of the typical-scenario guide"),
    Setting("tasks_edition", "2021", "Active edition of the demo-factory task list"),
    Setting("max_upload_mb", 20, "Largest file accepted for ingest or self-check, in MB"),
    Setting(
        "max_text_chars",
        200_000,
        "Longest extracted text accepted, in characters (longer texts are truncated and marked)",
    ),
    Setting(
        "max_docx_uncompressed_mb",
        200,
        "Largest total uncompressed size of a .docx/.xlsx archive (zip-bomb guard), in MB",
    ),
    Setting("parse_timeout_s", 60, "Longest time spent parsing one file, in seconds"),
    Setting(
        "dup_threshold",
        0.30,
        "Similarity (0–1, boilerplate excluded) from which a pair is reported as a duplicate",
    ),
    Setting(
        "min_match_chars", 13, "Shortest shared passage counted by the alignment, in normalised characters"
    ),
    Setting("session_ttl_min", 480, "Minutes after which a UI login expires"),
    Setting(
        "session_secret", "", "Key signing the UI login tokens (empty: generated once and kept in the database)"
    ),
    Setting(
        "users_file", "", "Optional TOML file of users (name, role, bcrypt hash) in addition to the DB users"
    ),
)
_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    """Resolved settings. Attribute access by setting name."""

    values: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def with_overrides(self, **overrides: Any) -> Config:
        vals = dict(self.values)
        for k, v in overrides.items():
            if v is not None:
                vals[k] = _coerce(k, v, "flag")
        return Config(vals)

    @property
    def db_url(self) -> str:
        db = str(self.values["db"])
        if "://" in db:
            return db
        return "sqlite:///" + str(Path(db).expanduser().resolve())

    @property
    def index_path(self) -> Path:
        if self.values.get("index_dir"):
            return Path(self.values["index_dir"]).expanduser()
        db = str(self.values["db"])
        if "://" in db:
            return Path("var") / "index"
        p = Path(db).expanduser()
        return p.with_name(p.stem + ".index")

    def as_dict(self) -> dict[str, Any]:
        return dict(self.values)


def _coerce(name: str, value: Any, origin: str) -> Any:
    if name not in _BY_NAME:
        raise ConfigError(f"未知配置项 {name!r}（来自 {origin}）：可用配置项见 `scenario-kb config`。")
    default = _BY_NAME[name].default
    try:
        if isinstance(default, bool):
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"配置项 {name} 的值 {value!r}（来自 {origin}）类型不对，应为 {type(default).__name__}。"
        ) from exc


def load_config(file: str | Path | None = None, env: Mapping[str, str] | None = None, **flags: Any) -> Config:
    """Resolve the settings once.

    Args:
        file: TOML config file; default ``SCENARIO_KB_CONFIG`` or ``./scenario-kb.toml`` when present.
        env: environment mapping (default ``os.environ``).
        **flags: explicit values (``None`` means not given).

    Returns:
        The resolved :class:`Config`.
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    path = Path(file) if file else Path(env.get("SCENARIO_KB_CONFIG", "scenario-kb.toml"))
    if file or path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"配置文件 {path} 不存在：请检查路径。") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"配置文件 {path} 不是合法的 TOML：{exc}") from exc
        for k, v in data.items():
            values[k] = _coerce(k, v, str(path))
    for s in SETTINGS:
        key = "SCENARIO_KB_" + s.name.upper()
        if env.get(key):
            values[s.name] = _coerce(s.name, env[key], key)
    for k, v in flags.items():
        if v is not None:
            values[k] = _coerce(k, v, "flag")
    return Config(values)
