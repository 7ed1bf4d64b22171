"""The judgments learned from the real corpus: frozen split, scenario-or-not with reasons, learned ranking."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from nlp.evaluate import load_labeled, read_entries_csv
from nlp.judgment.corpus import by_split, company_key, load_real, project_pairs, split_of
from nlp.judgment.genre import ScenarioJudge, element_spans
from nlp.judgment.model import extra_sets, load_model

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "labeled" / "real" / "corpus.jsonl"
GUIDE = ROOT / "data" / "scenario_guide_2021"


@pytest.fixture(scope="module")
def records():
    return load_real(CORPUS)


@pytest.fixture(scope="module")
def entries():
    return read_entries_csv(GUIDE)


def test_split_is_a_function_of_the_company(records):
    by_company = defaultdict(set)
    for r in records:
        if r.company_key:
            by_company[r.company_key].add(r.split)
            assert r.split == split_of(r.company_key)
    assert all(len(s) == 1 for s in by_company.values())
    assert company_key("三一重工股份有限公司") == company_key("三一重工")
    test_share = len(by_split(records, "test")) / len(records)
    assert test_share >= 0.30


def test_corpus_is_valid_and_does_not_name_its_labels():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "build_real_corpus.py"), "--check"],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    stats = json.loads(proc.stdout)
    assert stats["positives"] >= 220 and stats["negatives"] >= 90
    assert len(stats["negative_genres"]) >= 7


def test_same_project_pairs_stay_inside_one_split(records):
    same, _ = project_pairs(records)
    split = {r.id: r.split for r in records}
    assert len(same) >= 35
    assert all(split[a] == split[b] for a, b in same)


def test_judge_fitted_on_train_separates_dev(records):
    train, dev = by_split(records, "train"), by_split(records, "dev")
    judge = ScenarioJudge().fit([r.text for r in train], [not r.off_topic for r in train])
    p = judge.probability([r.text for r in dev])
    y = np.array([not r.off_topic for r in dev])
    from sklearn.metrics import roc_auc_score

    # fitted on train, measured on dev (other companies): far better than chance
    assert roc_auc_score(y, p) > 0.8


def test_elements_have_spans():
    text = "公司在总装车间部署了视觉检测系统，实时采集图像并自动判定，漏检率由3%降至0.5%。"
    el = element_spans(text)
    for k in ("site", "built", "system", "runs", "results"):
        assert el[k], k
    s, e = el["results"][0]
    assert text[s:e] in ("3%", "0.5%")


@pytest.fixture(scope="module")
def model(entries, tmp_path_factory):
    extra, extra_judged = extra_sets(load_labeled(ROOT / "data" / "labeled" / "dev_2021.jsonl"), entries)
    m = load_model(CORPUS, entries, extra, extra_judged, cache_dir=tmp_path_factory.mktemp("judgment"))
    assert m is not None
    return m


def test_classifier_with_judgment_rejects_a_recruitment_ad_with_reasons(entries, model):
    from nlp.classify import Classifier

    clf = Classifier(entries, judgment=model)
    ad = ("招聘启事：某装备制造企业因业务发展需要，现招聘MES实施工程师3名。岗位职责：负责车间制造执行系统的需求调研、"
          "配置与上线支持。任职要求：本科及以上学历，自动化或计算机相关专业，3年以上工厂信息化项目经验，熟悉PLC与数据采集者"
          "优先考虑。薪资面议，五险一金，请将简历投递至人力资源部。")  # fmt: skip
    res = clf.classify(ad)
    assert res.off_topic
    f = [x for x in res.findings if x.code == "CLS003"]
    assert f and f[0].severity == "error"
    assert f[0].detail["reasons"]
    assert res.scenario_check and not res.scenario_check["is_scenario"]
    # the same text filed as a 示范工厂 application is judged against the task list, not rejected
    assert not clf.classify(ad, kind="factory").off_topic


def test_classifier_with_judgment_ranks_a_held_out_scenario(records, entries, model):
    from nlp.classify import Classifier

    clf = Classifier(entries, judgment=model)
    test = [r for r in by_split(records, "test") if not r.off_topic and r.kind == "scenario"][:20]
    hits = 0
    for r in test:
        res = clf.classify(r.text)
        assert res.method.endswith("+learned")
        hits += any(s.code in r.scenarios for s in res.scenarios[:3])
    assert hits / len(test) >= 0.7


def test_link_offset_removes_a_frequent_link_lean():
    """The learned 环节 model's lean to a frequent 环节 is removed by the offset, and the per-环节 criterion sees it."""
    from nlp.judgment.scorer import Blend, Signals, choose_blend, per_link_mean

    # three scenarios: two of 环节 0 (the frequent one), one of 环节 1; four texts, two of each 环节
    member = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    prior = np.array([[0.6, 0.1, 0.2], [0.1, 0.6, 0.2], [0.2, 0.1, 0.5], [0.1, 0.2, 0.5]])
    # the 环节 model always favours 环节 0 by a margin larger than the prior's difference
    pl = np.array([[0.9, 0.2], [0.9, 0.3], [0.8, 0.4], [0.85, 0.35]])
    z = np.zeros_like(prior)
    sig = Signals(prior, z, pl, z, z)
    truth_links = [[0], [0], [1], [1]]
    plain = Blend(a=0.0, b=1.0).link_scores(Blend(a=0.0, b=1.0).scenario_scores(sig, member), sig, member)
    assert [int(np.argmax(r)) for r in plain] == [0, 0, 0, 0]
    off = Blend(a=0.0, b=1.0, link_offset=tuple(pl.mean(axis=0)))
    fixed = off.link_scores(off.scenario_scores(sig, member), sig, member)
    assert [int(np.argmax(r)) for r in fixed] == [0, 0, 1, 1]
    # the per-环节 mean weighs a rare 环节's misses as much as a frequent one's hits
    assert per_link_mean(np.array([1.0, 1.0, 1.0, 0.0]), [0, 0, 0, 1]) == 0.5
    chosen = choose_blend(sig, member, [[0], [1], [2], [2]], truth_links, grid=(0.0,), b_grid=(1.0,),
                          c_grid=(0.0,), d_grid=(0.0,))  # fmt: skip
    assert chosen.link_offset and chosen.cv["link_top1_per_link"] == 1.0
