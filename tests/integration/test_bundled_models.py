"""The bundled default models (models/*-hybrid): they load offline and translate well-formed records."""

import pytest

from geoscribe.schema import get_schema
from geoscribe.translate import default_model_path, translate
from geoscribe.translate.hybrid import HybridTranslator
from geoscribe.translate.defaults import get_model


@pytest.mark.parametrize("schema", ["cistrome", "encode"])
def test_bundled_default_is_the_hybrid_and_is_well_formed(schema):
    path = default_model_path(schema)
    if not path.is_dir():
        pytest.skip(f"no bundled model at {path} (installed without models/)")
    model = get_model(schema)
    assert isinstance(model, HybridTranslator) and model.schema == schema
    texts = ["HNRNPK ChIP-seq in K562", "", "\x00\x01 binary \xff garbage", "CTCF " * 200_000]
    records = translate(texts, schema=schema)
    attrs = get_schema(schema).attributes
    for r in records:
        assert list(r.values) == list(attrs) and all(r.values[a] for a in attrs)
        assert all(0.0 <= r.confidence[a] <= 1.0 for a in attrs)


def test_bundled_encode_model_infers_donor_attributes_from_k562():
    if not default_model_path("encode").is_dir():
        pytest.skip("no bundled ENCODE model")
    (rec,) = translate(["HNRNPK ChIP-seq in K562"], schema="encode")
    assert rec["Biosample term name"] == "K562" and rec["Sex"] == "female" and rec["Age"] == "53"
    assert rec["Target of assay"] == "HNRNPK"  # copied from the text, not a similar training value


def test_bundled_cistrome_model_does_not_take_the_cell_line_for_the_factor():
    if not default_model_path("cistrome").is_dir():
        pytest.skip("no bundled Cistrome model")
    (rec,) = translate(["HNRNPK ChIP-seq in K562"], schema="cistrome")
    # its seq2seq writes "HNP K562"; snapping it onto the closest span used to give Factor: K562
    assert rec["Cell Line"] == "K562" and rec["Factor"] == "HNRNPK"
