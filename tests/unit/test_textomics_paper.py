"""The paper's plain kNN-Vec2Text and the authors' metrics (issue 20)."""

from __future__ import annotations

import numpy as np
import pytest

from geoscribe.textomics.metrics import paper_text_scores, text_scores
from geoscribe.textomics.simulate import simulate_platform
from geoscribe.textomics.vec2text import KNNVec2Text, load_vec2text

TOPICS = ["breast cancer cells treated with tamoxifen", "mouse liver circadian time course",
          "t cell activation by antigen", "arabidopsis root drought stress response"]
SUMMARIES = [f"{TOPICS[i % 4]} study {i} of gene expression" for i in range(24)]


def test_paper_turns_every_addition_off(tmp_path):
    import torch

    torch.set_num_threads(1)
    m = KNNVec2Text.paper(d_model=16, n_layers=1, n_heads=2, epochs=1, max_len=16)
    p = m.get_params()
    assert (p["copy"], p["rank_bias"], p["gap_penalty"], p["count_budget"], p["retrieve_quantile"]) == \
        (False, False, False, False, 0.0)
    assert p["skip_nearest"] is False and KNNVec2Text.paper(quirks=True).skip_nearest is True
    x = simulate_platform(SUMMARIES, n_features=10, n_programmes=4).vectors
    m.fit(x[:20], SUMMARIES[:20])
    assert m.retrieve_threshold_ == -np.inf and m._budget(m._inputs(x, np.arange(2), training=False)) is None
    assert torch.all(m.net_.rank_bias == 0) and float(m.net_.gap_weight) == 0  # fixed, not learned
    assert not m.net_.rank_bias.requires_grad
    back = load_vec2text(m.save(tmp_path / "paper"))
    assert back.get_params() == m.get_params() and back.generate(x[20:]) == m.generate(x[20:])


def test_skip_nearest_drops_the_first_ranked_training_vector():
    x = np.arange(6, dtype=np.float32)[:, None] * np.ones((1, 3), np.float32)
    summaries = [f"series {i} text words" for i in range(6)]
    plain = KNNVec2Text(k=2, d_model=8, n_layers=1, n_heads=1, epochs=1, max_len=8).fit(x, summaries)
    quirk = KNNVec2Text(k=2, d_model=8, n_layers=1, n_heads=1, epochs=1, max_len=8, skip_nearest=True).fit(x, summaries)
    assert plain.neighbours(x[:1])[0].tolist() == [[0, 1]]
    assert quirk.neighbours(x[:1])[0].tolist() == [[1, 2]]  # the query's own copy, rank 1, is skipped


def test_paper_metrics_follow_the_authors():
    from nltk.translate.bleu_score import sentence_bleu

    ref, hyp = "The cells were treated with drugs.", "the cells were treating with drug"
    p = paper_text_scores([hyp], [ref])
    # single-order BLEU-2 on space tokens, case kept: 'cells were', 'were treating'... vs reference bigrams
    want = sentence_bleu([ref.split(" ")], hyp.split(" "), weights=(0, 1, 0, 0))
    assert p["paper BLEU-2"] == pytest.approx(want)
    assert p["paper BLEU-1"] == pytest.approx(sentence_bleu([ref.split(" ")], hyp.split(" "), weights=(1, 0, 0, 0)))
    # ROUGE-1 recall with stemming: treated~treating, drugs~drug match; 'the'/'The' match (lower-cased by rouge)
    assert p["paper ROUGE-1"] == pytest.approx(1.0)
    assert text_scores([hyp], [ref])["ROUGE-1"] < 1.0  # the standard F1 without stemming is lower
    assert set(p) == {f"paper {m}" for m in ("BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4", "ROUGE-1", "ROUGE-2",
                                             "ROUGE-L", "METEOR", "NIST")}


def test_cross_validate_adds_paper_metrics():
    from geoscribe.textomics.crossval import cross_validate
    from geoscribe.textomics.dataset import TextomicsDataset

    rng = np.random.default_rng(0)
    ds = TextomicsDataset("GPL1", [f"GSE{i}" for i in range(24)], SUMMARIES, rng.normal(size=(24, 5)).astype(np.float32))
    scores = cross_validate(ds, "vec2text", model="nn", folds=3, paper_metrics=True)
    assert "BLEU-1" in scores and "paper ROUGE-L" in scores and 0 <= scores["paper ROUGE-L"] <= 1
