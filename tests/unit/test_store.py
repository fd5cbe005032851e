"""The read API of the ingest database (geoscribe.io.store.Store), on DuckDB and SQLite."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from test_pipeline import SOURCE, make_tiny_model

from geoscribe.io.store import GCM_VIEWS, Store, StoreError
from geoscribe.pipeline import ingest


@pytest.fixture(scope="module", params=["duckdb", "sqlite"])
def db(request, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("store")
    model = make_tiny_model(tmp / "model")
    path = tmp / f"store.{request.param}"
    ingest(SOURCE, path, model=model)
    return path


def values(store: Store, attribute: str) -> dict[str, str]:
    return dict(store.execute(
        "SELECT sample_key, value FROM annotations WHERE schema = 'cistrome' AND attribute = ?", [attribute]
    ))  # fmt: skip


def test_schemas_and_count(db):
    with Store(db) as st:
        assert st.schemas() == ["cistrome"]
        assert st.count() == 47


def test_facets_count_values_most_frequent_first(db):
    with Store(db) as st:
        lines = values(st, "Cell Line")
        facets = st.facets("cistrome", attributes=["cell line"], limit=50)
        assert sorted(facets["Cell Line"]) == sorted(Counter(lines.values()).items())
        counts = [n for _, n in facets["Cell Line"]]
        assert counts == sorted(counts, reverse=True)
        assert len(st.facets("cistrome", limit=2)["Factor"]) == 2
        assert list(st.facets("cistrome")) == ["Cell Line", "Cell Type", "Tissue Type", "Factor"]


def test_facets_with_case_insensitive_filters(db):
    with Store(db) as st:
        lines, factors = values(st, "Cell Line"), values(st, "Factor")
        want = Counter(lines[k] for k, f in factors.items() if f.lower() == "ctcf")
        got = st.facets("cistrome", attributes=["Cell Line"], filters={"FACTOR": "ctcf"})["Cell Line"]
        assert dict(got) == dict(want) and want


def test_search_filters_text_and_pages(db):
    with Store(db) as st:
        factors = values(st, "Factor")
        ctcf = sorted(k for k, f in factors.items() if f == "CTCF")
        total, rows = st.search("cistrome", filters={"factor": "CTCF"}, limit=3)
        assert total == len(ctcf) and [r["sample_key"] for r in rows] == ctcf[:3]
        total2, rest = st.search("cistrome", filters={"factor": "CTCF"}, offset=3, limit=100)
        assert total2 == total and [r["sample_key"] for r in rest] == ctcf[3:]
        row = rows[0]
        assert set(row) >= {"gsm", "title", "series", "platform", "source_file", "input", "values", "confidence", "terms"}
        assert list(row["values"]) == ["Cell Line", "Cell Type", "Tissue Type", "Factor"]
        assert row["values"]["Factor"] == "CTCF" and 0 <= row["confidence"]["Factor"] <= 1
        assert Path(row["source_file"]).is_file()
        n, hits = st.search("cistrome", text="REP3", limit=50)  # titles 'X Y rep3' of the JSONL file
        assert n == 1 and "rep3" in hits[0]["title"]
        assert st.search("cistrome", text="%")[0] == 0  # LIKE wildcards are literal
        assert st.search("cistrome", term="EFO:0002067")[0] == 0  # not normalised: no terms


def test_gcm_views_pivot_annotations(db):
    with Store(db) as st:
        lines = values(st, "Cell Line")
        view = dict(st.execute("SELECT sample_key, cell_line FROM biosample WHERE schema = 'cistrome'"))
        assert view == lines
        factors = values(st, "Factor")
        assert dict(st.execute("SELECT sample_key, target FROM experiment_type")) == factors
        assert set(GCM_VIEWS) <= set(st.tables())


def test_errors_are_one_line_store_errors(db, tmp_path):
    with Store(db) as st:
        with pytest.raises(StoreError, match="no encode annotations"):
            st.facets("encode")
        with pytest.raises(StoreError, match="Unknown attribute 'Colour'"):
            st.search("cistrome", filters={"Colour": "red"})
        with pytest.raises(StoreError, match="Unknown attribute set"):
            st.search("nope")
    with pytest.raises(StoreError, match="no such ingest database"):
        Store(tmp_path / "absent.duckdb")
    other = tmp_path / "other.sqlite"
    import sqlite3

    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(StoreError, match="not a geoscribe ingest database"):
        Store(other)
