"""The seed paper's encoder-decoder LSTM with Luong attention (kind ``lstm``).

Sizes follow its Table 1: encoder embedding 256 + LSTM 512; decoder embedding
256 + LSTM 512, then the attention output (LSTM state concatenated with the
context vector) through a dense tanh layer of 512 and a dense layer over the
output vocabulary. Training is teacher-forced with Adam (lr 1e-3, betas 0.9 /
0.999, eps 1e-7, batch 64, its Table 4) and stops early on a dev split;
decoding is greedy up to the longest training output.

Tokenisation is the paper's: lower case, a space on both sides of parentheses,
dashes and underscores, equal signs removed, split on whitespace. On the output
side a token that was glued to the previous one (``mcf-7`` -> ``mcf ##- ##7``)
carries a ``##`` mark so that values can be rebuilt exactly.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..estimator import check_fitted, data_hash, new_from_config, read_metadata, write_model_files
from ..schema import Record, parse
from .base import Translator
from .baselines import check_pairs, load_json, make_record
from .training import train_and_dev

PAD, UNK, START, END, GLUE = "<pad>", "<unk>", "<start>", "<end>", "##"
_SPLIT = re.compile(r"([()\-_])")


def tokenize(text: str) -> list[str]:
    """The paper's input tokenisation."""
    text = _SPLIT.sub(r" \1 ", text.lower().replace("=", ""))
    return text.split()


def tokenize_output(text: str) -> list[str]:
    """Like :func:`tokenize`, but a token not preceded by a space is marked ``##``."""
    out: list[str] = []
    for word in text.lower().split():
        pieces = [p for p in _SPLIT.split(word) if p]
        out.extend([pieces[0]] + [GLUE + p for p in pieces[1:]])
    return out


def detokenize(tokens: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """Text of output ``tokens`` and each token's character span in it."""
    text, spans = "", []
    for tok in tokens:
        if tok.startswith(GLUE) and text:
            tok = tok[len(GLUE):]
        elif text:
            text += " "
        spans.append((len(text), len(text) + len(tok)))
        text += tok
    return text, spans


def _vocab(sequences: Sequence[list[str]], *, min_count: int, max_size: int | None) -> list[str]:
    counts = Counter(t for seq in sequences for t in seq)
    keep = [t for t, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_count]
    return [PAD, UNK, START, END] + keep[: max_size]


def _build_network(n_in: int, n_out: int, *, embed: int, hidden: int, dense: int, dropout: float):
    import torch
    from torch import nn

    class Seq2SeqLSTM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.enc_embed = nn.Embedding(n_in, embed, padding_idx=0)
            self.encoder = nn.LSTM(embed, hidden, batch_first=True)
            self.dec_embed = nn.Embedding(n_out, embed, padding_idx=0)
            self.decoder = nn.LSTM(embed, hidden, batch_first=True)
            self.drop = nn.Dropout(dropout)
            self.attn_dense = nn.Linear(2 * hidden, dense)  # [state; context] -> tanh 512
            self.out = nn.Linear(dense, n_out)

        def encode(self, src, lengths):
            packed = nn.utils.rnn.pack_padded_sequence(
                self.drop(self.enc_embed(src)), lengths.cpu(), batch_first=True, enforce_sorted=False)
            memory, state = self.encoder(packed)
            memory, _ = nn.utils.rnn.pad_packed_sequence(memory, batch_first=True, total_length=src.shape[1])
            return memory, state  # (b, s, h), ((1, b, h), (1, b, h))

        def decode(self, tgt, memory, mask, state):
            dec, state = self.decoder(self.drop(self.dec_embed(tgt)), state)  # (b, t, h)
            scores = dec @ memory.transpose(1, 2)  # Luong dot score, (b, t, s)
            scores = scores.masked_fill(~mask[:, None, :], float("-inf"))
            context = torch.softmax(scores, dim=-1) @ memory  # (b, t, h)
            hidden_att = torch.tanh(self.attn_dense(torch.cat([dec, context], dim=-1)))
            return self.out(self.drop(hidden_att)), state  # logits (b, t, n_out)

        def forward(self, src, lengths, tgt):
            memory, state = self.encode(src, lengths)
            return self.decode(tgt, memory, src != 0, state)[0]

    return Seq2SeqLSTM()


class LSTMTranslator(Translator):
    """Encoder-decoder LSTM with Luong attention, as in the seed paper.

    ``max_epochs`` caps training (the paper stopped at 15 epochs on Cistrome);
    ``patience`` epochs without a lower dev loss stop it earlier, and no new
    epoch starts after ``max_minutes`` (35: one Cistrome epoch takes ~5 min on
    2 CPU cores, so training ends within ~45 min). The weights of the epoch
    with the lowest dev loss are kept. Inputs longer than ``max_input_len``
    tokens are truncated (the paper dropped them).
    """

    kind = "lstm"

    def __init__(self, *, schema: str = "cistrome", embed_dim: int = 256, hidden_dim: int = 512,
                 dense_dim: int = 512, dropout: float = 0.1, max_input_len: int = 200,
                 max_input_vocab: int | None = 30_000, min_count: int = 1, batch_size: int = 64,
                 lr: float = 1e-3, max_epochs: int = 15, patience: int = 2,
                 max_minutes: float | None = 35.0, dev_fraction: float = 0.1, seed: int = 0) -> None:
        self.schema = schema
        self.embed_dim, self.hidden_dim, self.dense_dim, self.dropout = embed_dim, hidden_dim, dense_dim, dropout
        self.max_input_len, self.max_input_vocab, self.min_count = max_input_len, max_input_vocab, min_count
        self.batch_size, self.lr, self.max_epochs, self.patience = batch_size, lr, max_epochs, patience
        self.max_minutes, self.dev_fraction, self.seed = max_minutes, dev_fraction, seed

    # -- encoding helpers ------------------------------------------------------
    def _src_ids(self, texts: Sequence[str]) -> list[list[int]]:
        index = self._in_index
        ids = [[index.get(t, 1) for t in tokenize(x)][: self.max_input_len] for x in texts]
        return [s or [1] for s in ids]  # an empty input still has one (unknown) token

    def _tgt_ids(self, records: Sequence[Record]) -> list[list[int]]:
        index = self._out_index
        return [[2] + [index.get(t, 1) for t in tokenize_output(r.render())] + [3] for r in records]

    def _network(self):
        return _build_network(len(self.input_vocab_), len(self.output_vocab_), embed=self.embed_dim,
                              hidden=self.hidden_dim, dense=self.dense_dim, dropout=self.dropout)

    def _set_vocab(self, input_vocab: list[str], output_vocab: list[str]) -> None:
        self.input_vocab_, self.output_vocab_ = input_vocab, output_vocab
        self._in_index = {t: i for i, t in enumerate(input_vocab)}
        self._out_index = {t: i for i, t in enumerate(output_vocab)}

    @staticmethod
    def _pad(seqs: Sequence[list[int]]):
        import torch

        out = torch.zeros(len(seqs), max(len(s) for s in seqs), dtype=torch.long)
        for i, s in enumerate(seqs):
            out[i, : len(s)] = torch.tensor(s)
        return out

    def _batches(self, n: int, lengths: Sequence[int], rng: np.random.Generator | None):
        """Index batches of similar input length (less padding), in random order when ``rng``."""
        order = np.argsort(np.asarray(lengths), kind="stable")
        chunks = [order[i : i + self.batch_size] for i in range(0, n, self.batch_size)]
        if rng is not None:
            rng.shuffle(chunks)
        return chunks

    # -- training --------------------------------------------------------------
    def fit(self, texts: Sequence[str], records: Sequence[Record], *, progress: bool = False,
            dev: tuple[Sequence[str], Sequence[Record]] | None = None) -> LSTMTranslator:
        import torch
        from ..progress import with_progress

        schema = self.record_schema
        check_pairs(texts, records, schema)
        rng = np.random.default_rng(self.seed)
        torch.manual_seed(self.seed)
        texts, records, dev = train_and_dev(list(texts), list(records), dev, dev_fraction=self.dev_fraction, seed=rng)
        self._set_vocab(
            _vocab([tokenize(t) for t in texts], min_count=self.min_count, max_size=self.max_input_vocab),
            _vocab([tokenize_output(r.render()) for r in records], min_count=1, max_size=None))
        src, tgt = self._src_ids(texts), self._tgt_ids(records)
        dev_src, dev_tgt = (self._src_ids(dev[0]), self._tgt_ids(dev[1])) if dev else (None, None)
        net = self._network()
        opt = torch.optim.Adam(net.parameters(), lr=self.lr, betas=(0.9, 0.999), eps=1e-7)
        loss_fn = torch.nn.CrossEntropyLoss(ignore_index=0)

        def run(s_ids, t_ids, chunks, train: bool) -> float:
            net.train(train)
            total, count = 0.0, 0
            for idx in with_progress(chunks, desc="lstm" if train else "dev", enabled=progress, leave=False):
                s = self._pad([s_ids[i] for i in idx])
                t = self._pad([t_ids[i] for i in idx])
                lengths = (s != 0).sum(1)
                with torch.set_grad_enabled(train):
                    logits = net(s, lengths, t[:, :-1])
                    loss = loss_fn(logits.reshape(-1, logits.shape[-1]), t[:, 1:].reshape(-1))
                if train:
                    opt.zero_grad()
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
                    opt.step()
                n_tok = int((t[:, 1:] != 0).sum())
                total, count = total + float(loss.detach()) * n_tok, count + n_tok
            return total / max(count, 1)

        best, best_state, bad, history, start = math.inf, None, 0, [], time.monotonic()
        for epoch in range(1, self.max_epochs + 1):
            tick = time.monotonic()
            train_loss = run(src, tgt, self._batches(len(src), [len(s) for s in src], rng), True)
            val = run(dev_src, dev_tgt, self._batches(len(dev_src), [len(s) for s in dev_src], None),
                      False) if dev_src else train_loss
            history.append({"epoch": epoch, "loss": round(train_loss, 4), "val": round(val, 4),
                            "seconds": round(time.monotonic() - tick, 1)})
            if progress:
                print(f"epoch {epoch}: loss {train_loss:.3f}, val {val:.3f}, "
                      f"{time.monotonic() - tick:.0f} s", flush=True)
            if val < best - 1e-4:
                best, bad = val, 0
                best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
            else:
                bad += 1
            over_time = self.max_minutes is not None and time.monotonic() - start > 60 * self.max_minutes
            if bad >= self.patience or over_time:
                break
        net.load_state_dict(best_state)
        net.eval()
        self.network_, self.history_ = net, history
        self.epochs_ = min(len(history), int(np.argmin([h["val"] for h in history])) + 1)
        self.max_output_len_ = max(len(t) for t in tgt)
        self.data_hash_ = data_hash(texts, records)
        return self

    # -- translation -----------------------------------------------------------
    def translate(self, texts: Sequence[str], *, batch_size: int = 64,
                  progress: bool = False) -> list[Record]:
        import torch
        from ..progress import with_progress

        check_fitted(self)
        src_all = self._src_ids(texts)
        out: list[Record | None] = [None] * len(texts)
        chunks = [np.arange(i, min(i + batch_size, len(texts))) for i in range(0, len(texts), batch_size)]
        with torch.inference_mode():
            for idx in with_progress(chunks, desc="lstm", enabled=progress):
                s = self._pad([src_all[i] for i in idx])
                memory, state = self.network_.encode(s, (s != 0).sum(1))
                mask = s != 0
                token = torch.full((len(idx), 1), 2, dtype=torch.long)
                ids, probs = [], []
                done = torch.zeros(len(idx), dtype=torch.bool)
                for _ in range(self.max_output_len_):
                    logits, state = self.network_.decode(token, memory, mask, state)
                    logits[:, -1, :3] = float("-inf")  # never <pad>, <unk> or <start>
                    p, token = torch.softmax(logits[:, -1], dim=-1).max(dim=-1, keepdim=True)
                    ids.append(token[:, 0])
                    probs.append(p[:, 0])
                    done |= token[:, 0] == 3
                    if bool(done.all()):
                        break
                ids_m, probs_m = torch.stack(ids, 1).tolist(), torch.stack(probs, 1).tolist()
                for row, i in enumerate(idx):
                    out[i] = self._record(ids_m[row], probs_m[row])
        return out  # type: ignore[return-value]

    def _record(self, ids: list[int], probs: list[float]) -> Record:
        """Parse greedy output; an attribute's confidence is the geometric mean of its tokens' probabilities."""
        schema = self.record_schema
        n = ids.index(3) if 3 in ids else len(ids)
        tokens = [self.output_vocab_[i] for i in ids[:n]]
        text, spans = detokenize(tokens)
        record = parse(text, schema, strict=False)
        keys = list(schema._key_pattern.finditer(text))
        conf: dict[str, float] = {}
        for j, m in enumerate(keys):
            attr = next(a for a in schema.attributes if a.lower() == m.group(1).lower())
            end = keys[j + 1].start() if j + 1 < len(keys) else len(text)
            logp = [math.log(max(probs[k], 1e-12)) for k, (a, b) in enumerate(spans)
                    if a < end and b > m.start()]
            conf.setdefault(attr, math.exp(sum(logp) / len(logp)) if logp else 0.0)
        return make_record(schema, record.values, conf)

    # -- persistence -----------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        from safetensors.torch import save_file

        check_fitted(self)
        path = write_model_files(self, path, metadata={
            "data_hash": self.data_hash_, "epochs": self.epochs_, "history": self.history_})
        vocab = {"input": self.input_vocab_, "output": self.output_vocab_,
                 "max_output_len": self.max_output_len_}
        (path / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
        state = {k: v.contiguous() for k, v in self.network_.state_dict().items()}
        save_file(state, str(path / "model.safetensors"))
        return path

    @classmethod
    def load(cls, path: str | Path) -> LSTMTranslator:
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        model = new_from_config(cls, path)
        path = Path(path)
        vocab = load_json(path / "vocab.json")
        try:
            model._set_vocab(list(vocab["input"]), list(vocab["output"]))
            model.max_output_len_ = int(vocab["max_output_len"])
        except (KeyError, TypeError, ValueError):
            raise ModelError(f"{path}/vocab.json is corrupt; re-save the model.") from None
        weights = path / "model.safetensors"
        if not weights.is_file():
            raise ModelError(f"{weights} is missing; the model directory is incomplete, re-save it.")
        net = model._network()
        try:
            net.load_state_dict(load_file(str(weights)))
        except (SafetensorError, RuntimeError, OSError) as exc:
            raise ModelError(f"{weights} is corrupt or does not match vocab.json ({str(exc)[:80]}).") from None
        net.eval()
        meta = read_metadata(path)
        model.network_, model.history_ = net, meta.get("history", [])
        model.epochs_, model.data_hash_ = meta.get("epochs", 0), meta.get("data_hash", "")
        return model
