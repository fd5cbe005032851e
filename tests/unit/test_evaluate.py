"""The paper's metric and the condition splits, on a case worked out by hand."""

from __future__ import annotations

import pytest
from sklearn.metrics import accuracy_score, precision_score, recall_score

from geoscribe.errors import InputError
from geoscribe.evaluate import evaluate, is_present, near_duplicates, comparison_form, score
from geoscribe.schema import CISTROME, Record, Schema

TOY = Schema("toy", ("A", "B"))


def _records(column_a, column_b):
    return [Record(TOY, {"A": a, "B": b}) for a, b in zip(column_a, column_b)]


# Five records, two attributes. Case and surrounding spaces differ on purpose.
GOLD = _records(["X", "x", "y", "Y", "z"], ["None", "None", "None", "p", "q"])
PRED = _records([" x ", "y", "y", "y", "w"], ["none", "None", "None", "P", "None"])
INPUTS = ["Cell X treated", "x and nothing", "y cells", "p and y", "other"]


def test_score_hand_computed_attribute_a():
    # gold x,x,y,y,z / pred x,y,y,y,w: 3 of 5 right -> accuracy 3/5.
    # class x: support 2, TP 1, predicted once  -> P 1,   R 1/2
    # class y: support 2, TP 2, predicted 3x    -> P 2/3, R 1
    # class z: support 1, TP 0, never predicted -> P 0,   R 0
    # class w: support 0 -> weight 0
    # weighted P = (2*1 + 2*2/3 + 1*0) / 5 = 2/3; weighted R = (2*1/2 + 2*1 + 0) / 5 = 3/5
    s = score([r["A"] for r in GOLD], [r["A"] for r in PRED])
    assert s.n == 5
    assert s.accuracy == pytest.approx(0.6)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(0.6)


def test_score_hand_computed_attribute_b():
    # gold none,none,none,p,q / pred none,none,none,p,none: 4 of 5 right -> 0.8
    # none: support 3, TP 3, predicted 4x -> P 3/4, R 1
    # p:    support 1, TP 1, predicted 1x -> P 1,   R 1
    # q:    support 1, TP 0               -> P 0,   R 0
    # weighted P = (3*3/4 + 1 + 0) / 5 = 0.65; weighted R = (3 + 1 + 0) / 5 = 0.8
    s = score([r["B"] for r in GOLD], [r["B"] for r in PRED])
    assert (s.accuracy, s.precision, s.recall) == pytest.approx((0.8, 0.65, 0.8))


def test_evaluate_overall_is_mean_over_attributes():
    report = evaluate(GOLD, PRED)
    assert report.n == 5 and report.schema == "toy"
    assert report.overall.accuracy == pytest.approx((0.6 + 0.8) / 2)
    assert report.overall.precision == pytest.approx((2 / 3 + 0.65) / 2)
    assert report.overall.recall == pytest.approx((0.6 + 0.8) / 2)
    assert report.splits == {}


def test_score_matches_sklearn_on_lowercased_values():
    g = [comparison_form(r["A"]) for r in GOLD]
    p = [comparison_form(r["A"]) for r in PRED]
    s = score([r["A"] for r in GOLD], [r["A"] for r in PRED])
    assert s.accuracy == accuracy_score(g, p)
    assert s.precision == pytest.approx(precision_score(g, p, average="weighted", zero_division=0))
    assert s.recall == pytest.approx(recall_score(g, p, average="weighted", zero_division=0))


def test_score_lowercases_both_sides():
    # the paper's notebook lower-cased only the prediction; here "HeLa" == "HELA"
    assert score(["HeLa"], ["HELA "]).accuracy == 1.0
    assert score(["HeLa"], ["HeLa S3"]).accuracy == 0.0


def test_score_empty_gives_none_figures():
    s = score([], [])
    assert (s.n, s.accuracy, s.precision, s.recall) == (0, None, None, None)


def test_is_present_case_spacing_and_multi_values():
    assert is_present("HeLa  S3", "a HELA s3 line")
    assert is_present("male,female", "Male and female donors")
    assert not is_present("GRCh38,hg19", "aligned to hg19")
    assert not is_present("Liver", "hepatocytes")


def test_value_in_input_split_hand_computed():
    # A: present in records 0-3 (x, x, y, y), absent in 4 (z); B: none 0-2, present 3 (p), absent 4 (q)
    split = evaluate(GOLD, PRED, inputs=INPUTS).splits["value_in_input"]
    assert split.unit == "cells"
    present, absent, none = (split.groups[g] for g in ("present", "absent", "none"))
    assert present.per_attribute["A"].n == 4
    assert present.per_attribute["A"].accuracy == pytest.approx(3 / 4)  # record 1: x -> y
    assert present.per_attribute["B"].accuracy == 1.0
    assert absent.per_attribute["A"].accuracy == 0.0
    assert none.per_attribute["A"].n == 0 and none.per_attribute["A"].accuracy is None
    assert none.per_attribute["B"].n == 3 and none.per_attribute["B"].accuracy == 1.0
    # pooled over cells, labels kept per attribute:
    # present: A x,x,y,y + B p -> 4 of 5 right; P = (2*1 + 2*2/3 + 1*1) / 5 = 13/15
    assert (present.n, absent.n, none.n) == (5, 2, 3)
    assert present.overall.accuracy == pytest.approx(4 / 5)
    assert present.overall.precision == pytest.approx(13 / 15)
    assert absent.overall.accuracy == 0.0


def test_seen_in_training_split_hand_computed():
    train = _records(["x", "w"], ["None", "p"])
    split = evaluate(GOLD, PRED, train_records=train).splits["value_seen_in_training"]
    # seen: A0 (right), A1 (wrong), B3 (right); unseen: A2, A3 (right), A4, B4 (wrong)
    assert split.groups["seen"].n == 3
    assert split.groups["seen"].overall.accuracy == pytest.approx(2 / 3)
    assert split.groups["unseen"].n == 4
    assert split.groups["unseen"].overall.accuracy == pytest.approx(1 / 2)
    assert split.groups["none"].n == 3
    assert "near_duplicate" not in evaluate(GOLD, PRED, train_records=train).splits


def test_near_duplicates_threshold():
    # every train term has the same idf, so "alpha gamma" has cosine 1/2 with "alpha beta";
    # "zeta" is unknown to the vectoriser and adds nothing
    train = ["alpha beta", "gamma delta"]
    tests = ["alpha beta zeta", "alpha gamma", "omega"]
    assert near_duplicates(tests, train, threshold=0.5) == [True, True, False]
    assert near_duplicates(tests, train, threshold=0.6) == [True, False, False]


def test_near_duplicate_split_is_record_level():
    train_inputs = ["Cell X treated", "y cells"]  # records 0 and 2 copy a training input
    report = evaluate(GOLD, PRED, inputs=INPUTS, train_inputs=train_inputs, near_duplicate_threshold=0.9)
    split = report.splits["near_duplicate"]
    assert split.unit == "records"
    dup, novel = split.groups["near_duplicate"], split.groups["novel"]
    assert (dup.n, novel.n) == (2, 3)
    # records 0, 2: everything right; records 1, 3, 4: A 1/3 right, B 2/3 right
    assert dup.overall.accuracy == 1.0
    assert novel.overall.accuracy == pytest.approx((1 / 3 + 2 / 3) / 2)
    assert novel.overall.accuracy == pytest.approx(evaluate(
        [GOLD[i] for i in (1, 3, 4)], [PRED[i] for i in (1, 3, 4)]
    ).overall.accuracy)


def test_near_duplicates_without_train_inputs_raises():
    with pytest.raises(InputError, match="no training inputs"):
        near_duplicates(["a"], [])
    with pytest.raises(InputError, match="hold no words"):
        near_duplicates(["a"], ["- -", "+"])


def test_evaluate_rejects_mismatched_inputs():
    with pytest.raises(InputError, match="4 predicted records for 5 gold records"):
        evaluate(GOLD, PRED[:4])
    with pytest.raises(InputError, match="no gold records"):
        evaluate([], [])
    with pytest.raises(InputError, match="2 input texts for 5 gold records"):
        evaluate(GOLD, PRED, inputs=INPUTS[:2])
    other = [Record(CISTROME, {"Cell Line": "x"})] * 5
    with pytest.raises(InputError, match="mix the 'toy' and 'cistrome' sets"):
        evaluate(GOLD, other)
