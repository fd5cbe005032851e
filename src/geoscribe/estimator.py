"""The estimator contract every geoscribe model shares: translators and Textomics models alike.

An estimator's ``__init__`` only stores its keyword arguments (they are its
config); ``fit`` sets attributes ending in ``_`` and returns ``self``.

A saved estimator is a directory::

    config.json        {"kind": "<registry name>", "params": {<__init__ arguments>}}
    metadata.json      schema, geoscribe/torch/transformers versions, data hash, date, metrics
    <weights>          model.safetensors, tokenizer.json, ... (each model's own files)

``load`` starts from :func:`new_from_config` (which checks the kind and builds the
unfitted estimator from its params) and then reads its own files; nothing in the
directory is imported or unpickled.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import inspect
import json
import platform
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from .errors import InputError, ModelError, NotFittedError

CONFIG_FILE = "config.json"
METADATA_FILE = "metadata.json"


class Estimator:
    """Base class: parameters in the constructor, learned state in ``*_`` attributes."""

    kind: ClassVar[str] = ""

    def save(self, path: str | Path) -> Path:
        raise NotImplementedError

    @classmethod
    def load(cls, path: str | Path) -> Estimator:
        raise NotImplementedError

    def get_params(self) -> dict[str, Any]:
        """The ``__init__`` keyword arguments and their current values."""
        sig = inspect.signature(type(self).__init__)
        return {
            name: getattr(self, name)
            for name, p in sig.parameters.items()
            if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        }

    def set_params(self, **params: Any) -> Estimator:
        """Change ``__init__`` arguments in place (takes effect at the next ``fit``)."""
        known = self.get_params()
        unknown = sorted(set(params) - set(known))
        if unknown:
            raise InputError(
                f"{type(self).__name__} has no parameter {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(known) or 'none'}."
            )
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def clone(self) -> Estimator:
        """A new, unfitted estimator with the same parameters."""
        return type(self)(**self.get_params())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


def check_fitted(model: object) -> None:
    """Raise :class:`NotFittedError` unless ``model`` has learned attributes."""
    if not any(k.endswith("_") and not k.startswith("__") for k in vars(model)):
        name = type(model).__name__
        raise NotFittedError(
            f"This {name} instance is not fitted yet. Call 'fit' or '{name}.load' first."
        )


def data_hash(texts: Iterable[str], records: Iterable[Any]) -> str:
    """A short, order-sensitive hash of the training pairs (records rendered), stored in metadata."""
    h = hashlib.sha256()
    for t, r in zip(texts, records):
        h.update(t.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
        h.update(r.render().encode("utf-8", "surrogatepass"))
        h.update(b"\x01")
    return h.hexdigest()[:16]


def _versions() -> dict[str, str]:
    from . import __version__

    out = {"geoscribe": __version__, "python": platform.python_version()}
    for mod in ("torch", "transformers", "tokenizers", "sklearn"):
        try:
            out[mod] = __import__(mod).__version__
        except Exception:  # not installed: nothing to record
            pass
    return out


def write_model_files(
    model: Estimator, path: str | Path, *, metadata: dict[str, Any] | None = None
) -> Path:
    """Create ``path`` and write its ``config.json`` and ``metadata.json``."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    config = {"kind": model.kind, "params": model.get_params()}
    (path / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n")
    meta = {
        "kind": model.kind,
        "schema": getattr(model, "schema", None),
        "versions": _versions(),
        "saved": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        **(metadata or {}),
    }
    (path / METADATA_FILE).write_text(json.dumps(meta, indent=2, default=str) + "\n")
    return path


def read_model_config(path: str | Path) -> dict[str, Any]:
    """``config.json`` of a model directory, validated."""
    path = Path(path)
    if not path.is_dir():
        raise ModelError(f"Model directory {path} does not exist. Train one with 'geoscribe train'.")
    cfg_file = path / CONFIG_FILE
    try:
        config = json.loads(cfg_file.read_text())
    except FileNotFoundError:
        raise ModelError(f"{path} is not a geoscribe model: no {CONFIG_FILE}.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{cfg_file} is corrupt: {exc}.") from None
    if not isinstance(config, dict) or "kind" not in config or not isinstance(
        config.get("params", {}), dict
    ):
        raise ModelError(f"{cfg_file} lacks 'kind'/'params'; the model directory is corrupt.")
    return config


def new_from_config(cls: type, path: str | Path) -> Any:
    """An unfitted ``cls`` built from the params in ``path``'s config.json, once the
    directory is known to hold a model of ``cls.kind``; every ``load`` starts here."""
    config = read_model_config(path)
    if config["kind"] != cls.kind:
        raise ModelError(f"{path} holds a {config['kind']!r} model, not {cls.kind!r}; use load_model.")
    try:
        return cls(**config["params"])
    except TypeError as exc:
        raise ModelError(f"{Path(path)}/config.json has bad params ({exc}); re-save the model.") from None


def read_metadata(path: str | Path) -> dict[str, Any]:
    """``metadata.json`` of a model directory, or ``{}`` where it is absent or unreadable."""
    try:
        return json.loads((Path(path) / METADATA_FILE).read_text())
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return {}
