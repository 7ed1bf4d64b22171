"""Generate a synthetic corpus of scenario-like texts with planted near-duplicate families (seeded).

Texts are built sentence by sentence from a domain grammar (companies, technologies, 环节, measured
results), 600–3000 字 each, with template sentences that many texts share (as real submissions copy
the notice). A fraction of the texts are planted copies of an earlier text:

* ``verbatim``  — the same text (sometimes with full-width digits / inserted spaces / homoglyphs);
* ``light``     — 3–8 % of the words replaced and a sentence or two reordered;
* ``partial``   — half of the source's sentences copied into an otherwise new text;
* ``paraphrase``— phrases swapped for synonyms and sentences reordered (low lexical overlap).

Output: JSONL, one ``{"id", "text", "meta", "family", "variant", "source"}`` per line
(``family`` is -1 and ``variant`` ``original`` for unplanted texts; ``source`` is the id copied).

Usage::

    python bench/gen_corpus.py --n 10000 --out var/bench/corpus_1e4.jsonl --seed 7
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

SURNAMES = "华 恒 瑞 鼎 嘉 宏 金 鑫 天 远 博 泰 盛 新 安 康 润 达 卓 越 海 蓝 星 辰 云 峰 岳 川 晨 光".split()
SUFFIX = ["智能装备", "精密制造", "新材料", "电子科技", "汽车零部件", "食品", "化工", "纺织", "钢铁", "医药"]
REGIONS = ["江苏", "浙江", "广东", "山东", "河南", "湖北", "四川", "福建", "安徽", "湖南", "河北", "陕西"]
INDUSTRIES = ["装备制造", "电子信息", "原材料", "消费品", "汽车", "医药", "化工", "钢铁"]
SCENARIOS = [
    "工厂数字化设计",
    "产品数字化研发与设计",
    "虚拟验证",
    "智能在线检测",
    "质量精准追溯",
    "能耗数据监测",
    "设备故障诊断与预测",
    "生产计划优化",
    "精益生产管理",
    "智能仓储",
    "供应链可视化",
    "安全风险实时监测与应急处置",
    "污染监测与管控",
    "人机协同作业",
]
TECH = [
    "工业互联网平台",
    "数字孪生",
    "机器视觉",
    "5G专网",
    "边缘计算",
    "大数据分析",
    "人工智能算法",
    "MES系统",
    "ERP系统",
    "PLM系统",
    "WMS系统",
    "APS高级排程",
    "AGV小车",
    "工业机器人",
    "RFID标签",
    "智能传感器",
    "SCADA系统",
    "知识图谱",
    "云计算平台",
    "区块链",
]
OBJ = [
    "生产线",
    "装配车间",
    "仓储物流",
    "质量检测",
    "设备运维",
    "能源管理",
    "工艺设计",
    "供应链协同",
    "订单交付",
    "计划排产",
    "安全管控",
    "产品研发",
]
VERB = ["部署", "建设", "引入", "构建", "搭建", "应用", "集成", "打造"]
GOAL = ["实时监控", "精准追溯", "智能调度", "预测性维护", "全流程可视化", "自动识别", "闭环优化", "协同管理"]
METRIC = [
    "生产效率",
    "产品不良品率",
    "运营成本",
    "单位产值能耗",
    "研制周期",
    "设备综合效率",
    "库存周转率",
    "交付周期",
]
CHANGE = ["提升", "降低", "缩短", "提高", "下降"]
TEMPLATE = [
    "本企业承诺所提交的申报材料真实、准确、完整，不存在知识产权纠纷。",
    "项目关键技术装备和工业软件安全可控，符合国家相关产业政策要求。",
    "以下按照智能制造典型场景参考指引的要求，对场景实施情况说明如下。",
    "企业近三年未发生重大安全、质量、环境污染事故，无违法违规行为。",
    "场景建设围绕企业实际需求展开，具有较好的行业示范带动作用。",
]
SYN = {
    "部署": "上线",
    "建设": "建成",
    "引入": "采用",
    "构建": "建立",
    "搭建": "组建",
    "应用": "运用",
    "集成": "整合",
    "打造": "形成",
    "实时监控": "即时监测",
    "精准追溯": "准确溯源",
    "智能调度": "自动调配",
    "预测性维护": "预知性保养",
    "全流程可视化": "全过程透明化",
    "自动识别": "自主辨识",
    "闭环优化": "循环改进",
    "协同管理": "联动管控",
    "生产效率": "产出效率",
    "运营成本": "经营开支",
    "降低": "减少",
    "提升": "提高",
    "缩短": "压缩",
    "生产线": "产线",
    "装配车间": "组装车间",
    "仓储物流": "库存物流",
    "质量检测": "品质检验",
    "设备运维": "设备维保",
    "通过": "借助",
    "实现了": "达成了",
    "公司": "企业",
    "有效": "显著",
    "项目": "工程",
}


def _company(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(SURNAMES) + rng.choice(SUFFIX) + "有限公司"


def _sentence(rng: random.Random, company: str) -> str:
    k = rng.randrange(6)
    t, o, g, m = rng.choice(TECH), rng.choice(OBJ), rng.choice(GOAL), rng.choice(METRIC)
    v, c = rng.choice(VERB), rng.choice(CHANGE)
    x = rng.randint(3, 60)
    y = rng.randint(2015, 2021)
    if k == 0:
        return f"{company}通过{v}{t}，实现了{o}的{g}，{m}{c}{x}%。"
    if k == 1:
        return f"{y}年起，公司在{o}环节{v}{t}与{rng.choice(TECH)}，{m}由{x}提高到{x + rng.randint(1, 30)}。"
    if k == 2:
        return f"针对{o}中存在的{rng.choice(['数据孤岛', '人工依赖', '响应迟缓', '质量波动', '能耗偏高'])}问题，项目组{v}了基于{t}的{g}系统。"
    if k == 3:
        return f"该系统覆盖{rng.randint(2, 40)}条产线、{rng.randint(10, 900)}台设备，数据采集频率达到{rng.randint(1, 100)}毫秒级。"
    if k == 4:
        return f"项目实施后，{m}{c}{x}%，{rng.choice(METRIC)}{rng.choice(CHANGE)}{rng.randint(3, 50)}%，年节约成本约{rng.randint(50, 5000)}万元。"
    return f"下一步，公司将在{rng.choice(OBJ)}推广{t}应用，形成可复制的{g}解决方案。"


_POOL = (
    "安宝北备本比毕边标表别冰并波博部材采彩参仓测层查产长常场车称成承程持尺齿冲出储处传窗创"
    "纯磁次从粗村存达大带单弹导道灯等低底点电调钉顶定动度端段对吨多额发阀法反范方防纺放飞分"
    "粉风封峰服浮辅付负复钢港高格隔工功供构购固故关管光轨滚锅国过海焊航合核盒厚弧护滑化环换"
    "黄灰回混活火机基集级计技加夹架检件建键浆降交胶焦角铰阶接结解金紧进晶井净镜局矩聚卷开刻"
)


def _names(rng: random.Random) -> list[str]:
    return ["".join(rng.choice(_POOL) for _ in range(rng.randint(3, 6))) for _ in range(8)]


def _detail(rng: random.Random, names: list[str]) -> str:
    a, b = rng.sample(names, 2)
    return (
        f"其中{a}工段采用{b}工艺，"
        f"{''.join(rng.choice(_POOL) for _ in range(rng.randint(8, 30)))}，"
        f"型号{rng.choice('ABCDEFGHJK')}{rng.randint(100, 9999)}的{a}设备已连续运行{rng.randint(30, 900)}天。"
    )


def _text(rng: random.Random, target: int) -> str:
    company = _company(rng)
    names = _names(rng)
    sents: list[str] = []
    if rng.random() < 0.7:
        sents.extend(rng.sample(TEMPLATE, rng.randint(1, 3)))
    n = 0
    while n < target:
        s = _detail(rng, names) if rng.random() < 0.5 else _sentence(rng, company)
        sents.append(s)
        n += len(s)
    rng.shuffle(sents)
    return "".join(sents)


def _sents(text: str) -> list[str]:
    out, cur = [], ""
    for ch in text:
        cur += ch
        if ch in "。！？":
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out


def _light(rng: random.Random, text: str) -> str:
    s = list(text)
    for _ in range(max(1, int(len(s) * rng.uniform(0.015, 0.04)))):
        p = rng.randrange(len(s))
        s[p] = rng.choice("的了和在是有")
    sents = _sents("".join(s))
    if len(sents) > 3:
        i = rng.randrange(len(sents) - 1)
        sents[i], sents[i + 1] = sents[i + 1], sents[i]
    out = "".join(sents)
    trick = rng.random()
    if trick < 0.3:  # full-width digits
        out = out.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789%"})
    elif trick < 0.5:  # inserted spaces
        out = "".join(c + (" " if rng.random() < 0.05 else "") for c in out)
    elif trick < 0.6:  # homoglyphs in Latin words
        out = out.translate(str.maketrans({"M": "М", "E": "Е", "S": "Ѕ", "P": "Р", "A": "А"}))
    return out


def _paraphrase(rng: random.Random, text: str) -> str:
    out = text
    for a, b in SYN.items():
        out = out.replace(a, b)
    sents = _sents(out)
    rng.shuffle(sents)
    return "".join(sents)


def generate(n: int, seed: int = 7, dup_frac: float = 0.1) -> Iterator[dict]:
    """Yield ``n`` records (see module docstring), deterministic for a seed.

    Args:
        n: number of texts.
        seed: random seed.
        dup_frac: fraction of texts that are planted copies.

    Yields:
        Records with ``id``, ``text``, ``meta``, ``family``, ``variant``, ``source``.
    """
    rng = random.Random(seed)
    originals: list[tuple[int, str, int]] = []  # (id, text, family)
    families = 0
    fam_of: dict[int, int] = {}
    for i in range(1, n + 1):
        meta = {
            "year": rng.choice([2021, 2022, 2023]),
            "region": rng.choice(REGIONS),
            "industry": rng.choice(INDUSTRIES),
            "kind": "示范工厂" if rng.random() < 0.2 else "优秀场景",
            "scenario": rng.choice(SCENARIOS),
            "source": f"doc_{i:06d}.txt",
        }
        if originals and rng.random() < dup_frac:
            sid, stext, _ = rng.choice(originals)
            variant = rng.choice(["verbatim", "light", "light", "partial", "paraphrase"])
            if variant == "verbatim":
                text = stext
            elif variant == "light":
                text = _light(rng, stext)
            elif variant == "partial":
                ss = _sents(stext)
                keep = rng.sample(ss, max(1, len(ss) // 2))
                text = "".join(keep) + _text(rng, len(stext) // 2)
            else:
                text = _paraphrase(rng, stext)
            if sid not in fam_of:
                families += 1
                fam_of[sid] = families
            fam_of[i] = fam_of[sid]
            yield {
                "id": i,
                "text": text,
                "meta": meta,
                "family": fam_of[i],
                "variant": variant,
                "source": sid,
            }
        else:
            target = int(min(3000, max(600, rng.lognormvariate(7.1, 0.4))))
            text = _text(rng, target)
            originals.append((i, text, -1))
            yield {"id": i, "text": text, "meta": meta, "family": -1, "variant": "original", "source": None}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dup-frac", type=float, default=0.1)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    chars = 0
    with open(a.out, "w", encoding="utf-8") as f:
        for r in generate(a.n, a.seed, a.dup_frac):
            chars += len(r["text"])
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {a.n} texts, {chars / a.n:.0f} chars on average -> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
