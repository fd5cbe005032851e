"""Tiny synthetic pairs and parameters shared by the translator tests."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

from geoscribe.schema import Record, get_schema, parse

TINY = Path(__file__).parent / "data" / "translate" / "tiny_pairs.csv"
TINY_PARAMS = dict(
    schema="cistrome", d_model=64, encoder_layers=1, decoder_layers=1, heads=2, ffn_dim=128,
    vocab_size=1000, epochs=40, batch_size=16, lr=3e-3, warmup_steps=20, dropout=0.0,
    dev_fraction=0, bf16=False, seed=0,
)


def tiny_pairs():
    with open(TINY, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["input"] for r in rows], [parse(r["output"], "cistrome") for r in rows]


CELLS = {"HeLa": ("Epithelium", "Cervix"), "K562": ("Lymphoblast", "Blood"),
         "MCF-7": ("Epithelium", "Breast"), "HepG2": ("Epithelium", "Liver")}
FACTORS = ["CTCF", "H3K27ac", "POLR2A", "ESR1"]
ALL = list(itertools.product(CELLS, FACTORS))


def chip_pairs(combos, *, titled: bool = True):
    """Tiny ChIP-seq descriptions of (cell line, factor) pairs and their Cistrome records;
    ``titled=False``: short lines without the GEO section labels."""
    schema = get_schema("cistrome")
    texts, records = [], []
    for k, (cell, factor) in enumerate(combos):
        ctype, tissue = CELLS[cell]
        texts.append(f"Title: {cell} {factor} ChIP-seq rep{k % 3} - Characteristics: "
                     f"cell line: {cell}; chip antibody: {factor}" if titled else f"{cell} {factor} chip rep{k % 3}")
        records.append(Record(schema, {"Cell Line": cell, "Cell Type": ctype,
                                       "Tissue Type": tissue, "Factor": factor}))
    return texts, records
