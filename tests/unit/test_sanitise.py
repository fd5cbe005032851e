"""Issue 22 item 2: one invalid character (a lone surrogate, a NUL) must not stop
translate, ingest or the service; and a per-text size cap (geoscribe.text.MAX_TEXT_CHARS)."""

from __future__ import annotations

import json
import logging

import pytest
from typer.testing import CliRunner

from geoscribe.cli import app
from geoscribe.io import read_samples
from geoscribe.text import MAX_TEXT_CHARS, Sample, cap, clean_input, sanitise, sanitise_sample

runner = CliRunner()
BAD = "Title: CTCF ChIP-seq in K562 \ud800 - Characteristics: cell line: K562\x00"


def test_sanitise_replaces_and_counts_invalid_code_points():
    assert sanitise("a\ud800b\udc80c\x00d\x07e\x7f\x85") == ("a\ufffdb\ufffdc\ufffdd\ufffde\ufffd\ufffd", 6)
    kept = "tab\there\nnew line\r\nK562 10 \u00b5g \u03b1-tubulin \U0001f9ec \ufffd"
    assert sanitise(kept) == (kept, 0)


def test_cap_cuts_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="geoscribe"):
        assert cap("x" * 10) == ("x" * 10, False)
        assert not caplog.records
        text, was_cut = cap("y" * (MAX_TEXT_CHARS + 5))
    assert was_cut and text == "y" * MAX_TEXT_CHARS
    assert "cut to the first 100000" in caplog.text
    assert clean_input("a\ud800" + "z" * MAX_TEXT_CHARS) == "a\ufffd" + "z" * (MAX_TEXT_CHARS - 2)


def test_sanitise_sample_counts_what_it_did():
    s = sanitise_sample(Sample(gsm="GSM1", title="a\ud800", description="d" * (MAX_TEXT_CHARS + 1)))
    assert (s.title, len(s.description), s.replaced, s.cut) == ("a\ufffd", MAX_TEXT_CHARS, 1, 1)
    clean = Sample(gsm="GSM2", title="fine")
    assert sanitise_sample(clean) is clean


def test_readers_sanitise_jsonl_and_csv(tmp_path):
    jsonl = tmp_path / "s.jsonl"
    jsonl.write_text('{"gsm": "GSM1", "input": "K562 \\ud800 CTCF\\u0000"}\n', encoding="utf-8")
    [s] = read_samples(jsonl)
    assert s.text == "K562 \ufffd CTCF\ufffd" and s.replaced == 2
    csv_file = tmp_path / "s.csv"  # a surrogate as UTF-8-ish bytes, and a NUL past the sniffed head
    csv_file.write_bytes(b"gsm,input\n" + b"GSM0,fine\n" * 1000 + b"GSM1,K562 \xed\xa0\x80 CTCF \x00\n")
    s = list(read_samples(csv_file))[-1]
    assert "\x00" not in s.text and "\x80" not in s.text and s.replaced == 2


def test_translate_cli_argv_and_stdin_with_invalid_characters(tiny_translator_dir):
    # before the sanitiser: TypeError (TextEncodeInput must be ...) from the tokenizer, a traceback
    result = runner.invoke(app, ["translate", "--model", str(tiny_translator_dir), BAD])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Cell Line: ")
    stdin = b"Title: MYC ChIP-seq in HeLa \xff\xfe\n" + BAD.encode("utf-8", "surrogatepass") + b"\n"
    result = runner.invoke(app, ["translate", "--model", str(tiny_translator_dir), "--to", "jsonl", "-"], input=stdin)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2 and rows[0]["input"] == "Title: MYC ChIP-seq in HeLa \ufffd\ufffd"
    assert "\ufffd" in rows[1]["input"] and rows[1]["output"].startswith("Cell Line: ")


def test_translate_api_with_invalid_characters(tiny_translator_dir):
    from geoscribe.translate import translate

    [a, b] = translate([BAD, Sample(title="K562 \udc80", characteristics="x" * (MAX_TEXT_CHARS + 10))],
                       model=tiny_translator_dir)
    assert a.render().startswith("Cell Line: ") and b.render().startswith("Cell Line: ")


def test_ingest_with_invalid_characters_stores_every_sample(tmp_path, tiny_translator_dir):
    pytest.importorskip("duckdb")
    from geoscribe.io.store import Store
    from geoscribe.pipeline import ingest

    src = tmp_path / "bad.jsonl"
    rows = [{"gsm": "GSM1", "input": BAD}, {"gsm": "GSM2", "input": "Title: ESR1 ChIP-seq in MCF-7"},
            {"gsm": "GSM3", "title": "NUL\u0000 and \udfff", "characteristics": "cell line: HeLa"}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")  # json escapes \ud800
    db = tmp_path / "o.duckdb"
    summary = ingest(src, db, model=tiny_translator_dir)
    assert (summary.read, summary.translated, summary.replaced) == (3, 3, 4)
    assert any("replaced 4 invalid characters" in line for line in summary.lines())
    with Store(db) as st:
        assert st.count() == 3
        [(text,)] = st.execute("SELECT input FROM samples WHERE gsm = 'GSM1'")
    assert "\ufffd" in text


def test_service_translate_with_invalid_characters(tiny_translator_dir):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from geoscribe.serve import create_app
    from geoscribe.translate import load_model

    client = TestClient(create_app(models={"cistrome": load_model(tiny_translator_dir)}))
    body = '{"texts": ["K562 \\ud800 CTCF", "HeLa \\u0000 \\udfff"]}'  # raw JSON: escaped lone surrogates
    resp = client.post("/translate", content=body, headers={"content-type": "application/json"})
    assert resp.status_code == 200, resp.text
    records = resp.json()["records"]
    assert [r["input"] for r in records] == ["K562 \ufffd CTCF", "HeLa \ufffd \ufffd"]
    assert all(r["output"].startswith("Cell Line: ") for r in records)
