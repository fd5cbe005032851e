"""Writes tiny_pairs.csv: synthetic Cistrome-style pairs for fast translator tests.

Factor and cell line are copied from the text; cell type and tissue follow from
the cell line (as K562 implies its tissue), so a model must both copy and infer.
Run: python tests/data/translate/make_pairs.py
"""

import csv
import random
from pathlib import Path

CELLS = {
    "K562": ("Lymphoblast", "Blood"),
    "HeLa": ("Epithelium", "Cervix"),
    "MCF-7": ("Epithelium", "Breast"),
    "HepG2": ("Epithelium", "Liver"),
    "A549": ("Epithelium", "Lung"),
    "GM12878": ("B Lymphocyte", "Blood"),
}
FACTORS = ["CTCF", "POLR2A", "H3K4me3", "H3K27ac", "ESR1", "FOXA1", "MYC", "EP300", "RAD21", "YY1",
           "ZNF143", "GATA1", "SP1", "NRF1", "MAX", "TAF1", "JUND", "REST", "SRF", "ELF1"]
TEMPLATES = [
    "Title: {f} ChIP-seq in {c} - Characteristics: cell line: {c}; chip antibody: {f}",
    "Title: {c}_{f}_rep{r} - Characteristics: antibody: {f}; cells: {c}",
    "Title: ChIP-Seq {f} {c} replicate {r} - Description: {c} cells treated with vehicle",
]

rng = random.Random(0)
rows = []
for i in range(160):
    c = rng.choice(list(CELLS))
    # half the factors are fresh names, so that the model must learn to copy
    f = rng.choice(FACTORS) if i % 2 else f"{rng.choice(['ZNF', 'KLF', 'SOX', 'TBX', 'HOX'])}{rng.randint(1, 999)}"
    text = rng.choice(TEMPLATES).format(c=c, f=f, r=rng.randint(1, 3))
    ctype, tissue = CELLS[c]
    rows.append((f"GSM{9000 + i}", text, f"Cell Line: {c} - Cell Type: {ctype} - Tissue Type: {tissue} - Factor: {f}"))
with open(Path(__file__).with_name("tiny_pairs.csv"), "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["gsm", "input", "output"])
    w.writerows(rows)
