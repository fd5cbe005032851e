"""Text2Vec: regress a series' five-number vector from its summary.

A sentence encoder (default all-MiniLM-L6-v2, frozen) embeds the summary - by
default the pooled states of every layer, see :mod:`.encoders` - and an MLP
head, trained with the RMSE loss of the paper (eq. 10), predicts the
standardised vector. :class:`MeanVectorBaseline` predicts the mean training
vector: the paper's "averaging baseline"; improvements are reported against it.

With ``shrink=True`` the head's deviation from the mean is scaled by a factor in
[0, 1] fitted on a held-out tenth of the training pairs (least squares), then the
head is refitted on all of them. Where the text says little about the vector the
factor goes to 0 and the model falls to the mean baseline instead of adding its
own noise to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np

from ..errors import InputError
from ..estimator import Estimator, check_fitted, new_from_config, write_model_files


class MeanVectorBaseline(Estimator):
    """Predicts the mean training vector whatever the text."""

    kind: ClassVar[str] = "textomics-mean"

    def fit(self, embeddings: np.ndarray, vectors: np.ndarray) -> MeanVectorBaseline:
        self.mean_ = np.asarray(vectors, dtype=np.float32).mean(0)
        return self

    def predict(self, embeddings: np.ndarray) -> np.ndarray:
        check_fitted(self)
        return np.tile(self.mean_, (len(embeddings), 1))

    def save(self, path: str | Path) -> Path:
        check_fitted(self)
        path = write_model_files(self, path)
        np.savez_compressed(path / "state.npz", mean=self.mean_)
        return path

    @classmethod
    def load(cls, path: str | Path) -> MeanVectorBaseline:
        obj, path = new_from_config(cls, path), Path(path)
        with np.load(path / "state.npz", allow_pickle=False) as z:
            obj.mean_ = z["mean"]
        return obj


class Text2Vec(Estimator):
    """MLP head from (frozen) text embeddings to the vector; inputs are embeddings, see :meth:`embed`.

    ``encoder`` and ``pooling`` say which embeddings the head expects (recorded with a saved model).
    """

    kind: ClassVar[str] = "textomics-text2vec"

    def __init__(self, *, hidden: int = 256, dropout: float = 0.1, epochs: int = 60, lr: float = 1e-3,
                 weight_decay: float = 1e-4, batch_size: int = 64, encoder: str | None = None,
                 pooling: str = "layers", shrink: bool = True, seed: int = 0) -> None:
        self.hidden, self.dropout, self.epochs, self.lr = hidden, dropout, epochs, lr
        self.weight_decay, self.batch_size, self.encoder, self.seed = weight_decay, batch_size, encoder, seed
        self.pooling, self.shrink = pooling, shrink

    def embed(self, summaries: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """The embeddings this head expects, of ``summaries``."""
        return embed(summaries, encoder=self.encoder, pooling=self.pooling, progress=progress)

    def _build(self, d_in: int, d_out: int):
        from torch import nn

        return nn.Sequential(nn.Linear(d_in, self.hidden), nn.GELU(), nn.Dropout(self.dropout),
                             nn.Linear(self.hidden, d_out))

    def fit(self, embeddings: np.ndarray, vectors: np.ndarray) -> Text2Vec:
        import torch

        e, v = np.asarray(embeddings, np.float32), np.asarray(vectors, np.float32)
        if len(e) != len(v) or len(e) == 0:
            raise InputError(f"{len(e)} embeddings but {len(v)} vectors; they must pair up and be non-empty.")
        self.mean_, self.scale_ = v.mean(0), v.std(0) + 1e-6
        y = torch.from_numpy((v - self.mean_) / self.scale_)
        x = torch.from_numpy(e)
        self.shrink_ = 1.0
        if self.shrink and len(x) >= 20:
            perm = np.random.default_rng(self.seed).permutation(len(x))
            n_held = max(2, len(x) // 10)
            held, rest = perm[:n_held], perm[n_held:]
            net = self._train(x[rest], y[rest])
            with torch.no_grad():
                d = net(x[held]) - y[rest].mean(0)
                t = y[held] - y[rest].mean(0)
            self.shrink_ = float(np.clip(((d * t).sum() / (d * d).sum().clamp(min=1e-12)).item(), 0.0, 1.0))
        self.net_ = self._train(x, y)
        return self

    def _train(self, x, y):
        """The head fitted to standardised targets ``y`` (in eval mode)."""
        import torch

        torch.manual_seed(self.seed)
        net = self._build(x.shape[1], y.shape[1])
        opt = torch.optim.AdamW(net.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        rng = np.random.default_rng(self.seed)
        net.train()
        for _ in range(self.epochs):
            perm = rng.permutation(len(x))
            for s in range(0, len(x), self.batch_size):
                rows = perm[s : s + self.batch_size]
                loss = torch.sqrt(torch.mean((net(x[rows]) - y[rows]) ** 2))  # RMSE, eq. 10
                opt.zero_grad()
                loss.backward()
                opt.step()
        return net.eval()

    def predict(self, embeddings: np.ndarray) -> np.ndarray:
        import torch

        check_fitted(self)
        with torch.no_grad():
            z = self.net_(torch.from_numpy(np.asarray(embeddings, np.float32))).numpy()
        return self.shrink_ * z * self.scale_ + self.mean_

    def save(self, path: str | Path) -> Path:
        from safetensors.torch import save_model

        check_fitted(self)
        path = write_model_files(self, path)
        save_model(self.net_, str(path / "model.safetensors"))
        np.savez_compressed(path / "state.npz", mean=self.mean_, scale=self.scale_, shrink=self.shrink_)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Text2Vec:
        from safetensors.torch import load_model

        obj, path = new_from_config(cls, path), Path(path)
        with np.load(path / "state.npz", allow_pickle=False) as z:
            obj.mean_, obj.scale_ = z["mean"], z["scale"]
            obj.shrink_ = float(z["shrink"]) if "shrink" in z.files else 1.0
        import safetensors

        with safetensors.safe_open(str(path / "model.safetensors"), "pt") as f:
            d_in = f.get_tensor("0.weight").shape[1]
        obj.net_ = obj._build(d_in, len(obj.mean_))
        load_model(obj.net_, str(path / "model.safetensors"))
        obj.net_.eval()
        return obj


def embed(summaries: Sequence[str], *, encoder: str | None = None, pooling: str = "layers",
          progress: bool = False) -> np.ndarray:
    """Embeddings of summaries with the named (or default) encoder; ``pooling`` as in :func:`.encoders.encode`."""
    from .encoders import encode

    return encode(summaries, encoder=encoder, pooling=pooling, progress=progress)
