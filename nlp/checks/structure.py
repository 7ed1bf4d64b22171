"""Structure checks: missing parts (STR001), no headings (STR002), 实施要素 (ELM001), figures (FIG001)."""

from __future__ import annotations

from nlp import rx
from nlp.checks.base import Context, Rule, check
from nlp.count import count_zishu
from nlp.sections import parts_present
from nlp.types import Finding


@check("STR001")
def missing_parts(ctx: Context, rule: Rule) -> list[Finding]:
    """One finding per required canonical part that no section covers."""
    required = rule.params.get("required", {}).get(ctx.kind, [])
    hints = rule.params.get("hints", {})
    present = parts_present(ctx.sections)
    return [rule.finding([], part=p, hint=hints.get(p, "相关内容")) for p in required if p not in present]


@check("STR002")
def no_headings(ctx: Context, rule: Rule) -> list[Finding]:
    """The text has no recognisable headings (its parts were inferred from sentence cues)."""
    if not ctx.text.strip() or not all(s.inferred for s in ctx.sections):
        return []
    return [rule.finding([], inferred=[s.part for s in ctx.sections if s.part])]


def _element_scope(ctx: Context) -> list[tuple[int, int]]:
    """Where 实施要素 should be named: the 实施内容 part and its sub-parts when headings give them,
    else the whole text except the company profile (systems listed there are not this scenario's)."""
    headed = [s for s in ctx.sections if not s.inferred]
    impl = [s.body_span for s in headed if s.part == "实施内容" or s.parent == "实施内容"]
    if impl:
        return impl
    profile = [s.body_span for s in ctx.sections if s.part == "企业概况"]
    scope, pos = [], 0
    for a, b in sorted(profile):
        if a > pos:
            scope.append((pos, a))
        pos = max(pos, b)
    if pos < len(ctx.text):
        scope.append((pos, len(ctx.text)))
    return scope


@check("ELM001")
def missing_elements(ctx: Context, rule: Rule) -> list[Finding]:
    """No 实施要素 section and fewer than ``min_terms`` distinct elements named in the 实施内容.

    An element is a dictionary term tagged technology, equipment, software or data; category words
    (``generic``, e.g. 工业软件) name no element.
    """
    min_section = int(rule.params.get("min_section_zishu", 30))
    for s in ctx.sections:
        if not s.inferred and "实施要素" in s.parts:
            if count_zishu(ctx.text[s.body_span[0] : s.body_span[1]]) >= min_section:
                return []
    tags = set(rule.params.get("tags", ["tech", "equip", "soft", "data"]))
    generic = {g.lower() for g in rule.params.get("generic", ())}
    scope = _element_scope(ctx)
    hits = [
        h
        for h in ctx.terms
        if h.tag in tags and h.term.lower() not in generic and any(a <= h.span[0] < b for a, b in scope)
    ]
    distinct = sorted({h.term.lower() for h in hits})
    if len(distinct) >= int(rule.params.get("min_terms", 1)):
        return []
    return [rule.finding([h.span for h in hits], n=len(distinct), terms=distinct)]


_CN_DIGITS = "一二三四五六七八九十"
_REF_RE = rx.compile(
    rf"(?:如|见|详见|参见|参考|由|从)\s*(?:附)?(?P<kind>图|表)\s*(?P<no>\d+(?:[-.－]\d+)?|[{_CN_DIGITS}]+)"
    rf"|(?P<kind2>图|表)\s*(?P<no2>\d+(?:[-.－]\d+)?)\s*(?:所示|中|可见)"
    r"|(?:如下|见下|下)(?P<kind3>图|表)(?:所示)?"
)
# The number is not followed by a digit or % (a figure such as "图1%" is no caption): written without look-ahead.
_CAPTION_RE = rx.compile(
    rf"^[ \t　]*(?:附)?(?P<kind>图|表)\s*(?P<no>\d+(?:[-.－]\d+)?|[{_CN_DIGITS}]+)"
    r"(?:[ \t　:：.、]+[^\n。]{0,40}|[^\d%\n。 \t　:：.、][^\n。]{0,39})?$",
    rx.MULTILINE,
)
_PLACEHOLDER_RE = rx.compile(
    r"\[(?:图片?|表格?|image|figure)[^\]\n]{0,10}\]|【(?:图片?|表格?)[^】\n]{0,10}】|（图略）|\(图略\)",
    rx.IGNORECASE,
)


@check("FIG001")
def missing_figures(ctx: Context, rule: Rule) -> list[Finding]:
    """Figures/tables referenced in the text with no caption or placeholder for them."""
    captions = {(m["kind"], m["no"]) for m in _CAPTION_RE.finditer(ctx.text)}
    caption_kinds = {k for k, _ in captions}
    placeholders = bool(_PLACEHOLDER_RE.search(ctx.text))
    missing = []
    for m in _REF_RE.finditer(ctx.text):
        kind = m["kind"] or m["kind2"] or m["kind3"]
        no = m["no"] or m["no2"]
        if no is not None:
            ok = (kind, no) in captions
        else:
            ok = kind in caption_kinds or placeholders
        if not ok and not (placeholders and kind == "图"):
            missing.append((m.start(), m.end()))
    if not missing:
        return []
    refs = "、".join(dict.fromkeys(f"“{ctx.text[s:e]}”" for s, e in missing[:3]))
    return [rule.finding(missing, refs=refs, n=len(missing))]
