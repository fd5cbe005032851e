"""Textomics metrics, simulation, Vec2Text/Text2Vec estimators, applications and CLI."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from geoscribe.textomics.applications import mask_keywords, paper_embedding_score
from geoscribe.textomics.metrics import rmse, spearman, text_scores
from geoscribe.textomics.simulate import simulate_platform
from geoscribe.textomics.text2vec import MeanVectorBaseline, Text2Vec
from geoscribe.textomics.vec2text import KNNVec2Text, MLPVec2Text, NearestNeighbourVec2Text, load_vec2text

TOPICS = ["breast cancer cells treated with tamoxifen", "mouse liver circadian time course",
          "t cell activation by antigen", "arabidopsis root drought stress response"]
SUMMARIES = [f"{TOPICS[i % 4]} study {i} of gene expression in {TOPICS[(i * 3) % 4].split()[0]} samples"
             for i in range(40)]


def test_text_scores_identity_and_disjoint():
    same = text_scores(["the cells were treated"], ["the cells were treated"])
    assert same["BLEU-1"] == pytest.approx(1) and same["ROUGE-L"] == pytest.approx(1) and same["METEOR"] > 0.9
    other = text_scores(["alpha beta gamma"], ["the cells were treated"])
    assert other["BLEU-1"] == 0 and other["ROUGE-1"] == 0


def test_rmse_and_spearman():
    assert rmse(np.zeros(4), np.full(4, 2.0)) == pytest.approx(2)
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1)


def test_simulation_signal_knob():
    from geoscribe.textomics.simulate import latent_programmes

    z = latent_programmes(SUMMARIES, n_programmes=4)
    dz = np.linalg.norm(z[:, None] - z[None], axis=-1)
    corr = {}
    for signal in (2.0, 0.0):
        v = simulate_platform(SUMMARIES, signal=signal, n_features=200, n_programmes=4).vectors
        dv = np.linalg.norm(v[:, None] - v[None], axis=-1)
        iu = np.triu_indices(len(v), 1)
        corr[signal] = spearman(dz[iu], dv[iu])
    assert corr[2.0] > 0.5 and abs(corr[0.0]) < 0.2


def test_nn_retrieval_returns_nearest_summary(tmp_path):
    v = np.eye(4, dtype=np.float32)
    m = NearestNeighbourVec2Text().fit(v, ["a", "b", "c", "d"])
    assert m.generate(v * 0.9) == ["a", "b", "c", "d"]


@pytest.mark.parametrize("cls", [KNNVec2Text, MLPVec2Text])
def test_neural_vec2text_generates_summary_length_text(cls, tmp_path):
    """(params, NotFitted and save/load: tests/unit/test_model_contract.py)"""
    import torch

    torch.set_num_threads(1)
    x = simulate_platform(SUMMARIES, n_features=20, n_programmes=4).vectors
    m = cls(d_model=16, n_layers=1, n_heads=2, epochs=1, max_len=16)
    assert m.fit(x[:30], SUMMARIES[:30]) is m
    out = m.generate(x[30:])
    assert len(out) == 10 and all(isinstance(s, str) for s in out)
    lengths = sorted(min(len(m.tokenizer_.encode(t).ids), 16) for t in SUMMARIES[:30])
    assert m.generation_min_len() == int(np.median(lengths))  # default: the median training length
    assert all(len(m.tokenizer_.encode(t).ids) >= m.generation_min_len() for t in out)
    # ... and, by default, at most that long too: a summary-length output
    assert m.generation_max_len() == m.generation_min_len()
    assert all(len(m.tokenizer_.encode(t).ids) <= m.generation_max_len() for t in out)
    m.max_gen_len = 99  # the cap is a parameter, bounded by max_len
    assert m.generation_max_len() == 16
    m.max_gen_len = None
    assert "[UNK]" not in " ".join(out)


def test_knn_fusion_weights_sum_to_one():
    import torch

    x = simulate_platform(SUMMARIES, n_features=20, n_programmes=4).vectors
    m = KNNVec2Text(d_model=16, n_layers=1, n_heads=2, epochs=1, max_len=16).fit(x, SUMMARIES)
    refs, dist = m._inputs(x, np.arange(5), training=False)
    assert refs.shape[:2] == (5, 4)
    *_, w = m.net_.prepare(refs, dist)
    torch.testing.assert_close(w.sum(-1), torch.ones(5))


def test_knn_fusion_favours_a_clearly_nearest_neighbour():
    """The distance-gap penalty: the same summaries get more weight on the nearest one when
    the others are 20% further away than when they are all about equally near."""
    import torch

    from geoscribe.textomics._nets import KNNVec2TextNet

    torch.manual_seed(0)
    net = KNNVec2TextNet(12, d_model=8, n_layers=1, n_heads=2, max_len=8, dropout=0.0, temperature=0.1,
                         k=4).eval()
    refs = torch.randint(4, 12, (2, 4, 6))
    refs[1] = refs[0]
    dist = torch.tensor([[1.0, 1.01, 1.02, 1.03], [1.0, 1.2, 1.21, 1.22]])
    with torch.no_grad():
        *_, w = net.fuse(refs, dist)
    assert w[1, 0] > w[0, 0] and w[1, 0] > 0.99


def test_neural_vec2text_drops_rare_words_from_targets_but_counts_them_in_length():
    once = [s + f" word{i}x" for i, s in enumerate(SUMMARIES)]  # each summary ends in a word seen once
    x = simulate_platform(once, n_features=20, n_programmes=4).vectors
    m = KNNVec2Text(d_model=16, n_layers=1, n_heads=2, epochs=1, max_len=32).fit(x, once)
    assert m.tokenizer_.token_to_id("word3x") is None
    assert not (m.train_ids_ == 1).any()  # [UNK] never in a target or a copied reference
    assert m.generation_min_len() == int(np.median([len(s.split()) for s in once]))


def _copy_only_net():
    """A kNN net whose output is its copy distribution alone, steered by the match features only."""
    import torch

    from geoscribe.textomics._nets import KNNVec2TextNet

    torch.manual_seed(0)
    net = KNNVec2TextNet(12, d_model=8, n_layers=1, n_heads=2, max_len=8, dropout=0.0, temperature=0.1,
                         copy=True, k=2, bos=2).eval()
    with torch.no_grad():
        for layer in (net.copy_q, net.copy_k):
            layer.weight.zero_()
            layer.bias.zero_()
        net.gate.weight.zero_()
        net.gate.bias.fill_(-30.0)  # always copy
        net.copy_match.fill_(5.0)
        net.copy_match2.fill_(5.0)
    return net


def test_knn_copy_starts_spans_and_continues_them_by_two_tokens():
    import torch

    net = _copy_only_net()
    # neighbour 0: 4 5 6 7 ; neighbour 1: 8 5 9 10 (ids >= 4; 2 = BOS, 0 = padding)
    refs = torch.tensor([[[4, 5, 6, 7], [8, 5, 9, 10]]])
    ctx = net.prepare(refs, torch.ones(1, 2))
    first = net.logprobs(ctx, torch.tensor([[2]]))[0, -1].exp()
    assert first[4] + first[8] > 0.9  # after BOS: the neighbours' first tokens
    assert first[4] > first[8]  # the nearer neighbour first (rank bias)
    # after "8 5" both neighbours have 5 as previous token, but only neighbour 1 has "8 5"
    nxt = net.logprobs(ctx, torch.tensor([[2, 8, 5]]))[0, -1].exp()
    assert nxt[9] > 0.9 and nxt[9] > 10 * nxt[6]


def test_knn_fusion_weights_start_by_rank():
    import torch

    net = _copy_only_net()
    refs = torch.tensor([[[4, 5, 6, 7], [4, 5, 6, 7]]])  # identical neighbours, identical distances
    *_, w = net.prepare(refs, torch.ones(1, 2))
    assert w[0, 0] > w[0, 1]
    torch.testing.assert_close(w.sum(-1), torch.ones(1))


def test_text2vec_beats_mean_on_learnable_map(tmp_path):
    rng = np.random.default_rng(0)
    e = rng.normal(size=(200, 8)).astype(np.float32)
    v = np.tanh(e @ rng.normal(size=(8, 30))).astype(np.float32)
    model = Text2Vec(epochs=80).fit(e[:150], v[:150])
    base = rmse(MeanVectorBaseline().fit(e[:150], v[:150]).predict(e[150:]), v[150:])
    assert rmse(model.predict(e[150:]), v[150:]) < 0.6 * base
    np.testing.assert_allclose(Text2Vec.load(model.save(tmp_path / "t2v")).predict(e[150:]), model.predict(e[150:]),
                               atol=1e-5)


def test_text2vec_shrinks_to_the_mean_when_the_text_says_nothing(tmp_path):
    rng = np.random.default_rng(0)
    e = rng.normal(size=(200, 8)).astype(np.float32)
    noise = rng.normal(size=(200, 30)).astype(np.float32)  # independent of e
    model = Text2Vec(epochs=40).fit(e[:150], noise[:150])
    assert model.shrink_ < 0.2
    base = MeanVectorBaseline().fit(e[:150], noise[:150]).predict(e[150:])
    unshrunk = Text2Vec(epochs=40, shrink=False).fit(e[:150], noise[:150])
    assert unshrunk.shrink_ == 1.0
    # the shrunk model stays near the mean; the unshrunk one adds its own noise to it
    assert np.abs(model.predict(e[150:]) - base).mean() < 0.5 * np.abs(unshrunk.predict(e[150:]) - base).mean()
    assert Text2Vec.load(model.save(tmp_path / "t2v")).shrink_ == pytest.approx(model.shrink_)


def test_layer_pooling_concatenates_one_normalised_block_per_layer():
    from geoscribe.errors import ModelError
    from geoscribe.textomics.encoders import encode

    texts = ["ER ChIP-seq in MCF-7 breast cancer cells", "liver tissue of fasted mice"]
    last = encode(texts)
    layers = encode(texts, pooling="layers")
    assert last.shape == (2, 384) and layers.shape == (2, 384 * 7)  # MiniLM-L6: embeddings + 6 layers
    np.testing.assert_allclose(np.linalg.norm(layers.reshape(2, 7, 384), axis=-1), 1.0, atol=1e-5)
    np.testing.assert_allclose(layers[:, -384:], last, atol=1e-5)
    with pytest.raises(ModelError, match="pooling"):
        encode(texts, pooling="max")


def test_paper_embedding_score_and_masking():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(10, 5))
    assert paper_embedding_score(a, a * 2) == pytest.approx(1)
    items = mask_keywords(["The Liver was profiled", "no keyword here"], ["liver"])
    assert items == [(0, "The [PAD] was profiled", "liver")]


def test_cli_build_and_error(test_data, tmp_path):
    from geoscribe.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["textomics", "build", str(test_data / "textomics"), "-o", str(tmp_path),
                              "--n-features", "2", "-q"])
    assert res.exit_code == 0, res.output
    assert "GPL9999\t2 series\t10 dims" in res.output and (tmp_path / "GPL9999.npz").is_file()
    res = runner.invoke(app, ["textomics", "vec2text", str(tmp_path / "missing.json"), "--model", "nn"])
    assert res.exit_code == 1 and "Error:" in res.output and "geoscribe textomics build" in res.output


def test_greedy_decode_never_emits_banned_tokens():
    """A decoder that prefers [UNK], then [BOS], then EOS still writes real words, and
    not before min_len tokens stops."""
    import torch

    from geoscribe.textomics._nets import greedy_decode

    class Fake(torch.nn.Module):
        def logprobs(self, ctx, seq):
            scores = torch.tensor([0.0, 9.0, 8.0, 7.0, 1.0, 1.5, 2.0, 2.5])  # pad unk bos eos w4..w7
            return torch.log_softmax(scores, -1).repeat(seq.shape[0], seq.shape[1], 1)

    out = greedy_decode(Fake(), (torch.zeros(2, 1),), bos=2, eos=3, max_len=10, min_len=4, no_repeat=0, banned=(1,))
    assert out == [[7, 7, 7, 7], [7, 7, 7, 7]]  # eos allowed once 4 tokens are written
    out = greedy_decode(Fake(), (torch.zeros(1, 1),), bos=2, eos=3, max_len=12, min_len=6, no_repeat=2, banned=(1,))
    bigrams = list(zip(out[0], out[0][1:]))
    assert 1 not in out[0] and 2 not in out[0] and len(out[0]) >= 6
    assert len(bigrams) == len(set(bigrams))  # no bigram twice


def test_knn_count_budget_caps_tokens_by_neighbour_counts():
    """With the budget on, no token appears more often than in the neighbour summary
    that uses it most (or once, for a token no neighbour uses)."""
    import torch
    from collections import Counter

    torch.set_num_threads(1)
    x = simulate_platform(SUMMARIES, n_features=20, n_programmes=4).vectors
    m = KNNVec2Text(d_model=16, n_layers=1, n_heads=2, epochs=1, max_len=16,
                    retrieve_quantile=0).fit(x[:30], SUMMARIES[:30])
    idx, _ = m.neighbours(x[30:])
    for out, nbrs in zip(m.generate(x[30:]), idx):
        caps = Counter()
        for j in nbrs:
            caps |= Counter(t for t in m.train_ids_[j].tolist() if t > 3)  # max count per token
        for tok, n in Counter(m.tokenizer_.encode(out).ids).items():
            assert n <= max(caps.get(tok, 0), 1)
    m.count_budget = False
    assert m._budget(m._inputs(x[30:], np.arange(10), training=False)) is None


def test_knn_retrieval_gate_copies_a_near_duplicate_summary_verbatim(tmp_path):
    """A query within the gate (here: a training vector itself, distance 0) gets its
    training summary as written, rare words and case kept, also after save/load; far
    queries and a gate of 0 get generated text."""
    import torch

    torch.set_num_threads(1)
    summaries = [s.replace("study", "Study-XYZ") for s in SUMMARIES]  # a cased, rare-ish word
    x = simulate_platform(summaries, n_features=20, n_programmes=4).vectors
    m = KNNVec2Text(d_model=16, n_layers=1, n_heads=2, epochs=1, max_len=16,
                    retrieve_quantile=0.5).fit(x[:30], summaries[:30])
    assert m.generate(x[:3]) == summaries[:3]
    far = x[30:] + 100.0  # far from every training vector: outside any gate
    generated = m.generate(far)
    assert not set(generated) & set(summaries)
    mixed = m.generate(np.vstack([x[:1], far[:1], x[1:2]]))  # order kept across the gate
    assert mixed == [summaries[0], generated[0], summaries[1]]
    assert load_vec2text(m.save(tmp_path / "m")).generate(x[:3]) == summaries[:3]
    m.retrieve_quantile = 0
    m._prepare_training(m.train_vectors_)
    assert not set(m.generate(x[:3])) & set(summaries)
    with pytest.raises(ValueError, match="retrieve_quantile"):
        KNNVec2Text(retrieve_quantile=1.5)


def test_cross_validate_nn_retrieval_scores_and_cli_agree(tmp_path):
    """Series with well-separated vectors and distinct summaries: each test fold's nearest
    training series is another copy of its own summary, so retrieval scores perfectly."""
    from geoscribe.cli import app
    from geoscribe.errors import InputError
    from geoscribe.textomics import TextomicsDataset, cross_validate

    base = np.eye(4, dtype=np.float32) * 10
    vectors = np.repeat(base, 5, axis=0) + np.random.default_rng(0).normal(scale=0.01, size=(20, 4))
    summaries = [f"summary {i // 5} of platform data" for i in range(20)]
    ds = TextomicsDataset("GPL1", [f"GSE{i}" for i in range(20)], summaries, vectors.astype(np.float32))
    scores = cross_validate(ds, "vec2text", model="nn", folds=5)
    assert scores["BLEU-1"] == pytest.approx(1.0)
    with pytest.raises(InputError, match="unknown model"):
        cross_validate(ds, "vec2text", model="nope")
    ds.save(tmp_path)
    res = CliRunner().invoke(app, ["textomics", "vec2text", str(tmp_path / "GPL1.json"), "--model", "nn"])
    assert res.exit_code == 0, res.output
    assert f"BLEU-1\t{scores['BLEU-1']:.4f}" in res.output
