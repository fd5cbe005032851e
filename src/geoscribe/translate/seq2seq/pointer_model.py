"""A BART encoder with a lean, attribute-parallel pointer decoder.

Values such as factors and cell lines are mostly copied from the input and are
often unseen in training (``ZNF143``, ``Mull_M_N-rCr33.05``). A pointer head
lets the decoder put probability on *source tokens* as well as on the
vocabulary (See et al., 2017): ``p = g * p_vocab + (1 - g) * p_copy``, where
``p_copy`` is an attention of the decoder state over the encoder states
scattered onto the source token ids, and ``g`` a learned gate.

Each attribute is decoded as its own short sequence that starts with the
attribute's token, so the output is well-formed by construction and all
attributes decode in parallel. The decoder is our own (about 100 lines) rather
than BART's because cross-attention is computed per *sample*, not per
attribute row: the ``a`` attribute rows of a sample are laid side by side as
``a * t`` queries against that sample's keys, which are projected once. With
BART's decoder the encoder states would be copied and projected ``a`` times
(15 for ENCODE), the main cost of training and of the first decoding step.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn
from transformers import BartConfig
from transformers.models.bart.modeling_bart import BartEncoder


@dataclass
class PointerConfig:
    vocab_size: int
    d_model: int = 192
    encoder_layers: int = 2
    decoder_layers: int = 2
    heads: int = 4
    ffn_dim: int = 768
    max_positions: int = 258  # encoder positions: the source is truncated to fit
    max_target_positions: int = 64
    dropout: float = 0.1
    pad_id: int = 0
    eos_id: int = 2
    # favour copying the source token that follows the one just emitted, so that
    # multi-token names (ZNF613 = ZNF + 613) are copied as spans
    copy_continuation: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def attention(q, k, v, mask=None, causal=False):
    """Plain softmax attention: at these sizes it trains faster on CPU than the fused kernels."""
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.size(-1))
    if causal:
        t = q.size(-2)
        scores = scores.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
    if mask is not None:
        scores = scores + mask
    return torch.softmax(scores.float(), dim=-1).to(v.dtype) @ v


class DecoderLayer(nn.Module):
    """Pre-norm self-attention (causal, cached), cross-attention, feed-forward."""

    def __init__(self, c: PointerConfig) -> None:
        super().__init__()
        self.heads = c.heads
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(c.d_model) for _ in range(3))
        self.qkv = nn.Linear(c.d_model, 3 * c.d_model)
        self.self_out = nn.Linear(c.d_model, c.d_model)
        self.cross_q = nn.Linear(c.d_model, c.d_model)
        self.cross_kv = nn.Linear(c.d_model, 2 * c.d_model)
        self.cross_out = nn.Linear(c.d_model, c.d_model)
        self.ff = nn.Sequential(nn.Linear(c.d_model, c.ffn_dim), nn.GELU(), nn.Linear(c.ffn_dim, c.d_model))
        self.dropout = nn.Dropout(c.dropout)

    def _split(self, x: torch.Tensor) -> torch.Tensor:  # (n, t, d) -> (n, heads, t, d / heads)
        n, t, d = x.shape
        return x.view(n, t, self.heads, d // self.heads).transpose(1, 2)

    def _merge(self, x: torch.Tensor) -> torch.Tensor:
        n, h, t, hd = x.shape
        return x.transpose(1, 2).reshape(n, t, h * hd)

    def cross_keys(self, enc: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-sample cross-attention keys and values, each (b, heads, s, d / heads)."""
        k, v = self.cross_kv(enc).chunk(2, dim=-1)
        # contiguous once, so that no decoding step copies them again
        return self._split(k).contiguous(), self._split(v).contiguous()

    def forward(self, x, cross_kv, cross_mask, a, cache=None):
        # x: (b * a, t, d); cross_mask: (b, 1, 1, s) additive; cache: (k, v) of earlier steps or None
        q, k, v = (self._split(t) for t in self.qkv(self.norm1(x)).chunk(3, dim=-1))
        if cache is not None:
            k, v = torch.cat([cache[0], k], dim=2), torch.cat([cache[1], v], dim=2)
        new_cache = (k, v)
        causal = cache is None and x.size(1) > 1
        h = attention(q, k, v, causal=causal)
        x = x + self.dropout(self.self_out(self._merge(h)))
        # cross-attention: the a rows of a sample become a * t queries of that sample
        n, t, d = x.shape
        b = n // a
        q = self._split(self.cross_q(self.norm2(x)).reshape(b, a * t, d))
        h = attention(q, cross_kv[0], cross_kv[1], mask=cross_mask)
        x = x + self.dropout(self.cross_out(self._merge(h).reshape(n, t, d)))
        x = x + self.dropout(self.ff(self.norm3(x)))
        return x, new_cache


class PointerBart(nn.Module):
    def __init__(self, config: PointerConfig) -> None:
        super().__init__()
        self.config = config
        bart = BartConfig(
            vocab_size=config.vocab_size,
            d_model=config.d_model,
            encoder_layers=config.encoder_layers,
            encoder_attention_heads=config.heads,
            encoder_ffn_dim=config.ffn_dim,
            max_position_embeddings=config.max_positions,
            dropout=config.dropout,
            attention_dropout=0.0,
            activation_dropout=0.0,
            pad_token_id=config.pad_id,
            scale_embedding=True,
        )
        bart._attn_implementation = "eager"
        self.encoder = BartEncoder(bart)
        d = config.d_model
        self.positions = nn.Embedding(config.max_target_positions, d)
        self.layers = nn.ModuleList(DecoderLayer(config) for _ in range(config.decoder_layers))
        self.final_norm = nn.LayerNorm(d)
        self.copy_query = nn.Linear(d, d, bias=False)
        self.copy_key = nn.Linear(d, d, bias=False)
        self.gate = nn.Linear(2 * d, 1)
        if config.copy_continuation:
            self.copy_continue = nn.Parameter(torch.tensor(2.0))

    @property
    def embed(self) -> nn.Embedding:
        return self.encoder.embed_tokens

    # -- pieces shared by training and the decoding loop ---------------------
    def encode(self, src: torch.Tensor, src_mask: torch.Tensor) -> dict:
        """Everything the decoder needs about a batch of sources, computed once."""
        enc = self.encoder(input_ids=src, attention_mask=src_mask).last_hidden_state  # (b, s, d)
        additive = torch.zeros(src_mask.shape, dtype=enc.dtype).masked_fill(~src_mask.bool(), float("-inf"))
        return {
            "enc": enc,
            "src": src,
            "mask": additive[:, None, None, :],  # (b, 1, 1, s)
            "cross": [layer.cross_keys(enc) for layer in self.layers],
            "copy_keys": self.copy_key(enc),  # (b, s, d)
        }

    def decode_step(self, tokens: torch.Tensor, memory: dict, a: int, start: int = 0, caches=None):
        """Decoder states (b * a, t, d) for ``tokens`` (b * a, t) starting at position ``start``."""
        t = tokens.size(1)
        pos = self.positions(torch.arange(start, start + t).clamp(max=self.config.max_target_positions - 1))
        x = self.embed(tokens) + pos  # the embedding already scales by sqrt(d)
        new_caches = []
        for i, layer in enumerate(self.layers):
            x, c = layer(x, memory["cross"][i], memory["mask"], a, None if caches is None else caches[i])
            new_caches.append(c)
        return self.final_norm(x), new_caches

    def _copy_attention(self, h: torch.Tensor, memory: dict, a: int, prev: torch.Tensor | None = None):
        """Copy attention (b, a * t, s) and the gate (n, t, 1); ``prev`` (n, t) are the
        tokens fed at each step (for the continuation bonus)."""
        n, t, d = h.shape
        b = n // a
        hq = self.copy_query(h).reshape(b, a * t, d)
        scores = hq @ memory["copy_keys"].transpose(1, 2) / math.sqrt(d)
        if self.config.copy_continuation and prev is not None:
            src = memory["src"]
            src_prev = torch.cat([torch.full_like(src[:, :1], -1), src[:, :-1]], dim=1)  # token before j
            follows = src_prev[:, None, :] == prev.reshape(b, a * t, 1)
            scores = scores + self.copy_continue * follows.to(scores.dtype)
        attn = torch.softmax((scores + memory["mask"][:, 0]).float(), dim=-1)
        context = (attn.to(memory["enc"].dtype) @ memory["enc"]).reshape(n, t, d)
        gate = torch.sigmoid(self.gate(torch.cat([h, context], dim=-1)).float())
        return attn, gate

    def output_probs(self, h: torch.Tensor, memory: dict, a: int, prev: torch.Tensor | None = None) -> torch.Tensor:
        """Mixed vocabulary/copy distribution, (b * a, t, vocab)."""
        n, t, _ = h.shape
        b = n // a
        p_vocab = torch.softmax((h @ self.embed.weight.T).float(), dim=-1)
        attn, g = self._copy_attention(h, memory, a, prev)
        index = memory["src"][:, None, :].expand(b, a * t, attn.size(-1))
        p_copy = torch.zeros(b, a * t, p_vocab.size(-1)).scatter_add_(2, index, attn)
        return g * p_vocab + (1 - g) * p_copy.reshape(n, t, -1)

    @torch.no_grad()
    def greedy_next(
        self, h: torch.Tensor, memory: dict, a: int, output_ids: torch.Tensor | None = None,
        prev: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Most likely next token and its probability for each row, from states (n, 1, d).

        Equal to ``output_probs(...).max(-1)`` without building the (n, vocab)
        copy distribution: the best token is either the vocabulary's top-1 or one
        of the row's source tokens, whose mixed probability is computed directly.
        ``output_ids`` restricts the generated (not copied) tokens to those seen
        in training outputs, which cuts the output projection to a fraction.
        """
        n = h.size(0)
        b = n // a
        weight = self.embed.weight if output_ids is None else self.embed.weight[output_ids]
        p_vocab = torch.softmax((h[:, 0] @ weight.T).float(), dim=-1)  # (n, vocab or subset)
        attn, g = self._copy_attention(h, memory, a, prev)
        s = attn.size(-1)
        g = g.reshape(n, 1)
        if "same" not in memory:  # (b, s, s): 1 where two source positions hold the same token
            src = memory["src"]
            memory["same"] = (src[:, :, None] == src[:, None, :]).float()
            memory["src_rows"] = src.repeat_interleave(a, 0)
            memory["pad_rows"] = torch.isinf(memory["mask"][:, 0, 0]).repeat_interleave(a, 0)
            if output_ids is None:
                memory["src_in_vocab"] = memory["src_rows"]
            else:  # where each source token sits in the subset (-1: not generable)
                where = torch.full((self.embed.weight.size(0),), -1, dtype=torch.long)
                where[output_ids] = torch.arange(len(output_ids))
                memory["src_in_vocab"] = where[memory["src_rows"]]
        copy_mass = (attn.reshape(b, a, s) @ memory["same"]).reshape(n, s)
        in_vocab = memory["src_in_vocab"]
        p_src = p_vocab.gather(1, in_vocab.clamp(min=0)) * (in_vocab >= 0)
        mixed = g * p_src + (1 - g) * copy_mass
        mixed = mixed.masked_fill(memory["pad_rows"], -1.0)
        best_src, j = mixed.max(1)
        top_vocab, tok_vocab = p_vocab.max(1)
        best_vocab = g[:, 0] * top_vocab
        use_src = best_src >= best_vocab
        if output_ids is not None:
            tok_vocab = output_ids[tok_vocab]
        token = torch.where(use_src, memory["src_rows"].gather(1, j[:, None])[:, 0], tok_vocab)
        return torch.where(use_src, best_src, best_vocab), token

    def target_probs(
        self, h: torch.Tensor, memory: dict, a: int, target: torch.Tensor, output_ids: torch.Tensor | None = None,
        prev: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Probability of ``target`` (n, t) under the mixed distribution, without building it,
        and whether the target is reachable at all (generable, or present in the source)."""
        n, t, _ = h.shape
        b = n // a
        weight = self.embed.weight if output_ids is None else self.embed.weight[output_ids]
        log_vocab = torch.log_softmax((h @ weight.T).float(), dim=-1)
        if output_ids is None:
            in_vocab = torch.ones_like(target, dtype=torch.bool)
            p_vocab = log_vocab.gather(2, target[..., None]).squeeze(-1).exp()
        else:
            where = torch.full((self.embed.weight.size(0),), -1, dtype=torch.long)
            where[output_ids] = torch.arange(len(output_ids))
            pos = where[target]
            in_vocab = pos >= 0
            p_vocab = log_vocab.gather(2, pos.clamp(min=0)[..., None]).squeeze(-1).exp() * in_vocab
        attn, g = self._copy_attention(h, memory, a, prev)
        same = memory["src"][:, None, :] == target.reshape(b, a * t, 1)  # (b, a*t, s)
        p_copy = (attn * same).sum(-1).reshape(n, t)
        reachable = in_vocab | same.any(-1).reshape(n, t)
        g = g.squeeze(-1)
        return g * p_vocab + (1 - g) * p_copy, reachable

    def forward(self, src, src_mask, tgt_in, tgt_out, output_ids: torch.Tensor | None = None) -> torch.Tensor:
        """Mean negative log-likelihood of ``tgt_out`` (b * a, t) given ``tgt_in`` (b * a, t).

        With ``output_ids``, other tokens can only be copied; targets that can be
        neither generated nor copied are left out of the loss.
        """
        a = tgt_in.size(0) // src.size(0)
        memory = self.encode(src, src_mask)
        h, _ = self.decode_step(tgt_in, memory, a)
        picked, reachable = self.target_probs(h, memory, a, tgt_out, output_ids, prev=tgt_in)
        keep = (tgt_out != self.config.pad_id) & reachable
        return -(torch.log(picked + 1e-9) * keep).sum() / keep.sum().clamp(min=1)
