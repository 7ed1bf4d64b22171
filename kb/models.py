"""Records passed between the kb layers (no behaviour, no I/O)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = {"优秀场景": "scenario", "示范工厂": "factory", "scenario": "scenario", "factory": "factory"}
KIND_LABELS = {"scenario": "优秀场景", "factory": "示范工厂"}
REGION_TYPES = ("省级", "计划单列市", "兵团", "中央企业")
REVIEW_STATUSES = ("待审", "通过", "存疑", "退回")
ROLES = ("reviewer", "analyst", "admin")


@dataclass
class Metadata:
    """Descriptive fields of one submission (all optional at ingest)."""

    title: str = ""
    applicant: str = ""
    region: str = ""
    region_type: str = ""
    industry: str = ""
    kind: str = "scenario"
    claimed: str = ""
    year: int | None = None
    recommender: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestedDoc:
    """What an ingest reader produces for one submission, before storage."""

    source: str  # original file name (plus '#row=N' for table rows)
    source_path: str
    fmt: str
    text: str
    meta: Metadata = field(default_factory=Metadata)
    warnings: list[str] = field(default_factory=list)
    partial: bool = False


@dataclass
class Submission:
    """A stored submission."""

    id: int
    content_hash: str
    source: str
    fmt: str
    text: str
    meta: Metadata
    ingested_at: str
    batch_id: str = ""
    warnings: list[str] = field(default_factory=list)
    partial: bool = False

    def summary(self) -> dict[str, Any]:
        d = {"id": self.id, "source": self.source, "fmt": self.fmt, "content_hash": self.content_hash}
        d.update(self.meta.to_dict())
        d["kind_label"] = KIND_LABELS.get(self.meta.kind, self.meta.kind)
        d["ingested_at"] = self.ingested_at
        d["partial"] = self.partial
        return d

    def to_dict(self) -> dict[str, Any]:
        d = self.summary()
        d["text"] = self.text
        d["warnings"] = list(self.warnings)
        d["batch_id"] = self.batch_id
        return d


@dataclass
class IngestOutcome:
    """What happened to one input (file or table row) in a batch."""

    path: str
    status: str  # added | duplicate | skipped | error | would_add
    reason: str = ""
    submission_id: int | None = None
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestReport:
    """Summary of one ingest batch."""

    batch_id: str
    outcomes: list[IngestOutcome] = field(default_factory=list)
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def to_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "dry_run": self.dry_run,
            "added": self.count("added") + self.count("would_add"),
            "duplicates": self.count("duplicate"),
            "skipped": self.count("skipped") + self.count("error"),
            "outcomes": [o.to_dict() for o in self.outcomes],
        }
