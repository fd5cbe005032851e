"""The TF-IDF baselines on tiny generated pairs: they learn, they round-trip, they fail cleanly."""

from __future__ import annotations

import pytest
from translate_support import ALL, chip_pairs as make_pairs

from geoscribe.errors import InputError, ModelError
from geoscribe.schema import get_schema
from geoscribe.translate import load_model
from geoscribe.translate.baselines import LinearBaseline, NearestNeighbourBaseline

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
