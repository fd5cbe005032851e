"""Named evidence: a training value spelled out in the title or in a field named for the attribute."""

from geoscribe.translate.hybrid._evidence import fields, named_evidence, named_values
from geoscribe.translate.hybrid._snap import known_index

KNOWN = known_index(["TEAD4", "POLR2A", "CHD1", "H3", "H3.2", "NKX3-1", "MYC", "None"])
TEXT = ("Title: H1_TEAD4_rep1 - Description: none - Characteristics: cell type: H1 ES cells; "
        "chip antibody: anti-MYC (Santa Cruz)")


def test_fields_split_title_and_key_value_characteristics():
    assert fields(TEXT) == [
        ("title", "H1_TEAD4_rep1"),
        ("", "none"),
        ("cell type", "H1 ES cells"),
        ("chip antibody", "anti-MYC (Santa Cruz)"),
    ]


def test_named_values_come_from_keyed_fields_first_then_the_title():
    # MYC is in the antibody field (its anti- prefix stripped), TEAD4 only in the title
    assert named_values(TEXT, "Factor", KNOWN) == ["MYC", "TEAD4"]
    # a key that does not name the attribute is no evidence
    assert named_values("Title: x - Characteristics: treatment: MYC", "Factor", KNOWN) == []
    # attributes without evidence keys get nothing
    assert named_values(TEXT, "Tissue Type", KNOWN) == []


def test_a_hyphenated_name_is_found_whole_and_in_parts():
    text = "Title: batch2_chrom1_LoVo_NKX3-1_Rabbit"
    assert named_values(text, "Factor", KNOWN) == ["NKX3-1"]


def test_an_unsupported_disputed_value_is_replaced():
    assert named_evidence(TEXT, "Factor", "CHD1", KNOWN, agreed=False) == "MYC"


def test_values_with_support_are_left_alone():
    # both parts agreed
    assert named_evidence(TEXT, "Factor", "CHD1", KNOWN, agreed=True) == "CHD1"
    # the value is written in the text
    assert named_evidence(TEXT + "; CHD1 knockdown", "Factor", "CHD1", KNOWN, agreed=False) == "CHD1"
    # None is a real answer, not a missing one
    assert named_evidence(TEXT, "Factor", "None", KNOWN, agreed=False) == "None"
    # the value is itself one of the named ones
    assert named_evidence(TEXT, "Factor", "TEAD4", KNOWN, agreed=False) == "TEAD4"
    # no named value at all
    assert named_evidence("Title: x", "Factor", "CHD1", KNOWN, agreed=False) == "CHD1"


def test_a_shorter_name_the_value_starts_with_is_no_evidence():
    text = "Title: NEU-H3-2 - Characteristics: chip antibody: H3"
    assert named_evidence(text, "Factor", "H3.2", KNOWN, agreed=False) == "H3.2"
