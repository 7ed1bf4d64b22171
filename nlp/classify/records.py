"""Result records of the classifier; each has ``to_dict()`` returning JSON-safe data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from nlp.types import Finding, SpanT


def _flat(record: Any) -> dict[str, Any]:
    """A record without nested records as JSON-safe data: its fields in order, ``score`` rounded to 4 places."""
    d = asdict(record)
    d["score"] = round(d["score"], 4)
    return d


@dataclass
class Evidence:
    """A supporting unit of the text: its span in the original text, the text, its score and keywords."""

    span: SpanT
    text: str
    score: float
    keywords: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**_flat(self), "span": [self.span[0], self.span[1]]}


@dataclass
class RankedEntry:
    """One ranked scenario or task with its calibrated score and evidence."""

    code: str
    name: str
    link: str
    score: float
    rank: int
    evidence: list[Evidence] = field(default_factory=list)
    keywords: list[dict[str, Any]] = field(default_factory=list)
    subsector: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = {
            "code": self.code,
            "name": self.name,
            "link": self.link,
            "score": round(self.score, 4),
            "rank": self.rank,
            "evidence": [e.to_dict() for e in self.evidence],
            "keywords": self.keywords,
        }
        if self.subsector:
            d["subsector"] = self.subsector
        return d


@dataclass
class RankedLink:
    """A 环节 (or, for tasks, a sector) with its score: the best calibrated score of its entries."""

    name: str
    score: float
    rank: int
    best: str = ""

    def to_dict(self) -> dict[str, Any]:
        return _flat(self)


@dataclass
class IndustryGuess:
    """A GB/T 4754-2017 division (13–43) that the text's vocabulary points to."""

    code: str
    name: str
    score: float
    keywords: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return _flat(self)


@dataclass
class Classification:
    """Result of ``Classifier.classify``; ``to_dict()`` is the JSON contract of the CLI and the service."""

    kind: str
    edition: str
    scenarios: list[RankedEntry]
    links: list[RankedLink]
    tasks: list[RankedEntry]
    labels: list[str]
    off_topic: bool
    off_topic_score: float
    findings: list[Finding] = field(default_factory=list)
    claimed: dict[str, Any] | None = None
    method: str = "lexical"
    #: the scenario-or-not judgment (``nlp.judgment.genre.Verdict.to_dict``) when a learned judge is attached
    scenario_check: dict[str, Any] | None = None

    @property
    def top(self) -> RankedEntry | None:
        """The best scenario, or None when the edition is empty."""
        return self.scenarios[0] if self.scenarios else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "edition": self.edition,
            "method": self.method,
            "scenarios": [s.to_dict() for s in self.scenarios],
            "links": [link.to_dict() for link in self.links],
            "tasks": [t.to_dict() for t in self.tasks],
            "labels": list(self.labels),
            "off_topic": self.off_topic,
            "off_topic_score": round(self.off_topic_score, 4),
            "claimed": self.claimed,
            "findings": [f.to_dict() for f in self.findings],
            "scenario_check": self.scenario_check,
        }
