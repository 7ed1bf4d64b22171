"""Similarity use cases: index maintenance, similar texts, duplicate families, pair view, search.

The database is the source of truth; the engine is derived data, kept as versioned snapshots
(``<index_dir>/snapshots``, :mod:`kb.service.snapshots`). Updates take an exclusive file lock, reload the live
version, bring it in line with the database, and publish a new version (written aside, fsynced, then ``CURRENT``
switched atomically); readers load the newest ``CURRENT`` on their next use (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import contextlib
import copy
import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.errors import KBError
from kb.service.snapshots import Snapshots
from kb.service.sweeps import PublishQueue, Sweeps

if TYPE_CHECKING:
    from kb.service import KB

log = logging.getLogger(__name__)


class Similarity:
    """Wires :mod:`nlp.similarity` to the stored submissions (owns the index folder, the stored sweeps and the
    ``family_reviews`` table)."""

    def __init__(self, kb: KB) -> None:
        self.kb = kb
        self._engine: Any = None
        self._engine_version: str | None = None  # the snapshot the loaded engine came from (or was saved as)
        self._ref_engine: Any = None
        self._dupes_view: tuple[Any, dict[str, Any]] | None = None
        self._load_lock = threading.Lock()  # one thread loads a newer version; the others keep serving theirs
        # answers kept per engine (similar) or per text (reference hits)
        self._answers: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._answers_lock = threading.Lock()
        # texts waiting for the next published version (index_later), and the stored / background sweeps
        self._queue = PublishQueue(
            self.index_add,
            lambda: float(self.kb.config.index_publish_s),
            lambda: int(self.kb.config.index_publish_texts),
        )
        self._sweeps = Sweeps()

    def invalidate(self) -> None:
        """Forget the engines: the boilerplate comes from the active editions, so they reload and sync."""
        with self.kb.lock:
            self._engine = None
            self._ref_engine = None
            self._dupes_view = None
        with self._answers_lock:
            self._answers.clear()

    # ------------------------------------------------------------------ engine lifecycle
    def _snapshots(self) -> Snapshots:
        return Snapshots(Path(self.kb.config.index_path) / "snapshots")

    def _legacy_dir(self) -> Path:
        """The single index folder of versions before snapshots (read once, removed at the next publish)."""
        return Path(self.kb.config.index_path) / "similarity"

    def index_dir(self) -> Path:
        """The folder of the live index version (the legacy folder while none was published)."""
        return self._snapshots().current() or self._legacy_dir()

    @contextlib.contextmanager
    def _index_lock(self) -> Iterator[None]:
        base = Path(self.kb.config.index_path)
        base.mkdir(parents=True, exist_ok=True)
        with open(base / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _new_engine(self) -> Any:
        from nlp.similarity.engine import SimilarityConfig, SimilarityEngine

        cfg = self.kb.config
        opts: dict[str, Any] = {}
        if cfg.encoder in ("sentence-transformers", "st"):
            if not cfg.encoder_model:
                raise KBError(
                    "encoder=sentence-transformers 需要 encoder_model：请设置本地模型目录或已缓存的模型名"
                    "（如 SCENARIO_KB_ENCODER_MODEL=/path/to/bge-small-zh）。"
                )
            opts["model"] = cfg.encoder_model
        sc = SimilarityConfig(
            **cfg.similarity_options(), meta_keys=("source", "title", "year", "region", "kind")
        )
        try:
            return SimilarityEngine(
                cfg.encoder,
                config=sc,
                cache_dir=Path(cfg.index_path) / "cache",
                encoder_options=opts,
                reference_texts=self.kb.reference.boilerplate_texts(),
            )
        except ImportError as exc:
            raise KBError(f"无法加载编码器 {cfg.encoder}：{exc}") from exc

    def _doc_meta(self, sub: Any, classification: dict[str, Any] | None) -> dict[str, Any]:
        scen = [s["code"] for s in (classification or {}).get("scenarios", [])[:3]]
        return {
            "source": sub.source,
            "title": sub.meta.title,
            "year": sub.meta.year,
            "region": sub.meta.region,
            "industry": sub.meta.industry,
            "kind": sub.meta.kind,
            "claimed": sub.meta.claimed,
            "scenario": scen,
            "content_hash": sub.content_hash,
        }

    def _sync(self, eng: Any) -> bool:
        """Make the engine hold exactly the stored submissions and the active editions' reference texts
        (its boilerplate). Returns True when it changed.

        A text counts as held when its id is in the engine with the same content hash (SQLite can
        give a new row the id of a deleted one).
        """
        refs = [t for t in self.kb.reference.boilerplate_texts() if t]
        ref_changed = list(eng.reference_texts) != refs
        if ref_changed:  # another guide / task-list edition became active: its text is the boilerplate now
            eng.set_reference_texts(refs)
        stored = self.kb.storage.submission_hashes()
        have = set(eng.ids())
        changed = set()
        for i in have & stored.keys():
            # engines saved before hashes were kept adopt the stored one
            if eng.meta.setdefault(i, {}).setdefault("content_hash", stored[i]) != stored[i]:
                changed.add(i)
        extra = (have - stored.keys()) | changed
        missing = sorted((stored.keys() - have) | changed)
        for i in extra:
            eng.remove(i)
        if missing:
            if len(missing) > 200:
                classes = self.kb.storage.analyses("classify")
            else:  # a batch of new texts: their own classifications, not every stored one
                classes = {
                    sid: got for sid in missing if (got := self.kb.storage.get_analysis(sid, "classify"))
                }
            for sid in missing:
                sub = self.kb.storage.get_submission(sid)
                eng.add(sid, sub.text, self._doc_meta(sub, classes.get(sid, (None, None))[1]))
        return bool(extra or missing or ref_changed)

    def _save_engine(self, eng: Any) -> str:
        """Publish ``eng`` as a new snapshot version (call with the index lock held); returns its name.

        The collection's boilerplate is learned here, once per version, so that readers loading it never do.
        """
        if eng.config.boilerplate_auto and len(eng):
            eng.learn_boilerplate()
        fp = self._engine_fingerprint(eng)

        def write(folder: Path) -> None:
            eng.save(folder)
            (folder / "db.json").write_text(json.dumps({"fingerprint": fp}), encoding="utf-8")

        version = self._snapshots().publish(write)
        legacy = self._legacy_dir()
        for d in (legacy, legacy.with_name(legacy.name + ".old"), legacy.with_name(legacy.name + ".new")):
            shutil.rmtree(d, ignore_errors=True)
        return version

    def _load_engine(self) -> tuple[Any | None, str | None]:
        """The live version's engine and name; ``(None, None)`` when there is none or it does not fit."""
        from nlp.similarity.engine import SimilarityEngine

        version = self._snapshots().current_name()
        d = self.index_dir()
        if version is None and not (d / "config.json").exists():
            old = d.with_name(d.name + ".old")  # legacy layout: a crash between the two renames of a save
            if not (old / "config.json").exists():
                return None, None
            old.rename(d)
        try:
            eng = SimilarityEngine.load(d, cache_dir=Path(self.kb.config.index_path) / "cache")
        except Exception:
            if (
                version is not None and not d.is_dir()
            ):  # removed by a writer (KEEP) while read: read CURRENT again
                log.info("index version %s was removed while loading it", version)
                return None, version
            log.exception("similarity index at %s is unreadable; rebuilding", d)
            return None, None
        if eng.metadata()["encoder_backend"] != {"st": "sentence-transformers"}.get(
            self.kb.config.encoder, self.kb.config.encoder
        ):
            return None, None
        return eng, version

    def _refs_changed(self, eng: Any) -> bool:
        return list(eng.reference_texts) != [t for t in self.kb.reference.boilerplate_texts() if t]

    def _adopt(self, eng: Any, version: str | None) -> None:
        with self.kb.lock:
            self._engine, self._engine_version, self._dupes_view = eng, version, None
        with self._answers_lock:  # answers of the previous engine go (reference hits do not depend on it)
            for key in [k for k in self._answers if k[0] == "similar"]:
                del self._answers[key]

    def _write_through(self) -> tuple[Any, str | None]:
        """A reader as writer (no version yet, or new editions' boilerplate): sync and publish under the lock."""
        self.kb.storage.ensure_ready()
        with self._index_lock():
            eng, version = self._load_engine()
            eng = eng or self._new_engine()
            if self._sync(eng) or version is None:
                if len(eng):
                    eng.build()
                    version = self._save_engine(eng)
        return eng, version

    def _read_live(self) -> tuple[Any | None, str | None]:
        """Load the live version without a lock (versions never change); read ``CURRENT`` again if it vanished."""
        snaps = self._snapshots()
        for _ in range(10):
            name = snaps.current_name()
            if name is None:
                return None, None
            eng, version = self._load_engine()
            if eng is not None and version == name:
                return eng, version
            if snaps.current_name() == name:  # not a race: the version is unreadable or does not fit
                return None, None
        return None, None

    def engine(self) -> Any:
        """The engine of the live snapshot; readers only read (a newer ``CURRENT`` is loaded by one thread while
        the others serve the old one; never a sync or a build, but for a first version or new editions'
        boilerplate). See docs/ARCHITECTURE.md, *One index, several processes*."""
        name = self._snapshots().current_name()
        eng = self._engine
        if eng is not None and self._engine_version == name:
            return eng
        if eng is not None:
            if not self._load_lock.acquire(blocking=False):
                return eng  # another thread is loading the newer version
        else:
            self._load_lock.acquire()
        try:
            name = self._snapshots().current_name()
            if self._engine is not None and self._engine_version == name:
                return self._engine
            self.kb.storage.ensure_ready()
            loaded, version = self._read_live()
            if loaded is None or version is None or self._refs_changed(loaded):
                loaded, version = self._write_through()
            self._adopt(loaded, version)
            return loaded
        finally:
            self._load_lock.release()

    def index_add(self, ids: Sequence[int] = ()) -> None:
        """Bring the index up to date after new submissions were stored, now: publishes a new version when the
        texts changed. Built aside (a fresh copy of the live version) without holding the KB lock, so the
        readers of this process keep serving the live version meanwhile."""
        self.kb.storage.ensure_ready()
        with self._index_lock():
            eng, version = self._load_engine()
            eng = eng or self._new_engine()
            if (self._sync(eng) or version is None) and len(eng):
                eng.build()
                version = self._save_engine(eng)
        self._adopt(eng, version)

    def index_later(self, ids: Sequence[int]) -> None:
        """Index stored texts with the next batch (``index_publish_s`` / ``index_publish_texts``, a background
        thread; 0 s: now). Meanwhile :meth:`similar` answers them by their text; :meth:`flush` publishes now."""
        if float(self.kb.config.index_publish_s) <= 0:
            self.index_add(ids)
            return
        self._queue.add(ids)

    def pending(self) -> int:
        """Stored texts waiting for the next published version (in this process)."""
        return self._queue.pending()

    def flush(self, timeout: float = 300.0) -> bool:
        """Publish what :meth:`index_later` keeps waiting now, and wait for it. Returns False on timeout."""
        return self._queue.flush(timeout)

    def index_rebuild(self, progress: Any = None) -> dict[str, Any]:
        """Rebuild the similarity index from the database."""
        self.kb.storage.ensure_ready()
        with self._index_lock():
            eng = self._new_engine()
            self._sync(eng)
            if len(eng):
                eng.build(progress=progress)
            version = self._save_engine(eng)
        self._adopt(eng, version)
        return {"count": len(eng), "encoder": eng.encoder.name}

    @staticmethod
    def _fingerprint(hashes: dict[int, str]) -> str:
        """Digest of ``{id: content_hash}``: equal iff the same ids hold the same texts."""
        h = hashlib.sha1()
        for i in sorted(hashes):
            h.update(f"{i}:{hashes[i]}\n".encode())
        return h.hexdigest()

    def _engine_fingerprint(self, eng: Any) -> str:
        """Fingerprint of the texts an engine holds (their content hashes, kept in its metadata)."""
        return self._fingerprint({i: str(eng.meta.get(i, {}).get("content_hash", "")) for i in eng.ids()})

    def index_stale(self) -> bool:
        """Cheap test: does the saved index hold other texts than the database?

        The index folder keeps ``db.json``: the fingerprint of (id, content hash) of the texts it
        holds (the hashes are in each text's metadata, set from the database by ``_sync``). SQLite reuses the id of a deleted last
        row, so ids alone (or counts) would miss a swap. Folders without it compare counts.
        """
        d = self.index_dir()
        if not (d / "config.json").exists():
            return self.kb.storage.count_submissions() > 0
        try:
            if (d / "db.json").exists():
                saved = json.loads((d / "db.json").read_text(encoding="utf-8"))["fingerprint"]
                return saved != self._fingerprint(self.kb.storage.submission_hashes())
            build = json.loads((d / "config.json").read_text(encoding="utf-8"))["build"]
            return int(build["count"]) != self.kb.storage.count_submissions()
        except (ValueError, KeyError, TypeError):
            return True

    def index_verify(self) -> dict[str, Any]:
        """Compare the saved index with the database (what is on disk, not the in-memory copy)."""
        from nlp.similarity.engine import SimilarityEngine

        self.kb.storage.ensure_ready()
        db_ids = self.kb.storage.submission_ids()
        d = self.index_dir()
        with self._index_lock():
            if (d / "config.json").exists():
                eng = SimilarityEngine.load(d)
                rep = eng.verify(db_ids).to_dict()
            else:
                rep = {"missing": db_ids, "extra": [], "ok": not db_ids}
        rep["db_count"] = len(db_ids)
        rep["index_count"] = len(db_ids) - len(rep.get("missing", [])) + len(rep.get("extra", []))
        rep["ok"] = not rep.get("missing") and not rep.get("extra") and rep.get("ok", True)
        return rep

    # ------------------------------------------------------------------ questions
    def similar(
        self, target: int | str, k: int = 10, filters: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Sources of a stored submission (id) or a new text: overall %, largest source, matches with spans.

        A stored submission that the live version does not hold yet (stored since the last publish) is
        compared by its text (``pending_index``: true). Answers for ids are kept per engine version.
        """
        eng = self.engine()
        key = ("similar", id(eng), target, k) if isinstance(target, int) and not filters else None
        if key is not None:
            with self._answers_lock:
                hit = self._answers.get(key)
                if hit is not None:
                    self._answers.move_to_end(key)
                    return copy.deepcopy(hit)
        pending = False
        if isinstance(target, int) and target not in eng:
            try:
                sub = self.kb.storage.get_submission(target)
            except KBError:
                sub = None
            if sub is None:
                raise KBError(f"申报材料 #{target} 不在相似度索引中：请运行 `scenario-kb index rebuild`。")
            target, pending = sub.text, True
        if not len(eng):
            return {"overall": 0.0, "overall_excl_boilerplate": 0.0, "largest_source": None, "matches": []}
        rep = eng.report(target, k=k, filters=filters).to_dict()
        if pending:
            rep["pending_index"] = True
        for m in rep["matches"]:
            meta = m.get("meta", {})
            m["source"] = meta.get("source", "")
            m["title"] = meta.get("title", "")
            m["year"] = meta.get("year")
            m["shared"] = m.get("spans", [])
        if key is not None:
            self._remember(key, rep)
        return rep

    def _remember(self, key: tuple[Any, ...], value: Any) -> None:
        with self._answers_lock:
            self._answers[key] = copy.deepcopy(value)
            while len(self._answers) > 4096:
                self._answers.popitem(last=False)

    def pair(self, a: int, b: int) -> dict[str, Any]:
        """Side-by-side comparison of two stored submissions: shared spans in both texts and the %s."""
        eng = self.engine()
        for x in (a, b):
            if x not in eng:
                self.kb.store.get(x)  # raises NotFound for unknown ids
                raise KBError(f"申报材料 #{x} 不在相似度索引中：请运行 `scenario-kb index rebuild`。")
        al = eng.compare(a, b)
        d = al.to_dict()
        d["shared"] = [s.to_dict() for s in al.spans]
        d["a"], d["b"] = self.kb.store.get(a).summary(), self.kb.store.get(b).summary()
        return d

    @staticmethod
    def family_key(member_ids: Sequence[int]) -> str:
        return hashlib.sha1(",".join(str(i) for i in sorted(member_ids)).encode()).hexdigest()[:12]

    def _sweep_settings(self, eng: Any, threshold: float) -> str:
        """Digest of what a sweep depends on besides the texts: settings, reference texts, threshold, versions."""
        from kb import __version__
        from nlp.similarity.engine import FORMAT_VERSION

        key = json.dumps(
            [
                {k: v for k, v in eng.config.to_dict().items() if k != "sweep_workers"},
                eng.encoder.name,
                hashlib.sha1("\x00".join(eng.reference_texts).encode()).hexdigest(),
                round(threshold, 6),
                __version__,
                FORMAT_VERSION,
                self._same_project_key(),
            ],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha1(key.encode()).hexdigest()

    def _sweep_path(self, eng: Any, threshold: float) -> Path:
        """File of the stored sweep for the engine's texts, settings, reference texts, threshold and version."""
        key = f"{self._engine_fingerprint(eng)}:{self._sweep_settings(eng, threshold)}"
        return self._sweeps_dir() / f"{hashlib.sha1(key.encode()).hexdigest()}.json"

    def _sweeps_dir(self) -> Path:
        return self._snapshots().root / "sweeps"

    def _same_project_key(self) -> str:
        """What the same-project links of a sweep depend on: the setting and the fitted model (read once)."""
        if not self.kb.config.same_project:
            return "off"
        cached = getattr(self, "_sp_key", None)
        if cached is None:
            from kb.service.same_project import load_same_project_model

            m = load_same_project_model()
            cached = json.dumps(m.to_dict(), sort_keys=True) if m is not None else "none"
            self._sp_key = cached
        return cached

    def _sweep(self, eng: Any, threshold: float | None) -> dict[str, Any]:
        """``eng.dupes`` stored beside the index, keyed by texts, settings and threshold (latest few kept; a 10⁵
        sweep takes minutes, docs/benchmarks.md); a new sweep reuses earlier sweeps' per-pair results."""
        thr = float(eng.config.dup_threshold if threshold is None else threshold)
        path = self._sweep_path(eng, thr)
        if path.exists():
            try:
                rep = json.loads(path.read_text(encoding="utf-8"))
                rep["stats"]["cached"] = True
                return rep
            except (ValueError, KeyError, TypeError):
                log.warning("stored duplicate sweep %s is unreadable; sweeping again", path)
        from kb import __version__ as v
        from nlp.similarity.sweep import dupes_with_memo  # earlier sweeps' per-pair results are reused

        rep = dupes_with_memo(eng, thr, self._sweeps_dir() / "pairs.pkl", f"kb {v}").to_dict()
        if self.kb.config.same_project:
            from kb.service.same_project import add_same_project

            ids = set(eng.meta)
            subs = [s for s in self.kb.store.list_submissions() if s.id in ids]  # facts are stored: no texts
            add_same_project(rep, subs, eng, self.kb.storage, Path(self.kb.config.index_path))
        rep["stats"]["computed_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        rep["stats"]["settings_key"] = self._sweep_settings(eng, thr)
        rep["stats"]["texts"] = len(eng)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")  # two threads may sweep at once
        tmp.write_text(json.dumps(rep, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

        def age(f: Path) -> float:
            try:
                return f.stat().st_mtime
            except FileNotFoundError:  # removed by another thread or process meanwhile
                return 0.0

        for f in sorted(path.parent.glob("*.json"), key=age, reverse=True)[4:]:
            f.unlink(missing_ok=True)
        rep["stats"]["cached"] = False
        return rep

    def _newest_stored_sweep(self, eng: Any, threshold: float) -> dict[str, Any] | None:
        """The newest stored sweep with the same settings and threshold, of any (earlier) version."""
        return self._sweeps.newest(self._sweeps_dir(), self._sweep_settings(eng, threshold))

    def _sweep_in_background(self, threshold: float) -> None:
        """Start a sweep of the live version in a niced background process (:mod:`kb.service.sweeps`)."""
        self._sweeps.start(dict(self.kb.config.values), threshold, float(self.kb.config.sweep_interval_s))

    def stored_sweep(self) -> dict[str, Any] | None:
        """The stored duplicate sweep at the default threshold, or None when none is stored (never sweeps)."""
        eng = self.engine()
        path = self._sweep_path(eng, float(eng.config.dup_threshold))
        try:
            return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        except (OSError, ValueError):
            return None

    def dupes(self, threshold: float | None = None) -> dict[str, Any]:
        """Duplicate families (connected components) and the pairs that link them, across the whole KB.

        The sweep is stored beside the index and reused until the texts, the settings or the threshold
        change (``stats.cached``); review marks are read fresh every time.
        """
        eng = self.engine()
        return self._dupes_view_of(eng, self._sweep(eng, threshold))

    def dupes_served(self, threshold: float | None = None) -> dict[str, Any]:
        """:meth:`dupes` for requests: the live version's stored sweep, else the newest stored one (``stats.stale``)
        while a background process sweeps; sweeps in the request only when none was ever stored."""
        eng = self.engine()
        thr = float(eng.config.dup_threshold if threshold is None else threshold)
        if not self._sweep_path(eng, thr).exists():
            older = self._newest_stored_sweep(eng, thr)
            if older is not None:
                self._sweep_in_background(thr)
                older["stats"]["cached"] = True
                older["stats"]["stale"] = True
                return self._dupes_view_of(eng, older)
        return self._dupes_view_of(eng, self._sweep(eng, thr))

    def _dupes_view_of(self, eng: Any, rep: dict[str, Any]) -> dict[str, Any]:
        reviewed = self.kb.storage.family_reviews()
        for fam in rep["families"]:
            ids = [m["id"] for m in fam["members"]]
            fam["key"] = self.family_key(ids)
            fam["reviewed"] = fam["key"] in reviewed
            fam["shared"] = [{"id": m["id"], "spans": m["spans"]} for m in fam["members"]]
            for m in fam["members"]:
                meta = eng.meta.get(m["id"], {})
                m.setdefault("source", meta.get("source", ""))
                m.setdefault("title", meta.get("title", ""))
        for p in rep["pairs"]:
            p["similarity_excl_boilerplate"] = p["similarity"]
            p.setdefault("similarity_all", p["similarity"])
        rep["stats"].setdefault("stale", False)
        return rep

    def _reference_engine(self) -> Any:
        with self.kb.lock:
            if self._ref_engine is None:
                from nlp.similarity.engine import SimilarityEngine

                eng = SimilarityEngine("tfidf", index_backend="numpy")
                for i, e in enumerate(self.kb.reference.entries()):
                    text = f"{e.name}。{e.scope} {' '.join(e.keywords)} {' '.join(e.synonyms)}"
                    eng.add(i, text, {"code": e.code, "name": e.name, "link": e.link, "kind": e.kind})
                eng.build()
                self._ref_engine = eng
            return self._ref_engine

    def similar_reference(self, text: str, k: int = 5) -> list[dict[str, Any]]:
        """Reference entries (guide scenarios, 揭榜 tasks) closest to a text — never other submissions."""
        eng = self._reference_engine()
        hits = eng.search(text[:4000], k=k, mode="semantic")
        entries = self.kb.reference.entries()
        out = []
        for h in hits:
            e = entries[h.id]
            out.append(
                {
                    "code": e.code,
                    "name": e.name,
                    "link": e.link,
                    "kind": e.kind,
                    "scope": e.scope,
                    "score": round(float(h.cosine or 0.0), 4),
                }
            )
        return out

    def search(self, query: str, k: int = 20, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Hybrid keyword + semantic search over submissions (filtered) and reference entries."""
        if not query.strip():
            return []
        f = dict(filters or {})
        scen = f.pop("scenario", None)
        if scen:
            codes = {
                e.code for e in self.kb.reference.active_edition("guide").entries if scen in (e.code, e.name)
            } or {scen}
            f["scenario"] = lambda have, codes=codes: bool(set(have or []) & codes)
        out: list[dict[str, Any]] = []
        eng = self.engine()
        if len(eng):
            for h in eng.search(query, k=k, filters=f or None):
                text = eng.texts[h.id]
                snip = text[h.passage[0] : h.passage[1]][:120] if h.passage else text[:80]
                out.append(
                    {
                        "type": "submission",
                        "id": h.id,
                        "ref": f"#{h.id}",
                        "score": h.score,
                        "title": h.meta.get("title", ""),
                        "source": h.meta.get("source", ""),
                        "snippet": snip,
                        "passage": list(h.passage) if h.passage else None,
                    }
                )
        if not filters:
            entries = self.kb.reference.entries()
            for h in self._reference_engine().search(query, k=max(3, k // 4)):
                e = entries[h.id]
                out.append(
                    {
                        "type": "reference",
                        "id": None,
                        "ref": e.code,
                        "score": h.score,
                        "title": e.name,
                        "source": e.link,
                        "snippet": e.scope[:120],
                        "passage": None,
                    }
                )
        out.sort(key=lambda x: -x["score"])
        return out[:k]

    # ------------------------------------------------------------------ page views
    def _dupes_cached(self) -> dict[str, Any] | None:
        """``dupes()`` of the current index, cached per engine state; ``None`` when no index was ever built.

        Never builds an index while a page renders: without a loaded engine or a saved index it returns ``None``.
        """
        eng = self._engine
        if eng is None:
            if not (self.index_dir() / "config.json").exists():
                return None
            eng = self.engine()
        key = (id(eng), len(eng), float(self.kb.config.dup_threshold))
        cached = self._dupes_view
        if cached is not None and cached[0] == key:
            if not cached[1]["stats"].get("stale"):
                return cached[1]
            if not self._sweep_path(eng, key[2]).exists():  # the background sweep is not done yet
                self._sweep_in_background(key[2])
                return cached[1]
        res = self.dupes_served()
        self._dupes_view = (key, res)
        return res

    def similarity_summaries(self) -> dict[int, dict[str, Any]]:
        """Highest similarity per submission and its source, and its similarity codes, from the duplicate pairs
        (empty before indexing).

        Only pairs at or above the duplicate threshold are known; a submission without one gets no entry. Same-project
        links share no text: they are listed under ``same_project`` and never count as a similarity.

        Returns:
            ``{id: {"similarity": float | None, "other": id | None, "level": str, "same_project": [ids],
            "codes": [SIM001 / SIM002]}}`` (codes by the rules' thresholds, see ``kb.service.sim_findings``).
        """
        try:
            res = self._dupes_cached()
        except Exception as exc:  # index unreadable, engine unavailable
            log.info("no similarity summary: %s", exc)
            return {}
        if res is None:
            return {}
        from kb.service.sim_findings import sweep_codes

        best: dict[int, dict[str, Any]] = {}
        for p in res.get("pairs", []):
            a, b = int(p["a"]), int(p["b"])
            for x, y in ((a, b), (b, a)):
                e = best.setdefault(x, {"similarity": None, "other": None, "level": "", "same_project": []})
                if p.get("level") == "same_project":
                    e["same_project"].append(y)
                    continue
                sim = float(p.get("similarity") or 0.0)
                if e["similarity"] is None or sim > e["similarity"]:
                    e.update(similarity=sim, other=y, level=p.get("level", ""))
        codes = sweep_codes(self.kb, res)
        for x, e in best.items():
            e["same_project"].sort()
            e["codes"] = codes.get(x, [])
        return best

    def reference_hits(self, text: str, k: int = 5) -> list[dict[str, Any]]:
        """:meth:`similar_reference`, or nothing when the reference index is unavailable (kept per text)."""
        key = ("reference", hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest(), k)
        with self._answers_lock:
            hit = self._answers.get(key)
        if hit is not None:
            return copy.deepcopy(hit)
        try:
            res = self.similar_reference(text, k=k)
        except Exception as exc:
            log.info("similar_reference unavailable: %s", exc)
            return []
        out = list(res.get("matches", res) if isinstance(res, dict) else res)
        self._remember(key, out)
        return out

    # ------------------------------------------------------------------ duplicates
    def duplicate_families(self) -> dict[str, Any]:
        """Duplicate families and pairs with the reviewers' "reviewed" marks (empty with ``error`` before indexing)."""
        try:
            res = self._dupes_cached()
        except Exception as exc:
            return {"families": [], "pairs": [], "error": f"查重结果暂不可用：{exc}。请在“管理”页重建索引。"}
        if res is None:
            return {
                "families": [],
                "pairs": [],
                "error": "相似度索引尚未建立：请管理员在“管理 → 索引”中重建索引。",
            }
        res = dict(res)
        reviewed = self.kb.storage.family_reviews()
        fams = []
        for f in res.get("families", []):
            f = dict(f)
            f["reviewed"] = reviewed.get(str(f.get("key")))
            fams.append(f)
        res["families"] = fams
        res.setdefault("pairs", [])
        res["error"] = ""
        return res

    def review_family(self, key: str, reviewer: str, note: str = "") -> None:
        """Mark a duplicate family as reviewed (the mark stays with the family key)."""
        self.kb.storage.mark_family_reviewed(str(key), reviewer, note)

    def pair_view(self, a_id: int, b_id: int) -> dict[str, Any]:
        """Two submissions side by side with their shared passages, numbered in reading order of ``a``.

        Returns:
            ``a`` / ``b`` (id, title, source, text), ``similarity``, ``similarity_excl_boilerplate``, ``level``,
            ``matches``: ``[{n, a: [s, e], b: [s, e], boilerplate, level, text_a, text_b}]``; ``level`` of a
            passage is ``identical`` (same text), ``minor_edits`` (aligned with small edits) or ``paraphrase``
            (a sentence pair the semantic coverage found outside the lexical passages).
        """
        sa, sb = self.kb.store.get(a_id), self.kb.store.get(b_id)
        al = dict(self.pair(sa.id, sb.id))
        shared = [
            {**s, "level": "identical" if sa.text[s["a"][0] : s["a"][1]] == sb.text[s["b"][0] : s["b"][1]]
             else "minor_edits"}
            for s in (al.get("shared") or al.get("spans") or [])
        ]  # fmt: skip

        def overlaps(span: list[int], side: str) -> bool:
            return any(span[0] < x[side][1] and x[side][0] < span[1] for x in shared)

        for p in (al.get("semantic") or {}).get("pairs", []):
            if not overlaps(p["a"], "a") and not overlaps(p["b"], "b"):
                shared.append({"a": p["a"], "b": p["b"], "boilerplate": False, "level": "paraphrase"})
        shared = sorted(shared, key=lambda s: (s["a"][0], s["b"][0]))
        matches = []
        for n, s in enumerate(shared, start=1):
            (a0, a1), (b0, b1) = s["a"], s["b"]
            matches.append(
                {
                    "n": n,
                    "a": [int(a0), int(a1)],
                    "b": [int(b0), int(b1)],
                    "boilerplate": bool(s.get("boilerplate")),
                    "level": s["level"],
                    "text_a": sa.text[a0:a1],
                    "text_b": sb.text[b0:b1],
                }
            )

        def side(sub: Any) -> dict[str, Any]:
            return {"id": sub.id, "title": sub.meta.title, "source": sub.source, "text": sub.text}

        return {
            "a": side(sa),
            "b": side(sb),
            "similarity": al.get("similarity"),
            "similarity_excl_boilerplate": al.get("similarity_excl_boilerplate"),
            "level": al.get("level", ""),
            "matches": matches,
        }
