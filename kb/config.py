"""Settings: one table of every tunable (name, type, default, help, receiving component, where to set it),
resolved once: defaults < file < environment < flags. ``scenario-kb config`` prints the table.

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
    """One tunable: its name, type, default and help, which component receives it, and where it can be set.

    Every setting can be set in the TOML file (key ``name``) and in the environment (``SCENARIO_KB_NAME``);
    ``flag`` names the command-line option that sets it too, if any. ``scope`` is the component that
    receives the value: ``kb`` (the knowledge base itself), ``similarity`` (``nlp.similarity``
    ``SimilarityConfig`` field of the same name), ``classify`` (keyword argument of
    ``nlp.classify.Classifier``) or ``checks`` (``nlp.checks``).
    """

    name: str
    type: type
    default: Any
    help: str
    scope: str = "kb"
    flag: str = ""

    @property
    def env(self) -> str:
        """The environment variable that sets it."""
        return "SCENARIO_KB_" + self.name.upper()

    @property
    def where(self) -> str:
        """Where it can be set, e.g. ``file, env SCENARIO_KB_DB, --db``."""
        return ", ".join(x for x in ("file", "env " + self.env, self.flag) if x)


def _s(
    name: str, default: Any, help: str, scope: str = "kb", flag: str = "", type_: type | None = None
) -> Setting:
    return Setting(name, type_ or type(default), default, help, scope, flag)


SETTINGS: tuple[Setting, ...] = (
    # ---- the knowledge base
    _s("db", "var/scenario-kb.sqlite", "SQLite file path or SQLAlchemy URL (postgresql://…) of the knowledge base",
       flag="--db"),
    _s("index_dir", "", "Folder for vector/near-duplicate indexes and the embedding cache (default: beside the DB)"),
    _s("guide_edition", "2021", "Active edition of the typical-scenario guide"),
    _s("tasks_edition", "2021", "Active edition of the demo-factory task list"),
    _s("max_upload_mb", 20, "Largest file accepted for ingest or self-check, in MB"),
    _s("max_text_chars", 200_000,
       "Longest extracted text accepted, in characters (longer texts are truncated and marked)"),
    _s("max_docx_uncompressed_mb", 200,
       "Largest total uncompressed size of a .docx/.xlsx archive (zip-bomb guard), in MB"),
    _s("parse_timeout_s", 60, "Longest time spent parsing one file, in seconds"),
    _s("max_table_cells", 2_000_000,
       "Largest number of cells read from one .csv/.xlsx batch or quota list (more: the file is refused)"),
    _s("selfcheck_timeout_s", 30,
       "Longest time one self-check (parse, checks, classification) may take in its worker process, in seconds"),
    _s("selfcheck_memory_mb", 2048,
       "Memory (address space) one self-check's worker process may use, in MB (the models take ~0.9 GB of it)"),
    _s("selfcheck_workers", 2, "Self-check worker processes kept warm (models loaded) for the next requests"),
    _s("selfcheck_demote_s", 2.0, "A self-check still running after this many seconds drops to low CPU priority, so "
       "that it cannot slow the other users' self-checks (0: never)"),
    _s("selfcheck_large_kb", 256, "A self-check draft larger than this (pasted text as UTF-8, or the uploaded file), in "
       "KB, runs in a low-priority worker so that it cannot slow the other users' self-checks"),
    _s("session_ttl_min", 480, "Minutes after which a UI login expires"),
    _s("session_secret", "", "Key signing the UI login tokens (empty: generated once and kept in the database)"),
    _s("users_file", "", "Optional TOML file of users (name, role, bcrypt hash) in addition to the DB users"),
    _s("index_publish_s", 5.0, "A stream of single submissions (the API's ingest) publishes a new index version at "
       "most this often, in seconds (0 = after every text); a folder ingest publishes once per batch",
       type_=float),
    _s("index_publish_texts", 100, "…or as soon as this many submitted texts wait for the index, whichever comes first"),
    _s("sweep_interval_s", 120.0, "The duplicate sweep behind the inbox and the API's dupes is redone in a background "
       "process at most this often while texts arrive, in seconds (readers get the newest stored sweep)",
       type_=float),
    _s("render_workers", 1, "Dossier PDFs rendered at once per process, each in a bounded worker process (the "
       "rest queue)"),
    _s("cjk_font", "", "Font with Chinese glyphs for PDFs and charts (PATH or PATH:INDEX); empty = Noto Sans CJK SC "
       "found by fc-match or the usual install paths"),
    # ---- encoders (the similarity engine is built with them)
    _s("encoder", "tfidf", "Sentence encoder: tfidf | use | e5 | sentence-transformers"),
    _s("encoder_model", "",
       "Local path or cached name of a sentence-transformers model (encoder=sentence-transformers)"),
    # ---- the similarity engine (nlp.similarity.SimilarityConfig fields of the same name)
    _s("dup_threshold", 0.30,
       "Similarity (0–1, boilerplate excluded) from which a pair is reported as a duplicate and links a family",
       "similarity"),
    _s("min_match_chars", 13, "Shortest shared passage counted by the alignment, in normalised characters",
       "similarity"),
    _s("index_backend", "faiss", "Vector index backend: faiss | numpy", "similarity"),
    _s("index_kind", "flat", "Faiss index kind: flat | auto | ivf", "similarity"),
    _s("ann_threshold", 200_000, "Collection size from which index_kind=auto switches to an approximate index",
       "similarity"),
    _s("paraphrase_encoder", "", "Encoder for the sentence-level paraphrase test (e.g. use); empty = the main encoder",
       "similarity"),
    _s("paraphrase_cos", 0.0, "Sentence cosine of a paraphrased sentence pair (0 = per-encoder default)",
       "similarity"),
    _s("paraphrase_coverage", 0.5, "Share of each text's sentences with a paraphrased partner for a paraphrase",
       "similarity"),
    _s("paraphrase_margin", 0.2, "Paraphrase coverage minus lexical similarity needed (rewritten, not copied)",
       "similarity"),
    _s("paraphrase_min_chars", 12, "Shorter sentences (headings) do not count in the paraphrase coverage",
       "similarity"),
    _s("semantic_candidate_cos", 0.0, "Document-cosine floor of semantic duplicate candidates (0 = per-encoder default)",
       "similarity"),
    _s("semantic_margin", 0.0,
       "Ratio margin of semantic duplicate candidates: cosine over the pair's mean neighbourhood cosine "
       "(0 = per-encoder default; 0.01 keeps every neighbour above the cosine floor)", "similarity"),
    _s("semantic_k", 10, "Semantic neighbours per text in sweeps and in 'similar'", "similarity"),
    _s("shingle_k", 5, "MinHash shingle length, in normalised characters", "similarity"),
    _s("num_perm", 128, "MinHash permutations", "similarity"),
    _s("lsh_threshold", 0.3, "Jaccard similarity the LSH bands are tuned for", "similarity"),
    _s("max_bucket", 200, "LSH buckets larger than this are template text, skipped in sweeps", "similarity"),
    _s("min_jaccard", 0.15, "LSH candidates below this MinHash Jaccard estimate are not aligned", "similarity"),
    _s("similar_lexical_budget", 64, "At most this many LSH candidates are aligned per 'similar' query",
       "similarity"),
    _s("identical", 0.98, "Similarity from which a pair is 'identical'", "similarity"),
    _s("minor_edits", 0.6, "Similarity from which a pair is 'minor edits'", "similarity"),
    _s("partial", 0.2, "Similarity from which a pair is 'partial copy'", "similarity"),
    _s("boilerplate_auto", True, "Learn boilerplate sentences from the collection before sweeps", "similarity"),
    _s("boilerplate_min_docs", 3, "A learned boilerplate sentence recurs in at least this many texts (floor)",
       "similarity"),
    _s("boilerplate_min_frac", 0.02, "…or in this fraction of the collection, whichever is larger", "similarity"),
    _s("min_sentence_chars", 8, "Shorter sentences are never boilerplate, in normalised characters", "similarity"),
    _s("window_sentences", 3, "Sentences per embedding window", "similarity"),
    _s("window_chars", 400, "Characters per embedding window", "similarity"),
    _s("rrf_k", 60, "Rank offset of reciprocal-rank fusion in search", "similarity"),
    _s("search_depth", 100, "Candidates per retriever before fusion in search", "similarity"),
    _s("keyword_tokenizer", "bigram", "Keyword (BM25) tokens of search: bigram | jieba", "similarity"),
    _s("sweep_workers", 0, "Processes (forked) aligning the candidate pairs of a duplicate sweep (0 = one per CPU, "
       "at most 8; 1 = in the calling process); the result is the same for any value", "similarity"),
    _s("sweep_ann_min", 20_000, "A duplicate sweep that searches the neighbours of at least this many texts uses an "
       "approximate index (faiss IVF) instead of exact search (0 = always exact)", "similarity"),
    _s("sweep_ann_recall", 0.99, "Neighbour recall against exact search, measured on 1,000 sampled texts at each such "
       "sweep, that the approximate index must reach (its nprobe is doubled until it does; else exact search)",
       "similarity"),
    _s("sweep_ann_max_scan", 0.1, "…and only when that nprobe compares each text with at most this share of the "
       "collection (scanning lists costs ~8-20x an exact matrix product per vector on 2 cores; else exact search)",
       "similarity"),
    # ---- the classifier (nlp.classify.Classifier keyword arguments)
    _s("claim_top_n", 3, "A claimed scenario or task ranked below this is reported (CLS001)", "classify"),
    _s("max_window", 120, "Longest scoring unit of the classifier; longer sentences are cut at commas", "classify"),
    _s("boilerplate_weight", 0.2, "Classifier weight of a sentence that is boilerplate (0 would hide copied scopes)",
       "classify"),
    _s("top_sentences", 3, "Best sentences behind the classifier's top-sentence feature and evidence", "classify"),
    _s("classify_max_chars", 60_000, "The classifier reads the first this many characters of a text (LIM001 past it)",
       "classify"),
    _s("classify_max_units", 3_000, "The classifier scores at most this many sentences/windows (LIM001 past it)",
       "classify"),
    _s("same_project", True, "Link texts about the same project (shared names, figures, neighbour margin) in the "
       "duplicate sweep, model fitted on the real corpus"),
    _s("judgment", True, "Rank scenarios/环节 with the model learned from the labelled real corpus (data/labeled/real) "
       "and decide 'is this a scenario description' with it (CLS003)"),
    # ---- the checks
    _s("rules_file", "", "TOML rules of the checks (codes, severities, thresholds); empty = the shipped rules",
       "checks"),
    _s("check_max_chars", 60_000, "The checks read the first this many characters of a text (LIM001 past it; "
       "字数 is always of the whole text)", "checks"),
    _s("check_max_sentences", 3_000, "Sentence-level checks read at most this many sentences (LIM001 past it)",
       "checks"),
    _s("check_max_figures", 1_000, "Figure checks read at most this many extracted figures (LIM001 past it)",
       "checks"),
)  # fmt: skip
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

    def scope(self, scope: str) -> dict[str, Any]:
        """The values of the settings that ``scope`` (``similarity``, ``classify``, ``checks``) receives."""
        return {s.name: self.values[s.name] for s in SETTINGS if s.scope == scope}

    def similarity_options(self) -> dict[str, Any]:
        """Keyword arguments of ``nlp.similarity.SimilarityConfig`` (0 / empty become None: the engine's default)."""
        vals: dict[str, Any] = self.scope("similarity")
        for name in ("paraphrase_cos", "semantic_candidate_cos", "semantic_margin", "paraphrase_encoder"):
            vals[name] = vals[name] or None
        return vals

    def classifier_options(self) -> dict[str, Any]:
        """Keyword arguments of ``nlp.classify.Classifier``."""
        return self.scope("classify")

    def check_options(self) -> dict[str, Any]:
        """The size budgets of ``nlp.checks.check_text`` (keyword arguments of the same names)."""
        return {k: v for k, v in self.scope("checks").items() if k != "rules_file"}

    @property
    def rules_path(self) -> str | None:
        """The rules file for ``nlp.checks.load_rules`` (None: the shipped ``nlp/checks/rules.toml``)."""
        return self.values["rules_file"] or None


def _coerce(name: str, value: Any, origin: str) -> Any:
    if name not in _BY_NAME:
        raise ConfigError(f"未知配置项 {name!r}（来自 {origin}）：可用配置项见 `scenario-kb config`。")
    typ = _BY_NAME[name].type
    try:
        if typ is bool:
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")
        return typ(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"配置项 {name} 的值 {value!r}（来自 {origin}）类型不对，应为 {typ.__name__}。"
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
        key = s.env
        if env.get(key):
            values[s.name] = _coerce(s.name, env[key], key)
    for k, v in flags.items():
        if v is not None:
            values[k] = _coerce(k, v, "flag")
    return Config(values)
