"""The ingest pipeline on tiny fixtures (tests/data/pipeline) with a tiny linear model."""

from __future__ import annotations

import csv
import gzip
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geoscribe.cli import app
from geoscribe.errors import InputError
from geoscribe.io import read_samples
from geoscribe.io.store import Store
from geoscribe.pipeline import ingest, plan_partitions, read_partition, sample_key
from geoscribe.schema import parse
from geoscribe.text import Sample, format_sample

DATA = Path(__file__).parents[1] / "data" / "pipeline"
SOURCE = DATA / "source"
ONTOLOGY = Path(__file__).parents[1] / "data" / "ontology" / "tiny"


def make_tiny_model(out: Path) -> Path:
    """A LinearBaseline on the 40 fixture pairs (about a second)."""
    from geoscribe.translate.baselines import LinearBaseline

    with open(DATA / "train_pairs.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    model = LinearBaseline(schema="cistrome").fit([r["input"] for r in rows], [parse(r["output"], "cistrome") for r in rows])
    return model.save(out)


def expected_samples() -> tuple[set[str], set[str]]:
    """Distinct keys of the fixture source, and those with text to translate."""
    keys, with_text = set(), set()
    for f in sorted(SOURCE.iterdir()):
        for pos, s in enumerate(read_samples(f)):
            k = sample_key(s, f.name, pos)
            if k not in keys and format_sample(s).strip():
                with_text.add(k)
            keys.add(k)
    return keys, with_text


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    return make_tiny_model(tmp_path_factory.mktemp("model") / "tiny-linear")


def dump(db: Path) -> tuple[list, list]:
    with Store(db) as st:
        return (st.execute("SELECT * EXCLUDE (read_at) FROM samples ORDER BY sample_key") if st.backend == "duckdb"
                else st.execute("SELECT sample_key, source_file, position FROM samples ORDER BY sample_key"),
                st.execute("SELECT sample_key, schema, attribute, value FROM annotations ORDER BY 1, 2, 3"))


def test_ingest_one_row_per_sample_and_traceable(tmp_path, tiny_model):
    db = tmp_path / "out.duckdb"
    summary = ingest(SOURCE, db, model=tiny_model, chunk_size=8, partition_size=10)
    keys, with_text = expected_samples()
    assert len(keys) == 47 and len(with_text) == 46  # the fixture: 2 duplicates, 1 row without text
    assert summary.read == 49 and summary.translated == 46
    assert sum(summary.skipped.values()) == 3 and summary.skipped["no text to translate"] == 1
    with Store(db) as st:
        assert {r[0] for r in st.execute("SELECT sample_key FROM samples")} == keys
        assert st.count() == 47
        n, distinct = st.execute("SELECT count(*), count(DISTINCT sample_key || attribute) FROM annotations")[0]
        assert n == distinct == 46 * 4
        assert {r[0] for r in st.execute("SELECT DISTINCT sample_key FROM annotations")} == with_text
        hashed = st.execute("SELECT sample_key, source_file, position FROM samples WHERE gsm = ''")
        assert len(hashed) == 2 and all(k.startswith("h:") for k, _, _ in hashed)
        assert {Path(f).name for _, f, _ in hashed} == {"samples.csv"} and {p for *_, p in hashed} == {10, 11}
        model, version = st.execute("SELECT DISTINCT model, model_version FROM annotations")[0]
        assert model == "tiny-linear:linear" and version != "unknown"
        # the translation stored is the model's, for the stored input line
        row = st.execute("SELECT input FROM samples WHERE sample_key = 'GSM100001'")[0][0]
        from geoscribe.translate import load_model

        rec = load_model(tiny_model).translate([row])[0]
        stored = dict(st.execute("SELECT attribute, value FROM annotations WHERE sample_key = 'GSM100001'"))
        assert stored == rec.values
        assert st.runs()[0]["status"] == "finished" and st.runs()[0]["n_read"] == 49


def test_second_run_adds_nothing_even_with_other_partitions(tmp_path, tiny_model):
    db = tmp_path / "out.duckdb"
    ingest(SOURCE, db, model=tiny_model, partition_size=10)
    before = dump(db)
    again = ingest(SOURCE, db, model=tiny_model, partition_size=10)
    assert again.read == 0 and again.partitions_done_before == again.partitions > 0
    other = ingest(SOURCE, db, model=tiny_model, partition_size=7)
    assert other.read == 0 and other.translated == 0
    assert dump(db) == before
    with Store(db) as st:
        assert len(st.runs()) == 3


def test_resume_after_failure_midway(tmp_path, tiny_model):
    db = tmp_path / "out.sqlite"
    commits = []

    def fail_after_three(event: str) -> None:
        if event == "batch-committed":
            commits.append(event)
            if len(commits) == 3:
                raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        ingest(SOURCE, db, model=tiny_model, chunk_size=5, partition_size=10, hook=fail_after_three)
    with Store(db) as st:
        assert 0 < st.count() < 47
    resumed = ingest(SOURCE, db, model=tiny_model, chunk_size=5, partition_size=10)
    assert 0 < resumed.read < 49  # started from the stored resume points
    keys, with_text = expected_samples()
    with Store(db) as st:
        assert {r[0] for r in st.execute("SELECT sample_key FROM samples")} == keys
        assert st.execute("SELECT count(*) FROM annotations")[0][0] == 4 * len(with_text)


def test_failure_inside_a_write_leaves_no_partial_batch(tmp_path, tiny_model):
    db = tmp_path / "out.duckdb"

    def fail_in_transaction(event: str) -> None:
        if event == "samples-written":
            raise RuntimeError("killed between the two inserts")

    with pytest.raises(RuntimeError):
        ingest(SOURCE, db, model=tiny_model, chunk_size=5, hook=fail_in_transaction)
    with Store(db) as st:  # the samples insert was rolled back with the rest
        assert st.count() == 0
        assert st.execute("SELECT count(*) FROM ingest_progress")[0][0] == 0


def test_sqlite_and_duckdb_hold_the_same(tmp_path, tiny_model):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.sqlite"
    ingest(SOURCE, a, model=tiny_model)
    ingest(SOURCE, b, model=tiny_model)
    assert dump(a)[1] == dump(b)[1]
    with Store(b) as st:
        assert st.backend == "sqlite" and st.count() == 47


def test_limit_takes_the_first_samples(tmp_path, tiny_model):
    summary = ingest(SOURCE, tmp_path / "x.duckdb", model=tiny_model, limit=12, partition_size=5)
    assert summary.read == 12
    with Store(tmp_path / "x.duckdb") as st:
        assert st.execute("SELECT max(position) FROM samples")[0][0] == 11


def _geometadb(path: Path, n: int) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE gsm (gsm TEXT, title TEXT, gpl TEXT, characteristics_ch1 TEXT, source_name_ch1 TEXT, "
                "type TEXT)")
    con.executemany("INSERT INTO gsm VALUES (?, ?, ?, ?, ?, ?)", [
        (f"GSM{i}", f"K562 CTCF {i}", "GPL1", "cell line: K562;\tantibody: CTCF", "K562", "genomic") for i in range(n)
    ])  # fmt: skip
    con.commit()
    con.close()
    return path


def test_geometadb_gz_partitions_read_like_the_reader(tmp_path):
    db = _geometadb(tmp_path / "g.sqlite", 23)
    gz = tmp_path / "g.sqlite.gz"
    with open(db, "rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    plan = plan_partitions(gz, partition_size=10)
    try:
        assert [(p.start, p.stop) for p in plan.partitions] == [(0, 10), (10, 20), (20, 23)]
        assert plan.partitions[0].source_file == str(gz.resolve()) and plan.workdir.is_dir()
        got = [s for p in plan.partitions for _, s in read_partition(p)]
        assert got == list(read_samples(db))
        assert {s.sample_type for s in got} == {"genomic"}  # the assay's evidence reaches the translator
        assert [pos for pos, _ in read_partition(plan.partitions[1], start=15)] == list(range(15, 20))
    finally:
        workdir = plan.workdir
        plan.cleanup()
    assert not workdir.exists()


def test_unreadable_files_are_reported_not_fatal(tmp_path, tiny_model):
    src = tmp_path / "src"
    shutil.copytree(SOURCE, src)
    (src / "broken.soft").write_bytes(b"\x00\x01binary")
    summary = ingest(src, tmp_path / "o.duckdb", model=tiny_model)
    assert summary.translated == 46
    assert list(summary.unreadable) == [str(src / "broken.soft")]
    assert any("unreadable file" in line for line in summary.lines())


def test_hashed_keys_are_stable():
    s = Sample(title="x")
    assert sample_key(s, "a.csv", 3) == sample_key(s, "a.csv", 3) != sample_key(s, "a.csv", 4)
    assert sample_key(Sample(gsm=" GSM1 "), "a.csv", 3) == "GSM1"


def test_bad_arguments(tmp_path, tiny_model):
    with pytest.raises(InputError, match="engine"):
        ingest(SOURCE, tmp_path / "o.duckdb", model=tiny_model, engine="spark")
    with pytest.raises(InputError, match="no such file"):
        ingest(tmp_path / "missing", tmp_path / "o.duckdb", model=tiny_model)


@pytest.fixture(scope="module")
def tiny_ontology(tmp_path_factory) -> Path:
    from geoscribe.ontology import build_index

    sources = {p.name.split("-ontology-")[0]: p for p in sorted(ONTOLOGY.glob("*.json"))}
    return build_index(tmp_path_factory.mktemp("onto") / "index.sqlite", sources=sources)


def test_normalise_stores_terms_and_term_search_uses_descendants(tmp_path, tiny_model, tiny_ontology):
    db = tmp_path / "n.duckdb"
    ingest(SOURCE, db, model=tiny_model, normalise=True, ontology=tiny_ontology)
    with Store(db, ontology=tiny_ontology) as st:
        curies = dict(st.execute(
            "SELECT value, curie FROM annotations WHERE attribute = 'Cell Line' AND curie IS NOT NULL GROUP BY ALL"
        ))  # fmt: skip
        assert curies["K562"] == "EFO:0002067"
        b_cells = {r[0] for r in st.execute(
            "SELECT sample_key FROM annotations WHERE attribute = 'Cell Type' AND curie = 'CL:0000236'"
        )}  # fmt: skip
        assert b_cells  # "B Lymphocyte" maps to B cell
        # lymphocyte is an ancestor of B cell: found with descendants, not without
        total, rows = st.search("cistrome", term="CL:0000542", limit=100)
        assert {r["sample_key"] for r in rows} == b_cells and total == len(b_cells)
        assert st.search("cistrome", term="CL:0000542", include_descendants=False)[0] == 0
        assert all(r["terms"]["Cell Type"]["label"] == "B cell" for r in rows)


def test_cli_ingest_and_query(tmp_path, tiny_model):
    db = tmp_path / "cli.duckdb"
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(SOURCE), "--db", str(db), "--model", str(tiny_model), "-q"])
    assert res.exit_code == 0, res.output
    assert "read 49, translated 46, skipped 3" in res.output
    res = runner.invoke(app, ["query", str(db), "counts", "--attribute", "cell line", "--where", "Factor:ctcf"])
    assert res.exit_code == 0, res.output
    with Store(db) as st:
        top = st.facets("cistrome", attributes=["Cell Line"], filters={"Factor": "CTCF"})["Cell Line"][0]
    assert res.output.splitlines()[0] == "Cell Line:" and res.output.splitlines()[1].split() == [str(top[1]), top[0]]
    res = runner.invoke(app, ["query", str(db), "samples", "--where", "Factor:CTCF", "--json", "-n", "2"])
    assert res.exit_code == 0 and len(res.output.splitlines()) == 2
    old = runner.invoke(app, ["query", str(db), "samples", "--where", "Factor=CTCF", "--json", "-n", "2"])
    assert old.exit_code == 0 and old.stdout == res.stdout
    assert "Note: filter 'Factor=CTCF': the 'Attribute=value' form is deprecated; write 'Factor:CTCF'" in old.stderr
    res = runner.invoke(app, ["query", str(db), "samples", "--where", "Colour"])
    assert res.exit_code == 1 and res.output.startswith("Error: filter 'Colour' is not 'Attribute:value'")
    res = runner.invoke(app, ["query", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 1 and "no such ingest database" in res.output
