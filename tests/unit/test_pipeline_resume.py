"""Kill a real ingest process with SIGKILL midway, then resume; and the Dask engine
on a real LocalCluster of 2 worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_pipeline import SOURCE, dump, expected_samples, make_tiny_model

from geoscribe.io.store import Store
from geoscribe.pipeline import ingest

# The child runs a normal ingest; a hook prints a line at each event (and sleeps a
# little so that the parent's kill lands there), or the model is slowed down.
CHILD = textwrap.dedent("""
    import sys, time
    from geoscribe.pipeline import ingest
    from geoscribe.translate.baselines import LinearBaseline

    source, db, model, mode = sys.argv[1:5]
    if mode == "translate":
        fast = LinearBaseline.translate
        def slow(self, texts, **kw):
            print("translating", flush=True)
            time.sleep(0.4)
            return fast(self, texts, **kw)
        LinearBaseline.translate = slow

    def hook(event):
        if mode == "write" and event == "samples-written":
            print("in-transaction", flush=True)  # samples inserted, annotations not yet
            time.sleep(0.5)

    ingest(source, db, model=model, chunk_size=4, partition_size=10, hook=hook)
    print("finished", flush=True)
""")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return make_tiny_model(tmp_path_factory.mktemp("model") / "tiny-linear")


def run_and_kill(tmp_path: Path, db: Path, model: Path, mode: str, after: int) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, str(script), str(SOURCE), str(db), str(model), mode],
                            stdout=subprocess.PIPE, text=True, env=env)  # fmt: skip
    seen = 0
    try:
        for line in proc.stdout:
            if line.strip() == "finished":
                pytest.fail("the child finished before it was killed")
            seen += 1
            if seen == after:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.wait(timeout=60)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize(("mode", "after"), [("write", 3), ("translate", 5)])
def test_sigkill_then_resume_leaves_exactly_one_row_per_sample(tmp_path, model_dir, mode, after):
    db = tmp_path / "out.duckdb"
    run_and_kill(tmp_path, db, model_dir, mode, after)
    keys, with_text = expected_samples()
    with Store(db, read_only=False) as st:  # replays DuckDB's write-ahead log
        got = {r[0] for r in st.execute("SELECT sample_key FROM samples")}
        annotated = st.execute("SELECT sample_key, count(*) FROM annotations GROUP BY sample_key")
        assert 0 < len(got) < len(keys)  # killed midway
        # whole batches only: every stored sample with text has all 4 annotations
        assert {k for k, _ in annotated} == got & with_text and {n for _, n in annotated} == {4}
        assert st.runs()[0]["status"] == "running"  # the killed run's log row
    resumed = ingest(SOURCE, db, model=model_dir, chunk_size=4, partition_size=10)
    assert resumed.read < 49
    with Store(db) as st:
        assert {r[0] for r in st.execute("SELECT sample_key FROM samples")} == keys
        n, distinct = st.execute("SELECT count(*), count(DISTINCT sample_key || attribute) FROM annotations")[0]
        assert n == distinct == 4 * len(with_text)
    assert ingest(SOURCE, db, model=model_dir, chunk_size=4, partition_size=10).read == 0


@pytest.mark.slow
def test_dask_local_cluster_resumes_and_matches_local(tmp_path, model_dir):
    reference = tmp_path / "local.duckdb"
    ingest(SOURCE, reference, model=model_dir, partition_size=10)
    db = tmp_path / "dask.duckdb"
    commits = []

    def stop_after_two(event: str) -> None:
        if event == "batch-committed" and len(commits.append(1) or commits) == 2:
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):  # a partial local run first: Dask resumes from it
        ingest(SOURCE, db, model=model_dir, chunk_size=4, partition_size=10, hook=stop_after_two)
    summary = ingest(SOURCE, db, model=model_dir, engine="dask", n_workers=2, partition_size=10)
    assert summary.engine == "dask" and 0 < summary.read < 49
    assert dump(db)[1] == dump(reference)[1]
    assert dump(db)[0] == dump(reference)[0]
    again = ingest(SOURCE, db, model=model_dir, engine="dask", partition_size=10)
    assert again.read == 0 and again.partitions_done_before == again.partitions
