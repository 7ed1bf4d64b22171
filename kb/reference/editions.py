"""Reference editions as data: the edition folder layout, loading and validating it, and writing it back.

An edition lives in a folder ``data/<list>_<edition>/`` with ``entries.csv`` and ``edition.toml`` (see
``docs/ARCHITECTURE.md``, "Reference data layout").
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.errors import KBError
from nlp.types import ReferenceEntry

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
"""The bundled data folder (``<repo>/data``)."""

ENTRIES_FILE = "entries.csv"
EDITION_FILE = "edition.toml"

STATUSES = ("attested", "recalled", "reconstructed", "unverified", "official")
"""Allowed row ``status`` values. ``unverified`` is used by the 2025 source list (third-party names)."""

KINDS = ("guide", "tasks")
ENTRY_KIND = {"guide": "scenario", "tasks": "task"}
CODE_PREFIX = {"guide": "G", "tasks": "T"}

GUIDE_COLUMNS = ("code", "link_no", "link", "no", "name", "status", "scope", "keywords", "synonyms")
TASK_COLUMNS = (
    "code",
    "sector",
    "subsector",
    "no",
    "name",
    "status",
    "scope",
    "scenarios",
    "indicators",
    "keywords",
    "synonyms",
    "industry_codes",
)
COLUMNS = {"guide": GUIDE_COLUMNS, "tasks": TASK_COLUMNS}
EDITION_KEYS = ("edition", "kind", "title", "status", "source")

REGION_TYPES = ("省级", "计划单列市", "兵团", "中央企业")
"""Region types of the programme; 中央企业 has no region list."""

MANUFACTURING_CODES = range(13, 44)
"""GB/T 4754-2017 manufacturing divisions (门类 C): 13..43."""


class ReferenceDataError(KBError):
    """参考数据有误：请按提示修改数据文件后重新加载。

    Attributes name where the problem is: ``path`` (file), ``row`` (1-based line number in the
    file as a spreadsheet shows it, the header being row 1) and ``field`` (column or key).
    A :class:`kb.errors.KBError`, so the CLI and the UI show it at the edge.
    """

    code = "KB021"

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.row = row
        self.field = field
        where = []
        if path is not None:
            where.append(f"文件 {path}")
        if row is not None:
            where.append(f"第 {row} 行")
        if field is not None:
            where.append(f"字段 {field}")
        prefix = "，".join(where)
        super().__init__(f"{prefix}：{message}" if prefix else message)


# --------------------------------------------------------------------------------------------
# Editions
# --------------------------------------------------------------------------------------------


@dataclass
class Edition:
    """One loaded edition of a reference list.

    ``kind`` is ``"guide"`` (典型场景参考指引) or ``"tasks"`` (示范工厂揭榜任务); entries have
    ``kind`` ``"scenario"`` or ``"task"`` accordingly.
    """

    edition: str
    kind: str
    title: str
    status: str
    source: str
    entries: list[ReferenceEntry]
    folder: Path | None = None
    notes: str = ""

    @property
    def key(self) -> str:
        """Stable identifier of the edition, e.g. ``guide_2021`` or ``tasks_2021``."""
        return f"{self.kind}_{self.edition}"

    @property
    def is_official(self) -> bool:
        """True when every entry has status ``official``."""
        return bool(self.entries) and all(e.status == "official" for e in self.entries)

    def by_code(self) -> dict[str, ReferenceEntry]:
        """Entries keyed by code."""
        return {e.code: e for e in self.entries}

    def links(self) -> list[str]:
        """环节 (guide) or sectors (tasks) in list order, without repeats."""
        return list(dict.fromkeys(e.link for e in self.entries))

    def status_counts(self) -> dict[str, int]:
        """How many entries have each status, e.g. ``{"attested": 9, "recalled": 28}``."""
        out: dict[str, int] = {}
        for e in self.entries:
            out[e.status] = out.get(e.status, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary with the entries."""
        return {
            "edition": self.edition,
            "kind": self.kind,
            "title": self.title,
            "status": self.status,
            "source": self.source,
            "notes": self.notes,
            "folder": str(self.folder) if self.folder else None,
            "status_counts": self.status_counts(),
            "entries": [e.to_dict() for e in self.entries],
        }


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split("|") if p.strip())


def read_table(path: Path, required: Sequence[str], missing: str) -> list[tuple[int, dict[str, str]]]:
    """The non-empty rows of a reference CSV table (UTF-8, BOM allowed), cells stripped, with their row numbers.

    Args:
        path: the CSV file.
        required: columns the header must have.
        missing: the message when the file does not exist (how to get it back).

    Raises:
        ReferenceDataError: no file, not UTF-8, or a required column missing.
    """
    if not path.is_file():
        raise ReferenceDataError(missing, path=path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReferenceDataError("文件不是 UTF-8 编码；请用“UTF-8”另存为后重试。", path=path) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    absent = [c for c in required if c not in header]
    if absent:
        raise ReferenceDataError(
            f"缺少列 {', '.join(absent)}；表头应为 {','.join(required)}。", path=path, row=1, field=absent[0]
        )
    rows = []
    for row_no, raw in enumerate(reader, start=2):
        rec = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if any(rec.values()):
            rows.append((row_no, rec))
    return rows


def _read_edition_meta(folder: Path) -> dict[str, str]:
    path = folder / EDITION_FILE
    if not path.is_file():
        raise ReferenceDataError(
            f"缺少 {EDITION_FILE}；请在版本目录中创建它（键：{', '.join(EDITION_KEYS)}）。",
            path=path,
        )
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(
            f"无法解析 TOML（{exc}）；请检查引号与等号，文件须为 UTF-8 编码。", path=path
        ) from exc
    for key in EDITION_KEYS:
        value = meta.get(key)
        if value is None or not str(value).strip():
            raise ReferenceDataError(f'缺少或为空；请填写 {key} = "..."。', path=path, field=key)
    if meta["kind"] not in KINDS:
        raise ReferenceDataError(
            f"kind 为 {meta['kind']!r}，应为 guide（场景指引）或 tasks（揭榜任务）。",
            path=path,
            field="kind",
        )
    return {k: str(v) for k, v in meta.items()}


def _int_field(value: str, *, path: Path, row: int, name: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ReferenceDataError(
            f"应为整数，实际为 {value!r}；请填写阿拉伯数字编号。", path=path, row=row, field=name
        ) from None


def load_edition(folder: Path) -> Edition:
    """Load and validate one edition folder.

    Checks: ``edition.toml`` keys; required columns of ``entries.csv`` for the kind; non-empty
    ``code`` and ``name``; unique codes; ``status`` in :data:`STATUSES`; integer ``link_no`` /
    ``no``; industry codes within 13..43. Task ``scenarios`` are not checked against a guide here.

    Args:
        folder: the edition folder holding ``entries.csv`` and ``edition.toml``.

    Returns:
        The :class:`Edition` with its entries in file order.

    Raises:
        ReferenceDataError: naming the file, row and field at fault and how to fix it.
    """
    folder = Path(folder)
    meta = _read_edition_meta(folder)
    kind = meta["kind"]
    edition = meta["edition"].strip()
    path = folder / ENTRIES_FILE
    entries: list[ReferenceEntry] = []
    seen: dict[str, int] = {}
    missing = f"缺少 {ENTRIES_FILE}；请放入列为 {','.join(COLUMNS[kind])} 的 UTF-8 CSV 文件。"
    for row_no, rec in read_table(path, COLUMNS[kind], missing):
        for name in ("code", "name"):
            if not rec.get(name):
                raise ReferenceDataError(
                    f"{name} 不能为空；请填写该行的{'编码' if name == 'code' else '名称'}。",
                    path=path,
                    row=row_no,
                    field=name,
                )
        code = rec["code"]
        if code in seen:
            raise ReferenceDataError(
                f"编码 {code} 与第 {seen[code]} 行重复；每个编码只能出现一次。",
                path=path,
                row=row_no,
                field="code",
            )
        seen[code] = row_no
        status = rec.get("status", "")
        if status not in STATUSES:
            raise ReferenceDataError(
                f"状态 {status!r} 无效；应为 {' / '.join(STATUSES)} 之一。",
                path=path,
                row=row_no,
                field="status",
            )
        no = _int_field(rec["no"], path=path, row=row_no, name="no")
        common = dict(
            edition=edition,
            kind=ENTRY_KIND[kind],
            code=code,
            name=rec["name"],
            status=status,
            scope=rec.get("scope", ""),
            keywords=_split_list(rec.get("keywords", "")),
            synonyms=_split_list(rec.get("synonyms", "")),
            no=no,
        )
        if kind == "guide":
            link_no = _int_field(rec["link_no"], path=path, row=row_no, name="link_no")
            entry = ReferenceEntry(link=rec["link"], link_no=link_no, **common)
        else:
            codes = _split_list(rec.get("industry_codes", ""))
            for c in codes:
                if not c.isdigit() or int(c) not in MANUFACTURING_CODES:
                    raise ReferenceDataError(
                        f"行业代码 {c!r} 不是 GB/T 4754-2017 制造业大类代码；应为 13–43 的两位数字。",
                        path=path,
                        row=row_no,
                        field="industry_codes",
                    )
            entry = ReferenceEntry(
                link=rec["sector"],
                subsector=rec["subsector"],
                scenarios=_split_list(rec.get("scenarios", "")),
                indicators=_split_list(rec.get("indicators", "")),
                industry_codes=codes,
                **common,
            )
        entries.append(entry)
    if not entries:
        raise ReferenceDataError("没有任何条目；请至少填写一行数据。", path=path)
    return Edition(
        edition=edition,
        kind=kind,
        title=meta["title"],
        status=meta["status"],
        source=meta["source"],
        notes=meta.get("notes", ""),
        entries=entries,
        folder=folder,
    )


def bundled_editions(data_dir: Path | None = None) -> list[Edition]:
    """Load every edition folder shipped under ``data/``.

    Args:
        data_dir: folder to scan instead of the bundled ``data/`` (for tests or a custom store).

    Returns:
        Editions sorted by kind then edition (guide before tasks, older first).
    """
    root = Path(data_dir) if data_dir is not None else DATA_DIR
    out = [load_edition(p) for p in sorted(root.iterdir()) if (p / EDITION_FILE).is_file()]
    return sorted(out, key=lambda e: (KINDS.index(e.kind), e.edition, e.title))


def get_edition(kind: str, edition: str, data_dir: Path | None = None) -> Edition:
    """Return the bundled edition of a kind, preferring an official one over a reconstruction.

    Args:
        kind: ``"guide"`` or ``"tasks"`` (``"scenario"``/``"task"`` accepted).
        edition: the edition year, e.g. ``"2021"``.
        data_dir: folder to scan instead of the bundled ``data/``.

    Returns:
        The matching :class:`Edition`.

    Raises:
        ReferenceDataError: when no such edition exists.
    """
    kind = _norm_kind(kind)
    found = [e for e in bundled_editions(data_dir) if e.kind == kind and e.edition == edition]
    if not found:
        raise ReferenceDataError(f"找不到 {kind} {edition} 版本的参考数据；请先导入该版本或选择已有版本。")
    found.sort(key=lambda e: not e.is_official)
    return found[0]


def _norm_kind(kind: str) -> str:
    k = {"scenario": "guide", "scenarios": "guide", "task": "tasks"}.get(kind, kind)
    if k not in KINDS:
        raise ReferenceDataError(f"未知类型 {kind!r}；应为 guide（场景指引）或 tasks（揭榜任务）。")
    return k


# --------------------------------------------------------------------------------------------
# Writing an edition folder
# --------------------------------------------------------------------------------------------


def _toml_str(value: str) -> str:
    return json.dumps(str(value), ensure_ascii=False)


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_edition(
    folder: Path,
    edition: str,
    entries: Sequence[ReferenceEntry],
    status: str = "official",
    *,
    kind: str | None = None,
    title: str = "",
    source: str = "",
    notes: str = "",
) -> Edition:
    """Write entries as an edition folder (``entries.csv``, ``edition.toml``, ``README.md``).

    Args:
        folder: target folder, created if missing; existing files are replaced.
        edition: the edition label, e.g. ``"2021"``.
        entries: the entries (all of one kind).
        status: the edition's status summary written to ``edition.toml``.
        kind: ``"guide"`` or ``"tasks"``; inferred from the entries when omitted.
        title: title for ``edition.toml``; a default is made from kind and edition.
        source: where the text came from (e.g. the imported file name).
        notes: free notes.

    Returns:
        The edition as loaded back from disk (so the written data is validated).

    Raises:
        ReferenceDataError: no entries, mixed kinds, or data that does not validate.
    """
    if not entries:
        raise ReferenceDataError("没有可写入的条目；请先导入或解析参考文本。")
    kinds = {e.kind for e in entries}
    if len(kinds) != 1:
        raise ReferenceDataError(f"条目类型混杂（{', '.join(sorted(kinds))}）；一个版本只能包含一种类型。")
    entry_kind = kinds.pop()
    kind = _norm_kind(kind or entry_kind)
    if ENTRY_KIND[kind] != entry_kind:
        raise ReferenceDataError(f"kind={kind} 与条目类型 {entry_kind} 不一致。")
    if not title:
        title = (
            f"智能制造典型场景参考指引（{edition}年）"
            if kind == "guide"
            else f"智能制造示范工厂揭榜任务（{edition}年）"
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS[kind])
    for e in entries:
        if kind == "guide":
            writer.writerow(
                [e.code, e.link_no, e.link, e.no, e.name, e.status, e.scope]
                + ["|".join(e.keywords), "|".join(e.synonyms)]
            )
        else:
            writer.writerow(
                [e.code, e.link, e.subsector, e.no, e.name, e.status, e.scope]
                + ["|".join(e.scenarios), "|".join(e.indicators), "|".join(e.keywords)]
                + ["|".join(e.synonyms), "|".join(e.industry_codes)]
            )
    toml = "".join(
        f"{k} = {_toml_str(v)}\n"
        for k, v in (
            ("edition", edition),
            ("kind", kind),
            ("title", title),
            ("status", status),
            ("source", source or "（未注明）"),
            ("notes", notes),
        )
    )
    links = list(dict.fromkeys(e.link for e in entries))
    readme = (
        f"# {title}\n\n"
        f"Edition `{edition}`, kind `{kind}`, status `{status}`: {len(entries)} entries under "
        f"{len(links)} {'环节' if kind == 'guide' else 'sectors'}.\n\n"
        f"Source: {source or '(not given)'}\n\n"
        "Written by `kb.reference.write_edition`. Descriptions are the imported text; keywords were "
        "derived from the descriptions automatically (the official text has none).\n"
    )
    _atomic_write(folder / ENTRIES_FILE, buf.getvalue())
    _atomic_write(folder / EDITION_FILE, toml)
    _atomic_write(folder / "README.md", readme)
    return load_edition(folder)
