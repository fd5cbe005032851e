"""Snapping decoded values onto training values or input spans."""

from geoscribe.translate.hybrid._snap import extend_to_word, in_text, input_spans, snap_value

TEXT = "Title: ChIP-seq of GFP-tagged ZBTB42 in HEK293 cells - Characteristics: antibody: HNRNPK"


def test_input_spans_are_runs_of_words():
    spans = input_spans("cell line: MCF-7; antibody: ESR1", max_words=2)
    assert {"MCF-7", "ESR1", "line MCF-7", "MCF-7 antibody"} <= set(spans)
    assert "cell line MCF-7" not in spans  # three words
    assert "K562" in input_spans("ChIP-seq in K562") and "in K562" not in input_spans("ChIP-seq in K562")


def test_value_stopped_one_piece_early_is_extended_to_its_word():
    assert extend_to_word(TEXT, "ZBTB4") == "ZBTB42"
    assert extend_to_word(TEXT, "zbtb4") == "ZBTB42"  # case of the text wins


def test_value_that_is_a_whole_word_somewhere_is_not_extended():
    text = "AR ChIP-seq; antibody: ARID1A and AR"
    assert extend_to_word(text, "AR") == "AR"
    assert extend_to_word("no such value here", "ZBTB4") == "ZBTB4"


def test_known_values_and_none_are_left_alone():
    known = {"ZBTB4", "K562"}
    assert snap_value(TEXT, "ZBTB4", known) == "ZBTB4"  # a training value: trusted
    assert snap_value(TEXT, "None", known) == "None"
    assert snap_value(TEXT, "", known) == ""


def test_unknown_verbatim_copy_is_trusted():
    assert snap_value(TEXT, "HEK293", known={"K562"}) == "HEK293"


def test_glued_fragments_snap_to_the_closest_span():
    assert snap_value(TEXT, "HNP K", known={"CTCF"}) == "HNRNPK"
    assert snap_value("cell-line: HBG3; agent: RA", "HBG8", known={"CTCF"}) == "HBG3"
    # training values are candidates too, scored alike: the closest wins, wherever it comes from
    assert snap_value("cell line: A549; GATA3", "HeLa-549", known={"HeLa"}) == "HeLa"


def test_a_stop_word_span_is_never_the_snapped_value():
    assert snap_value("HNRNPK ChIP-seq in K562", "HNP K562", known={"CTCF"}) == "K562"


def test_a_word_another_attribute_holds_is_neither_candidate_nor_part_of_the_match():
    text = "HNRNPK ChIP-seq in K562"
    assert snap_value(text, "HNP K562", known={"CTCF"}, exclude={"k562"}) == "HNRNPK"
    # the exclusion only removes candidates: a value found verbatim is still trusted
    assert snap_value(text, "K562", known={"CTCF"}, exclude={"k562"}) == "K562"


def test_nothing_close_keeps_the_value():
    assert snap_value("cell line: A549", "QQQQQQQQ", known={"CTCF"}) == "QQQQQQQQ"


def test_in_text_matches_whole_words_only():
    assert in_text(TEXT, "hek293") and in_text(TEXT, "ZBTB42")
    assert not in_text(TEXT, "ZBTB4") and not in_text(TEXT, "None") and not in_text(TEXT, "")


def test_input_spans_come_in_text_order_each_once():
    # a list in a fixed order (not a set whose order follows PYTHONHASHSEED): ties in snapping go to the first
    assert input_spans("A375 cells A375", max_words=2) == ["A375", "A375 cells", "cells", "cells A375"]


def test_snap_tie_goes_to_the_earliest_span():
    # 'CEX' is equally close to 'CEL' and 'CEA'; the span written first in the text wins
    assert snap_value("Title: CEL then CEA", "CEX", known=[]) == "CEL"
    assert snap_value("Title: CEA then CEL", "CEX", known=[]) == "CEA"
