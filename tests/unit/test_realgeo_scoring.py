"""Real-GEO benchmark scoring (geoscribe.evaluate.realgeo) on small hand-made cases."""

from __future__ import annotations

import pytest

from geoscribe.errors import InputError
from geoscribe.evaluate.realgeo import (
    GoldLabel,
    SilverItem,
    age_value,
    broken_attributes,
    classify,
    has_age_cue,
    has_sex_cue,
    has_target_cue,
    parse_characteristics,
    read_gold,
    reliability,
    score_gold,
    sex_value,
    silver_outcomes,
    stated_values,
    summarise_outcomes,
    training_values,
)
from geoscribe.schema import CISTROME, ENCODE, Record


def _enc(**values):
    return Record(ENCODE, {a: values.get(a.replace(" ", "_").lower(), "None") for a in ENCODE.attributes})


def _cis(line="None", ctype="None", tissue="None", factor="None"):
    return Record(CISTROME, {"Cell Line": line, "Cell Type": ctype, "Tissue Type": tissue, "Factor": factor})


# ---------------------------------------------------------------- extractor


def test_parse_characteristics_geometadb_and_reader_joiners():
    assert parse_characteristics("cell line: A549;\tGender: M; hours: 10") == [
        ("cell line", "A549"), ("gender", "M"), ("hours", "10")]
    assert parse_characteristics("Tissue:normal prostate;  no colon here;") == [("tissue", "normal prostate")]


def test_stated_values_exact_keys_only_and_conflicts_dropped():
    stated = stated_values("Sex: F; age (yrs): 41; cell_line: X; cell line: HeLa; tissue: liver; tissue: lung")
    assert stated == {"sex": "F", "cell line": "HeLa"}  # 'age (yrs)', 'cell_line' not exact; tissue conflicts
    assert stated_values("chip antibody: anti-CTCF; disease state: AD")["antibody"] == "anti-CTCF"


@pytest.mark.parametrize("raw,expected", [("M", "male"), ("female", "female"), ("FEMALE", "female"),
                                          ("mixed", None), ("NA", None)])
def test_sex_value(raw, expected):
    assert sex_value(raw) == expected


@pytest.mark.parametrize("raw,expected", [("41", ("41", None)), ("41 years", ("41", "year")),
                                          ("5.80 y", ("5.8", "year")), ("3 months", ("3", "month")),
                                          ("40-50", None), ("13 yrs, when taken", None), ("adult", None)])
def test_age_value(raw, expected):
    assert age_value(raw) == expected


def test_cues():
    assert has_sex_cue("Hippocampus, 92 yr old female") and not has_sex_cue("HeLa cells, malefic")
    assert has_age_cue("92 yr old") and has_age_cue("E14.5 embryo") and not has_age_cue("rep 3, GPL570")
    assert has_age_cue("age_at_baseline: 37.2") and has_sex_cue("Sex_M: 1")
    assert not has_age_cue("passage 4, stage II, image 2")
    assert has_target_cue("ChIP-seq of H3K4me3") and not has_target_cue("expression profiling of liver")


# ---------------------------------------------------------------- silver checks


def _item(characteristics, text="", sample_type="RNA"):
    return SilverItem("GSM1", sample_type, characteristics, text or characteristics, text or characteristics)


def _by_check(outcomes):
    return {(o.check, o.schema): o for o in outcomes}


def test_silver_reads_stated_values_with_normalisation():
    item = _item("gender: M;\tage: 41 years;\tcell line: A375;\tdisease state: normal")
    enc = _enc(sex="male", age="41", age_units="year", biosample_term_name="a375",
               health_status="healthy", assay_type="Transcription")
    got = _by_check(silver_outcomes(item, {"encode": enc, "cistrome": _cis(line="A-375")}))
    assert got[("read:sex", "encode")].ok
    assert got[("read:age", "encode")].ok and got[("read:age units", "encode")].ok
    assert got[("read:cell line", "encode")].ok
    assert not got[("read:cell line", "cistrome")].ok  # A-375 is not A375 as written
    assert got[("read:disease", "encode")].ok  # healthy for a stated 'normal'
    assert got[("assay:rna", "encode")].ok
    assert ("hallucination:sex", "encode") not in got  # the record states a sex


def test_silver_tissue_loose_reading_and_rna_assay_failure():
    item = _item("tissue: peripheral blood")
    got = _by_check(silver_outcomes(item, {"encode": _enc(assay_type="DNA binding"),
                                           "cistrome": _cis(tissue="Blood")}))
    tissue = got[("read:tissue", "cistrome")]
    assert not tissue.ok and tissue.loose
    assert not got[("assay:rna", "encode")].ok


def test_silver_hallucination_only_without_cue():
    item = _item("treatment: DMSO", text="Title: HeLa DMSO ; treatment: DMSO")
    outcomes = silver_outcomes(item, {"encode": _enc(sex="female", age="unknown", target_of_assay="None"),
                                      "cistrome": _cis(factor="CTCF")})
    got = _by_check(outcomes)
    assert not got[("hallucination:sex", "encode")].ok  # female with no cue
    assert got[("hallucination:age", "encode")].ok  # unknown is no value
    assert got[("hallucination:target", "encode")].ok
    assert not got[("hallucination:target", "cistrome")].ok
    table = summarise_outcomes(outcomes)
    assert table["hallucination:sex"]["encode/Sex"] == {"n": 1, "ok": 0, "rate": 1.0}
    assert table["hallucination:age"]["encode/Age"]["rate"] == 0.0
    cued = silver_outcomes(_item("treatment: DMSO", text="female donor"), {"encode": _enc(sex="female")})
    assert not [o for o in cued if o.check == "hallucination:sex"]


def test_broken_values():
    known = training_values([_cis("HeLa", "Epithelium", "Cervix", "CTCF")])
    input_text = "Title: MDA-MB-231 cells - Characteristics: cell line: MDA-MB-231"
    rec = _cis("MDA MDA MDA", "epithelium", "unknown", "MDA-MB-231,CTCF")
    assert broken_attributes(rec, input_text, known) == ["Cell Line"]
    assert broken_attributes(_cis("mda-mb-231", "None", "Cervix", "None"), input_text, known) == []


# ---------------------------------------------------------------- gold


@pytest.mark.parametrize("pred,label,outcome", [
    ("hela", GoldLabel(("HeLa",), "stated"), "correct"),
    ("HeLa-S3", GoldLabel(("HeLa", "HeLa S3"), "stated"), "wrong"),
    ("  hela   s3 ", GoldLabel(("HeLa", "HeLa S3"), "stated"), "correct"),
    ("female, male", GoldLabel(("male,female",), "inferable"), "correct"),
    ("None", GoldLabel(("HeLa",), "stated"), "abstained"),
    ("unknown", GoldLabel(("HeLa",), "inferable"), "abstained"),
    ("male", GoldLabel(("unknown",), "unknown"), "hallucinated"),
    ("CTCF", GoldLabel(("None",), "not_applicable"), "hallucinated"),
    ("unknown", GoldLabel(("None",), "not_applicable"), "correct"),
    ("", GoldLabel(("unknown",), "unknown"), "correct"),
])
def test_classify(pred, label, outcome):
    assert classify(pred, label) == outcome


def test_gold_fixture_scored_by_hand(test_data):
    gold = read_gold(test_data / "evaluate" / "realgeo_gold_tiny.jsonl")
    assert [g.gsm for g in gold] == ["GSM0000001", "GSM0000002"]
    assert gold[0].sample.characteristics.startswith("cell line: A375")
    assert gold[1].sample.text.startswith("Title: liver")
    cis = [_cis("a375", "Melanoma", "Skin", "H3K27ac"), _cis("None", "unknown", "Blood", "None")]
    scores = score_gold([g.labels["cistrome"] for g in gold], cis, "cistrome")
    per = scores["per_attribute"]
    assert per["Cell Line"]["correct"] == 2
    assert per["Cell Type"]["correct"] == 2
    assert (per["Tissue Type"]["correct"], per["Tissue Type"]["wrong"]) == (1, 1)
    assert (per["Factor"]["correct"], per["Factor"]["hallucinated"]) == (1, 1)
    assert scores["user_facing"] == pytest.approx((1 + 1 + 0.5 + 0.5) / 4)
    assert scores["hallucinated"] == pytest.approx(1 / 8)
    enc = [_enc(assay_name="RNA microarray", sex="male", age="unknown"),
           _enc(assay_name="ChIP-seq", sex="None", age="41")]
    scores = score_gold([g.labels["encode"] for g in gold], enc, "encode")
    per = scores["per_attribute"]
    assert list(per) == ["Assay name", "Age", "Sex"]  # only labelled attributes, schema order
    assert (per["Assay name"]["correct"], per["Assay name"]["hallucinated"]) == (1, 1)
    assert (per["Sex"]["hallucinated"], per["Sex"]["abstained"]) == (1, 1)
    assert per["Age"]["correct"] == 2
    assert scores["hallucinated"] == pytest.approx(2 / 6)


def test_read_gold_rejects_bad_lines(tmp_path):
    bad = tmp_path / "g.jsonl"
    bad.write_text('{"gsm": "G", "text": "x", "encode": {"Sex": {"value": "male", "status": "guessed"}}}\n')
    with pytest.raises(InputError, match="status 'guessed'"):
        read_gold(bad)
    bad.write_text('{"gsm": "G", "text": "x", "encode": {"Gender": {"value": "male", "status": "stated"}}}\n')
    with pytest.raises(InputError, match="no attribute"):
        read_gold(bad)
    bad.write_text('{"gsm": "G"}\n')
    with pytest.raises(InputError, match="'fields' or 'text'"):
        read_gold(bad)


# ---------------------------------------------------------------- calibration


def test_reliability_hand_computed():
    # bin 0.9-1.0: confidences 0.95, 1.0 (both right) -> conf 0.975, acc 1
    # bin 0.5-0.6: 0.5, 0.5 (one right)              -> conf 0.5,   acc 0.5
    curve = reliability([0.95, 1.0, 0.5, 0.5], [True, True, True, False])
    assert curve["ece"] == pytest.approx(0.5 * 0.025 + 0.5 * 0.0)
    assert [b["n"] for b in curve["bins"]] == [0, 0, 0, 0, 0, 2, 0, 0, 0, 2]
    assert curve["bins"][9]["conf"] == pytest.approx(0.975)
    assert reliability([], [])["ece"] is None
    with pytest.raises(InputError):
        reliability([0.5], [])


def test_plot_reliability_writes_png(tmp_path):
    from geoscribe.evaluate.realgeo import plot_reliability

    path = plot_reliability(reliability([0.2, 0.9], [False, True]), tmp_path / "r.png", "toy")
    assert path.read_bytes()[:4] == b"\x89PNG"


# ---------------------------------------------------------------- the benchmark's silver draw


def _benchmark_module():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "real_geo_benchmark.py"
    spec = importlib.util.spec_from_file_location("real_geo_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_silver_draw_is_seeded_and_stable_under_new_exclusions(tmp_path):
    import sqlite3

    db = tmp_path / "gsm.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE gsm (gsm TEXT)")
    con.executemany("INSERT INTO gsm VALUES (?)", [(f"GSM{i}",) for i in range(200)])
    con.commit()
    con.close()
    bench = _benchmark_module()
    first = bench.draw_silver(db, 20, 0, set())
    assert first == bench.draw_silver(db, 20, 0, set()) and len(set(first)) == 20
    assert first != bench.draw_silver(db, 20, 1, set())
    later = bench.draw_silver(db, 20, 0, {first[3], "GSM-not-there"})
    assert first[3] not in later and set(first) - {first[3]} <= set(later)


def test_gold_halves_are_fixed_by_gsm_and_both_used():
    from geoscribe.evaluate.realgeo import gold_part

    parts = [gold_part(f"GSM{i}") for i in range(400)]
    assert parts == [gold_part(f"GSM{i}") for i in range(400)]  # a function of the id alone
    assert 150 < parts.count("design") < 250 and set(parts) == {"design", "test"}
