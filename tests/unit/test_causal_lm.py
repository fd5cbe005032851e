"""The paper's GPT-2 formulation, through a tiny randomly initialised local checkpoint."""

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast
from translate_support import tiny_pairs

from geoscribe.errors import ModelError
from geoscribe.schema import CISTROME
from geoscribe.translate import load_model
from geoscribe.translate.causal_lm import CausalLMTranslator
from geoscribe.translate.seq2seq.tokenizer import train_tokenizer


@pytest.fixture(scope="module")
def tiny_gpt2_dir(tmp_path_factory):
    """A local GPT-2 directory (random weights) as a user would have one."""
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


def test_trains_on_paper_sequences_from_local_checkpoint(tiny_gpt2_dir, tmp_path):
    texts, records = tiny_pairs()
    model = CausalLMTranslator(schema="cistrome", base_model=str(tiny_gpt2_dir), epochs=25, batch_size=16, lr=3e-3)
    model.fit(texts[:140], records[:140])
    assert model.history_[-1]["loss"] < model.history_[0]["loss"] / 2
    predicted = model.translate(texts[140:150])
    for rec in predicted:  # always well-formed, whatever was generated
        assert list(rec.values) == list(CISTROME.attributes) and all(rec.values.values())
    cell_lines = [p["Cell Line"] == g["Cell Line"] for p, g in zip(predicted, records[140:150])]
    assert sum(cell_lines) >= 5, [p.render() for p in predicted]
    again = load_model(model.save(tmp_path / "gpt2-translator"))
    assert [r.values for r in again.translate(texts[140:143])] == [r.values for r in predicted[:3]]


def test_load_refuses_a_directory_of_another_kind(tiny_translator_dir):
    with pytest.raises(ModelError, match="not 'causal-lm'"):
        CausalLMTranslator.load(tiny_translator_dir)


def test_refuses_hub_names():
    with pytest.raises(ModelError, match="never downloads"):
        CausalLMTranslator(base_model="gpt2").fit(["a"], [load_record()])


def load_record():
    from geoscribe.schema import parse

    return parse("Cell Line: None - Cell Type: None - Tissue Type: None - Factor: CTCF", "cistrome")
