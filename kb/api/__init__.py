"""The HTTP API (FastAPI): a thin skin over :class:`kb.service.KB`, like the CLI and the pages.

``create_app(kb)`` builds the app; ``scenario-kb api`` serves it with uvicorn (``app_from_env`` per worker).
"""

from kb.api.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
