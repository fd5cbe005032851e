"""Context patterns: the words around a value in training inputs, learned and reapplied."""

import json

from geoscribe.schema import Record, get_schema
from geoscribe.translate.hybrid._patterns import ContextPatterns, value_contexts

SCHEMA = get_schema("cistrome")


def rec(factor, cell_line="None", tissue="None"):
    return Record(SCHEMA, {"Cell Line": cell_line, "Cell Type": "None", "Tissue Type": tissue, "Factor": factor})


def pairs():
    genes = ["F52B5.7", "ahr-1", "ZNF26", "CG3995", "SRP68", "NKX3-1"]
    texts, records = [], []
    for g in genes:
        texts.append(f"ChIP-seq of transgenic worms expressing {g.upper()}-eGFP fusion proteins.")
        records.append(rec(g))
        texts.append(f"eGFP-{g} ChIP-seq on human HEK293 cells.")
        records.append(rec(g))
    # an input control: the pattern matches but there is no value; it must not count against the pattern
    texts.append("Input control for worms expressing C34B4.2-eGFP fusion proteins.")
    records.append(rec("None"))
    # tissue values are never written in the text: no patterns are learned for them
    texts.append("Title: liver sample")
    records.append(rec("CTCF", tissue="Hepatocyte"))
    return texts, records


def test_value_contexts_are_the_neighbouring_words():
    text = "worms expressing F52B5.7-eGFP fusion; eGFP-F52B5.7 ChIP-seq"
    assert value_contexts(text, "f52b5.7") == {("expressing ", "-egfp"), ("egfp-", " chip-seq")}
    # only whole-word occurrences count
    assert value_contexts("ZNF263 ChIP", "ZNF26") == set()


def test_learned_patterns_extract_unseen_values():
    texts, records = pairs()
    model = ContextPatterns().fit(texts, records)
    assert set(model.patterns_) == {"Factor"}  # CTCF/Hepatocyte values are not in the inputs
    assert all(p.precision == 1.0 and p.support >= 3 for p in model.patterns_["Factor"])
    assert model.extract("worms expressing C38D4.7-eGFP fusion proteins", "Factor") == "C38D4.7"
    assert model.extract("an eGFP-ZNF239 ChIP-seq on human HEK293 cells", "Factor") == "ZNF239"
    assert model.extract("nothing to see here", "Factor") is None
    assert model.extract("worms expressing X-eGFP", "Tissue Type") is None


def test_imprecise_contexts_are_dropped():
    texts, records = pairs()
    # the same context naming the wrong value most of the time
    for g in ["A1", "B2", "C3", "D4", "E5", "F6", "G7"]:
        texts.append(f"eGFP-{g} ChIP-seq")
        records.append(rec("OTHER"))
    model = ContextPatterns(min_precision=0.8).fit(texts, records)
    assert all(p.left != "egfp-" for p in model.patterns_["Factor"])


def test_patterns_round_trip_through_json():
    model = ContextPatterns().fit(*pairs())
    again = ContextPatterns.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.to_dict() == model.to_dict()
    assert again.extract("worms expressing C38D4.7-eGFP fusion", "Factor") == "C38D4.7"
