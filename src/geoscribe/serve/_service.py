"""What the HTTP handlers share: the store, the models by schema, the ontology mapper, the limits.

The database and each model are used under a lock because neither a DuckDB
connection nor a torch model is meant to be driven by several threads at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from fastapi import HTTPException

from ..errors import InputError
from ..schema import get_schema
from ._limits import Limits

log = logging.getLogger("geoscribe.serve")


class StoreLike(Protocol):
    """The read API of :class:`geoscribe.io.store.Store` that the service uses."""

    def schemas(self) -> list[str]: ...
    def count(self) -> int: ...
    def facets(self, schema: str, **kwargs: Any) -> dict[str, list[tuple[str, int]]]: ...
    def search(self, schema: str, **kwargs: Any) -> tuple[int, list[dict]]: ...


def open_store(path: str | Path) -> StoreLike:
    """Open an ingest database read-only and read it through once, so that a damaged
    file stops the server at start; a missing file is an :class:`InputError`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Database {path} not found; build one with 'geoscribe ingest' or fix --db.")
    from ..io.store import Store

    return Store(path, read_only=True, verify=True)


def _model_name(model: Any, source: Any) -> str:
    if isinstance(source, (str, Path)):
        return Path(source).name
    return getattr(model, "kind", type(model).__name__)


class Service:
    """What the handlers share: the store, the models by schema, the ontology mapper, the limits."""

    def __init__(self, store: StoreLike | None, models: Mapping[str, Any], mapper: Any, limits: Limits) -> None:
        from ..translate import get_model

        self.store, self.mapper, self.limits = store, mapper, limits
        self.models: dict[str, Any] = {}
        self.model_names: dict[str, str] = {}
        for schema, source in models.items():
            name = get_schema(schema).name
            self.models[name] = get_model(name, source)
            self.model_names[name] = _model_name(self.models[name], source)
        self._locks = {name: threading.Lock() for name in self.models}
        # translations running or waiting (each holds a worker thread): a bounded queue, so
        # that a burst of POST /translate cannot take every thread from /samples and /facets
        self.translate_slots = threading.BoundedSemaphore(limits.translate_queue)
        self._store_lock = threading.Lock()
        self._mapper_lock = threading.Lock()
        self.started = time.monotonic()
        self.db_schemas = self.store.schemas() if store is not None else []
        self.db_count = self.store.count() if store is not None else None

    def translate(self, texts: list[str], schema: str, *, ontology: bool) -> list:
        if schema not in self.models:
            loaded = ", ".join(self.models) or "none"
            raise HTTPException(422, f"no translation model for the {schema} set is loaded (loaded: {loaded}); "
                                     f"start the server with --model {schema}=DIR")
        with self._locks[schema]:
            records = self.models[schema].translate(texts, batch_size=self.limits.max_batch)
        if ontology and self.mapper is not None:
            from ..ontology import normalise_records

            with self._mapper_lock:
                records = normalise_records(records, mapper=self.mapper, contexts=texts)
        return records

    def public(self, message: str) -> str:
        """``message`` without the server's folders: the database path becomes its file name."""
        path = getattr(self.store, "path", None)
        if isinstance(path, Path) and str(path.parent) not in ("", "."):
            for full in (str(path.resolve()), str(path)):
                message = message.replace(full, path.name)
        return message

    def query(self, method: str, schema: str, **kwargs: Any):
        if self.store is None:
            raise HTTPException(503, "this server has no database; start it with --db FILE.duckdb")
        from ..io.store import DatabaseUnusableError

        with self._store_lock:
            try:
                return getattr(self.store, method)(schema, **kwargs)
            except DatabaseUnusableError as exc:
                log.error("%s", exc)  # the full message, with the server's path, stays in the log
                raise HTTPException(503, "the database cannot be read (damaged or locked); "
                                         "the server log has the details") from None


__all__ = ["Service", "StoreLike", "open_store"]
