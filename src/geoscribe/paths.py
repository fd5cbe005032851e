"""Where geoscribe finds the shared data and its bundled models."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataNotFoundError

PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(path: str | os.PathLike | None = None, *, must_exist: bool = True) -> Path:
    """The shared data folder: ``path``, else ``$GEOSCRIBE_DATA``, else ``../shared/data``
    from the current directory or from the project checkout."""
    if path is not None:
        candidates = [Path(path)]
    elif os.environ.get("GEOSCRIBE_DATA"):
        candidates = [Path(os.environ["GEOSCRIBE_DATA"])]
    else:
        candidates = [
            Path.cwd() / ".." / "shared" / "data",
            PACKAGE_DIR.parents[1] / ".." / "shared" / "data",
        ]
    for c in candidates:
        if c.is_dir():
            return c.resolve()
    if must_exist:
        raise DataNotFoundError(
            f"Shared data folder not found (looked in {', '.join(str(c) for c in candidates)}). "
            "Set GEOSCRIBE_DATA or pass --data-dir."
        )
    return candidates[0]


def models_dir() -> Path:
    """The bundled default models: ``models/`` in a checkout, else inside the package."""
    for c in (PACKAGE_DIR.parents[1] / "models", PACKAGE_DIR / "models"):
        if c.is_dir():
            return c
    return PACKAGE_DIR.parents[1] / "models"
