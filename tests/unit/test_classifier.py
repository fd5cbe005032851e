"""The multi-label classifier with a tiny local encoder (and once with the packaged default)."""

from __future__ import annotations

import itertools

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from geoscribe.errors import ModelError, NotFittedError  # noqa: E402
from geoscribe.schema import Record, get_schema  # noqa: E402
from geoscribe.translate import load_model  # noqa: E402
from geoscribe.translate.classifier import MultiLabelClassifier, default_encoder_dir  # noqa: E402

CELLS = {"HeLa": ("Epithelium", "Cervix"), "K562": ("Lymphoblast", "Blood"),
         "MCF-7": ("Epithelium", "Breast"), "HepG2": ("Epithelium", "Liver")}
ALL = list(itertools.product(CELLS, ["CTCF", "H3K27ac", "POLR2A", "ESR1"]))


def make_pairs(combos):
    """Tiny ChIP-seq descriptions and their Cistrome records."""
    schema = get_schema("cistrome")
    texts, records = [], []
    for k, (cell, factor) in enumerate(combos):
        ctype, tissue = CELLS[cell]
        texts.append(f"{cell} {factor} chip rep{k % 3}")
        records.append(Record(schema, {"Cell Line": cell, "Cell Type": ctype,
                                       "Tissue Type": tissue, "Factor": factor}))
    return texts, records


@pytest.fixture(scope="module")
def tiny_encoder(tmp_path_factory):
    """A randomly initialised 1-layer BERT with a word-level vocabulary of the fixture."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    path = tmp_path_factory.mktemp("encoder")
    words = sorted({w.lower() for t in make_pairs(ALL)[0] for w in t.replace("-", " - ").split()})
    (path / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    BertTokenizerFast(str(path / "vocab.txt")).save_pretrained(path)  # positional: 4.x and 5.x
    torch.manual_seed(0)
    config = BertConfig(vocab_size=5 + len(words), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(path)
    return path


TINY = dict(hidden_dim=64, lr=1e-2, batch_size=8, max_epochs=150, patience=150, dropout=0.0)


@pytest.fixture(scope="module")
def fitted(tiny_encoder):
    torch.set_num_threads(1)
    texts, records = make_pairs(ALL * 2)
    return MultiLabelClassifier(encoder=str(tiny_encoder), **TINY).fit(texts, records)


def test_classifier_init_stores_params_only():
    model = MultiLabelClassifier(encoder="/nowhere", max_length=16)
    assert model.max_length == 16 and not [k for k in vars(model) if k.endswith("_")]
    with pytest.raises(NotFittedError):
        model.translate(["x"])
    with pytest.raises(ModelError, match="no config.json"):
        model.fit(*make_pairs(ALL))


def test_classifier_learns_and_is_well_formed(fitted):
    texts, records = make_pairs(ALL)
    out = fitted.translate(texts)
    correct = sum(o[a] == r[a] for o, r in zip(out, records) for a in r.values)
    assert correct / (4 * len(out)) > 0.9
    assert {tuple(x) for x in fitted.labels_} >= {("Factor", "ESR1"), ("Cell Line", "MCF-7")}
    for rec in out + fitted.translate(["unknown", ""]):
        assert list(rec.values) == list(get_schema("cistrome").attributes)
        assert all(0.0 <= c <= 1.0 for c in rec.confidence.values())


def test_classifier_early_stops_on_dev(tiny_encoder):
    texts, records = make_pairs(ALL)
    dev = (texts, make_pairs(ALL[5:] + ALL[:5])[1])  # contradicting labels: dev loss soon rises
    model = MultiLabelClassifier(encoder=str(tiny_encoder), **{**TINY, "patience": 3}).fit(
        texts, records, dev=dev)
    assert len(model.history_) < TINY["max_epochs"]
    assert model.epochs_ == len(model.history_) - 3


def test_classifier_save_load_round_trip(fitted, tmp_path):
    texts, _ = make_pairs(ALL)
    path = fitted.save(tmp_path / "clf")
    again = load_model(path)
    assert isinstance(again, MultiLabelClassifier)
    before, after = fitted.translate(texts), again.translate(texts)
    assert [r.values for r in before] == [r.values for r in after]
    for a, b in zip(before, after):
        assert a.confidence == pytest.approx(b.confidence, abs=1e-6)
    (path / "head.safetensors").write_bytes(b"junk")
    with pytest.raises(ModelError, match="corrupt"):
        load_model(path)
    (path / "labels.json").unlink()
    with pytest.raises(ModelError, match="missing"):
        load_model(path)


def test_classifier_finetune_saves_encoder(tiny_encoder, tmp_path):
    texts, records = make_pairs(ALL)
    model = MultiLabelClassifier(encoder=str(tiny_encoder), finetune=True,
                                 **{**TINY, "max_epochs": 2}).fit(texts, records)
    path = model.save(tmp_path / "ft")
    assert (path / "encoder" / "model.safetensors").is_file()
    again = load_model(path)
    assert [r.values for r in again.translate(texts)] == [r.values for r in model.translate(texts)]


def test_classifier_default_encoder_is_packaged_minilm():
    path = default_encoder_dir()
    assert (path / "model.safetensors").is_file()
    texts, records = make_pairs(ALL)
    model = MultiLabelClassifier(max_epochs=3, dev_fraction=0).fit(texts, records)
    assert model.encoder_.config.hidden_size == 384
    assert len(model.translate(texts[:2])) == 2
