"""User-fixable failures. Each one is a single line: the thing, the problem, the fix.

The CLI turns any :class:`GeoscribeError` into ``Error: <message>`` and a non-zero
exit code, never a traceback.
"""

from __future__ import annotations


class GeoscribeError(Exception):
    """Base class of every error a user can fix; ``exit_code`` is what the CLI returns."""

    exit_code = 1


class InputError(GeoscribeError, ValueError):
    """An input file or text is missing, empty, of the wrong format or corrupt."""


class ParseError(GeoscribeError, ValueError):
    """A ``Key: value - Key: value`` line does not follow the attribute set's grammar."""


class UnknownSchemaError(GeoscribeError, KeyError):
    """An attribute-set name that geoscribe does not know."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class OutputError(GeoscribeError):
    """An output file cannot be written: its folder is missing or not a folder, it is a
    folder itself, it is one of the inputs, permission is denied, or the disk is full."""


class ModelError(GeoscribeError):
    """A model directory is missing, corrupt or of an unknown kind."""


class NotFittedError(GeoscribeError, AttributeError):
    """A model was used before ``fit`` or ``load``."""


class DataNotFoundError(GeoscribeError, FileNotFoundError):
    """The shared data folder (``GEOSCRIBE_DATA``) is absent."""
