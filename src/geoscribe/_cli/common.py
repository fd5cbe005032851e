"""Shared pieces of the CLI verbs: error handling and output helpers."""

from __future__ import annotations

import functools
import signal
import sys
import threading
from collections.abc import Callable
from enum import Enum
from typing import TypeVar

import typer

from ..errors import GeoscribeError
from ..io.atomic import WRITE_ERRNOS
from ..schema import SCHEMAS

F = TypeVar("F", bound=Callable)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that ``finally`` blocks (temporary files,
    open transactions) are cleaned up as for Ctrl-C."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def _install_sigterm() -> object | None:
    """Route SIGTERM to :class:`Terminated`; returns the previous handler (None off the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _on_sigterm)


def user_errors(func: F) -> F:
    """Turn GeoscribeError (and a write error, a broken pipe, Ctrl-C or SIGTERM) into a
    one-line message and exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        previous = _install_sigterm()
        try:
            return func(*args, **kwargs)
        except GeoscribeError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except Terminated:
            typer.echo("Terminated.", err=True)
            raise typer.Exit(128 + signal.SIGTERM) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted.", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None
        except OSError as exc:
            if exc.errno not in WRITE_ERRNOS:
                raise
            where = f" {exc.filename}" if exc.filename else ""
            typer.echo(f"Error: cannot write{where}: {exc.strerror or exc}", err=True)
            raise typer.Exit(1) from None
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    return wrapper  # type: ignore[return-value]


#: the ``--schema`` choices of every verb, one per attribute set
SchemaName = Enum("SchemaName", {name: name for name in SCHEMAS}, type=str)
