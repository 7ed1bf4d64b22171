"""Rules as data, the per-text check context and the registry of check functions."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from nlp import budget, rx
from nlp.count import count_chars, count_zishu
from nlp.metrics import Metric, extract_metrics
from nlp.normalize import Normalized, normalize_for_match
from nlp.sections import Section, detect_sections
from nlp.text import Piece, Token, domain_terms, get_segmenter, load_domain_terms, sentences, split_word
from nlp.types import Finding, SpanT

RULES_FILE = Path(__file__).resolve().parent / "rules.toml"
KINDS = ("scenario", "factory")
SEVERITIES = ("error", "warning", "info")
_RULE_CODE = rx.compile(r"[A-Z]{3}\d{3}")


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Rule:
    """One rule of the rules file: code, severity, weight, cap, kinds, message template, parameters."""

    code: str
    severity: str
    weight: float
    message: str
    cap: float
    kinds: tuple[str, ...] = KINDS
    params: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True

    def finding(self, spans: Sequence[SpanT] = (), **detail: Any) -> Finding:
        """Build a finding of this rule; the message template is filled from ``detail``.

        Args:
            spans: evidence spans into the original text.
            **detail: values for the message placeholders, kept in ``Finding.detail``.
        Returns:
            A ``Finding`` with the rule's nominal weight.
        """
        return Finding(
            code=self.code,
            severity=self.severity,
            message=self.message.format_map(_Blank(detail)),
            spans=[(int(s), int(e)) for s, e in spans],
            weight=float(self.weight),
            detail=dict(detail),
        )


@dataclass(frozen=True)
class Rules:
    """A loaded rules file: rules by code, weakness settings and ``version`` (sha256 of the file)."""

    rules: dict[str, Rule]
    version: str
    max_weakness: float = 100.0
    source: str = ""

    def __getitem__(self, code: str) -> Rule:
        return self.rules[code]


def parse_rules(text: str, source: str = "") -> Rules:
    """Parse the TOML text of a rules file.

    Args:
        text: TOML with one table per code (see ``nlp/checks/rules.toml``).
        source: where it came from (for messages).
    Returns:
        ``Rules`` whose ``version`` is the first 16 hex digits of the sha256 of ``text``.
    Raises:
        ValueError: when a rule lacks a key or has an unknown severity or kind.
    """
    data = tomllib.loads(text)
    rules: dict[str, Rule] = {}
    for code, d in data.items():
        if not _RULE_CODE.fullmatch(code):
            continue
        try:
            severity, weight, message = d["severity"], float(d["weight"]), d["message"]
        except KeyError as exc:
            raise ValueError(f"rule {code} in {source or 'rules'} lacks key {exc}") from None
        if severity not in SEVERITIES:
            raise ValueError(f"rule {code}: severity must be one of {SEVERITIES}, not {severity!r}")
        kinds = tuple(d.get("kinds", KINDS))
        if bad := set(kinds) - set(KINDS):
            raise ValueError(f"rule {code}: unknown kinds {sorted(bad)}")
        rules[code] = Rule(
            code=code,
            severity=severity,
            weight=weight,
            message=message,
            cap=float(d.get("cap", weight)),
            kinds=kinds,
            params=dict(d.get("params", {})),
            enabled=bool(d.get("enabled", True)),
        )
    version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return Rules(rules, version, float(data.get("weakness", {}).get("max", 100)), source)


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> Rules:
    return parse_rules(Path(path).read_text(encoding="utf-8"), path)


def load_rules(path: Path | str | None = None) -> Rules:
    """Load a rules file (cached until the file changes).

    Args:
        path: a TOML rules file; ``nlp/checks/rules.toml`` when None.
    Returns:
        The parsed ``Rules``.
    """
    p = Path(path) if path is not None else RULES_FILE
    return _load_cached(str(p), p.stat().st_mtime_ns)


@dataclass(frozen=True)
class TermHit:
    """A domain-dictionary term found in the text (a named technology, equipment, software, data …)."""

    term: str
    tag: str
    span: SpanT

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "tag": self.tag, "span": list(self.span)}


@lru_cache(maxsize=1)
def _term_tags() -> dict[str, str]:
    return {t.term.lower(): t.tag for t in load_domain_terms()}


class Context:
    """Everything the checks read about one text, computed once and on demand."""

    def __init__(
        self,
        text: str,
        kind: str,
        boilerplate: Any,
        rules: Rules,
        *,
        max_chars: int = budget.CHECK_MAX_CHARS,
        max_sentences: int = budget.CHECK_MAX_SENTENCES,
        max_figures: int = budget.CHECK_MAX_FIGURES,
    ) -> None:
        self.full_text = text
        #: what the checks read: the first ``max_chars`` characters (spans stay valid for the full text)
        self.text = text[:max_chars] if max_chars > 0 else text
        self.kind = kind
        self.boilerplate = boilerplate
        self.rules = rules
        self.max_sentences = max_sentences
        self.max_figures = max_figures
        #: ``LIM001`` findings of the stages that went over their budget
        self.over_budget: list[Finding] = []
        if len(self.text) < len(text):
            self.over_budget.append(
                budget.over_budget("结构与质量检查", "check_max_chars", max_chars, len(text), "个字符")
            )

    @cached_property
    def zishu(self) -> int:  # counted on the whole text (linear): LEN001 sees the real length
        return count_zishu(self.full_text)

    @cached_property
    def chars(self) -> int:
        return count_chars(self.full_text)

    @cached_property
    def sentences(self) -> list[Piece]:
        return budget.cap(sentences(self.text), self.max_sentences, self.over_budget, "逐句检查",
                          "check_max_sentences", "句")  # fmt: skip

    @cached_property
    def tokens(self) -> list[Token]:
        return get_segmenter().tokens(self.text)

    @cached_property
    def sections(self) -> list[Section]:
        return detect_sections(self.text)

    @cached_property
    def metrics(self) -> list[Metric]:
        return budget.cap(extract_metrics(self.text), self.max_figures, self.over_budget, "数据检查",
                          "check_max_figures", "个数字")  # fmt: skip

    @cached_property
    def normalized(self) -> Normalized:
        return normalize_for_match(self.text)

    @cached_property
    def terms(self) -> list[TermHit]:
        tags, editions = _term_tags(), domain_terms()
        hits: list[TermHit] = []

        def visit(word: str, start: int) -> None:
            tag = tags.get(word.lower())
            if tag:
                if tag != "n":  # "n": words kept whole for segmentation only
                    hits.append(TermHit(word, tag, (start, start + len(word))))
            elif word in editions:  # an edition term (e.g. 数字孪生工厂) names the domain terms inside it
                parts = split_word(word)
                for part in parts if len(parts) > 1 else ():
                    visit(part, start)
                    start += len(part)

        for t in self.tokens:
            visit(t.text, t.start)
        return hits


CheckFn = Callable[[Context, Rule], list[Finding]]
REGISTRY: dict[str, CheckFn] = {}


def check(code: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check function for a finding code.

    Args:
        code: the rule code, e.g. ``"LEN001"``.
    Returns:
        A decorator that registers the function unchanged.
    """

    def deco(fn: CheckFn) -> CheckFn:
        REGISTRY[code] = fn
        return fn

    return deco
