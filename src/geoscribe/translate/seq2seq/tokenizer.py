"""A lossless subword tokenizer trained on the training texts (no hub download).

Words carry a leading ``▁`` for the space before them (as in SentencePiece), and
punctuation and underscores are split off as their own tokens, so ``SOX2`` in
``antibody: SOX2`` and the value ``SOX2`` are the same token and a pointer
network can copy one for the other. BPE merges only inside words; characters
unseen in training fall back to byte tokens. Decoding is therefore exact:
``decode(encode(s)) == s`` for any ``s`` with single spaces. (Byte-level BPE, by
contrast, would also turn ``(`` + ``Abcam`` into unrelated merged pieces.)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

PAD, UNK, EOS = "<pad>", "<unk>", "</s>"
SPACE = "\u2581"
BYTE_TOKENS = [f"<0x{i:02X}>" for i in range(256)]


def _pipeline(tok: Tokenizer) -> Tokenizer:
    tok.normalizer = normalizers.Sequence(
        [normalizers.Replace(SPACE, " "), normalizers.Replace(Regex(r"\s+"), " "), normalizers.Strip()]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=SPACE, prepend_scheme="always", split=True),
            pre_tokenizers.Split(Regex(rf"[^\w{SPACE}]|_|{SPACE}(?=[^\w])"), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Sequence([decoders.ByteFallback(), decoders.Fuse()])
    return tok


def train_tokenizer(
    texts: Iterable[str],
    *,
    vocab_size: int = 8000,
    special_tokens: Iterable[str] = (),
    min_frequency: int = 2,
) -> Tokenizer:
    """Train BPE on ``texts``; ids 0-2 are pad, unk, eos, then ``special_tokens``."""
    specials = [PAD, UNK, EOS, *special_tokens]
    tok = _pipeline(Tokenizer(models.BPE(unk_token=UNK)))
    trainer = trainers.BpeTrainer(
        vocab_size=max(vocab_size - len(BYTE_TOKENS), len(specials) + 100),
        min_frequency=min_frequency,
        special_tokens=specials,
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    # Rebuild the model with byte fallback so no character is ever lost.
    vocab = tok.get_vocab()
    for b in BYTE_TOKENS:
        vocab.setdefault(b, len(vocab))
    import json

    merges = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m)
              for m in json.loads(tok.to_str())["model"]["merges"]]
    out = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token=UNK, byte_fallback=True))
    _pipeline(out)
    out.add_special_tokens(specials)
    return out


def decode(tok: Tokenizer, ids: Iterable[int]) -> str:
    """Exact inverse of ``tok.encode`` (special tokens dropped, surrounding space stripped)."""
    return tok.decode(list(ids), skip_special_tokens=True).replace(SPACE, " ").strip()


def load_tokenizer(path: str | Path) -> Tokenizer:
    return Tokenizer.from_file(str(path))
