"""The one dev split every model uses (translate.training.split_pairs / train_and_dev)."""

import numpy as np
import pytest

from geoscribe.errors import InputError
from geoscribe.translate.training import split_pairs, train_and_dev

TEXTS = [f"t{i}" for i in range(23)]
RECORDS = [f"r{i}" for i in range(23)]  # any objects pair up; the split never looks inside


def test_split_is_a_seeded_permutation_cut_at_the_rounded_fraction():
    order = np.random.default_rng(5).permutation(23)  # what the models cut by hand before
    split = split_pairs(TEXTS, RECORDS, dev_fraction=0.1, seed=5)
    assert split.dev_texts == [f"t{i}" for i in order[:2]] and split.train_texts == [f"t{i}" for i in order[2:]]
    assert split.dev_records == [f"r{i}" for i in order[:2]]
    assert sorted(split.dev_texts + split.train_texts) == sorted(TEXTS)


def test_a_generator_seed_gives_the_same_cut_and_keeps_its_stream():
    gen, same = np.random.default_rng(3), np.random.default_rng(3)
    assert split_pairs(TEXTS, RECORDS, seed=gen) == split_pairs(TEXTS, RECORDS, seed=3)
    same.permutation(23)
    assert gen.random() == same.random()  # batch order drawn afterwards is unchanged


def test_train_and_dev_keeps_a_given_dev_and_cuts_only_when_asked():
    given = (["d"], ["e"])
    assert train_and_dev(TEXTS, RECORDS, given, dev_fraction=0.1, seed=0) == (TEXTS, RECORDS, given)
    assert train_and_dev(TEXTS, RECORDS, None, dev_fraction=0, seed=0) == (TEXTS, RECORDS, None)
    assert train_and_dev(TEXTS[:9], RECORDS[:9], None, dev_fraction=0.5, seed=0) == (TEXTS[:9], RECORDS[:9], None)
    train, train_records, dev = train_and_dev(TEXTS, RECORDS, None, dev_fraction=0.2, seed=1)
    split = split_pairs(TEXTS, RECORDS, dev_fraction=0.2, seed=1)
    assert (train, train_records, dev) == (split.train_texts, split.train_records, (split.dev_texts, split.dev_records))


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1])
def test_fraction_outside_zero_one_is_an_input_error(fraction):
    with pytest.raises(InputError, match="between 0 and 1"):
        split_pairs(TEXTS, RECORDS, dev_fraction=fraction)
