"""``geoscribe serve``: the HTTP API and search page over an ingest database."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import InputError
from .common import user_errors


def _models(specs: list[str]) -> dict[str, str] | None:
    """``["cistrome=DIR", ...]`` -> ``{"cistrome": "DIR"}``; a bare ``DIR`` takes the schema from the model."""
    if not specs:
        return None
    from ..translate import load_model

    out: dict[str, str] = {}
    for spec in specs:
        schema, sep, path = spec.partition("=")
        if not sep:
            path = spec
            schema = getattr(load_model(path), "schema", "cistrome")
        out[schema.strip().lower()] = path
    return out


def _mapper(ontology: bool | None):
    from ..ontology import OntologyDataError, OntologyIndex, TermMapper, default_index_path

    if ontology is False:
        return None
    if ontology is None and not default_index_path().is_file():
        typer.echo("Note: no ontology index yet, so translations carry no terms; "
                   "run 'geoscribe ontology build' or pass --ontology.", err=True)
        return None
    try:
        return TermMapper(OntologyIndex.default(progress=True))
    except OntologyDataError as exc:
        raise InputError(f"Ontology index: {exc}") from None


@user_errors
def serve(
    db: Path | None = typer.Option(None, "--db", help="Ingest database (DuckDB or SQLite), opened read-only.",
                                   metavar="FILE"),
    model: list[str] = typer.Option([], "--model", "-m", metavar="SCHEMA=DIR",
                                    help="Translation model per attribute set (repeatable; default: the bundled ones)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (0.0.0.0 exposes it to the network)."),
    port: int = typer.Option(8000, "--port", "-p", help="TCP port."),
    ontology: bool | None = typer.Option(None, "--ontology/--no-ontology",
                                         help="Add ontology terms to translations (default: if the index is built)."),
    max_batch: int = typer.Option(64, "--max-batch", min=1, help="Most texts per POST /translate."),
    max_body: int = typer.Option(1_000_000, "--max-body", min=1024, help="Largest request body, in bytes."),
    translate_queue: int = typer.Option(4, "--translate-queue", min=1,
                                        help="POST /translate requests running or waiting at once (503 beyond)."),
    log_level: str = typer.Option("warning", "--log-level", help="uvicorn log level (info logs every request)."),
) -> None:
    """Serve translation, faceted search and the search page (http://HOST:PORT/)."""
    from ..serve import Limits, create_app, serve as run

    if db is not None and not db.is_file():
        raise InputError(f"Database {db} not found; build one with 'geoscribe ingest' or fix --db.")
    app = create_app(db=db, models=_models(model), mapper=_mapper(ontology),
                     limits=Limits(max_batch=max_batch, max_body_bytes=max_body, translate_queue=translate_queue))
    service = app.state.service
    loaded = ", ".join(f"{s}={n}" for s, n in service.model_names.items()) or "none (translation off)"
    where = f"{db} ({service.db_count} samples)" if db else "none (search off)"
    typer.echo(f"geoscribe serve: database {where}; models {loaded}", err=True)

    def ready(url: str) -> None:  # once the port is bound and the server accepts connections
        typer.echo(f"Open {url} (API docs at {url}docs). Ctrl-C stops.", err=True)

    run(app, host=host, port=port, log_level=log_level, on_ready=ready)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
