"""The pointer seq2seq translator on tiny synthetic pairs."""

import json

import pytest
import torch

from geoscribe.errors import ModelError
from geoscribe.schema import CISTROME
from geoscribe.translate import load_model
from geoscribe.translate.seq2seq.pointer_model import PointerBart, PointerConfig
from geoscribe.translate.seq2seq import Seq2SeqTranslator
from geoscribe.translate.seq2seq.tokenizer import decode, train_tokenizer

from translate_support import TINY_PARAMS, tiny_pairs


def test_tokenizer_is_lossless():
    texts, _ = tiny_pairs()
    tok = train_tokenizer(texts, vocab_size=300)
    for s in texts + ["γH2AX (Abcam, #ab1)", "BRG1fl_SOX2_72hTAM", "ümlaut ☃ 5'-UTR", "a\tb\n c"]:
        assert decode(tok, tok.encode(s).ids) == " ".join(s.split())


def test_copied_value_and_standalone_value_share_tokens():
    tok = train_tokenizer(["antibody: SOX2; cells: BRG1fl_SOX2_72h"] * 3, vocab_size=300)
    assert tok.encode("SOX2").ids[0] in tok.encode("antibody: SOX2").ids


@pytest.mark.parametrize("continuation", [False, True])
def test_greedy_step_equals_full_distribution_argmax(continuation):
    torch.manual_seed(0)
    model = PointerBart(PointerConfig(vocab_size=50, d_model=32, heads=2, ffn_dim=64, dropout=0.0,
                                      copy_continuation=continuation)).eval()
    src = torch.randint(3, 50, (3, 7))
    src[1, 5:] = 0  # padding
    src[0, 2] = src[0, 4]  # a repeated source token
    mask = (src != 0).long()
    a = 4
    memory = model.encode(src, mask)
    prev = src[:, 2].repeat_interleave(a)[:, None]  # the token just emitted: copied from position 2
    h, _ = model.decode_step(prev, memory, a)
    full = model.output_probs(h, memory, a, prev)[:, -1]
    prob, token = model.greedy_next(h, memory, a, prev=prev)
    assert torch.equal(token, full.argmax(-1))
    assert torch.allclose(prob, full.max(-1).values, atol=1e-6)
    assert torch.allclose(full.sum(-1), torch.ones(3 * a), atol=1e-5)


def test_learns_to_copy_and_infer(tiny_translator_dir):
    model = load_model(tiny_translator_dir)
    texts, records = tiny_pairs()
    predicted = model.translate(texts[140:])
    held_out = list(zip(predicted, records[140:]))
    # cell type and tissue are never in the text: inferred from the cell line
    inferred = [p[a] == g[a] for p, g in held_out for a in ("Cell Line", "Cell Type", "Tissue Type")]
    assert sum(inferred) / len(inferred) >= 0.9, [p.render() for p, _ in held_out]
    # half the held-out factors are names never seen in training
    factor = [p["Factor"] == g["Factor"] for p, g in held_out]
    assert sum(factor) / len(factor) >= 0.4, [p.render() for p, _ in held_out]


def test_records_are_well_formed_with_confidences(tiny_translator_dir):
    model = load_model(tiny_translator_dir)
    weird = ["", " ", "x" * 1_000_000, "\x00\xff\ufffd" * 50, "Title: ☃☃☃ - Characteristics: -"]
    for rec in model.translate(weird):
        assert list(rec.values) == list(CISTROME.attributes)
        assert all(v.strip() for v in rec.values.values())
        assert all(0.0 <= c <= 1.0 for c in rec.confidence.values())
        assert rec.render().startswith("Cell Line: ")


def test_saved_metadata_records_schema_data_and_versions(tiny_translator_dir, tmp_path):
    """(save/load equality: tests/unit/test_model_contract.py)"""
    load_model(tiny_translator_dir).save(tmp_path / "again")
    meta = json.loads((tmp_path / "again" / "metadata.json").read_text())
    assert meta["schema"] == "cistrome" and meta["data_hash"] and "torch" in meta["versions"]


def test_batch_size_and_order_do_not_change_results(tiny_translator_dir):
    model = load_model(tiny_translator_dir)
    texts, _ = tiny_pairs()
    one = model.translate(texts[:30], batch_size=1)
    many = model.translate(texts[:30], batch_size=64)
    assert [r.values for r in one] == [r.values for r in many]


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: (d / "model.safetensors").unlink(), "corrupt or incomplete"),
        (lambda d: (d / "model.safetensors").write_bytes(b"not safetensors"), "corrupt or incomplete"),
        (lambda d: (d / "tokenizer.json").write_text("{"), "corrupt or incomplete"),
    ],
)
def test_damaged_model_directory_gives_model_error(tiny_model_copy, damage, message):
    damage(tiny_model_copy)
    with pytest.raises(ModelError, match=message):
        load_model(tiny_model_copy)


def test_interrupted_training_resumes_from_checkpoint(tmp_path):
    texts, records = tiny_pairs()
    params = {**TINY_PARAMS, "epochs": 3}
    full = Seq2SeqTranslator(**params).fit(texts[:40], records[:40], checkpoint_dir=tmp_path / "full")

    def interrupt_after_epoch_2(line):
        if line.startswith("epoch 2:"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Seq2SeqTranslator(**params).fit(texts[:40], records[:40], checkpoint_dir=tmp_path / "ck", log=interrupt_after_epoch_2)
    lines = []
    resumed = Seq2SeqTranslator(**params).fit(texts[:40], records[:40], checkpoint_dir=tmp_path / "ck", log=lines.append)
    assert lines[0] == f"resumed from {tmp_path / 'ck'} after epoch 2"
    assert [h["epoch"] for h in resumed.history_] == [1, 2, 3]
    assert resumed.history_[2]["loss"] == pytest.approx(full.history_[2]["loss"], rel=1e-5)
    assert [r.values for r in resumed.translate(texts[:5])] == [r.values for r in full.translate(texts[:5])]


def test_continuation_bonus_favours_the_next_source_position():
    torch.manual_seed(0)
    model = PointerBart(PointerConfig(vocab_size=50, d_model=32, heads=2, ffn_dim=64, dropout=0.0,
                                      copy_continuation=True)).eval()
    src = torch.tensor([[5, 6, 7, 8, 9, 10]])
    memory = model.encode(src, torch.ones_like(src))
    h = torch.zeros(1, 1, 32)  # no preference from the state itself
    attn, _ = model._copy_attention(h, memory, 1, prev=torch.tensor([[7]]))
    assert attn[0, 0].argmax().item() == 3  # the position after token 7


def test_restricted_output_vocabulary_matches_full_where_it_allows():
    torch.manual_seed(1)
    model = PointerBart(PointerConfig(vocab_size=60, d_model=32, heads=2, ffn_dim=64, dropout=0.0)).eval()
    src = torch.randint(3, 60, (2, 6))
    a = 3
    memory = model.encode(src, torch.ones_like(src))
    h, _ = model.decode_step(torch.randint(3, 60, (2 * a, 1)), memory, a)
    allowed = torch.arange(0, 60, 2)  # even ids may be generated, odd ones only copied
    prob, token = model.greedy_next(h, dict(memory), a, allowed)
    # reference: full distribution with odd ids' vocabulary mass removed and renormalised
    p_vocab = torch.softmax(h[:, 0] @ model.embed.weight[allowed].T, -1)
    full_vocab = torch.zeros(2 * a, 60).index_copy_(1, allowed, p_vocab)
    attn, g = model._copy_attention(h, memory, a)
    copy = torch.zeros(2, a, 60).scatter_add_(2, src[:, None, :].expand(2, a, 6), attn).reshape(2 * a, 60)
    mixed = g[:, 0] * full_vocab + (1 - g[:, 0]) * copy
    assert torch.equal(token, mixed.argmax(-1))
    assert torch.allclose(prob, mixed.max(-1).values, atol=1e-6)
