"""The FastAPI application: the routers of :mod:`._routes` over one :class:`~._service.Service`."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..errors import GeoscribeError
from ..schema import SCHEMAS
from ._docs import mount_docs
from ._limits import BodyLimit, Limits
from ._routes import ROUTERS, STATIC_DIR
from ._service import Service, StoreLike, open_store


def _one_line(errors: list[dict]) -> str:
    """Pydantic's error list as one line: ``body.texts: Input should be a valid list; ...``."""
    parts = []
    for err in errors[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {str(err.get('msg', 'invalid')).removeprefix('Value error, ')}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "; ".join(parts) + more


async def _user_error(request: Request, exc: GeoscribeError) -> JSONResponse:
    return JSONResponse({"detail": request.app.state.service.public(str(exc))}, status_code=422)


async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 for a request of the wrong shape; 400 for a body that is not JSON at all."""
    errors = exc.errors()
    if any(err.get("type") == "json_invalid" for err in errors):
        where = next(err for err in errors if err.get("type") == "json_invalid")
        position = (where.get("ctx") or {}).get("error", "")
        return JSONResponse({"detail": f"the body is not valid JSON{f' ({position})' if position else ''}"},
                            status_code=400)
    return JSONResponse({"detail": _one_line(errors)}, status_code=422)


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

    app = FastAPI(title="geoscribe", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Translate GEO sample text into structured metadata and search an ingest database.")
    app.state.service = service
    app.add_middleware(BodyLimit, max_bytes=limits.max_body_bytes, timeout_s=limits.body_timeout_s)
    app.add_exception_handler(GeoscribeError, _user_error)
    app.add_exception_handler(RequestValidationError, _bad_request)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    mount_docs(app)
    return app


__all__ = ["Service", "StoreLike", "create_app", "open_store"]
