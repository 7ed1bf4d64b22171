"""Claims and industry: resolving a claimed scenario or task name to an entry, and guessing the GB/T 4754
division of a text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from nlp import rx
from nlp.classify.records import IndustryGuess
from nlp.text import fold_width, squeeze_spaces
from nlp.types import ReferenceEntry

_CLAIM_SUFFIX = rx.compile(r"(典型)?场景$|示范工厂$")
_FACTORY_SUFFIX = rx.compile(r"示范工厂$")


def resolve_entry(claimed: str, entries: Sequence[ReferenceEntry]) -> ReferenceEntry | None:
    """Find the entry a claimed scenario/task refers to: by code, exact name, synonym, or name containment.

    Args:
        claimed: a code (``G21-25``) or a name (``质量精准追溯``, ``质量精准追溯场景``).
        entries: the entries to look in.
    Returns:
        The entry, or None when nothing matches unambiguously.
    """
    c = squeeze_spaces(fold_width(claimed or ""))
    if not c:
        return None
    for e in entries:
        if fold_width(e.code) == c:
            return e
    bare = _CLAIM_SUFFIX.sub("", c)
    for e in entries:
        n = fold_width(e.name)
        if c == n or bare == _FACTORY_SUFFIX.sub("", n):
            return e
    for e in entries:
        if any(c == fold_width(s) for s in e.synonyms) or (e.subsector and bare == fold_width(e.subsector)):
            return e
    cands = [e for e in entries if fold_width(e.name) in c or (len(bare) >= 4 and bare in fold_width(e.name))]
    if len(cands) == 1:
        return cands[0]
    if cands:
        cands.sort(key=lambda e: -len(e.name))
        if len(cands[0].name) > len(cands[1].name):
            return cands[0]
    return None


def guess_industry(
    text: str,
    industries: Iterable[Mapping[str, Any] | Any],
    *,
    tasks: Sequence[ReferenceEntry] = (),
    top_k: int = 3,
) -> list[IndustryGuess]:
    """Rank GB/T 4754-2017 manufacturing divisions (13–43) by the industry vocabulary of a text.

    Each industry is a mapping or object with ``code``, ``name`` and ``keywords`` (a list or a ``|``-separated
    string). A keyword counts once however often it occurs; keywords shared by several divisions count less;
    the division name itself counts as a keyword. Task entries lend their sub-sector and keywords to the
    divisions in their ``industry_codes``.

    Args:
        text: the original text.
        industries: the divisions (e.g. rows of ``data/industries_gbt4754.csv``).
        tasks: optional 揭榜 task entries whose vocabulary is added to their divisions.
        top_k: how many to return.
    Returns:
        ``IndustryGuess`` list, best first; empty when no keyword occurs.
    """
    lent: dict[str, list[str]] = {}
    for t in tasks:
        for c in t.industry_codes:
            lent.setdefault(c, []).extend([t.subsector, *t.keywords])
    rows = []
    for ind in industries:
        get = ind.get if isinstance(ind, Mapping) else lambda k, d=None, _o=ind: getattr(_o, k, d)
        kws = get("keywords", ()) or ()
        if isinstance(kws, str):
            kws = [k for k in kws.split("|") if k.strip()]
        name = str(get("name", ""))
        code = str(get("code", ""))
        words = [k.strip() for k in [*kws, *lent.get(code, [])] if k and k.strip()]
        rows.append((code, name, [*words, name]))
    folded = fold_width(text)
    owners: dict[str, int] = {}
    for _, _, kws in rows:
        for k in set(kws):
            owners[fold_width(k)] = owners.get(fold_width(k), 0) + 1
    out = []
    for code, name, kws in rows:
        found = [k for k in dict.fromkeys(kws) if len(k) >= 2 and fold_width(k) in folded]
        if not found:
            continue
        score = sum(1.0 / owners[fold_width(k)] for k in found)
        out.append(IndustryGuess(code, name, score, found))
    if not out:
        return []
    total = sum(g.score for g in out)
    for g in out:
        g.score = g.score / total
    out.sort(key=lambda g: (-g.score, g.code))
    return out[:top_k]
