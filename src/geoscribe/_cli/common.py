"""Shared pieces of the CLI verbs: error handling and output helpers."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import Enum
from typing import TypeVar

import typer

from ..errors import GeoscribeError
from ..schema import SCHEMAS

F = TypeVar("F", bound=Callable)


def user_errors(func: F) -> F:
    """Turn GeoscribeError (and a broken pipe / Ctrl-C) into a one-line message and exit code."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except GeoscribeError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted.", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


#: the ``--schema`` choices of every verb, one per attribute set
SchemaName = Enum("SchemaName", {name: name for name in SCHEMAS}, type=str)
