"""Vec2Text: generate a series summary from its five-number gene feature vector.

Three estimators share one interface (``fit(vectors, summaries)``,
``generate(vectors)``, ``save(dir)``, ``load(dir)``):

* :class:`NearestNeighbourVec2Text` - the summary of the closest training vector;
* :class:`MLPVec2Text` - the paper's baseline: one-layer MLP encoder of the
  vector into a Transformer decoder;
* :class:`KNNVec2Text` - the paper's model: k nearest training vectors by
  Euclidean distance (k=4), their summaries' token embeddings fused by two-level
  self-attention with temperature 0.1, fed to an encoder-decoder.

The networks are small and trained from scratch (random init, a word-level
tokenizer trained with ``tokenizers``) so that 5-fold CV runs on a CPU; the
paper fine-tuned pretrained T5.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ..errors import InputError, ModelError
from ..estimator import Estimator, check_fitted, new_from_config, read_model_config, write_model_files
from ._util import log

SPECIALS = ["[PAD]", "[UNK]", "[BOS]", "[EOS]"]
PAD, UNK, BOS, EOS = range(4)


def _check_xy(vectors, summaries=None) -> np.ndarray:
    x = np.asarray(vectors, dtype=np.float32)
    if x.ndim != 2 or len(x) == 0:
        raise InputError(f"vectors must be a non-empty 2-D array (series x features), got shape {x.shape}.")
    if summaries is not None and len(summaries) != len(x):
        raise InputError(f"{len(x)} vectors but {len(summaries)} summaries; they must pair up.")
    return x


def sq_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances (len(a), len(b)), computed in float64 blocks."""
    b64 = b.astype(np.float64)
    bn = (b64**2).sum(1)
    out = np.empty((len(a), len(b)))
    for s in range(0, len(a), 256):
        a64 = a[s : s + 256].astype(np.float64)
        out[s : s + 256] = np.maximum((a64**2).sum(1)[:, None] + bn[None] - 2 * a64 @ b64.T, 0)
    return out


def nearest(query: np.ndarray, index: np.ndarray, k: int, *, exclude_self: bool = False):
    """(indices, distances) of the ``k`` nearest rows of ``index`` for each query row."""
    d = sq_distances(query, index)
    if exclude_self:
        np.fill_diagonal(d, np.inf)
    k = min(k, index.shape[0] - int(exclude_self))
    idx = np.argpartition(d, k - 1, axis=1)[:, :k] if k < d.shape[1] else np.tile(np.arange(d.shape[1]), (len(d), 1))
    order = np.take_along_axis(d, idx, 1).argsort(1)
    idx = np.take_along_axis(idx, order, 1)
    return idx, np.sqrt(np.take_along_axis(d, idx, 1))


class NearestNeighbourVec2Text(Estimator):
    """Retrieval baseline: the summary of the nearest training vector (Euclidean)."""

    kind: ClassVar[str] = "textomics-nn"

    def fit(self, vectors, summaries: Sequence[str]) -> NearestNeighbourVec2Text:
        self.vectors_ = _check_xy(vectors, summaries)
        self.summaries_ = list(summaries)
        return self

    def generate(self, vectors, **_: Any) -> list[str]:
        check_fitted(self)
        idx, _ = nearest(_check_xy(vectors), self.vectors_, 1)
        return [self.summaries_[i] for i in idx[:, 0]]

    def save(self, path: str | Path) -> Path:
        check_fitted(self)
        path = write_model_files(self, path)
        np.savez_compressed(path / "index.npz", vectors=self.vectors_)
        (path / "summaries.json").write_text(json.dumps(self.summaries_))
        return path

    @classmethod
    def load(cls, path: str | Path):
        obj = new_from_config(cls, path)
        with np.load(Path(path) / "index.npz", allow_pickle=False) as z:
            obj.vectors_ = z["vectors"]
        obj.summaries_ = json.loads((Path(path) / "summaries.json").read_text())
        return obj


class _NeuralVec2Text(Estimator):
    """Shared training, decoding and saving of the two neural models."""

    # -- pieces each model defines
    def _build(self, in_dim: int, vocab: int): ...
    def _inputs(self, x: np.ndarray, rows: np.ndarray, *, training: bool): ...

    def _train_tokenizer(self, summaries):
        from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

        tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
        tok.normalizer = normalizers.Lowercase()
        tok.pre_tokenizer = pre_tokenizers.Whitespace()
        tok.train_from_iterator(summaries, trainers.WordLevelTrainer(
            vocab_size=self.vocab_size, min_frequency=2, special_tokens=SPECIALS))
        return tok

    def _ids(self, summaries) -> np.ndarray:
        out = np.zeros((len(summaries), self.max_len + 1), dtype=np.int64)
        for i, enc in enumerate(self.tokenizer_.encode_batch(list(summaries))):
            # rare words are dropped rather than kept as [UNK]: decoding never writes [UNK],
            # and copied spans should run on across a rare word in a neighbour's summary
            ids = [t for t in enc.ids if t != UNK][: self.max_len]
            out[i, : len(ids) + 1] = ids + [EOS]
        return out

    def fit(self, vectors, summaries: Sequence[str], *, progress: bool = False):
        import torch

        torch.manual_seed(self.seed)
        x = _check_xy(vectors, summaries)
        self.tokenizer_ = self._train_tokenizer(summaries)
        self.train_ids_ = self._ids(summaries)
        # in words, rare ones included: the references are scored with them (BLEU's brevity penalty)
        self.median_length_ = int(np.median([min(len(e.ids), self.max_len)
                                             for e in self.tokenizer_.encode_batch(list(summaries))]))
        self.mean_, self.scale_ = x.mean(0), x.std(0) + 1e-6
        self.train_vectors_ = x
        self.net_ = self._build(x.shape[1], self.tokenizer_.get_vocab_size())
        opt = torch.optim.AdamW(self.net_.parameters(), lr=self.lr, weight_decay=0.01)
        n, rng = len(x), np.random.default_rng(self.seed)
        steps = self.epochs * ((n + self.batch_size - 1) // self.batch_size)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=self.lr, total_steps=max(steps, 1), pct_start=0.1)
        self._prepare_training(x)
        self.net_.train()
        for epoch in range(self.epochs):
            perm, total = rng.permutation(n), 0.0
            for s in range(0, n, self.batch_size):
                rows = perm[s : s + self.batch_size]
                tgt = torch.from_numpy(self.train_ids_[rows])
                tgt_in = torch.cat([torch.full((len(rows), 1), BOS), tgt[:, :-1]], 1)
                logits = self.net_(*self._inputs(x, rows, training=True), tgt_in)
                loss = torch.nn.functional.cross_entropy(logits.transpose(1, 2), tgt, ignore_index=PAD,
                                                         label_smoothing=0.1)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.net_.parameters(), 1.0)
                opt.step()
                sched.step()
                total += loss.item() * len(rows)
            log(f"{type(self).__name__} epoch {epoch + 1}/{self.epochs}: loss {total / n:.3f}", enabled=progress)
        self.net_.eval()
        return self

    def _prepare_training(self, x):
        pass

    def generate(self, vectors, *, batch_size: int = 64) -> list[str]:
        import torch

        from ._nets import greedy_decode

        check_fitted(self)
        x = _check_xy(vectors)
        min_len, max_len = self.generation_min_len(), self.generation_max_len()
        out: list[str] = []
        with torch.no_grad():
            for s in range(0, len(x), batch_size):
                rows = np.arange(s, min(s + batch_size, len(x)))
                inputs = self._inputs(x, rows, training=False)
                ctx = self.net_.prepare(*inputs)
                ids = greedy_decode(self.net_, ctx, bos=BOS, eos=EOS, max_len=max_len, min_len=min_len,
                                    banned=(UNK,), budget=self._budget(inputs))
                out += [self.tokenizer_.decode(r) for r in ids]
        return out

    def _budget(self, inputs):
        """Per-sample caps on token counts for decoding, or None (see ``greedy_decode``)."""
        return None

    def generation_min_len(self) -> int:
        """Tokens written before the end token is allowed: ``min_len``, or by default the
        median length of the training summaries. BLEU's brevity penalty costs
        ``exp(1 - ref/hyp)`` for a short output, so a summary-length output matters more
        than anything a small decoder learns about when to stop."""
        if self.min_len is not None:
            return min(self.min_len, self.max_len)
        return self._median_length()

    def generation_max_len(self) -> int:
        """Tokens written at most: ``max_gen_len``, or by default the median length of the
        training summaries (at least :meth:`generation_min_len`). The small decoders seldom
        learn to stop: without this cap their outputs ran to ``max_len``, 1.6x the length of
        the references, which costs precision (BLEU, ROUGE-L). ``max_gen_len=max_len`` lifts it."""
        cap = self._median_length() if self.max_gen_len is None else self.max_gen_len
        return min(self.max_len, max(cap, self.generation_min_len()))

    def _median_length(self) -> int:
        return self.median_length_

    def save(self, path: str | Path) -> Path:
        from safetensors.torch import save_model

        check_fitted(self)
        path = write_model_files(self, path, metadata={"in_dim": int(self.train_vectors_.shape[1])})
        self.tokenizer_.save(str(path / "tokenizer.json"))
        save_model(self.net_, str(path / "model.safetensors"))
        np.savez_compressed(path / "state.npz", mean=self.mean_, scale=self.scale_,
                            train_vectors=self.train_vectors_, train_ids=self.train_ids_,
                            median_length=np.int64(self.median_length_))
        return path

    @classmethod
    def load(cls, path: str | Path):
        from safetensors.torch import load_model
        from tokenizers import Tokenizer

        obj, path = new_from_config(cls, path), Path(path)
        obj.tokenizer_ = Tokenizer.from_file(str(path / "tokenizer.json"))
        with np.load(path / "state.npz", allow_pickle=False) as z:
            obj.mean_, obj.scale_ = z["mean"], z["scale"]
            obj.train_vectors_, obj.train_ids_ = z["train_vectors"], z["train_ids"]
            obj.median_length_ = int(z["median_length"]) if "median_length" in z.files \
                else int(np.median((obj.train_ids_ != PAD).sum(1) - 1))  # older saves: rare words not counted
        obj.net_ = obj._build(obj.train_vectors_.shape[1], obj.tokenizer_.get_vocab_size())
        load_model(obj.net_, str(path / "model.safetensors"))
        obj.net_.eval()
        obj._prepare_training(obj.train_vectors_)
        return obj


class MLPVec2Text(_NeuralVec2Text):
    """Baseline: standardised vector -> one-layer MLP -> ``n_memory`` states -> Transformer decoder."""

    kind: ClassVar[str] = "textomics-mlp"

    def __init__(self, *, d_model: int = 128, n_layers: int = 2, n_heads: int = 4, n_memory: int = 4,
                 max_len: int = 96, min_len: int | None = None, max_gen_len: int | None = None,
                 vocab_size: int = 4000, dropout: float = 0.1,
                 epochs: int = 12, batch_size: int = 32, lr: float = 1e-3, seed: int = 0) -> None:
        self.d_model, self.n_layers, self.n_heads, self.n_memory = d_model, n_layers, n_heads, n_memory
        self.max_len, self.min_len, self.vocab_size, self.dropout = max_len, min_len, vocab_size, dropout
        self.max_gen_len = max_gen_len
        self.epochs, self.batch_size, self.lr, self.seed = epochs, batch_size, lr, seed

    def _build(self, in_dim, vocab):
        from ._nets import MLPVec2TextNet

        return MLPVec2TextNet(in_dim, vocab, d_model=self.d_model, n_layers=self.n_layers, n_heads=self.n_heads,
                              max_len=self.max_len, dropout=self.dropout, n_memory=self.n_memory)

    def _inputs(self, x, rows, *, training):
        import torch

        return (torch.from_numpy((x[rows] - self.mean_) / self.scale_),)


class KNNVec2Text(_NeuralVec2Text):
    """kNN-Vec2Text: fuse the k nearest training summaries (by vector distance), then generate.

    Training pairs use each training series' k nearest *other* training series.
    ``copy=True`` adds a copy distribution over neighbour tokens (see
    :class:`~._nets.KNNVec2TextNet`; not in the paper, ``copy=False`` is the
    paper's architecture).
    Distances are divided by the median training neighbour distance so that
    ``e_m * a_m`` (paper eq. 6) has a stable scale. ``count_budget=True`` caps each
    token's count in the output by its count in the neighbour summaries (see
    :meth:`_budget`); ``False`` decodes without it.

    ``retrieve_quantile`` (a geoscribe addition) is a retrieval gate: a query whose
    nearest training vector is closer than this quantile of the training set's own
    nearest-neighbour distances gets that neighbour's summary verbatim instead of a
    generated one. A small decoder trained from scratch cannot copy a long summary
    word for word, and near-duplicate series (a SuperSeries and its SubSeries, one
    lab's series) are where a verbatim copy wins. ``0`` turns the gate off (the paper).
    """

    kind: ClassVar[str] = "textomics-knn"

    #: the geoscribe additions that :meth:`paper` turns off
    ADDITIONS: ClassVar[dict[str, Any]] = {"copy": False, "rank_bias": False, "gap_penalty": False,
                                           "count_budget": False, "retrieve_quantile": 0.0}

    @classmethod
    def paper(cls, *, quirks: bool = False, **params: Any) -> KNNVec2Text:
        """The paper's plain kNN-Vec2Text: no copy head, rank bias, gap penalty, count budget
        or retrieval gate (decoding keeps geoscribe's length limits and no-[UNK] rule, and the
        networks stay small and untrained, unlike the paper's T5). ``quirks=True`` also
        reproduces the authors' protocol: a query's neighbours skip its first-ranked training
        vector (``skip_nearest``), which for a test series drops its true nearest neighbour."""
        return cls(**{**params, **cls.ADDITIONS, "skip_nearest": quirks})

    def __init__(self, *, k: int = 4, temperature: float = 0.1, copy: bool = True, d_model: int = 128,
                 n_layers: int = 2, n_heads: int = 4, max_len: int = 96, min_len: int | None = None,
                 max_gen_len: int | None = None, vocab_size: int = 4000, dropout: float = 0.1, epochs: int = 12,
                 batch_size: int = 32, lr: float = 1e-3, count_budget: bool = True,
                 retrieve_quantile: float = 0.1, rank_bias: bool = True, gap_penalty: bool = True,
                 skip_nearest: bool = False, seed: int = 0) -> None:
        if not 0.0 <= retrieve_quantile <= 1.0:
            raise ValueError(f"retrieve_quantile must be in [0, 1], got {retrieve_quantile!r}.")
        self.k, self.temperature, self.copy, self.count_budget = k, temperature, copy, count_budget
        self.retrieve_quantile = retrieve_quantile
        self.rank_bias, self.gap_penalty, self.skip_nearest = rank_bias, gap_penalty, skip_nearest
        self.d_model, self.n_layers, self.n_heads = d_model, n_layers, n_heads
        self.max_len, self.min_len, self.vocab_size, self.dropout = max_len, min_len, vocab_size, dropout
        self.max_gen_len = max_gen_len
        self.epochs, self.batch_size, self.lr, self.seed = epochs, batch_size, lr, seed

    def _build(self, in_dim, vocab):
        from ._nets import KNNVec2TextNet

        return KNNVec2TextNet(vocab, d_model=self.d_model, n_layers=self.n_layers, n_heads=self.n_heads,
                              max_len=self.max_len, dropout=self.dropout, temperature=self.temperature,
                              copy=self.copy, k=self.k, bos=BOS, rank_bias=self.rank_bias,
                              gap_penalty=self.gap_penalty)

    def _prepare_training(self, x):
        self._train_nbrs, d = nearest(x, x, self.k, exclude_self=True)
        self.dist_scale_ = float(np.median(d)) or 1.0
        self._train_dist = d / self.dist_scale_
        q = self.retrieve_quantile
        self.retrieve_threshold_ = float(np.quantile(self._train_dist[:, 0], q)) if q > 0 else -np.inf

    def generate(self, vectors, *, batch_size: int = 64) -> list[str]:
        """Generated summaries; a query within the retrieval gate gets its nearest
        training summary (see ``retrieve_quantile``)."""
        check_fitted(self)
        x = _check_xy(vectors)
        idx, d = self.neighbours(x)
        near = d[:, 0] <= self.retrieve_threshold_
        # only the queries outside the gate are decoded
        generated = iter(super().generate(x[~near], batch_size=batch_size) if not near.all() else [])
        return [self._training_summary(idx[i, 0]) if near[i] else next(generated) for i in range(len(x))]

    def _training_summary(self, i: int) -> str:
        if self.train_summaries_ is not None:
            return self.train_summaries_[i]
        # models saved before the gate kept token ids only: lowercased, rare words dropped
        return self.tokenizer_.decode([t for t in self.train_ids_[i] if t not in (PAD, EOS)])

    def fit(self, vectors, summaries: Sequence[str], *, progress: bool = False):
        if len(summaries) < 2:
            raise InputError(f"kNN-Vec2Text needs at least 2 training series (each learns from its "
                             f"nearest other series), got {len(summaries)}.")
        super().fit(vectors, summaries, progress=progress)
        self.train_summaries_ = [str(t) for t in summaries]
        return self

    def save(self, path: str | Path) -> Path:
        path = super().save(path)
        (path / "summaries.json").write_text(json.dumps(self.train_summaries_))
        return path

    @classmethod
    def load(cls, path: str | Path):
        obj = super().load(path)
        file = Path(path) / "summaries.json"
        obj.train_summaries_ = json.loads(file.read_text()) if file.exists() else None
        return obj

    def _budget(self, inputs):
        """With ``count_budget``: each token at most as often as in the neighbour summary that
        uses it most, and a token none of them uses at most once (a geoscribe addition, not
        in the paper; measured on the semi-synthetic GPL570 fold 1: BLEU-1 0.22 -> 0.29)."""
        import torch

        if not self.count_budget:
            return None
        refs = inputs[0]  # (b, k, L) token ids of the neighbour summaries
        b, k, _ = refs.shape
        vocab = self.tokenizer_.get_vocab_size()
        per_ref = torch.zeros(b, k, vocab).scatter_add_(2, refs, torch.ones(refs.shape))
        budget = per_ref.max(1).values
        budget[budget == 0] = 1
        return budget

    def neighbours(self, vectors) -> tuple[np.ndarray, np.ndarray]:
        """(indices into the training set, scaled distances) of the k nearest training series
        (with ``skip_nearest``, the authors' quirk: ranks 2..k+1)."""
        skip = int(self.skip_nearest)
        idx, d = nearest(_check_xy(vectors), self.train_vectors_, self.k + skip)
        return idx[:, skip:], d[:, skip:] / self.dist_scale_

    def _inputs(self, x, rows, *, training):
        import torch

        if training:
            idx, d = self._train_nbrs[rows], self._train_dist[rows]
        else:
            idx, d = self.neighbours(x[rows])
        refs = self.train_ids_[idx][:, :, :-1].copy()  # (b, k, L); drop the final EOS slot
        refs[refs == EOS] = PAD
        return torch.from_numpy(refs), torch.from_numpy(d.astype(np.float32))


MODELS = {c.kind: c for c in (NearestNeighbourVec2Text, MLPVec2Text, KNNVec2Text)}


def load_vec2text(path: str | Path):
    """Load any saved Vec2Text model directory by its kind."""
    kind = read_model_config(path)["kind"]
    if kind not in MODELS:
        raise ModelError(f"{path}: kind {kind!r} is not a Vec2Text model; known: {sorted(MODELS)}.")
    return MODELS[kind].load(path)
