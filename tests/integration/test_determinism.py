"""Issue 22 item 1: a translation must not depend on PYTHONHASHSEED (string hashing
order). The same batch goes through `geoscribe translate` with the bundled models in
two processes with different hash seeds; the outputs must be identical byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import geoscribe
from geoscribe.translate import default_model_path

# The probe's text first: its Cell Line went to "CEL" under seed 1 and "ACE" under seed 2.
TEXTS = [
    "Title: norm-VUB-1008-DMSO-24-R-2-1A_(HG-U133_Plus_2).CEL - Characteristics: cell line: HepaRG cell line; "
    "treatment: Control ACE; replicate: 2",
    "Title: norm-VUB-1011-VPA-72-R-1-2B_(HG-U133_Plus_2).CEL - Characteristics: cell line: HepaRG; treatment: VPA",
    "HNRNPK ChIP-seq in K562",
    "CTCF ChIP-seq on human Panc1",
    "Title: MCF-7 ER ChIP - Characteristics: cell line: MCF-7; antibody: ESR1",
    "Title: GSM123 rep1 - Characteristics: tissue: liver; strain: C57BL/6; antibody: H3K27ac (ab4729)",
    "Title: HeLa S3 POLR2A - Characteristics: cell type: epithelial; treatment: DMSO vs ACE vs CEL",
    "Title: ChIP-seq of AR in LNCaP treated with DHT - Description: LNCaP AR DHT 4h",
    "Title: input DNA - Characteristics: cell line: GM12878; chip antibody: none",
    "Title: H3K4me3 in mouse ES cells - Characteristics: strain: 129; cell type: embryonic stem cell",
    "Title: A549 NR3C1 dex 1h - Characteristics: cell line: A549; treatment: dexamethasone",
    "Title: primary hepatocytes FOXA2 - Characteristics: tissue: liver; donor: 3",
    "Title: T47D PR R5020 - Characteristics: cell line: T-47D; antibody: PGR",
    "Title: HCT116 TCF7L2 - Characteristics: cell line: HCT 116; antibody: TCF4 (TCF7L2)",
    "Title: SK-N-SH GATA3 ChIP - Characteristics: cell line: SK-N-SH; treatment: retinoic acid",
    "Title: K562 vs HepG2 vs HeLa pooled input - Characteristics: cell line: K562, HepG2, HeLa",
    "Title: CD4+ T cells H3K27me3 - Characteristics: cell type: CD4-positive alpha-beta T cell; donor: D1",
    "Title: sample 7 - Characteristics: ABC; DEF; GHI; JKL",
    "Title: 22Rv1 FOXA1 siCTRL - Characteristics: cell line: 22Rv1; antibody: FOXA1; sirna: control",
    "Title: IMR-90 CTCF - Characteristics: cell line: IMR-90; tissue: lung; cell type: fibroblast",
    "Title: Kasumi-1 RUNX1 RUNX1T1 - Characteristics: cell line: Kasumi-1; antibody: AML1-ETO",
    "Title: BJ fibroblasts - Characteristics: cell line: BJ; ABC; CEL; ACE",
]


def run_translate(schema: str, seed: str, texts: list[str]) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed,
           "PYTHONPATH": os.pathsep.join([str(Path(geoscribe.__file__).parents[1]), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        [sys.executable, "-c", "from geoscribe.cli import app; app()", "translate", "--schema", schema, "--to", "jsonl"],
        input="\n".join(texts).encode() + b"\n", capture_output=True, env=env, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize("schema", ["cistrome", "encode"])
def test_translate_is_the_same_under_two_hash_seeds(schema):
    if not default_model_path(schema).is_dir():
        pytest.skip(f"no bundled {schema} model at {default_model_path(schema)}")
    texts = TEXTS if schema == "cistrome" else TEXTS[:12]  # 15 attributes: slower
    first, second = run_translate(schema, "1", texts), run_translate(schema, "2", texts)
    assert first.count(b"\n") == len(texts)
    assert first == second
