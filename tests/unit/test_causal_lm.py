"""The paper's GPT-2 formulation, through a tiny randomly initialised local checkpoint."""

import pytest
from translate_support import tiny_pairs

from geoscribe.errors import ModelError
from geoscribe.schema import CISTROME
from geoscribe.translate import load_model
from geoscribe.translate.causal_lm import CausalLMTranslator


def test_trains_on_paper_sequences_from_local_checkpoint(tiny_gpt2_dir, tmp_path):
    texts, records = tiny_pairs()
    model = CausalLMTranslator(schema="cistrome", base_model=str(tiny_gpt2_dir), epochs=25, batch_size=16, lr=3e-3)
    model.fit(texts[:140], records[:140])
    assert model.history_[-1]["loss"] < model.history_[0]["loss"] / 2
    predicted = model.translate(texts[140:150])
    for rec in predicted:  # always well-formed, whatever was generated
        assert list(rec.values) == list(CISTROME.attributes) and all(rec.values.values())
    cell_lines = [p["Cell Line"] == g["Cell Line"] for p, g in zip(predicted, records[140:150])]
    assert sum(cell_lines) >= 5, [p.render() for p in predicted]
    again = load_model(model.save(tmp_path / "gpt2-translator"))
    assert [r.values for r in again.translate(texts[140:143])] == [r.values for r in predicted[:3]]


def test_refuses_hub_names():
    with pytest.raises(ModelError, match="never downloads"):
        CausalLMTranslator(base_model="gpt2").fit(["a"], [load_record()])


def load_record():
    from geoscribe.schema import parse

    return parse("Cell Line: None - Cell Type: None - Tissue Type: None - Factor: CTCF", "cistrome")
