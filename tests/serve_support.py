"""Shared pieces of the service tests (unit API tests and the browser test).

A tiny translator trained in seconds, and a small ingest database of 40 samples
written through :class:`geoscribe.io.store.Store`.
Importable from tests because pytest puts ``tests/`` on ``sys.path`` (rootdir conftest).
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

from geoscribe.schema import CISTROME, parse

# (cell line, cell type, tissue) and factors: 8 x 5 = 40 pairs
LINES = [
    ("K562", "Erythroblast", "Bone Marrow"),
    ("HeLa", "Epithelium", "Cervix"),
    ("MCF-7", "Epithelium", "Breast"),
    ("HepG2", "Hepatocyte", "Liver"),
    ("GM12878", "B Lymphocyte", "Blood"),
    ("A549", "Epithelium", "Lung"),
    ("None", "Macrophage", "Blood"),
    ("None", "Hepatocyte", "Liver"),
]
FACTORS = ["CTCF", "H3K27ac", "POLR2A", "ESR1", "H3K4me3"]


def pairs() -> tuple[list[str], list]:
    """40 (input text, Record) pairs of the Cistrome set."""
    texts, records = [], []
    for (line, ctype, tissue), factor in itertools.product(LINES, FACTORS):
        who = f"{line} cells" if line != "None" else f"primary {ctype.lower()} from {tissue.lower()}"
        texts.append(f"Title: {who} ChIP-seq {factor} - Source: {tissue.lower()} - Characteristics: antibody: {factor}")
        records.append(parse(
            f"Cell Line: {line} - Cell Type: {ctype} - Tissue Type: {tissue} - Factor: {factor}", CISTROME
        ))
    return texts, records


@functools.cache
def tiny_translator(epochs: int = 2):
    """A seq2seq translator small enough to train in a few seconds on one thread (once per process)."""
    from geoscribe.translate.seq2seq import Seq2SeqTranslator

    texts, records = pairs()
    model = Seq2SeqTranslator(
        schema="cistrome", d_model=32, encoder_layers=1, decoder_layers=1, heads=2, ffn_dim=64,
        vocab_size=300, epochs=epochs, dev_fraction=0, num_threads=1,
    )
    return model.fit(texts, records)


TERMS = {  # value -> (curie, label), as the ontology step would store them
    "K562": ("CVCL:0004", "K-562"), "HeLa": ("CVCL:0030", "HeLa"), "MCF-7": ("CVCL:0031", "MCF-7"),
    "HepG2": ("CVCL:0027", "Hep-G2"), "Liver": ("UBERON:0002107", "liver"),
    "Blood": ("UBERON:0000178", "blood"), "Hepatocyte": ("CL:0000182", "hepatocyte"),
}


def grounding(text: str, attr: str, value: str) -> tuple[str | None, dict | None]:
    """A fixture's (source, evidence) of one value, as grounding would give them: the cell line
    is stated (read off the title), the factor copied from the characteristics, the tissue a
    known fact of the line, the cell type a model guess; a None value has no source."""
    if value == "None":
        return None, {"not_applicable": "no cell line named"} if attr == "Cell Line" else None
    if attr in ("Cell Line", "Factor"):
        start = text.rfind(value) if attr == "Factor" else text.find(value)
        evidence = {"span": [start, start + len(value)], "text": value}
        if attr == "Cell Line":
            evidence.update(key="title", field="title")
        return ("stated" if attr == "Cell Line" else "copied"), evidence
    if attr == "Tissue Type":
        return "known", {"basis": "training pairs"}
    return "model", None


def make_store_db(path: Path) -> Path:
    """An ingest database (written through the pipeline's Store) holding 40 translated samples."""
    from geoscribe.io.store import ANNOTATION_COLUMNS, SAMPLE_COLUMNS, Store, encode_evidence

    texts, records = pairs()
    samples, annotations = [], []
    for i, (text, record) in enumerate(zip(texts, records)):
        gsm = f"GSM{100000 + i}"
        title = text.split(" - ")[0].removeprefix("Title: ")
        fields = {"sample_key": gsm, "gsm": gsm, "title": title, "characteristics": f"antibody: {record['Factor']}",
                  "description": "", "source_name": record["Tissue Type"].lower(), "organism": "Homo sapiens",
                  "series": f"GSE{500 + i // 5}", "platform": "GPL9052", "input": text,
                  "source_file": "fixture.csv", "position": i, "read_at": "2024-01-01T00:00:00"}
        samples.append([fields.get(c, "") for c in SAMPLE_COLUMNS])
        for j, (attr, value) in enumerate(record.values.items()):
            curie, label = TERMS.get(value, (None, None))
            source, evidence = grounding(text, attr, value)
            ann = {"source": source, "evidence": encode_evidence(evidence), "sample_key": gsm, "schema": "cistrome", "attribute": attr, "value": value,
                   "confidence": round(0.5 + ((i + j) % 5) / 10, 2), "curie": curie, "term_label": label,
                   "model": "fixture", "model_version": "0", "translated_at": "2024-01-01T00:00:00"}
            annotations.append([ann[c] for c in ANNOTATION_COLUMNS])
    with Store(path, read_only=False) as store:
        store.insert("samples", SAMPLE_COLUMNS, samples)
        store.insert("annotations", ANNOTATION_COLUMNS, annotations)
    return path


def open_store(path: Path):
    from geoscribe.io.store import Store

    return Store(path, read_only=True)
