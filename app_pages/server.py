"""Start the workbench server with its knowledge base already warming up.

``python -m app_pages.server [options of streamlit run]`` (what ``scenario-kb serve`` runs): opens the shared
knowledge base of ``SCENARIO_KB_DB`` and starts loading the checks, the classifier and the indexes in the
background (:func:`app_pages.resources.get_kb`) *before* the server accepts its first browser, then serves
``app_streamlit.py`` in this same process, so the pages find that knowledge base in the resource cache. A plain
``streamlit run app_streamlit.py`` still works; it warms up when the first browser connects.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app_streamlit.py"


def main(argv: list[str] | None = None) -> int:
    from streamlit.web import cli as streamlit_cli

    from app_pages.resources import get_kb

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    app_log = logging.getLogger("app_pages")
    app_log.addHandler(handler)
    app_log.setLevel(logging.INFO)  # "warm-up finished in … s" in the server's log
    get_kb()  # opens the knowledge base and starts the warm-up thread; the first page reuses both
    # no main menu ("Deploy", "Rerun", "Settings", "Print" are English and not for users) wherever the server is
    # started from (.streamlit/config.toml says the same, but only for a server started in the repository root);
    # a later --client.toolbarMode wins
    defaults = ["--client.toolbarMode", "minimal"]
    sys.argv = ["streamlit", "run", str(APP), *defaults, *(sys.argv[1:] if argv is None else argv)]
    try:
        streamlit_cli.main()  # click: exits through SystemExit
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
