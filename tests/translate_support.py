"""Tiny synthetic pairs and parameters shared by the translator tests."""

from __future__ import annotations

import csv
from pathlib import Path

from geoscribe.schema import parse

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
