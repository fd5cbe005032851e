import pytest

from geoscribe.errors import ParseError, UnknownSchemaError
from geoscribe.schema import CISTROME, ENCODE, Record, get_schema, parse, render


def test_sets_match_the_paper():
    assert CISTROME.attributes == ("Cell Line", "Cell Type", "Tissue Type", "Factor")
    assert len(ENCODE) == 15
    assert ENCODE.attributes[0] == "Assay name" and ENCODE.attributes[-1] == "Investigated as"


def test_get_schema_is_case_insensitive_and_lists_choices():
    assert get_schema("ENCODE") is ENCODE
    with pytest.raises(UnknownSchemaError, match="Valid names: cistrome, encode"):
        get_schema("geo")


def test_values_with_dash_and_colon_survive():
    line = (
        "Cell Line: WA01 - ATCC SCRC-2002 - Cell Type: Embryonic Stem Cell - "
        "Tissue Type: None - Factor: ratio: 1:2"
    )
    rec = parse(line, "cistrome")
    assert rec["Cell Line"] == "WA01 - ATCC SCRC-2002"
    assert rec["Factor"] == "ratio: 1:2"
    assert rec.is_none("Tissue Type")
    assert rec.render() == line


def test_multi_values_and_none_are_first_class():
    values = {a: "None" for a in ENCODE.attributes}
    values["Genome assembly"] = "GRCh38,hg19"
    values["Sex"] = "male,female"
    rec = Record(ENCODE, values)
    assert rec.split("Genome assembly") == ["GRCh38", "hg19"]
    assert rec.split("Ethnicity") == []
    assert parse(rec.render(), ENCODE).values == values


def test_strict_parse_rejects_missing_keys():
    with pytest.raises(ParseError, match="'Tissue Type' missing"):
        parse("Cell Line: A549 - Cell Type: Epithelium - Factor: CTCF", "cistrome")
    with pytest.raises(ParseError, match="does not start with"):
        parse("garbage", "cistrome")


def test_lenient_parse_fills_missing_and_ignores_case_and_order():
    rec = parse("cell type: T cell - Factor: CTCF - Cell Line: Jurkat", CISTROME, strict=False)
    assert rec.values == {
        "Cell Line": "Jurkat",
        "Cell Type": "T cell",
        "Tissue Type": "",
        "Factor": "CTCF",
    }


def test_render_empty_values_and_record_dict_round_trip():
    rec = Record(CISTROME, {"Factor": "CTCF"}, {"Factor": 0.5})
    assert render(rec, CISTROME) == "Cell Line:  - Cell Type:  - Tissue Type:  - Factor: CTCF"
    assert Record.from_dict(rec.to_dict()) == rec


def test_record_rejects_unknown_attribute():
    with pytest.raises(ParseError, match="not in the cistrome set"):
        Record(CISTROME, {"Sex": "male"})


def test_record_carries_sources_and_evidence_through_dict_round_trip():
    from geoscribe.schema import CISTROME, Record

    rec = Record(CISTROME, {"Cell Line": "A375", "Cell Type": "None", "Tissue Type": "None", "Factor": "None"},
                 source={"Cell Line": "stated"},
                 evidence={"Cell Line": {"span": [12, 16], "text": "A375", "key": "cell line"}})
    back = Record.from_dict(rec.to_dict())
    assert back.source == {"Cell Line": "stated"} and back.evidence["Cell Line"]["span"] == [12, 16]


def test_record_refuses_an_unknown_source():
    import pytest

    from geoscribe.errors import ParseError
    from geoscribe.schema import CISTROME, Record

    with pytest.raises(ParseError, match="guessed"):
        Record(CISTROME, {"Cell Line": "A375"}, source={"Cell Line": "guessed"})
