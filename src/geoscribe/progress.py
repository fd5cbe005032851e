"""The one progress bar of the package: tqdm on stderr, or nothing.

Every long loop outside the model code goes through :func:`with_progress` (an
iterable) or :func:`progress_bar` (a bar updated by hand), so that bars look
alike and ``--quiet`` turns all of them off the same way.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


class NullBar:
    """A bar that shows nothing (``enabled=False``)."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def set_postfix(self, **values: Any) -> None:
        pass

    def __enter__(self) -> NullBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def progress_bar(*, total: int | None = None, desc: str = "", enabled: bool = True, **options: Any) -> Any:
    """A tqdm bar on stderr (rate and ETA) to ``update(n)`` by hand, or a :class:`NullBar`."""
    if not enabled:
        return NullBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, file=sys.stderr, **options)


def with_progress(it: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool = True,
             **options: Any) -> Iterator[T]:
    """``it`` with a tqdm bar on stderr when ``enabled``, else ``it`` unchanged."""
    if not enabled:
        yield from it
        return
    from tqdm.auto import tqdm

    yield from tqdm(it, total=total, desc=desc, file=sys.stderr, **options)


__all__ = ["NullBar", "progress_bar", "with_progress"]
