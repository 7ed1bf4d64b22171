"""Benchmark ``nlp.checks.check_text`` on 3000-字 texts (segmentation included, model load excluded).

Usage::

    .venv/bin/python bench/bench_checks.py            # 1,000 generated texts
    .venv/bin/python bench/bench_checks.py --n 200 --corpus data/demo

Pins the process to one CPU core where the OS allows it, warms the segmenter up, then reports the
median / p90 time per check and the throughput over all texts.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.checks import check_text  # noqa: E402
from nlp.count import count_zishu  # noqa: E402
from nlp.text import get_segmenter  # noqa: E402

HEADINGS = [
    "一、企业概况",
    "二、场景概述",
    "三、实施内容",
    "（一）实施方法",
    "（二）实施要素",
    "四、实施成效",
    "五、推广价值",
]
SUBJECTS = ["公司", "项目组", "车间", "工厂", "企业", "团队"]
ACTIONS = [
    "部署了MES系统，实现生产过程透明化管理",
    "引入机器视觉检测设备，对产品表面缺陷进行在线识别",
    "建设质量数据平台，打通设备、工艺和检验数据",
    "采用数字孪生技术对产线进行虚拟调试和仿真优化",
    "上线APS高级计划排程，实现订单、物料和产能的协同排产",
    "配置AGV和自动化立体仓库，实现物料自动配送",
    "基于工业互联网平台开展设备预测性维护",
    "组建数字化团队，开展岗位技能培训和转岗培训",
    "在关键工序安装智能传感器和边缘网关，采集设备运行数据",
    "利用深度学习算法优化工艺参数，提高一次合格率",
]
RESULTS = [
    "生产效率提升{a}%",
    "不良品率由{b}%降至{c}%",
    "交付周期从{d}天缩短到{e}天",
    "单位产值能耗降低{f}%",
    "运营成本较实施前下降{a}%",
    "设备综合效率达到{g}%",
]
FILLERS = [
    "过去依赖人工记录，数据不及时、不准确，难以支撑精细化管理",
    "该做法可在同行业同类企业复制推广，具有较强的示范意义",
    "公司成立于2006年，主营精密零部件，是国家高新技术企业",
    "面临多品种小批量订单的挑战，计划调整频繁，交付压力大",
]


def make_text(rng: random.Random, target: int = 3000) -> str:
    """A synthetic scenario description of about ``target`` 字 with headings, actions and results."""
    parts: list[str] = []
    zishu = 0
    h = 0
    while zishu < target:
        if h < len(HEADINGS) and rng.random() < 0.15:
            line = HEADINGS[h]
            h += 1
        else:
            sents = []
            for _ in range(rng.randint(2, 5)):
                kind = rng.random()
                if kind < 0.5:
                    s = rng.choice(SUBJECTS) + rng.choice(ACTIONS)
                elif kind < 0.8:
                    s = rng.choice(RESULTS).format(
                        a=rng.randint(5, 60),
                        b=round(rng.uniform(1, 5), 1),
                        c=round(rng.uniform(0.1, 0.9), 1),
                        d=rng.randint(10, 30),
                        e=rng.randint(3, 9),
                        f=round(rng.uniform(3, 20), 1),
                        g=rng.randint(70, 95),
                    )
                else:
                    s = rng.choice(FILLERS)
                sents.append(s)
            line = "，".join(sents) + "。"
        zishu += count_zishu(line)
        parts.append(line)
    text = "\n".join(parts)
    while count_zishu(text) > target:
        text = text[:-1]
    return text


def load_corpus(path: Path) -> list[str]:
    """UTF-8 .txt/.md files under ``path`` (other encodings and formats are skipped)."""
    texts = []
    for p in sorted(path.rglob("*")):
        if p.suffix in (".txt", ".md"):
            try:
                texts.append(p.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                continue
    return texts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="number of generated texts")
    ap.add_argument("--corpus", type=Path, help="also time the UTF-8 .txt/.md files of this folder")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    t0 = time.perf_counter()
    get_segmenter()
    check_text("预热。生产效率提升30%。")
    load_s = time.perf_counter() - t0

    rng = random.Random(args.seed)
    texts = [make_text(rng) for _ in range(args.n)]
    sizes = [count_zishu(t) for t in texts]
    times = []
    t_all = time.perf_counter()
    for t in texts:
        t1 = time.perf_counter()
        check_text(t)
        times.append(time.perf_counter() - t1)
    total = time.perf_counter() - t_all
    times.sort()
    print(f"model/segmenter load: {load_s * 1000:.0f} ms (excluded)")
    print(f"generated texts: {len(texts)}, 字数 median {statistics.median(sizes):.0f}")
    print(
        f"check_text per text: median {statistics.median(times) * 1000:.1f} ms, "
        f"p90 {times[int(len(times) * 0.9) - 1] * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms"
    )
    print(f"throughput: {len(texts) / total:.1f} texts/s over {len(texts)} texts ({total:.1f} s, one core)")
    if args.corpus:
        corpus = load_corpus(args.corpus)
        if corpus:
            ct = []
            for t in corpus:
                t1 = time.perf_counter()
                check_text(t)
                ct.append(time.perf_counter() - t1)
            print(f"corpus {args.corpus}: {len(corpus)} texts, median {statistics.median(ct) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
