"""Training checkpoints in safetensors + JSON, so an interrupted run resumes exactly.

A checkpoint directory holds ``weights.safetensors`` (model), ``optimizer.safetensors``
+ ``optimizer.json`` (AdamW moments and param groups), ``best.safetensors`` (the
best weights so far) and ``state.json`` (epoch, step, best score, history).
Nothing is unpickled on load.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from ...io.atomic import atomic_path, atomic_write


def _atomic_json(path: Path, data: Any) -> None:
    with atomic_write(path) as fh:
        fh.write(json.dumps(data, indent=2))


def _atomic_tensors(path: Path, tensors: dict[str, torch.Tensor]) -> None:
    with atomic_path(path) as tmp:
        save_file({k: v.detach().contiguous().cpu() for k, v in tensors.items()}, str(tmp))


def state_dict_tensors(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The module's state dict without tied duplicates (safetensors refuses shared memory)."""
    out: dict[str, torch.Tensor] = {}
    seen: dict[int, str] = {}
    for k, v in module.state_dict().items():
        ptr = v.data_ptr()
        if ptr in seen and v.numel() > 0:
            continue
        seen[ptr] = k
        out[k] = v
    return out


def save_checkpoint(
    directory: Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    state: dict[str, Any],
    *,
    best: bool = False,
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    tensors = state_dict_tensors(model)
    _atomic_tensors(directory / "weights.safetensors", tensors)
    if best:
        _atomic_tensors(directory / "best.safetensors", tensors)
    opt = optimizer.state_dict()
    flat = {
        f"{idx}.{name}": value
        for idx, slots in opt["state"].items()
        for name, value in slots.items()
        if torch.is_tensor(value)
    }
    _atomic_tensors(directory / "optimizer.safetensors", flat)
    _atomic_json(directory / "optimizer.json", {"param_groups": opt["param_groups"]})
    _atomic_json(directory / "state.json", state)  # written last: marks the checkpoint complete


def load_weights(module: torch.nn.Module, tensors: dict[str, torch.Tensor]) -> None:
    """Load ``tensors`` into ``module``; keys may be missing only where weights are tied."""
    result = module.load_state_dict(tensors, strict=False)
    params = dict(module.state_dict())
    by_ptr = {}
    for k, v in params.items():
        by_ptr.setdefault(v.data_ptr(), []).append(k)
    tied = {k for keys in by_ptr.values() if len(keys) > 1 for k in keys}
    missing = [k for k in result.missing_keys if k not in tied]
    if missing or result.unexpected_keys:
        raise ValueError(f"weights do not fit the model: missing {missing[:5]}, "
                         f"unexpected {result.unexpected_keys[:5]}")


def load_checkpoint(
    directory: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer
) -> dict[str, Any] | None:
    """Restore model and optimizer from ``directory``; ``None`` when there is no checkpoint."""
    if not (directory / "state.json").is_file():
        return None
    state = json.loads((directory / "state.json").read_text())
    load_weights(model, load_file(str(directory / "weights.safetensors")))
    flat = load_file(str(directory / "optimizer.safetensors"))
    slots: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in flat.items():
        idx, name = key.split(".", 1)
        slots.setdefault(int(idx), {})[name] = value
    groups = json.loads((directory / "optimizer.json").read_text())["param_groups"]
    optimizer.load_state_dict({"state": slots, "param_groups": groups})
    return state


def load_best(directory: Path, model: torch.nn.Module) -> None:
    load_weights(model, load_file(str(directory / "best.safetensors")))
