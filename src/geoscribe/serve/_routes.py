"""The HTTP routes, as module-level routers; each handler gets the app's
:class:`~geoscribe.serve._service.Service` injected (``app.state.service``).

``/health`` never takes a lock, so it answers while translations queue up.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from .. import __version__
from ..errors import GeoscribeError
from ..filters import parse_filters
from ..schema import SCHEMAS, SOURCES, get_schema
from ._models import (ErrorBody, Evidence, FacetsResponse, FacetValue, Health, InfoResponse, SampleRow, SamplesResponse,
                      SchemaInfo, TranslatedRecord, TranslateRequest, TranslateResponse)
from ._service import Service

GEO_URL = "https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc={}"
RETRY_AFTER_S = 2  # seconds a client is told to wait when the translation queue is full
STATIC_DIR = Path(str(files("geoscribe") / "static"))
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}
_ERRORS = {422: {"model": ErrorBody, "description": "Bad input (the message says what to change)"}}
_POST_ERRORS = {**_ERRORS, 400: {"model": ErrorBody, "description": "The body is not valid JSON"},
                413: {"model": ErrorBody, "description": "The body is over the size limit"}}
_TRANSLATE_ERRORS = {**_POST_ERRORS, 503: {"model": ErrorBody, "description": "The translation queue is full; "
                                                                             "retry after `Retry-After` seconds"}}
_DB_ERRORS = {**_ERRORS, 503: {"model": ErrorBody, "description": "The server has no database"}}
_FILTER_HELP = "'Attribute:value', case-insensitive exact match; repeatable ('Attribute=value' is deprecated)."


def get_service(request: Request) -> Service:
    """The app's one Service (a FastAPI dependency)."""
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(get_service)]


def _schema(name: str) -> str:
    try:
        return get_schema(name).name
    except GeoscribeError as exc:
        raise HTTPException(422, str(exc)) from None


def _filters(schema: str, items: list[str], response: Response) -> dict[str, str]:
    """Parsed ``filter`` parameters; the deprecated ``=`` form adds a ``Warning`` header."""
    notes: list[str] = []
    out = parse_filters(items, schema, on_deprecated=notes.append)
    if notes:
        response.headers["Deprecation"] = "true"
        response.headers["Warning"] = "; ".join(f'299 - "{n}"' for n in notes)
    return out


def _page_limit(limit: int, service: Service) -> int:
    """``limit`` within the server's page size, with FastAPI's own wording when it is not."""
    if limit > service.limits.max_page:
        raise RequestValidationError([{"loc": ("query", "limit"), "type": "less_than_equal",
                                       "msg": f"Input should be less than or equal to {service.limits.max_page}"}])
    return limit


def _terms(terms: Mapping[str, Any] | None) -> dict[str, dict]:
    out = {}
    for attr, term in (terms or {}).items():
        if isinstance(term, Mapping) and term.get("curie"):
            out[attr] = {"curie": str(term["curie"]), "label": term.get("label")}
    return out


def _file_name(source_file: str | None) -> str | None:
    """The stored source path without its folders: the server's layout is not the client's business."""
    return PurePath(source_file).name if source_file else source_file


def _sources(source: Mapping[str, Any] | None) -> dict[str, str]:
    """Known sources only: a value stored with a source this server does not know is shown without one."""
    return {attr: str(s) for attr, s in (source or {}).items() if s in SOURCES}


def _evidence(evidence: Mapping[str, Any] | None) -> dict[str, Evidence]:
    """Evidence per attribute; a span that is not two integers is dropped, the rest kept."""
    out = {}
    for attr, ev in (evidence or {}).items():
        if not isinstance(ev, Mapping) or not ev:
            continue
        ev = dict(ev)
        span = ev.get("span")
        if span is not None and not (isinstance(span, (list, tuple)) and len(span) == 2
                                     and all(isinstance(i, int) for i in span)):
            ev.pop("span")
        try:
            out[attr] = Evidence(**ev)
        except ValueError:  # pydantic's ValidationError: a malformed stored cell is no evidence
            continue
    return out


def _row(row: Mapping[str, Any]) -> SampleRow:
    gsm = row.get("gsm") or None
    return SampleRow(
        gsm=gsm, title=row.get("title"), series=row.get("series"), platform=row.get("platform"),
        source_file=_file_name(row.get("source_file")), input=row.get("input"),
        url=GEO_URL.format(gsm) if gsm and str(gsm).upper().startswith("GSM") else None,
        values={k: str(v) for k, v in (row.get("values") or {}).items() if v is not None},
        confidence=dict(row.get("confidence") or {}), terms=_terms(row.get("terms")),
        source=_sources(row.get("source")), evidence=_evidence(row.get("evidence")),
    )


# -- the service itself -------------------------------------------------------------
service_router = APIRouter(tags=["service"])


@service_router.get("/health", response_model=Health)
async def health(service: ServiceDep) -> Health:
    """Liveness: answers without touching the models or the database."""
    return Health(status="ok", uptime_s=round(time.monotonic() - service.started, 3))


@service_router.get("/info", response_model=InfoResponse)
async def info(service: ServiceDep) -> InfoResponse:
    """Attribute sets, loaded models, database size and limits (what the page needs)."""
    schemas = [SchemaInfo(name=s.name, attributes=list(s.attributes), in_database=s.name in service.db_schemas,
                          model=service.model_names.get(s.name)) for s in SCHEMAS.values()]
    return InfoResponse(version=__version__, samples=service.db_count, schemas=schemas,
                        ontology=service.mapper is not None, limits=service.limits.to_dict())


# -- translation --------------------------------------------------------------------
translate_router = APIRouter(tags=["translate"])


@translate_router.post("/translate", response_model=TranslateResponse, responses=_TRANSLATE_ERRORS)
async def translate(body: TranslateRequest, service: ServiceDep) -> TranslateResponse:
    """Translate one text or a batch into records with a confidence per attribute, and, from a
    grounded model (the bundled default), each value's source and evidence (spans index ``input``).

    At most ``translate_queue`` requests (see ``/info``) run or wait at once; one more is
    answered 503 with ``Retry-After``, so that search stays fast under translation load.
    """
    limits = service.limits
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
    if not service.translate_slots.acquire(blocking=False):
        raise HTTPException(503, f"the translation queue is full ({limits.translate_queue} requests); "
                                 f"retry in {RETRY_AFTER_S} s", headers={"Retry-After": str(RETRY_AFTER_S)})
    start = time.perf_counter()
    try:
        records = await run_in_threadpool(service.translate, texts, schema, ontology=body.ontology)
    finally:
        service.translate_slots.release()
    out = [TranslatedRecord(input=t, output=r.render(), values=r.values, confidence=r.confidence,
                            terms=_terms(r.terms), source=_sources(r.source), evidence=_evidence(r.evidence))
           for t, r in zip(texts, records)]
    return TranslateResponse(schema=schema, model=service.model_names[schema], records=out,
                             elapsed_ms=round((time.perf_counter() - start) * 1000, 2))


# -- search over the database -------------------------------------------------------
search_router = APIRouter(tags=["search"])


@search_router.get("/samples", response_model=SamplesResponse, responses=_DB_ERRORS)
def samples(
    service: ServiceDep,
    response: Response,
    schema: str = Query("cistrome", description="Attribute set."),
    filters: list[str] = Query([], alias="filter", description=_FILTER_HELP),
    text: str | None = Query(None, max_length=500, description="Substring of the input text or title."),
    term: str | None = Query(None, max_length=100, description="Ontology CURIE, e.g. CL:0000182."),
    include_descendants: bool = Query(True, description="Also match terms below `term` in the ontology."),
    offset: int = Query(0, ge=0, le=10_000_000),
    limit: int = Query(50, ge=1, description="Page size, at most the server's max_page (default 200)."),
) -> SamplesResponse:
    """Samples matching every filter, one page at a time, with their records (values, confidence,
    ontology terms, and each value's source and evidence as ingest stored them)."""
    schema = _schema(schema)
    limit = _page_limit(limit, service)
    total, rows = service.query(
        "search", schema, filters=_filters(schema, filters, response) or None, text=text or None,
        term=term or None, include_descendants=include_descendants, offset=offset, limit=limit)
    return SamplesResponse(schema=schema, total=total, offset=offset, limit=limit, samples=[_row(r) for r in rows])


@search_router.get("/facets", response_model=FacetsResponse, responses=_DB_ERRORS)
def facets(
    service: ServiceDep,
    response: Response,
    schema: str = Query("cistrome", description="Attribute set."),
    attribute: list[str] = Query([], description="Attributes to count (default: all of the set); repeatable."),
    filters: list[str] = Query([], alias="filter", description=_FILTER_HELP + " Applied before counting."),
    limit: int = Query(20, ge=1, description="Most frequent values per attribute (at most the server's max_page)."),
) -> FacetsResponse:
    """Value counts per attribute among the samples that match the filters."""
    schema = _schema(schema)
    limit = _page_limit(limit, service)
    known = {a.lower(): a for a in SCHEMAS[schema].attributes}
    unknown = [a for a in attribute if a.strip().lower() not in known]
    if unknown:
        raise HTTPException(422, f"{unknown} not attributes of the {schema} set "
                                 f"({', '.join(SCHEMAS[schema].attributes)})")
    counts = service.query("facets", schema, attributes=[known[a.strip().lower()] for a in attribute] or None,
                           filters=_filters(schema, filters, response) or None, limit=limit)
    return FacetsResponse(schema=schema, facets={
        attr: [FacetValue(value=str(v), count=int(n)) for v, n in values] for attr, values in counts.items()})


# -- the search page ------------------------------------------------------------------
page_router = APIRouter(include_in_schema=False)


@page_router.get("/")
async def page() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", headers=_PAGE_HEADERS)


ROUTERS = (service_router, translate_router, search_router, page_router)
