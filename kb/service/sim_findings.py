"""Similarity as findings in the review: SIM001 / SIM002 / SIM003 with the CNKI-style similarity block.

Thresholds, severities and messages are rules of ``nlp/checks/rules.toml`` (tables SIM001–SIM003), like every other
finding: they refer, never reject. Computed against the collection at the time of asking (never stored with the
text's own checks, since other submissions come and go).
"""

from __future__ import annotations

from typing import Any

from kb.errors import KBError

LEVEL_ZH = {"identical": "完全相同", "minor_edits": "少量改动", "paraphrase": "改写", "same_project": "同一项目",
            "partial": "部分重合", "unrelated": "不相关"}  # fmt: skip


def similarity_review(kb: Any, sid: int, similar: dict[str, Any] | None = None) -> dict[str, Any]:
    """The similarity block and SIM findings of a stored submission.

    Args:
        similar: ``kb.similarity.similar(sid, k=10)`` when the caller has it already (not computed twice).

    Returns:
        ``{"report": {总文字复制比 …}, "findings": [...]}``; ``report`` is None when the index lacks the text.
    """
    from nlp.checks import load_rules

    rules = load_rules(kb.config.rules_path).rules
    sub = kb.store.get(sid)
    try:
        rep = similar if similar is not None else kb.similarity.similar(sid, k=10)
    except KBError:
        return {"report": None, "findings": []}
    sources = []
    findings: list[dict[str, Any]] = []
    for m in rep.get("matches", []):
        try:
            other = kb.store.get(int(m["id"]))
            applicant = other.meta.applicant
        except Exception:  # a match removed meanwhile
            applicant = ""
        same_applicant = bool(applicant) and applicant == sub.meta.applicant
        sources.append({"id": m["id"], "title": m.get("title", ""), "source": m.get("source", ""),
                        "applicant": applicant, "share": m.get("similarity_excl_boilerplate", m.get("similarity")),
                        "share_all": m.get("similarity"), "level": m.get("level"),
                        "level_zh": LEVEL_ZH.get(m.get("level", ""), m.get("level", ""))})  # fmt: skip
        r1, r2 = rules.get("SIM001"), rules.get("SIM002")
        share = float(m.get("similarity_excl_boilerplate", m.get("similarity")) or 0.0)
        spans = [tuple(s["a"]) for s in m.get("spans", []) if "a" in s][:20]
        who = "同一申报单位的另一份材料" if same_applicant else "另一申报单位的材料"
        if r1 and r1.enabled and share >= float(r1.params.get("min_share", 0.4)):
            f = r1.finding(spans, other=m["id"], title=m.get("title", ""), share=f"{share:.0%}", who=who,
                           level=LEVEL_ZH.get(m.get("level", ""), ""))  # fmt: skip
            findings.append(f.to_dict())
        elif (
            r2
            and r2.enabled
            and m.get("level") == "paraphrase"
            and share >= float(r2.params.get("min_share", 0.15))
        ):
            f = r2.finding(spans, other=m["id"], title=m.get("title", ""), share=f"{share:.0%}", who=who,
                           level=LEVEL_ZH["paraphrase"], evidence="改写的句子")  # fmt: skip
            findings.append(f.to_dict())
    # same-project links of the stored sweep (no shared passage needed); a check never starts a whole sweep
    r2 = rules.get("SIM002")
    sweep = kb.similarity.stored_sweep() or {}
    for p in sweep.get("pairs", []):
        if p.get("level") != "same_project" or sid not in (p["a"], p["b"]) or not (r2 and r2.enabled):
            continue
        other = p["b"] if p["a"] == sid else p["a"]
        ev = p.get("evidence", {})
        bits = []
        if ev.get("applicant") == "same":
            bits.append("申报单位相同")
        elif ev.get("applicant") == "different":
            bits.append("申报单位不同：" + " / ".join(x for x in ev.get("applicants", []) if x))
        if ev.get("orgs"):
            bits.append("共同的单位名称：" + "、".join(ev["orgs"][:4]))
        if ev.get("figures"):
            bits.append("相同的数据：" + "、".join(ev["figures"][:4]))
        if ev.get("names"):
            bits.append("相同的系统或项目名称：" + "、".join(ev["names"][:3]))
        bits.append(f"邻近度 {ev.get('margin', 0):.2f}")
        f = r2.finding([], other=other, title="", share=f"{p.get('similarity', 0):.0%}", who="另一份材料",
                       level=LEVEL_ZH["same_project"], evidence="；".join(bits))  # fmt: skip
        f.detail["evidence"] = ev
        findings.append(f.to_dict())
    r3 = rules.get("SIM003")
    overall, excl = float(rep.get("overall", 0.0)), float(rep.get("overall_excl_boilerplate", 0.0))
    if r3 and r3.enabled and overall - excl >= float(r3.params.get("min_boilerplate_share", 0.3)):
        spans = [tuple(s) for s in rep.get("boilerplate_spans", [])][:20]
        findings.append(r3.finding(spans, share=f"{overall - excl:.0%}").to_dict())
    largest = max(sources, key=lambda s: s["share"] or 0, default=None)
    report = {
        "总文字复制比": overall,
        "去除套话复制比": excl,
        "单篇最大文字复制比": largest["share"] if largest else 0.0,
        "largest_source": largest["id"] if largest else None,
        "sources": sources,
        "formula": "复制比 = 与其他材料共享段落的规范化字符数 ÷ 本文规范化字符数（套话段落另计）",
    }
    return {"report": report, "findings": findings}


def sweep_codes(kb: Any, sweep: dict[str, Any]) -> dict[int, list[str]]:
    """SIM001 / SIM002 per submission from a duplicate sweep's pairs, by the rules' thresholds (the inbox column).

    The sweep's similarity is symmetric (boilerplate excluded); ``check`` measures each text's own share, so the two
    may differ near a threshold. Never sweeps: the caller passes the sweep it has.
    """
    from nlp.checks import load_rules

    rules = load_rules(kb.config.rules_path).rules
    r1, r2 = rules.get("SIM001"), rules.get("SIM002")
    out: dict[int, set[str]] = {}
    for p in sweep.get("pairs", []):
        level, share = p.get("level"), float(p.get("similarity") or 0.0)
        code = None
        if level != "same_project" and r1 and r1.enabled and share >= float(r1.params.get("min_share", 0.4)):
            code = "SIM001"
        elif (
            r2
            and r2.enabled
            and (
                level == "same_project"
                or (level == "paraphrase" and share >= float(r2.params.get("min_share", 0.15)))
            )
        ):
            code = "SIM002"
        if code:
            for x in (int(p["a"]), int(p["b"])):
                out.setdefault(x, set()).add(code)
    return {x: sorted(c) for x, c in out.items()}
