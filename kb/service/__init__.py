"""The service layer: every use case of the product, as methods of named components of :class:`KB`.

``kb.store`` (submissions in and out), ``kb.reference`` (guide / task-list editions), ``kb.analysis`` (checks,
classification, stored analyses, self-check), ``kb.similarity`` (index, matches, duplicate families, search),
``kb.reviews`` (decisions, labels, inbox, detail report), ``kb.coverage`` (coverage and quota usage),
``kb.reports`` (dossiers, inbox export, recommendation lists), ``kb.accounts`` (users, login), ``kb.apikeys`` (HTTP API keys). Each component owns
its tables and caches and reaches the others through the ``KB`` it belongs to.

The only kb package that imports :mod:`nlp` (besides the plain records of :mod:`nlp.types`). The CLI and the
Streamlit pages are thin skins over it.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

from kb.config import Config, load_config
from kb.service.accounts import Accounts
from kb.service.analysis import Analysis
from kb.service.apikeys import ApiKeys
from kb.service.coverage import Coverage
from kb.service.editions import ActiveEdition, ReferenceEditions
from kb.service.reports import Reports
from kb.service.reviews import Reviews
from kb.service.similarity import Similarity
from kb.service.store import Submissions
from kb.storage import Storage


class KB:
    """One knowledge base: its database, configuration, lock, and the components that work on them.

    Thread-safe for use from several Streamlit sessions: storage opens a connection per call, caches are guarded
    by :attr:`lock`.
    """

    def __init__(self, config: Config | None = None, **overrides: Any) -> None:
        self.config = (config or load_config()).with_overrides(**overrides)
        self.storage = Storage(self.config.db_url)
        self.lock = threading.RLock()
        self.reference = ReferenceEditions(self)
        self.store = Submissions(self)
        self.analysis = Analysis(self)
        self.similarity = Similarity(self)
        self.reviews = Reviews(self)
        self.coverage = Coverage(self)
        self.reports = Reports(self)
        self.accounts = Accounts(self)
        self.apikeys = ApiKeys(self)

    def init(self) -> dict[str, Any]:
        """Create or migrate the database and load the bundled reference editions (idempotent)."""
        version = self.storage.init()
        loaded = self.reference.load_bundled()
        self.invalidate()
        return {"schema_version": version, "db": self.config.db_url, "editions_loaded": loaded}

    def invalidate(self) -> None:
        """Forget every cache built from the active editions (after an edition change or a reset)."""
        with self.lock:
            self.reference.invalidate()
            self.analysis.invalidate()
            self.similarity.invalidate()

    def reset(self) -> None:
        """Delete a SQLite database file and its indexes (demo rebuilds)."""
        url = self.config.db_url
        self.storage.close()
        if url.startswith("sqlite:///"):
            p = Path(url[len("sqlite:///") :])
            for f in (p, p.with_name(p.name + "-wal"), p.with_name(p.name + "-shm")):
                if f.exists():
                    f.unlink()
        if self.config.index_path.exists():
            shutil.rmtree(self.config.index_path)
        self.storage = Storage(url)
        self.invalidate()


def open_kb(db: str | None = None, config_file: str | None = None, **overrides: Any) -> KB:
    """Open the knowledge base chosen by ``--db`` / ``SCENARIO_KB_DB`` / the config file."""
    return KB(load_config(config_file, db=db, **overrides))


__all__ = ["KB", "ActiveEdition", "open_kb"]
