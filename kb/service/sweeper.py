"""The background duplicate sweep (``python -m kb.service.sweeper``, started by :mod:`kb.service.similarity`).

Reads ``{"config": {...}, "threshold": float}`` on stdin, lowers its own priority, and stores the sweep of the live
index version beside the snapshots, where requests find it. One runs at a time across processes (the lock file
``<index_dir>/.sweeping``); a second one exits at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from pathlib import Path


def main() -> int:
    os.nice(10)  # readers first: the sweep takes what CPU they leave
    req = json.loads(sys.stdin.read())
    from kb.config import Config
    from kb.service import KB

    kb = KB(Config(req["config"]))
    base = Path(kb.config.index_path)
    base.mkdir(parents=True, exist_ok=True)
    with open(base / ".sweeping", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0  # another process sweeps
        eng = kb.similarity.engine()
        kb.similarity._sweep(eng, float(req["threshold"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
