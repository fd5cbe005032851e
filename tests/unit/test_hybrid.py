"""The hybrid translator: seq2seq + linear classifier, combined per attribute."""

import shutil

import pytest

from geoscribe.errors import ModelError
from geoscribe.schema import Record, get_schema
from geoscribe.translate import load_model
from geoscribe.translate.hybrid import HybridTranslator

from translate_support import tiny_pairs

LINEAR = {"min_df": 1, "max_features": 5000}


@pytest.fixture(scope="module")
def hybrid(tiny_translator_dir):
    texts, records = tiny_pairs()
    return HybridTranslator(seq2seq_model=str(tiny_translator_dir), linear=LINEAR).fit(
        texts[:140], records[:140]
    )


def rec(values, conf):
    schema = get_schema("cistrome")
    full = {a: values.get(a, "None") for a in schema.attributes}
    return Record(schema, full, {a: conf.get(a, 0.5) for a in schema.attributes})


def test_epochs_param_reaches_the_seq2seq_part():
    model = HybridTranslator(schema="encode", epochs=3)
    assert model._seq2seq_params()["epochs"] == 3


def test_more_confident_part_wins_among_known_values(hybrid):
    known_cell = hybrid.linear_.classes_["Cell Line"][-1]
    other_cell = hybrid.linear_.classes_["Cell Line"][0]
    s2s = rec({"Cell Line": known_cell}, {"Cell Line": 0.4})
    lin = rec({"Cell Line": other_cell}, {"Cell Line": 0.9})
    assert hybrid.combine("text", s2s, lin)["Cell Line"] == other_cell
    s2s = rec({"Cell Line": known_cell}, {"Cell Line": 0.95})
    out = hybrid.combine("text", s2s, lin)
    assert out["Cell Line"] == known_cell and out.confidence["Cell Line"] == 0.95


def test_a_verbatim_copy_beats_a_linear_value_absent_from_the_text(hybrid):
    copied, other = [c for c in hybrid.linear_.classes_["Cell Line"] if c != "None"][:2]
    text = f"Title: CTCF ChIP-seq in {copied} cells"
    s2s = rec({"Cell Line": copied}, {"Cell Line": 0.2})
    lin = rec({"Cell Line": other}, {"Cell Line": 0.99})
    assert hybrid.combine(text, s2s, lin)["Cell Line"] == copied
    # when the text holds both, confidence decides again
    both = rec({"Cell Line": other}, {"Cell Line": 0.99})
    assert hybrid.combine(f"{text} and {other}", s2s, both)["Cell Line"] == other


def test_a_new_value_found_by_the_seq2seq_is_kept_even_when_unsure(hybrid):
    text = "Title: ChIP of ZNF999X in NEWCELL-1 - Characteristics: antibody: ZNF999X"
    s2s = rec({"Factor": "ZNF999X"}, {"Factor": 0.1})
    lin = rec({"Factor": hybrid.linear_.classes_["Factor"][0]}, {"Factor": 0.99})
    assert hybrid.combine(text, s2s, lin)["Factor"] == "ZNF999X"


def test_a_broken_copy_is_snapped_before_combining(hybrid):
    text = "Title: ChIP of ZNF999X in NEWCELL-1 - Characteristics: antibody: ZNF999X"
    s2s = rec({"Factor": "ZNF99"}, {"Factor": 0.1})
    lin = rec({}, {"Factor": 0.99})
    assert hybrid.combine(text, s2s, lin)["Factor"] == "ZNF999X"
    hybrid_nosnap = HybridTranslator(snap=False)
    hybrid_nosnap.linear_, hybrid_nosnap.seq2seq_ = hybrid.linear_, hybrid.seq2seq_
    assert hybrid_nosnap.combine(text, s2s, lin)["Factor"] == "ZNF99"


def test_translates_well_formed_records_and_round_trips(hybrid, tmp_path):
    texts, records = tiny_pairs()
    predicted = hybrid.translate(texts[140:] + ["", "\x00\xff garbage"])
    schema = get_schema("cistrome")
    for r in predicted:
        assert list(r.values) == list(schema.attributes)
        assert all(0.0 <= r.confidence[a] <= 1.0 for a in schema.attributes)
    correct = sum(p["Cell Line"].lower() == g["Cell Line"].lower()
                  for p, g in zip(predicted, records[140:]))
    assert correct >= 0.8 * len(records[140:])
    path = hybrid.save(tmp_path / "hybrid")
    assert (path / "seq2seq" / "model.safetensors").is_file() and (path / "linear").is_dir()
    again = load_model(path)
    assert isinstance(again, HybridTranslator)
    assert [r.values for r in again.translate(texts[140:])] == [r.values for r in predicted[:-2]]


def test_missing_part_is_a_clear_model_error(hybrid, tmp_path):
    path = hybrid.save(tmp_path / "hybrid")
    shutil.rmtree(path / "linear")
    with pytest.raises(ModelError, match="linear"):
        load_model(path)


def test_seq2seq_of_another_set_is_refused(tiny_translator_dir):
    texts, _ = tiny_pairs()
    encode = get_schema("encode")
    records = [Record(encode, {a: "None" for a in encode.attributes}) for _ in texts[:5]]
    with pytest.raises(ModelError, match="cistrome"):
        HybridTranslator(schema="encode", seq2seq_model=str(tiny_translator_dir)).fit(texts[:5], records)


def test_a_training_value_named_in_the_text_replaces_an_unsupported_pick(hybrid):
    factors = [f for f in hybrid.linear_.classes_["Factor"] if f != "None"]
    named, s2s_pick, lin_pick = factors[:3]
    text = f"Title: sample_{named}_rep1 - Characteristics: chip antibody: {named}"
    s2s = rec({"Factor": s2s_pick}, {"Factor": 0.6})
    lin = rec({"Factor": lin_pick}, {"Factor": 0.7})
    out = hybrid.combine(text, s2s, lin)
    assert out["Factor"] == named and out.confidence["Factor"] == 0.6
    # the parts agreeing, or the rule turned off, keeps the models' value
    assert hybrid.combine(text, s2s, rec({"Factor": s2s_pick}, {"Factor": 0.7}))["Factor"] == s2s_pick
    off = HybridTranslator(evidence=False)
    off.linear_, off.seq2seq_ = hybrid.linear_, hybrid.seq2seq_
    assert off.combine(text, s2s, lin)["Factor"] == lin_pick


def test_a_context_pattern_repairs_a_disputed_value_absent_from_the_text(hybrid, tmp_path):
    from test_patterns import pairs

    from geoscribe.translate.hybrid._patterns import ContextPatterns

    model = HybridTranslator()
    model.linear_, model.seq2seq_, model.data_hash_ = hybrid.linear_, hybrid.seq2seq_, hybrid.data_hash_
    model.patterns_ = ContextPatterns().fit(*pairs())
    text = "ChIP-seq of transgenic worms expressing C38D4.7-eGFP fusion proteins."
    garbled = rec({"Factor": "C3 C8D"}, {"Factor": 0.3})
    unsure = rec({"Factor": "CTCF"}, {"Factor": 0.1})
    assert model.combine(text, garbled, rec({"Factor": "CTCF"}, {"Factor": 0.9}))["Factor"] == "C38D4.7"
    # None is an answer (an input control), and agreement or a value in the text is support
    assert model.combine(text, rec({"Factor": "None"}, {"Factor": 0.2}), unsure)["Factor"] == "None"
    assert model.combine(text + " CTCF", rec({"Factor": "CTCF"}, {}), rec({"Factor": "CTCF"}, {}))["Factor"] == "CTCF"
    # saved and loaded with the model; a model saved without patterns loads with rule 6 off
    again = load_model(model.save(tmp_path / "h"))
    assert again.patterns_.to_dict() == model.patterns_.to_dict()
    (tmp_path / "h" / "patterns.json").unlink()
    assert load_model(tmp_path / "h").patterns_ is None
    (tmp_path / "h" / "patterns.json").write_text("{not json")
    with pytest.raises(ModelError, match="patterns.json"):
        load_model(tmp_path / "h")
    # likewise the property table (rule 7): this model has none (it was never fitted), so saves none
    (tmp_path / "h" / "patterns.json").unlink()
    assert not (tmp_path / "h" / "properties.json").exists() and load_model(tmp_path / "h").properties_ is None
    for damaged in ("{}", '{"min_support": 1, "antecedents": {"Sex": "Cell Line"}, "tables": {}}'):
        (tmp_path / "h" / "properties.json").write_text(damaged)
        with pytest.raises(ModelError, match="properties.json"):
            load_model(tmp_path / "h")
    # re-saving into the same directory a model with neither part leaves no stale file behind
    model.patterns_ = None
    again = load_model(model.save(tmp_path / "h"))
    assert again.patterns_ is None and again.properties_ is None
    assert not (tmp_path / "h" / "properties.json").exists()


def test_a_new_value_of_an_attribute_that_is_not_copied_from_the_text_is_never_taken(hybrid):
    from test_patterns import pairs

    from geoscribe.translate.hybrid._patterns import ContextPatterns

    model = HybridTranslator()
    model.linear_, model.seq2seq_ = hybrid.linear_, hybrid.seq2seq_
    model.patterns_ = ContextPatterns().fit(*pairs())  # only Factor values are written in those inputs
    assert model._open_attributes() == {"Factor"}
    text = "Title: ChIP of ZNF999X in 2B cells"
    known_type = [c for c in hybrid.linear_.classes_["Cell Type"] if c != "None"][0]
    s2s = rec({"Factor": "ZNF999X", "Cell Type": "2B"}, {"Factor": 0.9, "Cell Type": 0.99})
    lin = rec({"Factor": "CTCF", "Cell Type": known_type}, {"Factor": 0.95, "Cell Type": 0.1})
    out = model.combine(text, s2s, lin)
    assert out["Factor"] == "ZNF999X"  # an open attribute: the new name is kept (rule 2)
    assert out["Cell Type"] == known_type  # a closed one: the input fragment loses, however confident
    # without patterns (a model saved before them) every attribute is open, as before
    model.patterns_ = None
    assert model.combine(text, s2s, lin)["Cell Type"] == "2B"
