"""The multi-label classifier with a tiny local encoder (and once with the packaged default)."""

from __future__ import annotations

import pytest
from translate_support import ALL, chip_pairs

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from geoscribe.errors import ModelError  # noqa: E402
from geoscribe.schema import get_schema  # noqa: E402
from geoscribe.translate import load_model  # noqa: E402
from geoscribe.translate.classifier import MultiLabelClassifier, default_encoder_dir  # noqa: E402


def _pairs(combos):
    return chip_pairs(combos, titled=False)


TINY = dict(hidden_dim=64, lr=1e-2, batch_size=8, max_epochs=150, patience=150, dropout=0.0)


@pytest.fixture(scope="module")
def fitted(tiny_encoder):
    torch.set_num_threads(1)
    texts, records = _pairs(ALL * 2)
    return MultiLabelClassifier(encoder=str(tiny_encoder), **TINY).fit(texts, records)


def test_classifier_needs_a_local_encoder_directory():
    model = MultiLabelClassifier(encoder="/nowhere", max_length=16)
    with pytest.raises(ModelError, match="no config.json"):
        model.fit(*_pairs(ALL))


def test_classifier_learns_and_is_well_formed(fitted):
    texts, records = _pairs(ALL)
    out = fitted.translate(texts)
    correct = sum(o[a] == r[a] for o, r in zip(out, records) for a in r.values)
    assert correct / (4 * len(out)) > 0.9
    assert {tuple(x) for x in fitted.labels_} >= {("Factor", "ESR1"), ("Cell Line", "MCF-7")}
    for rec in out + fitted.translate(["unknown", ""]):
        assert list(rec.values) == list(get_schema("cistrome").attributes)
        assert all(0.0 <= c <= 1.0 for c in rec.confidence.values())


def test_classifier_early_stops_on_dev(tiny_encoder):
    texts, records = _pairs(ALL)
    dev = (texts, _pairs(ALL[5:] + ALL[:5])[1])  # contradicting labels: dev loss soon rises
    model = MultiLabelClassifier(encoder=str(tiny_encoder), **{**TINY, "patience": 3}).fit(
        texts, records, dev=dev)
    assert len(model.history_) < TINY["max_epochs"]
    assert model.epochs_ == len(model.history_) - 3


def test_classifier_load_broken_dir_is_model_error(fitted, tmp_path):
    path = fitted.save(tmp_path / "clf")
    (path / "head.safetensors").write_bytes(b"junk")
    with pytest.raises(ModelError, match="corrupt"):
        load_model(path)
    (path / "labels.json").unlink()
    with pytest.raises(ModelError, match="missing"):
        load_model(path)


def test_classifier_finetune_saves_encoder(tiny_encoder, tmp_path):
    texts, records = _pairs(ALL)
    model = MultiLabelClassifier(encoder=str(tiny_encoder), finetune=True,
                                 **{**TINY, "max_epochs": 2}).fit(texts, records)
    path = model.save(tmp_path / "ft")
    assert (path / "encoder" / "model.safetensors").is_file()
    again = load_model(path)
    assert [r.values for r in again.translate(texts)] == [r.values for r in model.translate(texts)]


def test_classifier_default_encoder_is_packaged_minilm():
    path = default_encoder_dir()
    assert (path / "model.safetensors").is_file()
    texts, records = _pairs(ALL)
    model = MultiLabelClassifier(max_epochs=3, dev_fraction=0).fit(texts, records)
    assert model.encoder_.config.hidden_size == 384
    assert len(model.translate(texts[:2])) == 2
