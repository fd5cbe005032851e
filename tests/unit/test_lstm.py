"""The paper's LSTM on a tiny task: tokenisation, learning, early stopping, round trip."""

from __future__ import annotations

import pytest
from translate_support import ALL, chip_pairs as make_pairs

torch = pytest.importorskip("torch")

from geoscribe.errors import ModelError  # noqa: E402
from geoscribe.schema import get_schema  # noqa: E402
from geoscribe.translate import load_model  # noqa: E402
from geoscribe.translate.lstm import (  # noqa: E402
    LSTMTranslator,
    detokenize,
    tokenize,
    tokenize_output,
)

TINY = dict(embed_dim=16, hidden_dim=32, dense_dim=32, dropout=0.0, batch_size=8, lr=2e-2)


def test_tokenize_follows_paper_rules():
    assert tokenize("ChIP (H3K4me3) a=b MCF-7_rep") == [
        "chip", "(", "h3k4me3", ")", "ab", "mcf", "-", "7", "_", "rep"]


@pytest.mark.parametrize("text", [
    "Cell Line: MCF-7 - Cell Type: None - Tissue Type: leukemia (cml) - Factor: ESR1_a",
    "x - y-z (a)b",
])
def test_output_tokens_rebuild_text(text):
    rebuilt, spans = detokenize(tokenize_output(text))
    assert rebuilt == text.lower()
    assert [rebuilt[a:b] for a, b in spans] == [t.removeprefix("##") for t in tokenize_output(text)]


@pytest.fixture(scope="module")
def fitted():
    torch.set_num_threads(1)
    texts, records = make_pairs(ALL * 3)
    model = LSTMTranslator(**TINY, max_epochs=25, patience=25, seed=0)
    return model.fit(texts, records, dev=make_pairs(ALL[:4]))


def test_lstm_learns_tiny_task(fitted):
    texts, records = make_pairs(ALL)
    out = fitted.translate(texts, batch_size=5)
    correct = sum(o[a].lower() == r[a].lower() for o, r in zip(out, records) for a in r.values)
    assert correct / (len(out) * 4) > 0.9
    assert fitted.history_[-1]["loss"] < fitted.history_[0]["loss"]
    schema = get_schema("cistrome")
    for rec in out + fitted.translate(["", "nonsense words"]):
        assert list(rec.values) == list(schema.attributes)
        assert all(0.0 <= c <= 1.0 for c in rec.confidence.values())


def test_lstm_early_stopping_on_dev():
    texts, records = make_pairs(ALL)
    # a dev set whose outputs contradict training: dev loss rises quickly
    dev_texts, _ = make_pairs(ALL)
    dev_records = make_pairs(ALL[5:] + ALL[:5])[1]
    model = LSTMTranslator(**TINY, max_epochs=30, patience=2).fit(
        texts, records, dev=(dev_texts, dev_records))
    assert len(model.history_) < 30
    assert model.epochs_ == len(model.history_) - 2


def test_lstm_load_broken_dir_is_model_error(fitted, tmp_path):
    path = fitted.save(tmp_path / "lstm")
    (path / "model.safetensors").write_bytes(b"\x00" * 20)
    with pytest.raises(ModelError, match="corrupt"):
        load_model(path)
    (path / "model.safetensors").unlink()
    with pytest.raises(ModelError, match="missing"):
        load_model(path)
    (path / "vocab.json").write_text("{")
    with pytest.raises(ModelError, match="corrupt"):
        load_model(path)
