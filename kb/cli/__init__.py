"""Command line: a thin skin over :mod:`kb.service`. Expected problems end in one message and exit code 1.

The commands live in one module per area and register themselves on :data:`kb.cli.base.cli` when imported.
"""

from kb.cli import analysis, api, documents, setup, submissions  # noqa: F401  (register the commands)
from kb.cli.base import cli


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="scenario-kb")


__all__ = ["cli", "main"]
