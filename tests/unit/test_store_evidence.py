"""Each value's source and evidence go through ingest into the database and back out of
its read API and ``geoscribe query``; databases written before those columns stay readable."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from test_pipeline import SOURCE
from typer.testing import CliRunner

from geoscribe.cli import app
from geoscribe.io.store import Store, decode_evidence, encode_evidence
from geoscribe.pipeline import ingest
from geoscribe.schema import CISTROME, Record
from geoscribe.text import Sample, format_sample
from geoscribe.translate.base import Translator

CELL_LINE = re.compile(r"cell line: ([A-Za-z0-9-]+)")


class StatedReader(Translator):
    """Reads ``cell line: X`` off the formatted sample as the grounded hybrid would: the
    cell line ``stated`` with its span, the factor a ``model`` guess, the cell type not applicable."""

    kind = "stated-stub"
    reads_samples = True

    def __init__(self, schema: str = "cistrome") -> None:
        self.schema = schema
        self.seen: list[type] = []

    def translate(self, texts, **kwargs):
        out = []
        for item in texts:
            self.seen.append(type(item))
            line = format_sample(item) if isinstance(item, Sample) else item
            m = CELL_LINE.search(line)
            values = {"Cell Line": m.group(1) if m else "None", "Cell Type": "None", "Tissue Type": "unknown",
                      "Factor": "CTCF"}
            source = {"Factor": "model"}
            evidence = {"Cell Type": {"not_applicable": "no cell type in a stub"}}
            if m:
                source["Cell Line"] = "stated"
                evidence["Cell Line"] = {"span": [m.start(1), m.end(1)], "text": m.group(1), "key": "cell line",
                                         "field": "characteristics"}
            out.append(Record(CISTROME, values, {a: 0.9 for a in values}, source=source, evidence=evidence))
        return out


@pytest.fixture(scope="module", params=["duckdb", "sqlite"])
def grounded_db(request, tmp_path_factory) -> tuple[Path, StatedReader]:
    model = StatedReader()
    path = tmp_path_factory.mktemp("evidence") / f"store.{request.param}"
    ingest(SOURCE, path, model=model)
    return path, model


def test_ingest_stores_source_and_evidence_whose_spans_index_the_input(grounded_db):
    db, model = grounded_db
    assert set(model.seen) == {Sample}  # a model that reads samples gets them, not bare lines
    with Store(db) as st:
        total, rows = st.search("cistrome", limit=100)
        stored = dict(((k, a), (s, e)) for k, a, s, e in st.execute(
            "SELECT sample_key, attribute, source, evidence FROM annotations"))
    stated = [r for r in rows if "Cell Line" in r["source"]]
    assert total == len(rows) == 46 and len(stated) > 30
    for r in stated:
        assert r["source"]["Cell Line"] == "stated"
        start, end = r["evidence"]["Cell Line"]["span"]
        assert r["input"][start:end] == r["values"]["Cell Line"] == r["evidence"]["Cell Line"]["text"]
    for r in rows:
        assert r["source"].get("Factor") == "model" and "Factor" not in r["evidence"]
        assert "Tissue Type" not in r["source"] and "Tissue Type" not in r["evidence"]  # no source: NULL
        assert r["evidence"]["Cell Type"] == {"not_applicable": "no cell type in a stub"}
        assert list(r["source"]) == [a for a in CISTROME.attributes if a in r["source"]]  # schema order
    key = stated[0]["sample_key"]
    assert stored[(key, "Tissue Type")] == (None, None)
    assert json.loads(stored[(key, "Cell Line")][1])["key"] == "cell line"


def test_query_cli_shows_sources(grounded_db):
    db, _ = grounded_db
    runner = CliRunner()
    res = runner.invoke(app, ["query", str(db), "samples", "--where", "Cell Line:K562", "-n", "3"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()[1:]
    assert len(lines) == 3
    assert all("Cell Line: K562 [stated]" in line and "Factor: CTCF [model]" in line for line in lines)
    assert all("Tissue Type: unknown -" in line for line in lines)  # no source, no tag
    res = runner.invoke(app, ["query", str(db), "samples", "--where", "Cell Line:K562", "--json", "-n", "1"])
    row = json.loads(res.output)
    start, end = row["evidence"]["Cell Line"]["span"]
    assert row["input"][start:end] == "K562" and row["source"]["Cell Line"] == "stated"


OLD_SAMPLES = ("sample_key VARCHAR PRIMARY KEY, gsm VARCHAR, title VARCHAR, characteristics VARCHAR, "
               "description VARCHAR, source_name VARCHAR, organism VARCHAR, series VARCHAR, platform VARCHAR, "
               "input VARCHAR, source_file VARCHAR, position BIGINT, read_at VARCHAR")
OLD_ANNOTATIONS = ("sample_key VARCHAR NOT NULL, schema VARCHAR NOT NULL, attribute VARCHAR NOT NULL, "
                   "value VARCHAR, confidence DOUBLE, curie VARCHAR, term_label VARCHAR, model VARCHAR, "
                   "model_version VARCHAR, translated_at VARCHAR, PRIMARY KEY (sample_key, schema, attribute)")


def _old_database(path: Path) -> Path:
    """A database as ingest wrote it before annotations had a source and evidence."""
    if path.suffix == ".sqlite":
        con = sqlite3.connect(path)
    else:
        import duckdb

        con = duckdb.connect(str(path))
    con.execute(f"CREATE TABLE samples ({OLD_SAMPLES})")
    con.execute(f"CREATE TABLE annotations ({OLD_ANNOTATIONS})")
    con.execute("INSERT INTO samples (sample_key, gsm, title, input) VALUES ('GSM1', 'GSM1', 't', 'cell line: K562')")
    for attr, value in (("Cell Line", "K562"), ("Cell Type", "None"), ("Tissue Type", "Blood"), ("Factor", "None")):
        con.execute("INSERT INTO annotations (sample_key, schema, attribute, value, confidence) VALUES (?, ?, ?, ?, ?)",
                    ["GSM1", "cistrome", attr, value, 0.5])
    if path.suffix == ".sqlite":
        con.commit()
    con.close()
    return path


@pytest.mark.parametrize("suffix", [".duckdb", ".sqlite"])
def test_older_database_reads_as_no_source_and_gains_the_columns_when_written(tmp_path, suffix):
    db = _old_database(tmp_path / f"old{suffix}")
    with Store(db) as st:  # read-only: nothing changes, NULL reads as no source
        assert "source" not in st.columns("annotations")
        total, [row] = st.search("cistrome")
        assert total == 1 and row["values"]["Cell Line"] == "K562"
        assert row["source"] == {} and row["evidence"] == {}
    with Store(db, read_only=False) as st:
        assert {"source", "evidence"} <= set(st.columns("annotations"))
        st.execute("UPDATE annotations SET source = 'stated', evidence = ? WHERE attribute = 'Cell Line'",
                   [encode_evidence({"span": [11, 15], "text": "K562"})])
    with Store(db) as st:
        row = st.search("cistrome")[1][0]
        assert row["source"] == {"Cell Line": "stated"}
        assert row["input"][11:15] == "K562" and row["evidence"]["Cell Line"]["span"] == [11, 15]


def test_evidence_json_round_trip_and_bad_cells():
    ev = {"span": [3, 7], "text": "K562", "key": "cell line"}
    assert decode_evidence(encode_evidence(ev)) == ev
    assert encode_evidence(None) is None and encode_evidence({}) is None
    assert decode_evidence(None) is None and decode_evidence("not json") is None and decode_evidence("[1, 2]") is None
