"""The domain model: P(in domain) separates training-like inputs from archive texts, and round-trips."""

import json

from geoscribe.translate.domain import DomainModel

INSIDE = [f"CTCF ChIP-seq on human K562 cells replicate {i}" for i in range(20)] + \
         [f"H3K27ac ChIP-seq in HepG2 antibody lot {i}" for i in range(20)]
OUTSIDE = [f"tissue: whole blood; gender: male; age: {40 + i}; expression array" for i in range(20)] + \
          [f"patient {i} tumor biopsy RNA hybridized to HG-U133 Plus 2 array" for i in range(20)]


def test_domain_model_tells_training_like_text_from_archive_text():
    model = DomainModel(seed=0).fit(INSIDE, OUTSIDE)
    p_in, p_out = model.probability(["POLR2A ChIP-seq on human K562 cells", "gender: female; tissue: blood array"])
    assert p_in > 0.5 > p_out


def test_domain_model_round_trips_through_json():
    model = DomainModel(seed=0).fit(INSIDE, OUTSIDE)
    back = DomainModel.from_dict(json.loads(json.dumps(model.to_dict())))
    texts = ["EZH2 ChIP-seq in K562", "whole blood expression array, male, 51"]
    assert abs(back.probability(texts) - model.probability(texts)).max() < 1e-4


def test_grounding_drops_a_model_value_on_an_out_of_domain_input():
    from geoscribe.schema import ENCODE, NONE, Record
    from geoscribe.translate.grounding import Grounding

    def rec(**v):
        base = {a: NONE for a in ENCODE.attributes}
        base.update({k.replace("_", " "): x for k, x in v.items()})
        return Record(ENCODE, base, {a: 0.99 for a in ENCODE.attributes})

    train = [rec(Assay_name="ChIP-seq", Assay_type="DNA binding", Project="ENCODE")] * 3
    g = Grounding(schema="encode").fit(train, INSIDE, OUTSIDE)
    guess = rec(Project="ENCODE")
    assert g.ground(guess, "POLR2A ChIP-seq on human K562 cells").values["Project"] == "ENCODE"
    out = g.ground(guess, "patient 7 tumor biopsy RNA hybridized to HG-U133 Plus 2 array")
    assert out.values["Project"] == NONE and "Project" not in out.source
