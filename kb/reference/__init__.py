"""Reference editions: the 典型场景 guide and the 揭榜 task list as data.

An edition lives in a folder ``data/<list>_<edition>/`` with ``entries.csv`` and ``edition.toml``
(see ``docs/ARCHITECTURE.md``, "Reference data layout"). The package loads and validates those
folders (:mod:`kb.reference.editions`), resolves regions and GB/T 4754 industry divisions
(:mod:`kb.reference.places`), parses the official text of a guide or task list
(:mod:`kb.reference.official`; reading the files is :mod:`kb.attachments`) and writes it back as an
edition folder, so that an imported official text becomes data, not code; :mod:`kb.reference.diff`
compares two editions. No SQL here: storage is another module.
"""

from kb.reference.diff import EditionDiff, diff_editions
from kb.reference.editions import (
    CODE_PREFIX,
    COLUMNS,
    DATA_DIR,
    EDITION_FILE,
    EDITION_KEYS,
    ENTRIES_FILE,
    ENTRY_KIND,
    GUIDE_COLUMNS,
    KINDS,
    MANUFACTURING_CODES,
    REGION_TYPES,
    STATUSES,
    TASK_COLUMNS,
    Edition,
    ReferenceDataError,
    bundled_editions,
    get_edition,
    load_edition,
    write_edition,
)
from kb.reference.official import derive_keywords, parse_official_text
from kb.reference.places import (
    Industry,
    Region,
    load_industries,
    load_regions,
    match_industries,
    resolve_region,
)

__all__ = [
    "CODE_PREFIX",
    "COLUMNS",
    "DATA_DIR",
    "EDITION_FILE",
    "EDITION_KEYS",
    "ENTRIES_FILE",
    "ENTRY_KIND",
    "GUIDE_COLUMNS",
    "KINDS",
    "MANUFACTURING_CODES",
    "REGION_TYPES",
    "STATUSES",
    "TASK_COLUMNS",
    "Edition",
    "EditionDiff",
    "Industry",
    "ReferenceDataError",
    "Region",
    "bundled_editions",
    "derive_keywords",
    "diff_editions",
    "get_edition",
    "load_edition",
    "load_industries",
    "load_regions",
    "match_industries",
    "parse_official_text",
    "resolve_region",
    "write_edition",
]
