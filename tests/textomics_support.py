"""Tiny GEO series files written in tests (Textomics build and describe)."""

from __future__ import annotations

import numpy as np

SUMMARY = "Expression profiling of skeletal muscle biopsies from diabetic subjects before and after exercise training."


def write_matrix(folder, gse, values, *, platform="GPL570", summary=SUMMARY, title=None, samples=None, features=None):
    """A tiny series matrix file (rows = features p0.., columns = samples)."""
    values = np.asarray(values, dtype=float)
    samples = samples or [f"GSM{gse[3:]}{j}" for j in range(values.shape[1])]
    features = features or [f"p{i}" for i in range(values.shape[0])]
    lines = [f'!Series_title\t"{title or gse + " title"}"', f'!Series_geo_accession\t"{gse}"',
             f'!Series_summary\t"{summary}"', f'!Series_platform_id\t"{platform}"', "!series_matrix_table_begin",
             "\t".join(['"ID_REF"'] + [f'"{s}"' for s in samples])]
    for f, row in zip(features, values):
        lines.append("\t".join([f'"{f}"'] + ["null" if np.isnan(v) else f"{v:g}" for v in row]))
    lines.append("!series_matrix_table_end")
    path = folder / f"{gse}_series_matrix.txt"
    path.write_text("\n".join(lines) + "\n")
    return path
