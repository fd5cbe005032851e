"""The TF-IDF baselines on tiny generated pairs: they learn, they round-trip, they fail cleanly."""

from __future__ import annotations

import itertools

import pytest

from geoscribe.errors import InputError, ModelError, NotFittedError
from geoscribe.schema import Record, get_schema
from geoscribe.translate import load_model
from geoscribe.translate.baselines import LinearBaseline, NearestNeighbourBaseline

CELLS = {"HeLa": ("Epithelium", "Cervix"), "K562": ("Lymphoblast", "Blood"),
         "MCF-7": ("Epithelium", "Breast"), "HepG2": ("Epithelium", "Liver")}
FACTORS = ["CTCF", "H3K27ac", "POLR2A", "ESR1"]


def make_pairs(combos):
    schema = get_schema("cistrome")
    texts, records = [], []
    for k, (cell, factor) in enumerate(combos):
        ctype, tissue = CELLS[cell]
        texts.append(f"Title: {cell} {factor} ChIP-seq rep{k % 3} - Characteristics: "
                     f"cell line: {cell}; chip antibody: {factor}")
        records.append(Record(schema, {"Cell Line": cell, "Cell Type": ctype,
                                       "Tissue Type": tissue, "Factor": factor}))
    return texts, records


ALL = list(itertools.product(CELLS, FACTORS))
HELD_OUT = [("HeLa", "ESR1"), ("K562", "CTCF")]
TRAIN = [c for c in ALL if c not in HELD_OUT] * 2
SMALL = dict(min_df=1, max_features=5000)


@pytest.fixture(scope="module")
def fitted():
    texts, records = make_pairs(TRAIN)
    return {
        "linear": LinearBaseline(**SMALL).fit(texts, records),
        "nearest": NearestNeighbourBaseline(**SMALL).fit(texts, records),
    }


@pytest.mark.parametrize("cls", [LinearBaseline, NearestNeighbourBaseline])
def test_baseline_init_stores_params_only(cls):
    model = cls(schema="encode", seed=3)
    assert model.get_params()["schema"] == "encode" and model.seed == 3
    assert not [k for k in vars(model) if k.endswith("_")]
    with pytest.raises(NotFittedError, match=cls.__name__):
        model.translate(["x"])


def test_linear_generalises_to_unseen_combinations(fitted):
    texts, records = make_pairs(HELD_OUT)
    out = fitted["linear"].translate(texts)
    assert [r.values for r in out] == [r.values for r in records]


def test_nearest_copies_most_similar_training_output(fitted):
    texts, records = make_pairs(TRAIN[:3])
    out = fitted["nearest"].translate(texts)
    assert [r.values for r in out] == [r.values for r in records]
    assert all(c == pytest.approx(1.0, abs=1e-5) for r in out for c in r.confidence.values())
    loose = fitted["nearest"].translate(["totally unrelated words about yeast"])[0]
    assert loose.confidence["Factor"] < 0.5


@pytest.mark.parametrize("kind", ["linear", "nearest"])
def test_baseline_records_well_formed(fitted, kind):
    out = fitted[kind].translate(["", "HeLa CTCF", "something else"], batch_size=2)
    schema = get_schema("cistrome")
    assert len(out) == 3
    for rec in out:
        assert list(rec.values) == list(schema.attributes)
        assert all(v for v in rec.values.values())
        assert all(0.0 <= rec.confidence[a] <= 1.0 for a in schema.attributes)


@pytest.mark.parametrize("kind", ["linear", "nearest"])
def test_baseline_save_load_round_trip(fitted, kind, tmp_path):
    model = fitted[kind]
    texts, _ = make_pairs(ALL)
    texts.append("an input with HeLa and nothing else")
    model.save(tmp_path / kind)
    assert not list((tmp_path / kind).glob("*.pkl"))
    again = load_model(tmp_path / kind)
    assert type(again) is type(model) and again.get_params() == {
        k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items()}
    before, after = model.translate(texts), again.translate(texts)
    assert [r.values for r in before] == [r.values for r in after]
    for a, b in zip(before, after):
        assert a.confidence == pytest.approx(b.confidence, abs=1e-6)


@pytest.mark.parametrize("kind", ["linear", "nearest"])
def test_baseline_load_broken_dir_is_model_error(fitted, kind, tmp_path):
    path = fitted[kind].save(tmp_path / kind)
    weights = next(p for p in path.glob("*.npz") if p.name != "idf.npz")
    weights.write_bytes(b"not a zip file")
    with pytest.raises(ModelError, match="corrupt"):
        load_model(path)
    weights.unlink()
    with pytest.raises(ModelError, match="missing"):
        load_model(path)


def test_baseline_rejects_misaligned_pairs():
    texts, records = make_pairs(ALL[:3])
    with pytest.raises(InputError, match="3 texts but 2 records"):
        LinearBaseline().fit(texts, records[:2])
    with pytest.raises(InputError, match="cistrome"):
        LinearBaseline(schema="encode").fit(texts, records)


def test_linear_constant_and_binary_attributes():
    texts, records = make_pairs([("HeLa", "CTCF"), ("HeLa", "ESR1")] * 3)
    model = LinearBaseline(**SMALL).fit(texts, records)
    out = model.translate(["HeLa ESR1 ChIP", "HeLa CTCF ChIP"])
    assert [r["Factor"] for r in out] == ["ESR1", "CTCF"]
    assert all(r["Cell Line"] == "HeLa" for r in out)


def test_load_checks_kind_and_params(fitted, tmp_path):
    """Every model's ``load`` starts from base.new_from_config: a directory of another kind,
    or params the class does not take, give one-line ModelErrors."""
    import json

    path = fitted["nearest"].save(tmp_path / "nearest")
    with pytest.raises(ModelError, match=r"holds a 'nearest' model, not 'linear'; use load_model"):
        LinearBaseline.load(path)
    cfg = json.loads((path / "config.json").read_text())
    cfg["params"]["no_such_param"] = 1
    (path / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelError, match=r"config.json has bad params .*no_such_param.*; re-save the model"):
        NearestNeighbourBaseline.load(path)


def test_one_huge_text_is_read_as_a_bounded_prefix(fitted):
    """Issue 22 item 5: the TF-IDF features read at most MAX_FEATURE_CHARS of a text, so one
    multi-megabyte cell costs bounded memory (before: ~250 bytes per input byte, MemoryError at 20 MB)."""
    import tracemalloc

    from geoscribe.translate.baselines import MAX_FEATURE_CHARS

    start = "Title: HeLa CTCF ChIP-seq - Characteristics: cell line: HeLa; chip antibody: CTCF; "
    huge = start + "replicate noise words 123 " * (2_000_000 // 26)  # about 2 MB
    for name in ("linear", "nearest"):
        model = fitted[name]
        tracemalloc.start()
        try:
            [record] = model.translate([huge])
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 50_000_000, f"{name}: {peak / 1e6:.0f} MB for a 2 MB text"
        assert record.values == model.translate([huge[:MAX_FEATURE_CHARS]])[0].values
        assert record["Cell Line"] == "HeLa"
