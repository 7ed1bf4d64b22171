"""Tests of the fictional demo corpus in data/demo/ and of its generator."""

from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
TOOL = ROOT / "tools" / "build_demo_corpus.py"
GENERATOR_DATA = DEMO / "generator"


def _load_tool():
    name = "build_demo_corpus"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, TOOL)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses look the module up while the class is created
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def gen():
    return _load_tool()


@pytest.fixture(scope="module")
def manifest() -> list[dict]:
    return json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def texts(gen, manifest) -> dict[str, str]:
    return {m["file"]: gen.plain_text(DEMO, m) for m in manifest}


def test_entries_exist_and_metadata_matches(manifest):
    files = [m for m in manifest if "#row=" not in m["file"]]
    rows = [m for m in manifest if "#row=" in m["file"]]
    for m in files:
        assert (DEMO / m["file"]).is_file(), m["file"]
    with (DEMO / "submissions" / "_metadata.csv").open(encoding="utf-8", newline="") as fh:
        meta = list(csv.DictReader(fh))
    assert list(meta[0]) == [
        "file",
        "标题",
        "申报单位",
        "地区",
        "地区类型",
        "行业",
        "类型",
        "申报场景/揭榜任务",
        "年度",
    ]
    by_file = {"submissions/" + r["file"]: r for r in meta}
    assert set(by_file) == {m["file"] for m in files}
    on_disk = {p.name for p in (DEMO / "submissions").iterdir() if p.name != "_metadata.csv"}
    assert on_disk == {r["file"] for r in meta}
    for m in files:
        r = by_file[m["file"]]
        assert (r["标题"], r["申报单位"], r["地区"], r["地区类型"], r["行业"]) == (
            m["title"], m["applicant"], m["region"], m["region_type"], m["industry"],
        )  # fmt: skip
        assert (r["类型"], r["申报场景/揭榜任务"], int(r["年度"])) == (m["kind_zh"], m["claimed"], m["year"])
    assert all(m["file"].startswith("batch/demo_batch_2022.xlsx#row=") for m in rows)


def test_batch_workbook_rows(gen, manifest):
    rows = gen.extract_xlsx(DEMO / "batch" / "demo_batch_2022.xlsx")
    entries = [m for m in manifest if "#row=" in m["file"]]
    assert len(rows) == len(entries) >= 8
    assert list(rows[0]) == [
        "标题",
        "申报单位",
        "地区",
        "地区类型",
        "行业",
        "类型",
        "申报场景/揭榜任务",
        "年度",
        "正文",
    ]
    for m in entries:
        row = rows[int(m["file"].rsplit("=", 1)[1]) - 2]
        assert row["申报单位"] == m["applicant"] and row["申报场景/揭榜任务"] == m["claimed"]
        assert int(row["年度"]) == m["year"] and len(row["正文"]) > 200


def test_encodings_as_declared(manifest):
    for m in manifest:
        if "#row=" in m["file"]:
            assert m["format"] == "xlsx" and m["encoding"] is None
            continue
        raw = (DEMO / m["file"]).read_bytes()
        if m["format"] == "docx":
            assert raw[:2] == b"PK" and m["encoding"] is None
        elif m["encoding"] == "gbk":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            assert re.search("[\u4e00-\u9fff]{20}", raw.decode("gbk"))
        else:
            assert m["encoding"] == "utf-8"
            raw.decode("utf-8")
    fmts = defaultdict(int)
    for m in manifest:
        fmts[(m["format"], m["encoding"])] += 1
    assert fmts[("docx", None)] >= 10
    assert fmts[("txt", "gbk")] >= 8
    assert fmts[("xlsx", None)] >= 8


def test_counts_and_coverage(gen, manifest):
    scen = [m for m in manifest if m["kind"] == "scenario"]
    fac = [m for m in manifest if m["kind"] == "factory"]
    assert len(manifest) >= 66 and len(scen) >= 52 and len(fac) >= 12
    assert len({m["region"] for m in manifest}) >= 20
    assert {"省级", "计划单列市", "兵团", "中央企业"} <= {m["region_type"] for m in manifest}
    assert {"宁波市", "青岛市", "深圳市"} <= {m["region"] for m in manifest}
    assert len({m["industry"] for m in manifest}) >= 12
    links = {gen.SCENARIOS[c][1] for m in scen for c in m["true_scenarios"][:1]}
    assert len(links) == 15
    assert {m["year"] for m in manifest} == {2021, 2022}
    per_scen = defaultdict(int)
    for m in scen:
        if m["true_scenarios"] and m["family_role"] in (None, "original"):
            per_scen[m["true_scenarios"][0]] += 1
    assert sum(1 for n in per_scen.values() if n >= 2) >= 8  # several per common scenario


def test_codes_and_claims_consistent(gen, manifest):
    for m in manifest:
        assert set(m["weak"]) <= set(gen.FINDING_CODES), m["file"]
        assert all(c in gen.SCENARIOS for c in m["true_scenarios"])
        if m["kind"] == "factory":
            assert m["true_task"] == m["claimed_code"] and gen.TASKS[m["true_task"]] == m["claimed"]
            assert m["claimed"] in m["title"] and len(m["true_scenarios"]) >= 4
        else:
            assert gen.SCENARIOS[m["claimed_code"]][0] == m["claimed"]
            assert m["misclaimed"] == (m["claimed_code"] not in m["true_scenarios"][:1]), m["file"]
            assert m["misclaimed"] == ("CLS001" in m["weak"]), m["file"]
        if m["true_scenarios"]:
            assert m["true_link"] == gen.SCENARIOS[m["true_scenarios"][0]][1]
    n = defaultdict(int)
    for m in manifest:
        for w in m["weak"]:
            n[w] += 1
    for code, least in dict(
        LEN001=2, STR001=2, QNT001=2, QNT003=1, BOI001=1, SEC001=1, CON001=1, FIG001=1
    ).items():
        assert n[code] >= least, code
    assert sum(m["off_topic"] for m in manifest) == 1
    assert all(m["kind"] == "factory" for m in manifest if "SEC001" in m["weak"])


def test_families(manifest):
    fams = defaultdict(list)
    for m in manifest:
        if m["family"]:
            fams[m["family"]].append(m)
    assert len(fams) >= 5
    roles = set()
    for members in fams.values():
        assert len(members) >= 2
        originals = [m for m in members if m["family_role"] == "original"]
        assert len(originals) == 1
        assert all(m["family_source"] == originals[0]["file"] for m in members)
        roles |= {m["family_role"] for m in members}
        assert len({m["applicant"] for m in members}) == len(members)  # copies come from other firms
    assert {"verbatim", "light_edit", "paraphrase", "section_copy"} <= roles
    by_file = {m["file"]: m for m in manifest}
    assert any(
        m["year"] == 2022 and by_file[m["family_source"]]["year"] == 2021 for f in fams.values() for m in f
    )
    assert all(m["family"] is None for m in manifest if m["family_role"] is None)


def test_family_members_really_overlap(manifest, texts):
    """Copies share long passages with their original; the paraphrase shares numbers, not wording."""

    def grams(t: str, n: int = 12) -> set[str]:
        t = re.sub(r"\s+", "", t)
        return {t[i : i + n] for i in range(len(t) - n)}

    for m in manifest:
        if m["family_role"] in (None, "original"):
            continue
        a, b = grams(texts[m["file"]]), grams(texts[m["family_source"]])
        share = len(a & b) / len(a)
        if m["family_role"] == "paraphrase":
            assert share < 0.15, (m["file"], share)
        elif "\u200b" in texts[m["file"]]:  # the evasion copy: spaces break most n-grams
            assert share > 0.1, (m["file"], share)
        else:
            assert share > 0.35, (m["file"], m["family_role"], share)


def test_lengths(gen, manifest, texts):
    for m in manifest:
        z = gen.count_zishu(texts[m["file"]])
        assert z == m["zishu"], m["file"]
        if "LEN001" in m["weak"]:
            assert z > 3000, m["file"]
        else:
            assert z <= 3000, m["file"]
        if not m["weak"] and not m["off_topic"]:
            assert 1200 <= z <= 2800, (m["file"], z)
        if "LEN002" in m["weak"]:
            assert z < 600


def test_count_rule(gen):
    assert gen.count_zishu("不良品率由2.1%降至0.8%，OEE提升") == 13
    assert gen.count_zishu("“数字孪生”工厂 MES APS") == 10


def test_template_sentences_are_shared_but_not_a_family(gen, manifest, texts):
    for key, sentence in gen.TEMPLATE_SENTENCES.items():
        holders = [m for m in manifest if sentence in texts[m["file"]]]
        groups = {m["family"] or m["file"] for m in holders}
        assert len(groups) >= 8, key
        assert all(key in m["templates"] for m in holders)
    listed = (DEMO / "_template_sentences.txt").read_text(encoding="utf-8").split()
    assert listed == list(gen.TEMPLATE_SENTENCES.values())


def test_unrelated_texts_share_no_sentence(gen, manifest, texts):
    tpl = {s.rstrip("。") for s in gen.TEMPLATE_SENTENCES.values()}

    def sents(t: str) -> set[str]:
        out = set()
        for s in re.split(r"[。；！？\n]", t):
            s = s.strip().lstrip("#").strip()
            if len(s) >= 20 and s not in tpl:
                out.add(s)
        return out

    fam = {m["file"]: m["family"] for m in manifest}
    ss = {f: sents(t) for f, t in texts.items()}
    for a, b in itertools.combinations(ss, 2):
        if fam[a] and fam[a] == fam[b]:
            continue
        assert not (ss[a] & ss[b]), (a, b, sorted(ss[a] & ss[b])[:1])


def test_weak_texts_carry_their_defects(manifest, texts):
    before_after = re.compile(r"由[\d.]+\S{0,12}?(降至|降低到|下降至|缩短至|缩短到|提升至|提高到|增加到)")
    for m in manifest:
        t = texts[m["file"]]
        assert ("如图" in t) == ("FIG001" in m["weak"]), m["file"]
        if m["kind"] == "factory":
            assert ("安全可控" in t or "自主可控" in t) == ("SEC001" not in m["weak"]), m["file"]
        if "CON001" in m["weak"]:
            assert "合同金额" in t and "单价" in t and "主要客户" in t
        if "QNT001" in m["weak"]:
            assert not before_after.search(t), m["file"]
        elif not m["off_topic"] and "LEN002" not in m["weak"]:
            assert before_after.search(t) or "\t" in t, m["file"]
        if "QNT003" in m["weak"]:
            assert re.search(r"由1\.12吨标煤/吨(降至|降低到|下降至)1\.35", t)
        if "BOI001" in m["weak"]:
            assert "场景描述应重点突出、言简意赅、逻辑严密" in t
        if "VAG001" in m["weak"]:
            assert len(re.findall("显著|大幅|明显", t)) >= 4


def test_evasion_copy_uses_tricks(manifest, texts):
    tricked = [m for m in manifest if m["family_role"] == "light_edit" and "\u200b" in texts[m["file"]]]
    assert tricked
    t = texts[tricked[0]["file"]]
    assert re.search("[\u0400-\u04ff]", t)  # Cyrillic homoglyphs
    assert re.search("[\uff10-\uff19]", t)  # full-width digits
    assert "," in t and "\u3000" in t


def test_readme_says_fictional():
    text = (DEMO / "README.md").read_text(encoding="utf-8")
    assert "are fictional" in text and "tools/build_demo_corpus.py" in text


def test_generator_is_code_and_its_data_is_not_ingested(gen):
    """Prose, vocabularies and templates live in data/demo/generator/; ingesting data/demo skips them."""
    from kb.ingest import collect_inputs

    assert len(TOOL.read_text(encoding="utf-8").splitlines()) <= 1500
    data_files = [p for p in GENERATOR_DATA.iterdir() if p.is_file()]
    assert {p.suffix for p in data_files} == {".toml", ".md"} and len(data_files) >= 6
    collected = collect_inputs([DEMO])
    assert not [p for p in collected if p.parent == GENERATOR_DATA]
    assert all(p.suffix in {".txt", ".md", ".docx", ".xlsx"} for p in collected)
    # the scenario and task names come from the shipped editions, not from a copy
    with (ROOT / "data" / "scenario_guide_2021" / "entries.csv").open(encoding="utf-8", newline="") as fh:
        assert {r["code"]: (r["name"], r["link"]) for r in csv.DictReader(fh)} == gen.SCENARIOS


def test_generator_reproduces_committed_files(gen, tmp_path):
    gen.build(tmp_path)
    new = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    old = sorted(p.relative_to(DEMO) for p in DEMO.rglob("*") if p.is_file() and p.parent != GENERATOR_DATA)
    assert new == old
    for rel in new:
        a, b = tmp_path / rel, DEMO / rel
        if rel.suffix == ".docx":
            assert gen.extract_docx(a) == gen.extract_docx(b), rel
        elif rel.suffix == ".xlsx":
            assert gen.extract_xlsx(a) == gen.extract_xlsx(b), rel
        else:
            assert a.read_bytes() == b.read_bytes(), rel


def test_product_reads_every_demo_file_at_the_manifest_zishu(manifest):
    """What ingest extracts (docx tables included) has the 字数 the manifest states."""
    from kb.ingest import read_path
    from nlp.count import count_zishu

    read: dict[str, str] = {}
    for f in sorted({m["file"].split("#")[0] for m in manifest}):
        for doc in read_path(DEMO / f, parse_timeout_s=0):
            key = str(Path(f).parent / doc.source) if "#" in doc.source else f
            read[key] = doc.text
    assert set(read) == {m["file"] for m in manifest}
    wrong = [(m["file"], m["zishu"], count_zishu(read[m["file"]])) for m in manifest]
    assert [w for w in wrong if w[1] != w[2]] == []


def _guide_labels() -> tuple[list[str], re.Pattern[str]]:
    """The 2021 guide's scenario names, and a pattern for its 环节 names used as a label."""
    with (ROOT / "data" / "scenario_guide_2021" / "entries.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    names = sorted({r["name"] for r in rows}, key=len, reverse=True)
    links = "|".join(map(re.escape, sorted({r["link"] for r in rows}, key=len, reverse=True)))
    # a 环节 name is a label when it is called a 环节/场景, quoted or bracketed, said to be "belonged to", or is a
    # heading line of its own; as a plain word (设备管理部门, 质量管控体系) it is ordinary prose
    label = re.compile(
        rf"(?:{links})(?:环节|场景|类场景)|[“「【《\"'](?:{links})[”」】》\"']|属于(?:{links})"
        rf"|^[\s#\d.、一二三四五六七八九十（）()]*(?:{links})\s*$",
        re.M,
    )
    return names, label


def test_guide_labels_pattern_catches_labels_not_plain_words():
    names, label = _guide_labels()
    assert len(names) == 37 and "智能在线检测" in names and "设备故障诊断与预测" in names
    for labelled in (
        "属于设备管理环节",
        "“质量管控”",
        "【仓储配送】",
        "二、能源管理\n",
        "本场景属于生产作业",
    ):
        assert label.search(labelled), labelled
    for plain in ("设备管理部门每周点检", "建立质量管控体系", "产品研发周期缩短", "售后服务人员"):
        assert not label.search(plain), plain


def test_texts_do_not_name_guide_scenarios_or_links(manifest, texts):
    """An honest demo: texts describe equipment, systems, data and results, never the guide's own labels.

    A text that names its scenario (``【智能在线检测】``, ``属于质量管控环节``) makes classification a name match;
    real applications rarely do. Titles count: they are the first line of the text.
    """
    names, label = _guide_labels()
    found = {}
    for m in manifest:
        t = texts[m["file"]]
        hits = [n for n in names if n in t] + [x.group(0).strip() for x in label.finditer(t)]
        if hits:
            found[m["file"]] = hits
        assert not any(n in m["title"] for n in names), m["title"]
    assert found == {}
