"""The FastAPI application: translation, search and facets over an ingest store, and the page.

Everything the handlers share lives on one :class:`Service`; the database and each
model are used under a lock because neither a DuckDB connection nor a torch model
is meant to be driven by several threads at once. ``/health`` never takes a lock,
so it answers while translations queue up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..errors import GeoscribeError, InputError
from ..schema import SCHEMAS, get_schema
from ._limits import BodyLimit, Limits
from ._models import (ErrorBody, FacetsResponse, FacetValue, Health, InfoResponse, SampleRow, SamplesResponse,
                      SchemaInfo, TranslatedRecord, TranslateRequest, TranslateResponse)

GEO_URL = "https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc={}"
STATIC_DIR = Path(str(files("geoscribe") / "static"))
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}
_ERRORS = {422: {"model": ErrorBody, "description": "Bad input (the message says what to change)"}}
_POST_ERRORS = {**_ERRORS, 400: {"model": ErrorBody, "description": "The body is not valid JSON"},
                413: {"model": ErrorBody, "description": "The body is over the size limit"}}
_DB_ERRORS = {**_ERRORS, 503: {"model": ErrorBody, "description": "The server has no database"}}


class StoreLike(Protocol):
    """The read API of :class:`geoscribe.io.store.Store` that the service uses."""

    def schemas(self) -> list[str]: ...
    def count(self) -> int: ...
    def facets(self, schema: str, **kwargs: Any) -> dict[str, list[tuple[str, int]]]: ...
    def search(self, schema: str, **kwargs: Any) -> tuple[int, list[dict]]: ...


def open_store(path: str | Path) -> StoreLike:
    """Open an ingest database read-only; a missing file is an :class:`InputError`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Database {path} not found; build one with 'geoscribe ingest' or fix --db.")
    from ..io.store import Store

    return Store(path, read_only=True)


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

    def query(self, method: str, schema: str, **kwargs: Any):
        if self.store is None:
            raise HTTPException(503, "this server has no database; start it with --db FILE.duckdb")
        with self._store_lock:
            return getattr(self.store, method)(schema, **kwargs)


def _schema(name: str) -> str:
    try:
        return get_schema(name).name
    except GeoscribeError as exc:
        raise HTTPException(422, str(exc)) from None


def _filters(schema: str, items: list[str]) -> dict[str, str]:
    """``["Cell Line:K562", ...]`` -> ``{"Cell Line": "K562"}``; attribute names are case-insensitive."""
    attributes = {a.lower(): a for a in SCHEMAS[schema].attributes}
    out: dict[str, str] = {}
    for item in items:
        attr, sep, value = item.partition(":")
        if not sep or not value.strip():
            raise HTTPException(422, f"filter {item!r} is not 'Attribute:value' (e.g. 'Cell Line:K562')")
        key = attributes.get(attr.strip().lower())
        if key is None:
            raise HTTPException(422, f"filter {item!r}: {attr.strip()!r} is not an attribute of the {schema} set "
                                     f"({', '.join(SCHEMAS[schema].attributes)})")
        out[key] = value.strip()
    return out


def _one_line(errors: list[dict]) -> str:
    """Pydantic's error list as one line: ``body.texts: Input should be a valid list; ...``."""
    parts = []
    for err in errors[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {str(err.get('msg', 'invalid')).removeprefix('Value error, ')}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "; ".join(parts) + more


def _terms(terms: Mapping[str, Any] | None) -> dict[str, dict]:
    out = {}
    for attr, term in (terms or {}).items():
        if isinstance(term, Mapping) and term.get("curie"):
            out[attr] = {"curie": str(term["curie"]), "label": term.get("label")}
    return out


def _row(row: Mapping[str, Any]) -> SampleRow:
    gsm = row.get("gsm") or None
    return SampleRow(
        gsm=gsm, title=row.get("title"), series=row.get("series"), platform=row.get("platform"),
        source_file=row.get("source_file"), input=row.get("input"),
        url=GEO_URL.format(gsm) if gsm and str(gsm).upper().startswith("GSM") else None,
        values={k: str(v) for k, v in (row.get("values") or {}).items() if v is not None},
        confidence=dict(row.get("confidence") or {}), terms=_terms(row.get("terms")),
    )


def create_app(
    *,
    db: str | Path | StoreLike | None = None,
    models: Mapping[str, Any] | None = None,
    mapper: Any = None,
    limits: Limits | None = None,
) -> FastAPI:
    """The service as an ASGI app.

    Parameters
    ----------
    db
        An ingest database path (opened read-only) or an open Store; None serves translation only.
    models
        Schema name -> Translator or saved model directory. None loads the bundled
        default model of each set that has one.
    mapper
        An ontology ``TermMapper`` used to add terms to translations; None adds none.
    limits
        Request size, batch and page limits.
    """
    limits = limits or Limits()
    owns_store = isinstance(db, (str, Path))
    store = open_store(db) if owns_store else db
    if models is None:
        from ..translate import default_model_path

        models = {s: None for s in SCHEMAS if default_model_path(s).is_dir()}
    service = Service(store, models, mapper, limits)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        if owns_store and hasattr(store, "close"):
            store.close()

    app = FastAPI(title="geoscribe", version=__version__, lifespan=lifespan,
                  description="Translate GEO sample text into structured metadata and search an ingest database.")
    app.state.service = service
    app.add_middleware(BodyLimit, max_bytes=limits.max_body_bytes)

    @app.exception_handler(GeoscribeError)
    async def _user_error(request: Request, exc: GeoscribeError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _one_line(exc.errors())}, status_code=422)

    @app.get("/health", response_model=Health, tags=["service"])
    async def health() -> Health:
        """Liveness: answers without touching the models or the database."""
        return Health(status="ok", uptime_s=round(time.monotonic() - service.started, 3))

    @app.get("/info", response_model=InfoResponse, tags=["service"])
    async def info() -> InfoResponse:
        """Attribute sets, loaded models, database size and limits (what the page needs)."""
        schemas = [SchemaInfo(name=s.name, attributes=list(s.attributes), in_database=s.name in service.db_schemas,
                              model=service.model_names.get(s.name)) for s in SCHEMAS.values()]
        return InfoResponse(version=__version__, samples=service.db_count, schemas=schemas,
                            ontology=service.mapper is not None, limits=limits.to_dict())

    @app.post("/translate", response_model=TranslateResponse, responses=_POST_ERRORS, tags=["translate"])
    def translate(body: TranslateRequest) -> TranslateResponse:
        """Translate one text or a batch into records with a confidence per attribute."""
        schema = _schema(body.schema_)
        texts = body.batch()
        if not texts:
            raise HTTPException(422, "'texts' is empty; send at least one text")
        if len(texts) > limits.max_batch:
            raise HTTPException(422, f"batch of {len(texts)} texts is over the limit of {limits.max_batch}; "
                                     "split it into several requests")
        longest = max(len(t) for t in texts)
        if longest > limits.max_text_chars:
            raise HTTPException(422, f"a text has {longest} characters, over the limit of {limits.max_text_chars}; "
                                     "shorten it")
        start = time.perf_counter()
        records = service.translate(texts, schema, ontology=body.ontology)
        out = [TranslatedRecord(input=t, output=r.render(), values=r.values, confidence=r.confidence,
                                terms=_terms(r.terms)) for t, r in zip(texts, records)]
        return TranslateResponse(schema=schema, model=service.model_names[schema], records=out,
                                 elapsed_ms=round((time.perf_counter() - start) * 1000, 2))

    @app.get("/samples", response_model=SamplesResponse, responses=_DB_ERRORS, tags=["search"])
    def samples(
        schema: str = Query("cistrome", description="Attribute set."),
        filters: list[str] = Query([], alias="filter",
                                   description="'Attribute:value', case-insensitive exact match; repeatable."),
        text: str | None = Query(None, max_length=500, description="Substring of the input text or title."),
        term: str | None = Query(None, max_length=100, description="Ontology CURIE, e.g. CL:0000182."),
        include_descendants: bool = Query(True, description="Also match terms below `term` in the ontology."),
        offset: int = Query(0, ge=0, le=10_000_000),
        limit: int = Query(50, ge=1, le=limits.max_page),
    ) -> SamplesResponse:
        """Samples matching every filter, one page at a time, with their records."""
        schema = _schema(schema)
        total, rows = service.query(
            "search", schema, filters=_filters(schema, filters) or None, text=text or None, term=term or None,
            include_descendants=include_descendants, offset=offset, limit=limit)
        return SamplesResponse(schema=schema, total=total, offset=offset, limit=limit,
                               samples=[_row(r) for r in rows])

    @app.get("/facets", response_model=FacetsResponse, responses=_DB_ERRORS, tags=["search"])
    def facets(
        schema: str = Query("cistrome", description="Attribute set."),
        attribute: list[str] = Query([], description="Attributes to count (default: all of the set); repeatable."),
        filters: list[str] = Query([], alias="filter",
                                   description="'Attribute:value' filters applied before counting; repeatable."),
        limit: int = Query(20, ge=1, le=limits.max_page, description="Most frequent values per attribute."),
    ) -> FacetsResponse:
        """Value counts per attribute among the samples that match the filters."""
        schema = _schema(schema)
        known = {a.lower(): a for a in SCHEMAS[schema].attributes}
        unknown = [a for a in attribute if a.strip().lower() not in known]
        if unknown:
            raise HTTPException(422, f"{unknown} not attributes of the {schema} set "
                                     f"({', '.join(SCHEMAS[schema].attributes)})")
        counts = service.query("facets", schema, attributes=[known[a.strip().lower()] for a in attribute] or None,
                               filters=_filters(schema, filters) or None, limit=limit)
        return FacetsResponse(schema=schema, facets={
            attr: [FacetValue(value=str(v), count=int(n)) for v, n in values] for attr, values in counts.items()})

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=_PAGE_HEADERS)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


__all__ = ["Service", "StoreLike", "create_app", "open_store"]
