"""Readers and writers of GEO sample text.

Every reader streams :class:`~geoscribe.text.Sample` records and turns any damage
into a one-line :class:`~geoscribe.errors.InputError` naming the file. Use
:func:`read_samples`, which sniffs the format; the per-format readers are public
for callers that know what they hold. Nothing here imports torch.
"""

from ._read import FORMATS, detect_format, read_samples, supported_files
from .geo_soft import read_series_matrix, read_soft
from .geometadb import read_geometadb
from .metasra import read_metasra
from .miniml import read_miniml
from .atomic import atomic_write
from .tables import EXPORT_COLUMNS, export_row, read_jsonl, read_table, write_records, write_samples

__all__ = [
    "EXPORT_COLUMNS",
    "FORMATS",
    "atomic_write",
    "detect_format",
    "export_row",
    "read_geometadb",
    "read_jsonl",
    "read_metasra",
    "read_miniml",
    "read_samples",
    "read_series_matrix",
    "read_soft",
    "read_table",
    "supported_files",
    "write_records",
    "write_samples",
]
