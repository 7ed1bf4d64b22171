"""Review checks as data: ``rules.toml`` (codes, severities, Chinese messages, weights, thresholds) and
one function per code; ``check_text`` runs them and sums a weakness score. See ``docs/checks.md``."""

from nlp.boilerplate import ReferenceMatcher
from nlp.checks.base import Rule, Rules, load_rules, parse_rules
from nlp.checks.engine import CheckReport, check_text

__all__ = ["CheckReport", "ReferenceMatcher", "Rule", "Rules", "check_text", "load_rules", "parse_rules"]
