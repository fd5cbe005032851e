"""Shared pieces of the service tests (unit API tests and the browser test).

A tiny translator trained in seconds, and a small DuckDB file laid out like the
ingest store (tables ``samples`` and ``annotations`` of the Store contract).
Importable from tests because pytest puts ``tests/`` on ``sys.path`` (rootdir conftest).
"""

from __future__ import annotations

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


def tiny_translator(epochs: int = 2):
    """A seq2seq translator small enough to train in a few seconds on one thread."""
    from geoscribe.translate.seq2seq import Seq2SeqTranslator

    texts, records = pairs()
    model = Seq2SeqTranslator(
        schema="cistrome", d_model=32, encoder_layers=1, decoder_layers=1, heads=2, ffn_dim=64,
        vocab_size=300, epochs=epochs, dev_fraction=0, num_threads=1,
    )
    return model.fit(texts, records)


SAMPLE_COLUMNS = ("sample_key", "gsm", "title", "characteristics", "description", "source_name",
                  "organism", "series", "platform", "input", "source_file", "read_at")
TERMS = {  # value -> (curie, label), as the ontology step would store them
    "K562": ("CVCL:0004", "K-562"), "HeLa": ("CVCL:0030", "HeLa"), "MCF-7": ("CVCL:0031", "MCF-7"),
    "HepG2": ("CVCL:0027", "Hep-G2"), "Liver": ("UBERON:0002107", "liver"),
    "Blood": ("UBERON:0000178", "blood"), "Hepatocyte": ("CL:0000182", "hepatocyte"),
}


def make_store_db(path: Path) -> Path:
    """A DuckDB file with the Store contract's ``samples`` and ``annotations`` tables: 40 samples."""
    import duckdb

    texts, records = pairs()
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE samples (sample_key VARCHAR PRIMARY KEY, gsm VARCHAR, title VARCHAR, "
        "characteristics VARCHAR, description VARCHAR, source_name VARCHAR, organism VARCHAR, "
        "series VARCHAR, platform VARCHAR, input VARCHAR, source_file VARCHAR, read_at TIMESTAMP)"
    )
    con.execute(
        "CREATE TABLE annotations (sample_key VARCHAR, schema VARCHAR, attribute VARCHAR, value VARCHAR, "
        "confidence DOUBLE, curie VARCHAR, term_label VARCHAR, model VARCHAR, model_version VARCHAR, "
        "translated_at TIMESTAMP, PRIMARY KEY (sample_key, schema, attribute))"
    )
    con.execute("CREATE TABLE ingest_runs (run_id INTEGER, started_at TIMESTAMP, source VARCHAR)")
    for i, (text, record) in enumerate(zip(texts, records)):
        gsm = f"GSM{100000 + i}"
        title = text.split(" - ")[0].removeprefix("Title: ")
        con.execute(
            "INSERT INTO samples VALUES (?, ?, ?, ?, '', ?, 'Homo sapiens', ?, 'GPL9052', ?, 'fixture.csv', now())",
            [gsm, gsm, title, f"antibody: {record['Factor']}", record["Tissue Type"].lower(), f"GSE{500 + i // 5}", text],
        )
        for j, (attr, value) in enumerate(record.values.items()):
            curie, label = TERMS.get(value, (None, None))
            con.execute(
                "INSERT INTO annotations VALUES (?, 'cistrome', ?, ?, ?, ?, ?, 'fixture', '0', now())",
                [gsm, attr, value, round(0.5 + ((i + j) % 5) / 10, 2), curie, label],
            )
    con.close()
    return path


class DuckStore:
    """Stand-in for ``geoscribe.io.store.Store`` (same read API) until the pipeline's lands."""

    def __init__(self, path: str | Path, *, read_only: bool = True) -> None:
        import duckdb

        self._con = duckdb.connect(str(path), read_only=read_only)

    def close(self) -> None:
        self._con.close()

    def schemas(self) -> list[str]:
        return [r[0] for r in self._con.execute("SELECT DISTINCT schema FROM annotations ORDER BY 1").fetchall()]

    def count(self) -> int:
        return self._con.execute("SELECT count(DISTINCT sample_key) FROM samples").fetchone()[0]

    def _where(self, schema, filters, text=None, term=None):
        sql, args = ["s.sample_key IN (SELECT sample_key FROM annotations WHERE schema = ?)"], [schema]
        for attr, value in (filters or {}).items():
            sql.append("s.sample_key IN (SELECT sample_key FROM annotations WHERE schema = ? AND attribute = ? "
                       "AND lower(value) = lower(?))")
            args += [schema, attr, value]
        if text:
            sql.append("(strpos(lower(s.input), lower(?)) > 0 OR strpos(lower(s.title), lower(?)) > 0)")
            args += [text, text]
        if term:
            sql.append("s.sample_key IN (SELECT sample_key FROM annotations WHERE schema = ? AND curie = ?)")
            args += [schema, term]
        return " AND ".join(sql), args

    def facets(self, schema, *, attributes=None, filters=None, limit=50):
        where, args = self._where(schema, filters)
        rows = self._con.execute(
            f"SELECT a.attribute, a.value, count(*) AS n FROM annotations a JOIN samples s USING (sample_key) "
            f"WHERE a.schema = ? AND {where} GROUP BY 1, 2 ORDER BY 1, n DESC, 2", [schema, *args]).fetchall()
        out: dict[str, list[tuple[str, int]]] = {}
        for attr, value, n in rows:
            if attributes is None or attr in attributes:
                if len(out.setdefault(attr, [])) < limit:
                    out[attr].append((value, n))
        return out

    def search(self, schema, *, filters=None, text=None, term=None, include_descendants=True, offset=0, limit=50):
        where, args = self._where(schema, filters, text, term)
        total = self._con.execute(f"SELECT count(*) FROM samples s WHERE {where}", args).fetchone()[0]
        keys = self._con.execute(
            f"SELECT s.sample_key, s.gsm, s.title, s.series, s.platform, s.source_file, s.input FROM samples s "
            f"WHERE {where} ORDER BY s.sample_key LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
        rows = []
        for key, gsm, title, series, platform, source_file, input_ in keys:
            ann = self._con.execute("SELECT attribute, value, confidence, curie, term_label FROM annotations "
                                    "WHERE sample_key = ? AND schema = ?", [key, schema]).fetchall()
            rows.append({"gsm": gsm, "title": title, "series": series, "platform": platform,
                         "source_file": source_file, "input": input_,
                         "values": {a: v for a, v, *_ in ann}, "confidence": {a: c for a, _, c, *_ in ann},
                         "terms": {a: {"curie": cu, "label": la} for a, _, _, cu, la in ann if cu}})
        return total, rows


def open_store(path: Path):
    """The real Store when the pipeline has landed it, else the stand-in."""
    try:
        from geoscribe.io.store import Store
    except ImportError:
        return DuckStore(path, read_only=True)
    return Store(path, read_only=True)
