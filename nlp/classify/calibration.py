"""Calibration: the fusion weights and thresholds (data in ``nlp/data/classify_calibration.json``), reading and
writing them, and the threshold pickers used when fitting."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


DATA_DIR = Path(__file__).resolve().parents[1] / "data"
CALIBRATION_PATH = DATA_DIR / "classify_calibration.json"

BASE_FEATURES = ("doc_word", "doc_char", "sent_top", "sent_max", "bm25", "keywords", "name")
REL_FEATURES = ("doc_word", "doc_char", "sent_top", "keywords")
# text-level features of the off-topic model; a 5-fold CV on dev_2021 kept these two (see docs/classification.md)
OFF_FEATURES = ("coverage", "max_doc_word")


@dataclass
class Calibration:
    """Fusion weights and thresholds, fitted on labelled texts (see ``fit_calibration``).

    ``coef`` follows ``features``; ``p = sigmoid(x @ coef + intercept)`` is the probability that an entry is one
    of the text's labels. ``label_threshold`` cuts the multi-label set; ``off_topic_threshold`` is the best score
    under which a text fits no scenario. ``fit`` records what it was fitted on and the fit-time figures.
    """

    features: list[str]
    coef: list[float]
    intercept: float
    label_threshold: float = 0.5
    off_topic_threshold: float = 0.5
    off_features: list[str] = field(default_factory=list)
    off_coef: list[float] = field(default_factory=list)
    off_intercept: float = 0.0
    fit: dict[str, Any] = field(default_factory=dict)

    def off_topic_probability(self, feats: Mapping[str, float]) -> float:
        """Probability that a text is off-topic, from its text-level features (0 without an off-topic model)."""
        if not self.off_features:
            return 0.0
        z = sum(c * float(feats.get(f, 0.0)) for f, c in zip(self.off_features, self.off_coef, strict=True))
        return float(_sigmoid(np.array([z + self.off_intercept]))[0])

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "coef": [round(float(c), 6) for c in self.coef],
            "intercept": round(float(self.intercept), 6),
            "label_threshold": round(float(self.label_threshold), 6),
            "off_topic_threshold": round(float(self.off_topic_threshold), 6),
            "off_features": list(self.off_features),
            "off_coef": [round(float(c), 6) for c in self.off_coef],
            "off_intercept": round(float(self.off_intercept), 6),
            "fit": self.fit,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Calibration:
        """Build from ``to_dict()`` output."""
        return cls(
            features=list(d["features"]),
            coef=[float(c) for c in d["coef"]],
            intercept=float(d["intercept"]),
            label_threshold=float(d.get("label_threshold", 0.5)),
            off_topic_threshold=float(d.get("off_topic_threshold", 0.5)),
            off_features=list(d.get("off_features", [])),
            off_coef=[float(c) for c in d.get("off_coef", [])],
            off_intercept=float(d.get("off_intercept", 0.0)),
            fit=dict(d.get("fit", {})),
        )


def load_calibration(profile: str, path: Path | str | None = None) -> Calibration | None:
    """Read one calibration profile (``lexical`` or ``lexical+<encoder name>``) from the calibration file.

    Args:
        profile: profile name.
        path: JSON file; the shipped ``nlp/data/classify_calibration.json`` when None.
    Returns:
        The calibration, or None when the file or the profile is absent.
    """
    p = Path(path) if path is not None else CALIBRATION_PATH
    if not p.exists():
        return None
    data = json.loads(p.read_text(encoding="utf-8"))
    prof = data.get("profiles", {}).get(profile)
    return Calibration.from_dict(prof) if prof else None


def save_calibration(profile: str, calibration: Calibration, path: Path | str | None = None) -> None:
    """Write (or replace) one calibration profile in the calibration file.

    Args:
        profile: profile name.
        calibration: what to store.
        path: JSON file; the shipped one when None.
    """
    p = Path(path) if path is not None else CALIBRATION_PATH
    data = json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
    data.setdefault("version", 1)
    data.setdefault("profiles", {})[profile] = calibration.to_dict()
    p.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# A neutral starting point used only when no calibration file is present (e.g. a fresh checkout before
# ``--fit-calibration``); the shipped JSON replaces it.
_FALLBACK = Calibration(
    features=[*BASE_FEATURES, *(f"rel_{f}" for f in REL_FEATURES)],
    coef=[2.0, 2.0, 4.0, 2.0, 1.0, 3.0, 1.0, 4.0, 4.0, 6.0, 4.0],
    intercept=-6.0,
    label_threshold=0.3,
    off_topic_threshold=0.5,
    off_features=["coverage", "max_doc_word"],
    off_coef=[-20.0, -10.0],
    off_intercept=7.0,
    fit={"note": "unfitted fallback"},
)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def _pick_off_topic_threshold(prob: np.ndarray, off: np.ndarray) -> float:
    """Cut on P(off-topic) that maximises balanced accuracy: the middle of the best interval."""
    cands = np.unique(np.concatenate([[0.0], prob, [1.0]]))
    mids = (cands[:-1] + cands[1:]) / 2
    scores = []
    for t in mids:
        rej = prob >= t
        tpr = (rej & off).sum() / max(off.sum(), 1)
        tnr = (~rej & ~off).sum() / max((~off).sum(), 1)
        scores.append(tpr + tnr)
    sc = np.array(scores)
    good = np.where(sc >= sc.max() - 1e-12)[0]
    # of the best interval of cuts, the middle: the widest margin on both sides
    return float((cands[good[0]] + cands[good[-1] + 1]) / 2)


def _pick_label_threshold(P: list[np.ndarray], ys: list[np.ndarray], off: np.ndarray) -> float:
    """Threshold for the multi-label set that maximises micro-F1 over the on-topic texts."""
    best_t, best_f = 0.5, -1.0
    for t in np.linspace(0.05, 0.95, 91):
        tp = fp = fn = 0
        for p, y, o in zip(P, ys, off, strict=True):
            if o:
                continue
            pred = p >= t
            if not pred.any():
                pred = p >= p.max()
            tp += int((pred & (y == 1)).sum())
            fp += int((pred & (y == 0)).sum())
            fn += int((~pred & (y == 1)).sum())
        f = 2 * tp / max(2 * tp + fp + fn, 1)
        if f > best_f + 1e-12:
            best_t, best_f = float(t), f
    return round(best_t, 4)
