"""Batch translation of whole sources into an ingest database, resumable, local or on Dask.

>>> summary = ingest("geometadb.sqlite", "geo.duckdb", schema="cistrome")  # doctest: +SKIP
>>> print("\\n".join(summary.lines()))  # doctest: +SKIP

The database's tables and read API are in :mod:`geoscribe.io.store`.
"""

from ._ingest import ENGINES, IngestSummary, ingest, write_rows
from ._source import Partition, Plan, plan_partitions, read_partition, sample_key
from ._work import Rows, build_rows, model_identity, translate_partition

__all__ = [
    "ENGINES",
    "IngestSummary",
    "Partition",
    "Plan",
    "Rows",
    "build_rows",
    "ingest",
    "model_identity",
    "plan_partitions",
    "read_partition",
    "sample_key",
    "translate_partition",
    "write_rows",
]
