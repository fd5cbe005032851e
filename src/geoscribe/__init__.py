"""geoscribe: GEO sample free text to structured metadata, and omics data to text."""

from .errors import GeoscribeError
from .schema import CISTROME, ENCODE, SCHEMAS, Record, Schema, get_schema, parse, render
from .text import Sample, TextFormat, format_sample

__version__ = "0.1.0"

__all__ = [
    "CISTROME",
    "ENCODE",
    "SCHEMAS",
    "GeoscribeError",
    "Record",
    "Sample",
    "Schema",
    "TextFormat",
    "format_sample",
    "get_schema",
    "parse",
    "render",
    "__version__",
]
