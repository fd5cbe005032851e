"""The ``geoscribe`` command: a thin Typer front over the Python API.

Each verb lives in ``geoscribe/_cli/<area>.py`` and calls one API function; any
:class:`~geoscribe.errors.GeoscribeError` becomes ``Error: <message>`` on stderr
and its exit code, never a traceback.
"""

from __future__ import annotations

import typer

from . import __version__
from ._cli import benchmark, evaluate, io, ontology, pipeline, serve, textomics, translate

app = typer.Typer(
    name="geoscribe",
    help="Translate GEO sample text into structured metadata (and omics data into text).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# the areas, each with a ``register(app)`` that adds its verbs; listed here so the
# CLI stays a table of contents (in the order ``--help`` shows them).
_AREAS = (io, evaluate, translate, ontology, pipeline, textomics, serve, benchmark)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"geoscribe {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """geoscribe: GEO metadata translation and Textomics."""


for _area in _AREAS:
    _area.register(app)
