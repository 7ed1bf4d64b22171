"""Stage 4, metadata: column names, sidecar files and validation of submission metadata.

Batch tables and ``_metadata.csv`` use these headers (Chinese or English, see :data:`FIELD_ALIASES`):
标题, 申报单位, 地区, 地区类型, 行业, 类型, 申报场景/揭榜任务, 年度, 推荐单位, 正文.
A sidecar ``<file>.meta.json`` (or ``<stem>.meta.json``) beside a document holds the same keys.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.errors import MetadataError
from kb.models import KINDS, REGION_TYPES, Metadata

if TYPE_CHECKING:
    from kb.ingest.decode import TextUnit

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "file": ("file", "文件", "文件名"),
    "title": ("title", "标题", "场景名称", "项目名称", "名称"),
    "applicant": ("applicant", "申报单位", "企业名称", "申报企业", "单位名称"),
    "region": ("region", "地区", "省份", "所在地区"),
    "region_type": ("region_type", "地区类型", "推荐单位类型"),
    "industry": ("industry", "行业", "所属行业"),
    "kind": ("kind", "类型", "申报类型"),
    "claimed": ("claimed", "申报场景/揭榜任务", "申报场景", "揭榜任务", "场景", "典型场景"),
    "year": ("year", "年度", "年份"),
    "recommender": ("recommender", "推荐单位"),
    "text": ("text", "正文", "内容", "场景描述", "申报内容"),
}
_ALIAS_TO_FIELD = {a.strip().lower(): f for f, aliases in FIELD_ALIASES.items() for a in aliases}


def map_headers(headers: list[str], overrides: dict[str, str] | None = None) -> dict[int, str]:
    """Map column positions to field names using the aliases and user overrides (``{header: field}``)."""
    over = {k.strip().lower(): v for k, v in (overrides or {}).items()}
    out: dict[int, str] = {}
    for i, h in enumerate(headers):
        key = str(h or "").strip().lower()
        field = over.get(key) or _ALIAS_TO_FIELD.get(key)
        if field and field not in out.values():
            out[i] = field
    return out


def build_metadata(raw: dict[str, Any], source: str, warnings: list[str]) -> Metadata:
    """Validate and normalise a raw metadata mapping (field name -> value).

    Unknown regions and odd years become warnings (kept on the record), never silent changes.
    """
    from kb import reference

    def s(key: str) -> str:
        v = raw.get(key)
        return "" if v is None else str(v).strip()

    meta = Metadata(
        title=s("title"),
        applicant=s("applicant"),
        industry=s("industry"),
        claimed=s("claimed"),
        recommender=s("recommender"),
    )
    kind = s("kind")
    if kind:
        if kind not in KINDS:
            raise MetadataError(source, f"类型 {kind!r} 无效", "类型应为 优秀场景 或 示范工厂")
        meta.kind = KINDS[kind]
    for key, v in raw.items():
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise MetadataError(
                    source, f"字段 {key} 含无法保存的字符（孤立的代理码位）", "请删除或改正该字段中的异常字符"
                ) from exc
    year = s("year")
    if year:
        try:
            meta.year = int(float(year.rstrip("年")))
        except (ValueError, OverflowError) as exc:
            raise MetadataError(source, f"年度 {year[:20]!r} 不是年份", "请填写四位年份，如 2021") from exc
        if not 1000 <= meta.year <= 9999:
            raise MetadataError(source, f"年度 {year[:20]!r} 不是四位年份", "请填写四位年份，如 2021")
        if not 2015 <= meta.year <= 2100:
            warnings.append(f"年度 {meta.year} 超出常见范围")
    rtype = s("region_type")
    if rtype:
        rtype = {
            "省": "省级",
            "自治区": "省级",
            "直辖市": "省级",
            "省/自治区/直辖市": "省级",
            "央企": "中央企业",
            "新疆生产建设兵团": "兵团",
        }.get(rtype, rtype)
        if rtype not in REGION_TYPES:
            raise MetadataError(
                source, f"地区类型 {rtype!r} 无效", "地区类型应为 省级、计划单列市、兵团 或 中央企业"
            )
    region = s("region")
    if region and rtype != "中央企业":
        found = reference.resolve_region(region)
        if found is None:
            warnings.append(f"地区 {region!r} 不在省级行政区、计划单列市和兵团名单中，请核对")
        else:
            region = found.name
            if not rtype:
                rtype = found.region_type
            elif rtype != found.region_type:
                warnings.append(f"地区 {region} 的类型应为 {found.region_type}，元数据写的是 {rtype}")
    meta.region = region
    meta.region_type = rtype
    return meta


def _read_csv_rows(path: Path) -> list[dict[str, str]]:
    from kb.ingest.text import decode_bytes

    text, _ = decode_bytes(path.read_bytes(), str(path))
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        return []
    mapping = map_headers(rows[0])
    if "file" not in mapping.values():
        raise MetadataError(str(path), "元数据表缺少“文件”列", "第一行表头需包含 文件（或 file）列")
    return [
        {mapping[i]: v for i, v in enumerate(r) if i in mapping}
        for r in rows[1:]
        if any(c.strip() for c in r)
    ]


class FolderMetadata:
    """Metadata for files of one folder: ``_metadata.csv`` plus per-file ``.meta.json`` sidecars."""

    def __init__(self) -> None:
        self._cache: dict[Path, dict[str, dict[str, str]]] = {}

    def lookup(self, path: Path) -> dict[str, Any]:
        folder = path.parent
        if folder not in self._cache:
            table: dict[str, dict[str, str]] = {}
            mf = folder / "_metadata.csv"
            if mf.exists():
                for row in _read_csv_rows(mf):
                    table[row.get("file", "").strip()] = row
            self._cache[folder] = table
        raw: dict[str, Any] = dict(self._cache[folder].get(path.name, {}))
        for side in (path.with_name(path.name + ".meta.json"), path.with_suffix(".meta.json")):
            if side.exists():
                try:
                    data = json.loads(side.read_text(encoding="utf-8"))
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise MetadataError(
                        str(side), f"元数据文件不是合法的 UTF-8 JSON（{exc}）", "请修正 JSON 格式"
                    ) from exc
                mapping = map_headers(list(data.keys()))
                keys = list(data.keys())
                raw.update({mapping[i]: data[keys[i]] for i in mapping})
                break
        raw.pop("file", None)
        return raw


def metadata_for(unit: TextUnit, folder_meta: FolderMetadata | None = None) -> Metadata:
    """The metadata of a text unit: a table row's own fields, else the folder's ``_metadata.csv`` / sidecar entry.

    Warnings (unknown region, odd year …) are appended to the unit's document.
    """
    doc = unit.doc
    if unit.fields is not None:
        return build_metadata(unit.fields, doc.source, doc.warnings)
    raw = (folder_meta or FolderMetadata()).lookup(Path(doc.source_path))
    return build_metadata(raw, doc.source_path, doc.warnings) if raw else Metadata()
