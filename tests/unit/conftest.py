"""Fixtures for translator tests: a tiny pointer seq2seq trained once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from translate_support import TINY_PARAMS, tiny_pairs


@pytest.fixture(scope="session")
def tiny_translator_dir(tmp_path_factory) -> Path:
    """A saved tiny Seq2SeqTranslator trained on the first 100 tiny pairs."""
    from geoscribe.translate.seq2seq import Seq2SeqTranslator

    torch.set_num_threads(1)
    texts, records = tiny_pairs()
    model = Seq2SeqTranslator(**TINY_PARAMS).fit(texts[:140], records[:140])
    return model.save(tmp_path_factory.mktemp("models") / "tiny-seq2seq")


@pytest.fixture
def tiny_model_copy(tiny_translator_dir, tmp_path) -> Path:
    """A per-test copy of the tiny model directory (safe to corrupt)."""
    return Path(shutil.copytree(tiny_translator_dir, tmp_path / "model"))
