"""Fixtures for translator tests: a tiny pointer seq2seq trained once per session, and the tiny
local encoder and GPT-2 directories the classifier and causal-LM models start from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from translate_support import ALL, TINY_PARAMS, chip_pairs, tiny_pairs


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


@pytest.fixture(scope="session")
def tiny_encoder(tmp_path_factory) -> Path:
    """A randomly initialised 1-layer BERT with a word-level vocabulary of the untitled chip pairs."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    path = tmp_path_factory.mktemp("encoder")
    words = sorted({w.lower() for t in chip_pairs(ALL, titled=False)[0] for w in t.replace("-", " - ").split()})
    (path / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    BertTokenizerFast(str(path / "vocab.txt")).save_pretrained(path)  # positional: 4.x and 5.x
    torch.manual_seed(0)
    config = BertConfig(vocab_size=5 + len(words), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def tiny_gpt2_dir(tmp_path_factory) -> Path:
    """A local GPT-2 directory (random weights) as a user would have one."""
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    from geoscribe.translate.seq2seq.tokenizer import train_tokenizer

    texts, records = tiny_pairs()
    tok = PreTrainedTokenizerFast(
        tokenizer_object=train_tokenizer(texts + [r.render() for r in records] + ["= $"], vocab_size=600),
        eos_token="</s>", pad_token="<pad>", unk_token="<unk>",
    )
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tok), n_positions=256, n_embd=64, n_layer=2, n_head=2,
                                       eos_token_id=tok.eos_token_id, bos_token_id=tok.eos_token_id))
    path = tmp_path_factory.mktemp("gpt2") / "tiny-gpt2"
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path
