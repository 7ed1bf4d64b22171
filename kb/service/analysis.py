"""The analysis component: checks and classification of a text, stored analyses, the applicant self-check.

Owns the ``analyses`` table and the classifier cache. Analyses are stored per (submission, kind) with the version of
the rules / editions that produced them, and recomputed when that version changes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.config import DATA_DIR
from kb.errors import KBError, NotFoundError
from kb.service.summaries import finding_marks, summarize, summarize_analyses

if TYPE_CHECKING:
    from kb.service import KB

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]

WARM_DRAFT = "一、企业概况\n某公司生产汽车零部件。\n二、实施成效\n不良品率由2.1%降至0.8%。\n"
"""What a self-check worker is warmed with (its checks and classifier loaded)."""
LARGE_DRAFT_NICE = 10  # = kb.ingest.worker.DEMOTED_NICE: large and demoted drafts share one low-priority pool
"""Niceness of the worker that checks a draft over ``selfcheck_large_kb``."""


def _budget_tag(values: dict[str, Any]) -> str:
    """``""`` for the default size budgets, else a short digest of them (part of an analysis version)."""
    from kb.config import SETTINGS

    defaults = {st.name: st.default for st in SETTINGS}
    changed = {k: v for k, v in sorted(values.items()) if defaults.get(k) != v}
    if not changed:
        return ""
    import hashlib

    return ":b" + hashlib.sha256(repr(changed).encode()).hexdigest()[:8]


def _wait_for_workers(n: int, wait_s: float, memory_mb: int, pool: str = "") -> bool:
    """Whether ``n`` workers of the pool are idle (waiting up to ``wait_s`` seconds for them)."""
    import time

    from kb.ingest.worker import idle_workers

    end = time.monotonic() + wait_s
    while idle_workers(memory_mb, 0, pool) < n:
        if time.monotonic() >= end:
            return False
        time.sleep(0.1)
    return True


class Analysis:
    """Checks, classification and their stored results."""

    def __init__(self, kb: KB) -> None:
        self.kb = kb
        self._classifiers: dict[str, Any] = {}  # by edition ("active": the editions in use)
        self._building: dict[str, threading.Event] = {}  # classifiers being built (set when done)
        self._generation = 0  # counts invalidations: a build started before one is not kept
        self._specs: dict[str, dict[str, Any]] = {}
        self._summaries: dict[int, tuple[tuple[str, str], dict[str, Any]]] = {}
        self._summaries_lock = threading.Lock()
        self.supervised_report: Any = None

    def invalidate(self) -> None:
        with self.kb.lock:
            self._generation += 1
            self._classifiers.clear()
            self._building.clear()  # builds in progress finish for their callers but are not kept
            self._specs.clear()

    def check_text(self, text: str, kind: str = "scenario") -> dict[str, Any]:
        """Run the length/structure/quality checks on a text (nothing stored)."""
        from nlp.checks import check_text, load_rules

        rules = load_rules(self.kb.config.rules_path)
        return check_text(
            text,
            kind=kind,
            boilerplate=self.kb.reference.boilerplate_texts(),
            rules=rules,
            **self.kb.config.check_options(),
        ).to_dict()

    def confirmed_examples(self, codes: set[str]) -> dict[str, list[str]]:
        """Texts reviewers confirmed for each scenario code (used as extra examples by the classifier)."""
        out: dict[str, list[str]] = {}
        for lab in self.kb.storage.labels("scenario"):
            if lab["code"] in codes:
                try:
                    out.setdefault(lab["code"], []).append(
                        self.kb.storage.get_submission(lab["submission_id"]).text
                    )
                except NotFoundError:
                    continue
        return out

    def classifier_spec(self, edition: str | None = None) -> dict[str, Any]:
        """What the classifier of the active editions (or of another guide edition) is built from
        (:func:`kb.service.bounded.classifier_spec`): a self-check worker builds the same classifier from it."""
        from kb.service.bounded import classifier_spec

        with self.kb.lock:
            key = edition or "active"
            if key not in self._specs:
                entries, label = self.kb.reference.guide_entries(edition)
                self._specs[key] = classifier_spec(
                    entries,
                    self.kb.reference.active_edition("tasks").entries,
                    self.confirmed_examples({e.code for e in entries}),
                    self.kb.config.classifier_options(),
                    bool(self.kb.config.judgment),
                    label,
                    sorted(self.kb.reference.dictionary_terms()),
                )
            return self._specs[key]

    def classifier(self, edition: str | None = None) -> Any:
        """The classifier of the active editions (or of another guide edition), built once per process.

        Reviewer-confirmed labels feed it as examples; with at least 30 of them a supervised layer is trained and
        used only if its cross-validated top-1 beats the unsupervised ranking (report in ``supervised_report``).

        The build (seconds) runs without :attr:`KB.lock`: only its spec is read and the result stored under the
        lock, so the other sessions' calls go on meanwhile. One build per classifier at a time; another caller of
        the same classifier waits for that build (not for the lock). A build that an :meth:`invalidate` overtook
        is handed to its caller but not kept. Never call it with the lock held: a caller waiting for another's
        build while holding it would keep that build from storing its result.
        """
        from kb.service.bounded import build_classifier

        key = edition or "active"
        while True:
            with self.kb.lock:
                if key in self._classifiers:
                    return self._classifiers[key]
                pending = self._building.get(key)
                if pending is None:
                    spec = self.classifier_spec(edition)
                    generation = self._generation
                    done = self._building[key] = threading.Event()
            if pending is None:
                break
            pending.wait()  # the same classifier is being built by another caller: take it from the cache
        try:
            clf, report = build_classifier(spec)
            with self.kb.lock:
                if self._generation == generation:  # no edition change or reset during the build
                    self._classifiers[key] = clf
                    if report is not None:
                        self.supervised_report = report
            return clf
        finally:
            with self.kb.lock:
                if self._building.get(key) is done:
                    del self._building[key]
            done.set()

    def judgment(self, entries: list[Any]) -> Any:
        """The judgment model learned from the real corpus for these guide entries (None when off or not fitted).

        Fitted once (seconds to a minute) and kept in the user cache folder between processes.
        """
        if not self.kb.config.judgment:
            return None
        from kb.service.bounded import load_judgment

        return load_judgment(entries)

    def classify_text(
        self, text: str, kind: str = "scenario", claimed: str | None = None, edition: str | None = None
    ) -> dict[str, Any]:
        """Rank 典型场景, 环节 and (for factories) 揭榜 tasks for a text, against the active guide or ``edition``."""
        res = self.classifier(edition).classify(text, kind=kind, claimed=claimed or None).to_dict()
        res["edition"] = self.kb.reference.guide_entries(edition)[1]
        return res

    # ------------------------------------------------------------------ which guide edition classifies a text
    CLASSIFY_POLICY_KEY = "classify_policy"

    def classify_policy(self) -> str:
        """``year`` (default): each submission is classified against the guide edition of its year, so switching
        the active edition re-classifies nothing; ``active``: every submission against the active edition (an
        admin re-classified on purpose, see :meth:`set_classify_policy`)."""
        return self.kb.storage.get_meta(self.CLASSIFY_POLICY_KEY) or "year"

    def set_classify_policy(self, policy: str) -> None:
        if policy not in ("year", "active"):
            raise KBError(f"归类策略 {policy!r} 无效：应为 year（按申报年度）或 active（按当前版本）。")
        self.kb.storage.set_meta(self.CLASSIFY_POLICY_KEY, policy)
        with self._summaries_lock:
            self._summaries.clear()

    def edition_for_year(self, year: int | None) -> str | None:
        """The guide edition a submission of ``year`` is classified against: the latest edition published in or
        before that year (a 2023 text: the 2021 guide); ``None`` (the active edition) without a year, when no
        edition is that old, or under the ``active`` policy."""
        if not year or self.classify_policy() == "active":
            return None
        years = sorted(
            {int(e["edition"]) for e in self.kb.storage.list_editions()
             if e["list_kind"] == "guide" and str(e["edition"]).isdigit()}
        )  # fmt: skip
        older = [y for y in years if y <= int(year)]
        if not older or str(older[-1]) == self.kb.reference.active_edition("guide").edition:
            return None  # the active edition (one classifier, shared with the self-check)
        return str(older[-1])

    def versions(self) -> dict[str, str]:
        from nlp.checks import load_rules

        rules = load_rules(self.kb.config.rules_path)
        tasks = self.kb.reference.active_edition("tasks").id
        if self.classify_policy() == "active":
            classify = f"{self.kb.reference.active_edition('guide').id}:{tasks}"
        else:  # the guide editions by year: switching the active edition changes nothing stored
            guides = sorted(
                str(e["id"]) for e in self.kb.storage.list_editions() if e["list_kind"] == "guide"
            )
            classify = f"year:{','.join(guides)}:{tasks}"
        # size budgets other than the defaults change what is analysed: stored analyses are then recomputed
        cfg = self.kb.config
        check_b = _budget_tag(cfg.check_options())
        classify_b = _budget_tag(
            {k: v for k, v in cfg.classifier_options().items() if k.startswith("classify_max")}
        )
        return {"check": str(rules.version) + check_b, "classify": classify + classify_b}

    def analyze(
        self, sid: int, force: bool = False, with_facts: bool = False, in_worker: bool = False
    ) -> dict[str, Any]:
        """Checks + classification of a stored submission, recomputed when rules or editions changed; with
        ``with_facts`` (ingest) also the facts that same-project links read, when that setting is on.

        ``in_worker``: compute the checks and classification in a worker process (:meth:`_analyze_in_worker`),
        not in this one: a server that stores a stream of submissions keeps its own CPU (and GIL) for the
        requests it answers.
        """
        sub = self.kb.store.get(sid)
        versions = self.versions()
        out: dict[str, Any] = {}
        todo = [
            k for k in ("check", "classify") if force or not self._stored_current(sub.id, k, versions, out)
        ]
        facts_due = with_facts and self.kb.config.same_project and self._facts_due(sub, force)
        done = self._analyze_in_worker(sub, facts_due) if in_worker and (todo or facts_due) else {}
        for kind in todo:
            if kind in done:
                res = done[kind]
            elif kind == "check":
                res = self.check_text(sub.text, sub.meta.kind)
            else:
                edition = self.edition_for_year(sub.meta.year)
                res = self.classify_text(sub.text, sub.meta.kind, sub.meta.claimed, edition=edition)
            self.kb.storage.save_analysis(sub.id, kind, versions[kind], res, summarize(kind, res))
            out[kind] = res
        if facts_due:
            self._store_facts(sub, done.get("facts"))
        return out

    def _stored_current(self, sid: int, kind: str, versions: dict[str, str], out: dict[str, Any]) -> bool:
        """Puts the stored analysis of ``kind`` into ``out`` when it is of the current version."""
        stored = self.kb.storage.get_analysis(sid, kind)
        if stored and stored[0] == versions[kind]:
            out[kind] = stored[1]
            return True
        return False

    def _analyze_in_worker(self, sub: Any, facts: bool = False) -> dict[str, Any]:
        """``{"check", "classify"}`` (and with ``facts`` its same-project ``"facts"``) of a stored submission
        computed in a warm worker process of the ``analysis`` pool (:func:`kb.service.bounded.run_analysis`: the
        same functions as this process's, the classifier of the guide edition of its year); ``{}`` when the
        worker cannot do it (this process then does)."""
        from kb.ingest.worker import keep_warm, run_bounded
        from kb.service.bounded import run_analysis

        cfg = self.kb.config
        timeout = float(cfg.parse_timeout_s)
        if timeout <= 0:
            return {}
        memory = int(cfg.selfcheck_memory_mb)
        try:
            prepare = self._analysis_preparation()
            keep_warm(run_analysis, 1, memory_mb=memory, pool="analysis", prepare=prepare)
            edition = self.edition_for_year(sub.meta.year)
            return run_bounded(
                run_analysis,
                sub.text,
                timeout,
                memory_mb=memory,
                label=f"#{sub.id}",
                prepare=prepare,
                pool="analysis",
                wait_warm_s=timeout,
                kind=sub.meta.kind,
                claimed=sub.meta.claimed,
                spec=self.classifier_spec(edition),
                applicant=(sub.meta.applicant or "") if facts else None,
                **self._analysis_opts(),
            )
        except KBError as exc:  # a worker that could not start or ran past its limits: analysed here instead
            log.warning("analysis of #%s in a worker failed (%s); analysing it in this process", sub.id, exc)
            return {}

    def _analysis_opts(self) -> dict[str, Any]:
        cfg = self.kb.config
        return {
            "boilerplate": self.kb.reference.boilerplate_texts(),
            "rules_path": cfg.rules_path,
            "check_options": cfg.check_options(),
        }

    def _analysis_preparation(self) -> tuple[str, dict[str, Any]]:
        spec = self.classifier_spec()
        opts = {"kind": "scenario", "claimed": None, "spec": spec, **self._analysis_opts()}
        if self.kb.config.same_project:
            opts["applicant"] = ""  # the worker loads LAC in its preparation, not in the first ingest
        return WARM_DRAFT, {**opts, "key": "analysis:" + spec["key"]}

    def warm_analysis(self, wait_s: float = 0.0) -> bool:
        """Start the worker that analyses stored submissions for :meth:`analyze` ``in_worker`` (in the
        background; ``wait_s``: wait up to this long for it). Returns whether it is ready."""
        from kb.ingest.worker import keep_warm
        from kb.service.bounded import run_analysis

        cfg = self.kb.config
        if float(cfg.parse_timeout_s) > 0:
            mem = int(cfg.selfcheck_memory_mb)
            keep_warm(run_analysis, 1, memory_mb=mem, pool="analysis", prepare=self._analysis_preparation())
            return _wait_for_workers(1, wait_s, mem, "analysis")
        return True

    def _facts_due(self, sub: Any, force: bool = False) -> bool:
        """Whether the text's stored same-project facts are missing or of another version."""
        from kb.service.same_project import FACTS_KIND, facts_version

        stored = self.kb.storage.get_analysis(sub.id, FACTS_KIND)
        return force or stored is None or stored[0] != facts_version(sub.meta.applicant or "")

    def _store_facts(self, sub: Any, facts: dict[str, Any] | None = None) -> None:
        """The text's facts for same-project links (entities, figures, names), extracted once and stored so that a
        duplicate sweep only reads them (:mod:`kb.service.same_project`); ``facts``: already extracted (in a
        worker)."""
        from kb.service.same_project import FACTS_KIND, facts_for_analysis, facts_version

        app = sub.meta.applicant or ""
        if facts is None:
            facts = facts_for_analysis(sub.text, app)
        self.kb.storage.save_analysis(sub.id, FACTS_KIND, facts_version(app), facts)

    def analyze_many(
        self, ids: Sequence[int], progress: Progress | None = None, in_worker: bool = False
    ) -> None:
        for i, sid in enumerate(ids):
            try:
                self.analyze(sid, with_facts=True, in_worker=in_worker)
            except KBError:
                raise
            except Exception:  # analysis failure of one text is logged, never aborts the batch
                log.exception("analysis failed for #%s", sid)
            if progress:
                progress(i + 1, len(ids), str(sid))

    def evaluate(self, labeled: str | Path) -> Any:
        """Evaluate the classifier of the active editions on a labeled JSONL file."""
        from nlp.evaluate import evaluate, load_labeled

        try:
            items = load_labeled(labeled)
        except (ValueError, KeyError) as exc:
            raise KBError(
                f"{labeled}: 标注文件格式不对（{exc}）：每行一个 JSON 对象，含 text、scenarios、link。"
            ) from exc
        return evaluate(self.classifier(), items)

    def evaluate_real(self, splits: list[str], demo: bool = True) -> dict[str, Any]:
        """Figures of the product, the lexical classifier and the naive baseline per split of the real corpus.

        The judgment model is fitted on ``train`` + ``dev``: figures on those splits are in-sample (flagged);
        ``test`` is held out. The cross-validated figures of the fitting splits come from ``nlp/data/judgment.json``.
        """
        from nlp.judgment.corpus import load_real
        from nlp.judgment.model import PARAMS_PATH
        from nlp.judgment.report import demo_items, run

        entries, _ = self.kb.reference.guide_entries(None)
        model = self.judgment(entries)
        if model is None:
            raise KBError(
                "没有可用的学习模型：需要 data/labeled/real/corpus.jsonl 与 2021 年版指引（scenario-kb reference use 2021）。"
            )
        corpus = DATA_DIR / "labeled" / "real" / "corpus.jsonl"
        bad = [s for s in splits if s not in ("test", "dev", "train")]
        if bad:
            raise KBError(f"未知的划分 {bad}：可用 test、dev、train。")
        items = demo_items(str(DATA_DIR / "demo" / "manifest.json"), entries) if demo else []
        reps = run(load_real(corpus), entries, self.kb.reference.active_edition("tasks").entries, model,
                   splits=splits, demo=items)  # fmt: skip
        import json

        cv = json.loads(PARAMS_PATH.read_text(encoding="utf-8")).get("cv", {})
        out = []
        for r in reps:
            d = r.to_dict()
            sp = r.name.split()[-1]
            d["in_sample"] = sp in ("train", "dev")
            head = " (product fitted on train+dev: in-sample)" if d["in_sample"] else ""
            d["text"] = r.render().replace("==\n", f"=={head}\n", 1)
            out.append(d)
        same = {}
        from kb.service.same_project import load_same_project_model
        from nlp.judgment.corpus import by_split
        from nlp.judgment.same_project import model_links, naive_links, pair_set, score_links

        spm = load_same_project_model()
        records = load_real(corpus)
        for sp in splits:
            ps = pair_set(by_split(records, sp))
            same[sp] = {
                "product": score_links(ps, model_links(ps, spm)) if spm is not None else None,
                "naive": score_links(ps, naive_links(ps)),
                "in_sample": sp == "dev",
            }
        return {
            "note": "real = public-source texts rewritten in our words (data/labeled/real); test is held out",
            "reports": out,
            "cv": cv,
            "same_project": same,
        }

    # ------------------------------------------------------------------ stored-analysis summaries
    def row_summaries(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """Inbox columns derived from the STORED analyses of ``ids`` (missing analyses give empty columns).

        Cached per process and refreshed when the rules or the active editions change. Never runs an analysis.

        Args:
            ids: submission ids.

        Returns:
            ``{id: summary}`` as :func:`summarize_analyses` returns it.
        """
        try:
            versions = self.versions()
            want = (versions.get("check", ""), versions.get("classify", ""))
        except Exception:  # checks not installed yet: no version, show what is stored
            want = ("", "")
        cache = self._summaries
        missing = [i for i in ids if i not in cache or cache[i][0] != want]
        if missing:
            if len(missing) > 100:
                checks = self.kb.storage.analysis_summaries("check")
                classes = self.kb.storage.analysis_summaries("classify")
                fetched = {i: (checks.get(i), classes.get(i)) for i in missing}
            else:
                fetched = {
                    i: (self.kb.storage.get_analysis(i, "check"), self.kb.storage.get_analysis(i, "classify"))
                    for i in missing
                }
            with self._summaries_lock:
                for i, (ch, cl) in fetched.items():
                    if ch is None and cl is None:
                        cache.pop(i, None)
                        continue
                    got = (ch[0] if ch else "", cl[0] if cl else "")
                    cache[i] = (got, summarize_analyses(ch[1] if ch else None, cl[1] if cl else None))
        empty = summarize_analyses(None, None)
        return {i: (cache[i][1] if i in cache else empty) for i in ids}

    # ------------------------------------------------------------------ applicant self-check
    def self_check(
        self,
        text_or_bytes: str | bytes,
        filename: str | None = None,
        kind: str = "scenario",
        claimed: str | None = None,
    ) -> dict[str, Any]:
        """Check a draft for an applicant. Never writes to the database and never returns other submissions.

        Args:
            text_or_bytes: pasted text, or the bytes of an uploaded .docx/.txt/.md/.pdf file.
            filename: the uploaded file's name (required with bytes).
            kind: ``scenario`` or ``factory``.
            claimed: the scenario the applicant intends to claim (optional).

        Returns:
            ``text``, ``zishu``, ``weakness``, ``errors``/``warnings``/``infos`` (findings with their fix messages),
            ``missing`` (canonical parts absent), ``marks``, ``sections``, ``metrics``, ``fit`` (ranked scenarios
            with evidence), ``tasks``, ``off_topic``, ``reference`` (similar reference entries only).
        """
        kind = "factory" if kind in ("factory", "示范工厂") else "scenario"
        res = self._bounded_self_check(text_or_bytes, filename, kind, claimed)
        text, check, classify = res["text"], res["check"], res["classify"]
        findings = list(check.get("findings", [])) + list(classify.get("findings", []))
        by_sev: dict[str, list[dict[str, Any]]] = {"error": [], "warning": [], "info": []}
        for f in findings:
            by_sev.setdefault(f.get("severity", "info"), []).append(f)
        missing = [
            f.get("detail", {}).get("part") or f.get("message", "")
            for f in findings
            if f.get("code") == "STR001"
        ]
        # the reference look-up runs here (it needs the similarity index), on a bounded prefix of the text
        reference_hits = self.kb.similarity.reference_hits(text[: int(self.kb.config.classify_max_chars)])
        if not reference_hits:
            reference_hits = self._reference_fallback(classify)
        return {
            "text": text,
            "kind": kind,
            "zishu": check.get("zishu"),
            "chars": check.get("chars"),
            "weakness": check.get("weakness"),
            "errors": by_sev.get("error", []),
            "warnings": by_sev.get("warning", []),
            "infos": by_sev.get("info", []),
            "missing": missing,
            "marks": finding_marks(check, classify),
            "sections": check.get("sections", []),
            "metrics": check.get("metrics", []),
            "contributions": check.get("contributions", []),
            "fit": classify.get("scenarios", []),
            "links": classify.get("links", []),
            "tasks": classify.get("tasks", []),
            "off_topic": classify.get("off_topic", False),
            "reference": reference_hits,
        }

    def _selfcheck_opts(self, filename: str | None, kind: str, claimed: str | None) -> dict[str, Any]:
        """Keyword arguments of :func:`kb.service.bounded.run_selfcheck` (all but the draft itself)."""
        cfg = self.kb.config
        return {
            "filename": filename,
            "kind": kind,
            "claimed": claimed,
            "spec": self.classifier_spec(),
            "boilerplate": self.kb.reference.boilerplate_texts(),
            "rules_path": cfg.rules_path,
            "check_options": cfg.check_options(),
            "max_text_chars": int(cfg.max_text_chars),
            "max_uncompressed_mb": int(cfg.max_docx_uncompressed_mb),
        }

    def _bounded_self_check(
        self, text_or_bytes: str | bytes, filename: str | None, kind: str, claimed: str | None
    ) -> dict[str, Any]:
        """Parse, check and classify an untrusted draft in a worker process (kb.ingest.worker) within the
        self-check's time and memory budget: this server process does no analysis of it, so one huge or hostile
        draft delays only itself. The pool is kept warm (models loaded) for the next requests."""
        from kb.errors import IngestError, LimitExceededError, UnsupportedFormatError
        from kb.ingest.worker import keep_warm, run_bounded
        from kb.service.bounded import run_selfcheck
        from kb.service.store import SELF_CHECK_SUFFIXES

        cfg = self.kb.config
        if isinstance(text_or_bytes, bytes | bytearray):
            payload: str | bytes = bytes(text_or_bytes)
            name = filename or "draft.txt"
            suffix = Path(name).suffix.lower()
            if suffix not in SELF_CHECK_SUFFIXES:
                raise UnsupportedFormatError(
                    name, f"不支持的文件格式 {suffix or '（无扩展名）'}", "请上传 .docx、.txt 或 .pdf 文件"
                )
            label = name
        else:
            payload, name, label = str(text_or_bytes), None, "（粘贴的正文）"
        limit = int(cfg.max_upload_mb)
        if len(payload) > limit * 1024 * 1024:
            what = "文件" if name else "粘贴的正文"
            raise LimitExceededError(label, f"{what}超过 {limit} MB", "请删减后再提交")
        timeout = float(cfg.selfcheck_timeout_s)
        memory = int(cfg.selfcheck_memory_mb)
        size = len(payload) if isinstance(payload, bytes) else len(payload.encode("utf-8", "replace"))
        # a large draft runs at low CPU priority (a pool of its own): the others' self-checks go first
        nice = LARGE_DRAFT_NICE if size > int(cfg.selfcheck_large_kb) * 1024 else 0
        prepare = self._selfcheck_preparation()
        if timeout > 0:  # warm workers from now on (pre-started by warm_selfcheck at a server's start)
            keep_warm(run_selfcheck, int(cfg.selfcheck_workers), memory_mb=memory, prepare=prepare)
        res = run_bounded(
            run_selfcheck,
            payload,
            timeout,
            memory_mb=memory,
            label=label,
            nice=nice,
            demote_after_s=float(cfg.selfcheck_demote_s),
            prepare=prepare,
            time_setting="selfcheck_timeout_s",
            memory_setting="selfcheck_memory_mb",
            # with every warm worker busy, wait for one (a request takes well under a second) rather than
            # start a cold one (imports and models: tens of seconds on a loaded machine)
            wait_warm_s=timeout,
            **self._selfcheck_opts(name, kind, claimed),
        )
        if timeout > 0:  # the next requests find a warm worker even after a slow or ended one
            warm = int(cfg.selfcheck_workers)
            keep_warm(run_selfcheck, warm, memory_mb=memory, prepare=prepare)
            if nice:
                keep_warm(run_selfcheck, 1, memory_mb=memory, nice=nice, prepare=prepare)
        if not res["text"].strip():
            if name:
                raise IngestError(name, "文件中没有可用正文", "请检查文件，或直接粘贴正文")
            raise KBError("没有正文：请粘贴申报材料正文或上传 .docx/.txt 文件。")
        return res

    def _selfcheck_preparation(self) -> tuple[str, dict[str, Any]]:
        """What a self-check worker runs once before its first request: the models loaded, outside any
        request's budget (see ``kb.ingest.worker.run_bounded``'s ``prepare``)."""
        warm_opts = self._selfcheck_opts(None, "scenario", None)
        return WARM_DRAFT, {**warm_opts, "key": warm_opts["spec"]["key"]}

    def warm_selfcheck(self, wait_s: float = 0.0) -> bool:
        """Start ``selfcheck_workers`` self-check workers in the background, models loaded (a server calls it
        when it starts, so that its first self-checks find warm workers).

        Args:
            wait_s: wait up to this long for them to be ready (0: return at once).

        Returns:
            Whether they are ready.
        """
        from kb.ingest.worker import keep_warm
        from kb.service.bounded import run_selfcheck

        cfg = self.kb.config
        n = int(cfg.selfcheck_workers)
        if float(cfg.selfcheck_timeout_s) > 0 and n > 0:
            mem = int(cfg.selfcheck_memory_mb)
            keep_warm(
                run_selfcheck,
                int(cfg.selfcheck_workers),
                memory_mb=mem,
                prepare=self._selfcheck_preparation(),
            )
            return _wait_for_workers(n, wait_s, mem)
        return True

    def _reference_fallback(self, classify: dict[str, Any]) -> list[dict[str, Any]]:
        """Reference entries of the top classified scenarios (used when no reference index exists)."""
        entries = {e.code: e for e in self.kb.reference.active_edition("guide").entries}
        out = []
        for s in (classify.get("scenarios") or [])[:3]:
            e = entries.get(s.get("code"))
            if e is not None:
                out.append(
                    {"code": e.code, "name": e.name, "link": e.link, "text": e.scope, "score": s.get("score")}
                )
        return out
