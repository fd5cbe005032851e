"""Torch modules behind Vec2Text: a small encoder-decoder, the MLP vector encoder and
the paper's two-level attention fusion of neighbour summaries (kNN-Vec2Text)."""

from __future__ import annotations

import torch
from torch import nn


class Seq2SeqCore(nn.Module):
    """Encoder-decoder Transformer over given encoder *embeddings*; tied output layer."""

    def __init__(self, vocab_size: int, *, d_model: int, n_layers: int, n_heads: int, max_len: int, dropout: float):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.pos = nn.Embedding(max_len + 2, d_model)
        self.net = nn.Transformer(d_model, n_heads, n_layers, n_layers, 2 * d_model, dropout, batch_first=True)
        # the nested-tensor fast path is a prototype that warns on every padded batch; same results without it
        self.net.encoder.enable_nested_tensor = self.net.encoder.use_nested_tensor = False
        self.norm = nn.LayerNorm(d_model)

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        # token + position embeddings of shape (..., t, d)
        pos = torch.arange(ids.shape[-1], device=ids.device)
        return self.tok(ids) + self.pos(pos)

    def encode(self, src: torch.Tensor, src_pad: torch.Tensor | None) -> torch.Tensor:
        return self.net.encoder(src, src_key_padding_mask=src_pad)

    def hidden(self, memory: torch.Tensor, mem_pad: torch.Tensor | None, tgt_in: torch.Tensor) -> torch.Tensor:
        t = tgt_in.shape[1]
        causal = torch.triu(torch.ones(t, t, dtype=torch.bool, device=tgt_in.device), diagonal=1)
        h = self.net.decoder(self.embed(tgt_in), memory, tgt_mask=causal, tgt_key_padding_mask=tgt_in == 0,
                             memory_key_padding_mask=mem_pad)
        return self.norm(h)  # (b, t, d)

    def decode(self, memory: torch.Tensor, mem_pad: torch.Tensor | None, tgt_in: torch.Tensor) -> torch.Tensor:
        return self.hidden(memory, mem_pad, tgt_in) @ self.tok.weight.T  # logits (b, t, vocab)


class MLPVec2TextNet(nn.Module):
    """The paper's baseline: a one-layer MLP maps the vector to ``n_memory`` states the decoder attends to."""

    def __init__(self, in_dim: int, vocab_size: int, *, d_model: int, n_layers: int, n_heads: int,
                 max_len: int, dropout: float, n_memory: int):
        super().__init__()
        self.n_memory, self.d_model = n_memory, d_model
        self.proj = nn.Sequential(nn.Dropout(dropout), nn.Linear(in_dim, n_memory * d_model))
        self.core = Seq2SeqCore(vocab_size, d_model=d_model, n_layers=n_layers, n_heads=n_heads,
                                max_len=max_len, dropout=dropout)

    def prepare(self, vec: torch.Tensor):
        src = self.proj(vec).view(-1, self.n_memory, self.d_model)  # (b, m, d)
        return (self.core.encode(src, None),)

    def logprobs(self, ctx, tgt_in: torch.Tensor) -> torch.Tensor:
        return torch.log_softmax(self.core.decode(ctx[0], None, tgt_in), -1)

    def forward(self, vec: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        return self.logprobs(self.prepare(vec), tgt_in)


class KNNVec2TextNet(nn.Module):
    """kNN-Vec2Text (paper eqs. 4-9).

    Neighbour summaries (b, k, L) are embedded; a token-level self-attention
    pools each into one vector ``a_m`` (eq. 5); a second self-attention over
    the k vectors ``e_m * a_m`` (eq. 6) gives scores ``sc_m``; weights are
    ``softmax(tau * sc)`` (eq. 7); the fused sequence is the weighted average
    of the neighbours' token embeddings, position by position (eq. 8), and the
    encoder-decoder generates the summary from it (eq. 9).

    With ``copy=True`` (a geoscribe addition, not in the paper) the output also
    mixes in a copy distribution over the neighbours' tokens: each decoder step
    attends to neighbour positions whose *previous* token matches what it just
    wrote (an induction-style key), with the fusion weights ``w_m`` as a prior
    over neighbours, and a learned gate chooses between generating and copying.
    It lets a small model trained from scratch reuse spans of neighbour
    summaries, as the paper's pretrained T5 does (its Table 1).
    """

    def __init__(self, vocab_size: int, *, d_model: int, n_layers: int, n_heads: int, max_len: int,
                 dropout: float, temperature: float, copy: bool = False, k: int = 4, bos: int = 2,
                 rank_bias: bool = True, gap_penalty: bool = True):
        super().__init__()
        self.temperature, self.copy, self.bos = temperature, copy, bos
        # a learned score per neighbour rank (a geoscribe addition): the scaled distances of the
        # k nearest differ by a few percent, yet the nearest summary is much the most similar;
        # it starts at -rank, as it barely moves in a short training (off: fixed at 0, the paper)
        self.rank_bias = nn.Parameter(-torch.arange(float(k)) if rank_bias else torch.zeros(k),
                                      requires_grad=rank_bias)
        # and a learned penalty on each neighbour's relative distance gap to the nearest
        # (d_m / d_1 - 1): a near-duplicate nearest neighbour (a gap of 6% or more, which
        # the other neighbours rarely show) should then take nearly all the weight (off: 0)
        self.gap_weight = nn.Parameter(torch.tensor(30.0 if gap_penalty else 0.0), requires_grad=gap_penalty)
        if copy:
            self.copy_q = nn.Linear(2 * d_model, d_model)
            self.copy_k = nn.Linear(2 * d_model, d_model)
            self.gate = nn.Linear(d_model, 1)
            # an explicit induction feature: a neighbour position whose previous token is
            # the token just written gets this (learned) bonus, so spans continue from step 1
            self.copy_match = nn.Parameter(torch.tensor(3.0))
            # and a further bonus when the two tokens before it match the last two written:
            # a function word alone ("of", "the") does not say which span to continue
            self.copy_match2 = nn.Parameter(torch.tensor(3.0))
        self.core = Seq2SeqCore(vocab_size, d_model=d_model, n_layers=n_layers, n_heads=n_heads,
                                max_len=max_len, dropout=dropout)
        self.sa_tokens = nn.MultiheadAttention(d_model, n_heads, dropout=dropout, batch_first=True)
        self.sa_refs = nn.MultiheadAttention(d_model, n_heads, dropout=dropout, batch_first=True)
        self.score = nn.Linear(d_model, 1)

    def fuse(self, refs: torch.Tensor, dist: torch.Tensor):
        b, k, L = refs.shape
        x = self.core.embed(refs)  # (b, k, L, d)
        flat, pad = x.view(b * k, L, -1), (refs == 0).view(b * k, L)
        pad_safe = pad.clone()
        pad_safe[:, 0] = False  # an all-padding reference would give NaN attention
        a, _ = self.sa_tokens(flat, flat, flat, key_padding_mask=pad_safe)
        keep = (~pad_safe).unsqueeze(-1).float()
        a = ((a * keep).sum(1) / keep.sum(1)).view(b, k, -1)  # (b, k, d): eq. 5, mean-pooled
        u = dist.unsqueeze(-1) * a  # e_m * a_m
        s, _ = self.sa_refs(u, u, u)
        sc = self.score(s).squeeze(-1)  # (b, k): eq. 6
        gap = dist / dist[:, :1].clamp_min(1e-6) - 1
        w = torch.softmax(self.temperature * sc + self.rank_bias[:k] - self.gap_weight * gap,
                          dim=-1)  # eq. 7, + rank bias and distance-gap penalty
        fused = (w[:, :, None, None] * x).sum(1)  # (b, L, d): eq. 8
        return fused, (refs == 0).all(1), w

    def prepare(self, refs: torch.Tensor, dist: torch.Tensor):
        fused, pad, w = self.fuse(refs, dist)
        return self.core.encode(fused, pad), pad, refs, w

    def logprobs(self, ctx, tgt_in: torch.Tensor) -> torch.Tensor:
        mem, pad, refs, w = ctx
        h = self.core.hidden(mem, pad, tgt_in)  # (b, t, d)
        logits = h @ self.core.tok.weight.T  # (b, t, V)
        if not self.copy:
            return torch.log_softmax(logits, -1)
        b, k, L = refs.shape
        tok = self.core.tok
        start = torch.full_like(refs[..., :1], self.bos)  # a summary's first token follows BOS
        prev = torch.cat([start, refs[..., :-1]], -1)  # token before each position
        prev2 = torch.cat([torch.zeros_like(start), start, refs[..., :-2]], -1)[..., :L]
        keys = self.copy_k(torch.cat([tok(prev), tok(refs)], -1)).view(b, k * L, -1)
        query = self.copy_q(torch.cat([tok(tgt_in), h], -1))  # (b, t, d)
        scores = query @ keys.transpose(1, 2) / keys.shape[-1] ** 0.5  # (b, t, k*L)
        scores = scores + torch.log(w + 1e-9).repeat_interleave(L, 1)[:, None, :]
        follows = prev.reshape(b, 1, k * L) == tgt_in[:, :, None]  # (b, t, k*L)
        before = torch.cat([torch.full_like(tgt_in[:, :1], -1), tgt_in[:, :-1]], 1)  # token before the last
        follows2 = follows & (prev2.reshape(b, 1, k * L) == before[:, :, None])
        scores = scores + self.copy_match * follows + self.copy_match2 * follows2
        scores = scores.masked_fill((refs == 0).view(b, 1, k * L), -1e9)
        alpha = torch.softmax(scores, -1)
        copy = torch.zeros_like(logits).scatter_add_(2, refs.view(b, 1, k * L).expand(-1, tgt_in.shape[1], -1), alpha)
        g = torch.sigmoid(self.gate(h))
        return torch.log(g * torch.softmax(logits, -1) + (1 - g) * copy + 1e-9)

    def forward(self, refs: torch.Tensor, dist: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        return self.logprobs(self.prepare(refs, dist), tgt_in)


@torch.no_grad()
def greedy_decode(net: nn.Module, ctx, *, bos: int, eos: int, max_len: int, min_len: int = 0,
                  no_repeat: int = 3, banned: tuple[int, ...] = (),
                  budget: torch.Tensor | None = None) -> list[list[int]]:
    """Greedy decoding that never repeats an n-gram of size ``no_repeat`` (small models loop otherwise),
    does not stop before ``min_len`` tokens (BLEU's brevity penalty punishes short outputs) and never
    emits padding, ``bos`` or the ids in ``banned`` (the unknown-word token: it is the most frequent
    target of a word-level vocabulary, and a generated "[UNK]" can never match a reference).

    ``budget`` (b, vocab) caps how often each token may be written (kNN-Vec2Text passes
    the largest count of each token in a sample's neighbour summaries): a small decoder
    otherwise spends its length on "of the of the". ``eos`` is never capped, and is
    written once nothing else is allowed."""
    b = ctx[0].shape[0]
    seq = torch.full((b, 1), bos, dtype=torch.long)
    done = torch.zeros(b, dtype=torch.bool)
    counts = None if budget is None else torch.zeros_like(budget)
    for _ in range(max_len):
        logits = net.logprobs(ctx, seq)[:, -1]  # (b, vocab)
        logits[:, [0, bos, *banned]] = -float("inf")
        if counts is not None:
            spent = counts >= budget
            spent[:, eos] = False
            logits[spent] = -float("inf")
        if seq.shape[1] <= min_len:
            logits[:, eos] = -float("inf")
        if no_repeat and seq.shape[1] >= no_repeat:
            rows = seq.tolist()
            for i, r in enumerate(rows):
                prefix = tuple(r[-(no_repeat - 1):])
                repeats = [r[j + no_repeat - 1] for j in range(len(r) - no_repeat + 1)
                           if tuple(r[j : j + no_repeat - 1]) == prefix]
                if repeats:
                    logits[i, repeats] = -float("inf")
        stuck = torch.isinf(logits).all(-1)  # every token capped or banned: end here
        nxt = logits.argmax(-1)
        nxt[stuck] = eos
        nxt[done] = 0
        if counts is not None:
            counts[torch.arange(b), nxt] += 1
        seq = torch.cat([seq, nxt[:, None]], 1)
        done |= nxt == eos
        if done.all():
            break
    out = []
    for r in seq[:, 1:].tolist():
        out.append([t for t in (r[: r.index(eos)] if eos in r else r) if t != 0])
    return out
