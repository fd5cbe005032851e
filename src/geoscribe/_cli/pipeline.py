"""``geoscribe ingest`` (whole sources into a database) and ``geoscribe query``."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from ..errors import InputError
from ..filters import parse_filters
from ..io.atomic import refuse_input_as_output
from .common import SchemaName, user_errors


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class Query(str, Enum):
    summary = "summary"
    counts = "counts"
    samples = "samples"


@user_errors
def ingest(
    source: Path = typer.Argument(..., help="A sample file (any 'geoscribe read' format), a folder, or a GEOmetadb database."),
    db: Path = typer.Option(..., "--db", help="Output database: DuckDB, or SQLite if it ends in .sqlite/.db."),
    schema: SchemaName = typer.Option(SchemaName.cistrome, "--schema", "-s", help="Attribute set."),
    model: Path | None = typer.Option(None, "--model", "-m", help="A model directory (default: the bundled one)."),
    normalise: bool = typer.Option(False, "--normalise", help="Map values to ontology terms (builds the index once)."),
    ontology: Path | None = typer.Option(None, "--ontology", help="Ontology index file (default: the cached one)."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local, or dask: translate partitions on Dask workers."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address; default a local cluster."),
    workers: int = typer.Option(2, "--workers", min=1, help="Workers of the local Dask cluster."),
    batch_size: int = typer.Option(64, "--batch-size", min=1, help="Samples decoded together."),
    chunk_size: int = typer.Option(512, "--chunk-size", min=1, help="Samples per transaction (local engine)."),
    partition_size: int = typer.Option(2000, "--partition-size", min=1, help="Samples per partition (a Dask task)."),
    input_format: str = typer.Option("auto", "--input-format", help="Format of the source files (as for 'geoscribe read')."),
    recursive: bool = typer.Option(False, "--recursive", "-r", help="Also read the subfolders of a folder."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Only the first N samples."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Translate every sample of SOURCE into a queryable database.

    Killed or interrupted, it resumes where it stopped when run again; a run over
    a source already ingested adds nothing.
    """
    from ..pipeline import ingest as run

    refuse_input_as_output(db, [source])
    if scheduler and engine is not Engine.dask:
        raise InputError("--scheduler is for --engine dask.")
    if normalise and ontology is None:
        from ..ontology import default_index_path

        if not default_index_path().is_file():
            typer.echo("Building the ontology index once (1-3 minutes)...", err=True)
    summary = run(
        source, db, schema=schema.value, model=model, normalise=normalise, ontology=ontology,
        engine=engine.value, scheduler=scheduler, n_workers=workers, batch_size=batch_size,
        chunk_size=chunk_size, partition_size=partition_size, format=input_format, recursive=recursive,
        limit=limit, progress=not quiet,
    )  # fmt: skip
    for line in summary.lines():
        typer.echo(line, err=True)


def _filters(where: list[str]) -> dict[str, str]:
    return parse_filters(where, on_deprecated=lambda note: typer.echo(f"Note: {note}", err=True))


@user_errors
def query(
    db: Path = typer.Argument(..., help="An ingest database."),
    what: Query = typer.Argument(Query.summary, help="summary, counts (values per attribute) or samples."),
    schema: SchemaName | None = typer.Option(None, "--schema", "-s", help="Attribute set (default: the only one present)."),
    attribute: list[str] = typer.Option([], "--attribute", "-a", help="counts: attributes to count (default all)."),
    where: list[str] = typer.Option([], "--where", "-w", help="'ATTRIBUTE:VALUE' (case-insensitive); repeatable."),
    term: str | None = typer.Option(None, "--term", help="samples: ontology CURIE, descendants included."),
    exact_term: bool = typer.Option(False, "--exact-term", help="With --term: that term only, no descendants."),
    text: str | None = typer.Option(None, "--text", help="samples: substring of the input text or title."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="Rows (values per attribute, or samples) shown."),
    offset: int = typer.Option(0, "--offset", min=0, help="samples: skip this many first."),
    as_json: bool = typer.Option(False, "--json", help="samples: JSON Lines, one sample per line."),
) -> None:
    """Canned queries over an ingest database: summary, counts, samples."""
    from ..io.store import Store, StoreError

    with Store(db) as store:
        present = store.schemas()
        if schema is not None:
            name = schema.value
        elif len(present) == 1 or what is Query.summary:
            name = present[0] if present else ""
        else:
            raise StoreError(f"{db} holds several attribute sets ({', '.join(present)}); pick one with --schema.")
        if what is Query.summary:
            typer.echo(f"{db}: {store.count()} samples; attribute sets: {', '.join(present) or 'none'}")
            for r in store.runs()[:5]:
                typer.echo(f"  run {r['run_id']} {r['started_at']} {r['status']}: {r['schema']} {r['model']} "
                           f"({r['engine']}) read {r['n_read']}, translated {r['n_translated']}, "
                           f"skipped {r['n_skipped']} from {r['source']}")  # fmt: skip
            return
        if not name:
            raise StoreError(f"{db}: no annotations yet.")
        if what is Query.counts:
            facets = store.facets(name, attributes=attribute or None, filters=_filters(where), limit=limit)
            for attr, counts in facets.items():
                typer.echo(f"{attr}:")
                for value, n in counts:
                    typer.echo(f"  {n:>8}  {value}")
            return
        total, rows = store.search(name, filters=_filters(where), text=text, term=term,
                                   include_descendants=not exact_term, offset=offset, limit=limit)  # fmt: skip
        if as_json:
            for r in rows:
                typer.echo(json.dumps(r, ensure_ascii=False))
            return
        typer.echo(f"{total} samples match" + (f"; showing {offset + 1}-{offset + len(rows)}" if rows else ""))
        for r in rows:
            values = " - ".join(f"{a}: {v}" + (f" [{r['source'][a]}]" if a in r["source"] else "")
                                for a, v in r["values"].items())
            typer.echo(f"{r['gsm'] or r['sample_key']}\t{values}")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("query")(query)
